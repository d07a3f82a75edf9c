"""`dotmac-hub webhooks` as operators run it: a separate process delivering until SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.hub.events.receiver import running_receiver
from tests.hub.events.support import LOOPBACK, add_endpoint, standard_verifies
from tests.hub.harness import Hub

HUB = str(Path(sys.executable).parent / "dotmac-hub")


def test_help_has_examples() -> None:
    out = subprocess.run([HUB, "webhooks", "--help"], capture_output=True, text=True,
                         timeout=60, check=False)
    assert out.returncode == 0 and "Example" in out.stdout and "SKIP LOCKED" in out.stdout


async def test_standalone_worker_delivers_and_stops_on_sigterm(hub: Hub) -> None:
    owner = await hub.new_tenant("wh-cli")
    env = {**os.environ, "DOTMAC_HUB_DATABASE_URL": hub.settings.database_url,
           "DOTMAC_HUB_SECRET_KEY": hub.settings.secret_key,
           "DOTMAC_HUB_WEBHOOK_INTERVAL_S": "0.1", "DOTMAC_HUB_LOG_LEVEL": "info",
           "DOTMAC_HUB_WEBHOOK_ALLOW_PRIVATE_NETS": LOOPBACK}
    async with running_receiver() as rx:
        made = await add_endpoint(hub, owner, rx.url)
        proc = await asyncio.create_subprocess_exec(
            HUB, "webhooks", env=env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        try:
            ping = await hub.post(owner, f"/webhooks/endpoints/{made['id']}/ping", {})
            for _ in range(300):
                if rx.requests:
                    break
                await asyncio.sleep(0.05)
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, stderr.decode()[-2000:]
    assert [r.headers["webhook-id"] for r in rx.requests] == [ping["id"]], stderr.decode()
    assert standard_verifies(made["secret"], rx.requests[0].headers, rx.requests[0].body)
    logs = stderr.decode()
    assert f"webhooks.delivered delivery={ping['id']}" in logs
    assert made["secret"] not in logs
    assert rx.url not in logs
