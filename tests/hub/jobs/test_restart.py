"""An agent process killed (SIGKILL) in the middle of a change and started again: the job
ends in a definite state at the hub, never stuck running."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hub.jobs.conftest import (
    Site,
    Stack,
    agent_seen,
    create_job,
    final,
    new_site,
    stack,
    wait_job,
)
from tests.ssh_sim import Simulator

__all__ = ["stack"]
PORT = "GigabitEthernet0/2"
AGENT = Path(sys.executable).parent / "dotmac-agent"
pytestmark = pytest.mark.asyncio(loop_scope="session")


def start_agent(site: Site, log: Path) -> subprocess.Popen[bytes]:
    """`dotmac-agent run` as its own process (so it can really be killed)."""
    with log.open("ab") as out:
        return subprocess.Popen([str(AGENT), "run", "--config", str(site.config)],
                                stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ))


def stop_agent(proc: subprocess.Popen[bytes], sig: int) -> None:
    """Send `sig` and reap the process."""
    if proc.poll() is None:
        proc.send_signal(sig)
        proc.wait(30)


async def test_agent_killed_mid_job_settles_the_job_after_restart(
        stack: Stack, ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    dev.faults.delay_s = 1.0  # every command is slow: the kill lands inside the change
    site = await new_site(stack, dev, tmp_path)
    log = tmp_path / "agent.log"
    proc = start_agent(site, log)
    try:
        await agent_seen(stack, site.agent_id)
        job = await create_job(stack, site.device_id, "suspend_customer", interface=PORT)
        await wait_job(stack, job["id"], lambda j: j["state"] == "running", within_s=30)
        for _ in range(100):  # until the device has seen the first configuration line
            if any(c.startswith("interface") for c in dev.state.commands):
                break
            await asyncio.sleep(0.1)
        stop_agent(proc, signal.SIGKILL)
        killed_at = (await stack.hub.client.get(f"/jobs/{job['id']}",
                                                headers=stack.owner.headers)).json()
        assert killed_at["state"] == "running", killed_at

        dev.faults.delay_s = 0.0
        proc = start_agent(site, log)
        done = await wait_job(stack, job["id"], final, within_s=30)
    finally:
        stop_agent(proc, signal.SIGTERM)
    assert (done["state"], done["error_code"]) == ("failed", "internal"), done
    assert "restarted while this job was running" in done["output"]
    assert [h["to_state"] for h in done["history"]] == [
        "queued", "dispatched", "running", "failed"]
    # Settled, not re-run: the restarted agent never logged in again for this job.
    assert dev.state.logins == 1, log.read_text()[-3000:]
