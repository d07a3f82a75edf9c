"""The one runner of standalone workers: it serves the metrics port while the worker runs,
announces readiness only once the worker says it is ready (log line, systemd READY=1),
stops it on SIGTERM/SIGINT and closes what it holds. (`dotmac-hub ingest` and `webhooks`
run through it in tests/hub/ingest/test_faults.py and tests/hub/events/test_cli.py.)"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from hub.metrics import Metrics
from hub.worker_runner import StandaloneWorker, serve
from tests.services._proc import free_port
from tests.services.mosquitto import Broker


class LoopWorker:
    """A worker loop that does nothing but record what the runner asked of it."""

    def __init__(self) -> None:
        self.running, self.ready, self.stopping = (asyncio.Event(), asyncio.Event(),
                                                   asyncio.Event())
        self.closed = False

    async def run(self) -> None:
        self.running.set()
        await self.stopping.wait()

    def stop(self) -> None:
        self.stopping.set()

    async def close(self) -> None:
        assert self.stopping.is_set(), "closed while still running"
        self.closed = True


@pytest.fixture
def systemd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A datagram socket standing in for systemd's NOTIFY_SOCKET."""
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(path)
        sock.setblocking(False)
        monkeypatch.setenv("NOTIFY_SOCKET", path)
        yield sock


def _said(sock: socket.socket) -> list[bytes]:
    states = []
    while True:
        try:
            states.append(sock.recv(256))
        except BlockingIOError:
            return states


async def _until(check: Callable[[], bool], within_s: float, what: str) -> None:
    for _ in range(int(within_s / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what}: not within {within_s}s")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_ready_metrics_then_a_graceful_stop_on_a_signal(
        systemd: socket.socket, caplog: pytest.LogCaptureFixture, sig: signal.Signals) -> None:
    caplog.set_level(logging.INFO, logger="dotmac.hub.worker")
    loop, metrics, port = LoopWorker(), Metrics(), free_port()
    metrics.inc("dotmac_runner_test_total", "Counted by the runner test")
    task = asyncio.create_task(serve(StandaloneWorker(
        "test", loop.run, loop.stop, loop.close, ready=loop.ready.wait, metrics=metrics,
        metrics_port=port)))
    await asyncio.wait_for(loop.running.wait(), 10)
    async with httpx.AsyncClient() as client:
        scrape = await client.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert scrape.status_code == 200 and "dotmac_runner_test_total" in scrape.text
    assert _said(systemd) == []  # running is not ready: the worker decides
    loop.ready.set()
    states: list[bytes] = []

    def heard() -> bool:
        states.extend(_said(systemd))
        return bool(states)

    await _until(heard, 10, "READY=1")
    assert states == [b"READY=1"]
    os.kill(os.getpid(), sig)
    await asyncio.wait_for(task, 10)
    assert loop.closed and _said(systemd) == [b"STOPPING=1"]
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [f"worker.metrics_listening name=test address=127.0.0.1:{port}",
                     "worker.ready name=test", f"worker.stopping name=test signal={sig.name}",
                     "worker.stopped name=test"]
    with pytest.raises(httpx.ConnectError):  # the metrics port closed with the worker
        async with httpx.AsyncClient() as client:
            await client.get(f"http://127.0.0.1:{port}/metrics", timeout=5)


async def test_without_a_metrics_port_or_systemd_it_just_runs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    loop = LoopWorker()
    task = asyncio.create_task(serve(StandaloneWorker("plain", loop.run, loop.stop,
                                                      loop.close)))
    await asyncio.wait_for(loop.running.wait(), 10)
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(task, 10)
    assert loop.closed
    # the handlers went with the worker: the next SIGTERM would be the default again
    assert signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None)


async def test_a_failing_worker_is_still_closed() -> None:
    closed = []

    async def broken() -> None:
        raise RuntimeError("storage exploded")

    async def close() -> None:
        closed.append(True)

    with pytest.raises(RuntimeError, match="storage exploded"):
        await serve(StandaloneWorker("broken", broken, lambda: None, close))
    assert closed == [True]


def test_dotmac_hub_dispatch_runs_through_the_runner(tmp_path: Path, mosquitto: Broker
                                                      ) -> None:
    """The standalone dispatcher as systemd runs it: ready, then a clean stop on SIGTERM."""
    hub = str(Path(sys.executable).parent / "dotmac-hub")
    env = {**os.environ, "DOTMAC_HUB_DATABASE_URL":
           f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}", "DOTMAC_HUB_LOG_LEVEL": "info",
           "DOTMAC_HUB_BROKER_HOST": mosquitto.host, "DOTMAC_HUB_BROKER_PORT": str(mosquitto.port),
           "DOTMAC_HUB_JOBS_USERNAME": mosquitto.hub.username,
           "DOTMAC_HUB_JOBS_PASSWORD": mosquitto.hub.password}
    upgraded = subprocess.run([hub, "db", "upgrade"], env=env, capture_output=True, text=True,
                              timeout=120, check=False)
    assert upgraded.returncode == 0, upgraded.stderr
    log = tmp_path / "dispatch.log"
    with log.open("w") as sink:
        proc = subprocess.Popen([hub, "dispatch"], env=env, stdout=sink,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "worker.ready name=dispatch" not in log.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(30)
    said = log.read_text()
    assert code == 0, said
    assert "worker.stopping name=dispatch signal=SIGTERM" in said
    assert "worker.stopped name=dispatch" in said
    assert mosquitto.hub.password not in said
