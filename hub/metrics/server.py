"""Prometheus endpoint of a standalone worker (`dotmac-hub ingest`, `dispatch`, `webhooks`).

An embedded worker's counters are on the API's `/metrics`; a worker on its own has no
HTTP server, so `hub.worker_runner` starts this one: prometheus_client's WSGI app on the
standard library's threaded WSGI server, in a daemon thread beside the worker's event loop.
Two limits on top of the library's defaults: only `/metrics` is answered, and a request
head must arrive within `read_timeout_s`, so a scraper that stalls holds one thread for that
long, not forever.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from prometheus_client import make_wsgi_app

from hub.metrics import Metrics

log = logging.getLogger("dotmac.hub.metrics")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _ScrapeHandler(WSGIRequestHandler):
    """One scrape per thread; the socket timeout bounds how long a request head may take."""

    server: _ScrapeServer
    # A request too broken to name its version still gets a status line.
    default_request_version = "HTTP/1.0"

    def setup(self) -> None:
        self.request.settimeout(self.server.read_timeout_s)
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("metrics.request %s", format % args)


class _ScrapeServer(ThreadingMixIn, WSGIServer):
    """Thread per connection; threads are daemons so stopping never waits on a scraper."""

    daemon_threads = True

    def __init__(self, host: str, port: int, read_timeout_s: float) -> None:
        family, _type, _proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        self.address_family = family  # read by the base constructor: IPv6 hosts work too
        self.read_timeout_s = read_timeout_s
        super().__init__((str(address[0]), int(address[1])), _ScrapeHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A scraper that timed out or went away is not worth a traceback on stderr.
        log.debug("metrics.request_dropped client=%s", client_address[0])


class MetricsEndpoint:
    """A running metrics server: `sockets`, `close()` and `wait_closed()` as asyncio's."""

    def __init__(self, httpd: _ScrapeServer) -> None:
        self._httpd = httpd
        self._serving = threading.Thread(target=httpd.serve_forever, name="metrics-http",
                                         daemon=True)
        self._serving.start()
        self._stopping: threading.Thread | None = None

    @property
    def sockets(self) -> list[socket.socket]:
        """The listening socket (its name tells the port when 0 was asked for)."""
        return [self._httpd.socket]

    def close(self) -> None:
        """Stop accepting scrapes; returns at once, `wait_closed()` waits for the end."""
        if self._stopping is None:
            self._stopping = threading.Thread(target=self._stop, name="metrics-http-stop",
                                              daemon=True)
            self._stopping.start()

    async def wait_closed(self) -> None:
        """Wait until the listening socket is closed."""
        if self._stopping is not None:
            await asyncio.to_thread(self._stopping.join)

    def _stop(self) -> None:
        self._httpd.shutdown()  # blocks until serve_forever notices: not on the event loop
        self._httpd.server_close()


def only_metrics_path(app: WsgiApp) -> WsgiApp:
    """prometheus_client answers any path; this port answers `/metrics` only."""

    def scrape(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"only /metrics here\n"]
        return app(environ, start_response)

    return scrape


async def serve_metrics(metrics: Metrics, host: str, port: int,
                        read_timeout_s: float = 5.0) -> MetricsEndpoint:
    """Start serving `metrics` on http://HOST:PORT/metrics; close the result to stop."""
    httpd = _ScrapeServer(host, port, read_timeout_s)
    httpd.set_app(only_metrics_path(make_wsgi_app(metrics.exposed)))
    return MetricsEndpoint(httpd)
