"""Running one hub worker as its own process (`dotmac-hub ingest`, `dispatch`, `webhooks`).

What every standalone worker needs is done here, once: logging, a graceful stop on SIGTERM
and SIGINT (systemd, Ctrl-C), readiness (a `worker.ready` log line and, under a systemd
`Type=notify` unit, READY=1) and the Prometheus port. A worker brings only its loop: `run`
until `stop` is called, then `close` what it holds. Inside the API process the same loops
run as `hub.background.EmbeddedLoop` tasks instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from hub.metrics import Metrics
from hub.metrics.server import serve_metrics

log = logging.getLogger("dotmac.hub.worker")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class _Listening(Protocol):
    def close(self) -> None: ...

    async def wait_closed(self) -> None: ...


async def _at_once() -> None:
    """Readiness of a worker that works as soon as it runs."""


@dataclass(frozen=True)
class StandaloneWorker:
    """One worker loop and what the runner needs to know about it."""

    name: str  # in log lines: ingest, dispatch, webhooks
    run: Callable[[], Awaitable[None]]  # returns after `stop`
    stop: Callable[[], None]
    close: Callable[[], Awaitable[None]]  # release connections (after `run` returned)
    ready: Callable[[], Awaitable[object]] = _at_once  # returns once the worker does its job
    metrics: Metrics | None = None
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 0  # 0: no metrics port


def run_process(main: Coroutine[Any, Any, None], log_level: str) -> None:
    """The body of a worker command: logging set up, then `main` until it returns."""
    configure_logging(log_level)
    asyncio.run(main)


def configure_logging(level: str) -> None:
    """Structured lines on stderr at `level` (debug, info, warning, error)."""
    logging.basicConfig(level=level.upper(), format=LOG_FORMAT)


async def serve(worker: StandaloneWorker) -> None:
    """Run `worker` until SIGTERM/SIGINT, then let it finish its pass and close it."""
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, _stop, worker, sig)
    server = await _metrics_server(worker)
    announcer = asyncio.create_task(_announce_ready(worker), name=f"{worker.name}-ready")
    try:
        await worker.run()
    finally:
        announcer.cancel()
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
        if server is not None:
            server.close()
            await server.wait_closed()
        await worker.close()
        log.info("worker.stopped name=%s", worker.name)


def _stop(worker: StandaloneWorker, sig: signal.Signals) -> None:
    log.info("worker.stopping name=%s signal=%s", worker.name, sig.name)
    notify_systemd("STOPPING=1")
    worker.stop()


async def _metrics_server(worker: StandaloneWorker) -> _Listening | None:
    if not worker.metrics_port:
        return None
    server = await serve_metrics(worker.metrics or Metrics(), worker.metrics_host,
                                 worker.metrics_port)
    log.info("worker.metrics_listening name=%s address=%s:%d", worker.name,
             worker.metrics_host, worker.metrics_port)
    return server


async def _announce_ready(worker: StandaloneWorker) -> None:
    await worker.ready()
    log.info("worker.ready name=%s", worker.name)
    notify_systemd("READY=1")


def notify_systemd(state: str) -> None:
    """Tell systemd the worker's state (sd_notify protocol: one datagram to
    $NOTIFY_SOCKET); nothing when not started by a `Type=notify` unit."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]  # abstract socket namespace
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.sendall(state.encode())
