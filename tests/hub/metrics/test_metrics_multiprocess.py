"""`dotmac-hub serve --workers 2`: one scrape shows the totals of both workers.

Each worker is its own process; before prometheus_client's multiprocess mode a scrape
answered by one worker showed that worker's counts only, so counters jumped between
scrapes. The real command is started, requests are driven until both workers have served
some (each worker counts into its own file of the shared directory, named by its pid), and
one scrape must show every request.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.services._proc import ManagedProcess, free_port, tcp_open, wait_until

BIN = Path(sys.executable).parent
PARALLEL = 8  # requests in flight at once, each on its own connection
HEALTHZ_COUNT = re.compile(
    r'^dotmac_hub_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)$', re.M)


def _get(port: int, path: str) -> bytes:
    # urllib opens a new connection per request, so the kernel hands each to either worker.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as reply:
        assert reply.status == 200
        return bytes(reply.read())


def _bootstrapped(env: dict[str, str], folder: Path) -> None:
    """A migrated database with its signing key, so the two workers starting at the same
    moment only read it (on an empty one both would create the first key)."""
    boot = subprocess.run([str(BIN / "dotmac-hub"), "bootstrap", "--tenant", "Scrape ISP",
                           "--admin-email", "owner@scrape.example"],
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=300, check=False, cwd=folder)
    assert boot.returncode == 0, boot.stderr


def _workers_that_counted(tmp_path: Path) -> set[str]:
    """Pids with a counter file in the shared directory: the workers that served a request."""
    return {f.stem.rsplit("_", 1)[1] for f in tmp_path.glob("dotmac-hub-metrics-*/counter_*.db")}


def _drive_until_both_workers_served(port: int, tmp_path: Path, within_s: float) -> int:
    """Rounds of parallel GET /healthz until two workers have counted; returns how many."""
    sent = 0
    deadline = time.monotonic() + within_s
    with ThreadPoolExecutor(PARALLEL) as pool:
        while len(_workers_that_counted(tmp_path)) < 2:
            assert time.monotonic() < deadline, f"one worker served all {sent} requests"
            list(pool.map(lambda _: _get(port, "/healthz"), range(PARALLEL)))
            sent += PARALLEL
    return sent


def _scrape_until(port: int, expected: int, within_s: float) -> float:
    """The /healthz count of one scrape once it reaches `expected` (a worker records a
    request just after the reply has gone out), or the last count seen at the deadline."""
    deadline = time.monotonic() + within_s
    while True:
        found = HEALTHZ_COUNT.search(_get(port, "/metrics").decode())
        count = float(found.group(1)) if found else 0.0
        if count >= expected or time.monotonic() > deadline:
            return count


def test_one_scrape_sums_both_workers(tmp_path: Path) -> None:
    port = free_port()
    env = {"DOTMAC_HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}",
           "DOTMAC_HUB_PORT": str(port), "DOTMAC_HUB_INGEST_EMBEDDED": "false",
           "DOTMAC_HUB_BOOTSTRAP_PASSWORD": "scrape-test-password-1",
           "TMPDIR": str(tmp_path)}  # the serve command's shared directory lands here
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    _bootstrapped(env, tmp_path)
    hub = ManagedProcess([str(BIN / "dotmac-hub"), "serve", "--workers", "2"],
                         tmp_path / "hub.log", env=env, cwd=tmp_path).start()
    try:
        wait_until(lambda: tcp_open(port), 120, "dotmac-hub serve --workers 2",
                   tmp_path / "hub.log")
        sent = _drive_until_both_workers_served(port, tmp_path, within_s=300)
        assert _scrape_until(port, sent, within_s=60) == sent
    finally:
        hub.stop(timeout=30)
    assert not list(tmp_path.glob("dotmac-hub-metrics-*")), "shared directory left behind"
