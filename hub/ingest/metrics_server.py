"""Prometheus endpoint of a standalone worker (`dotmac-hub ingest`): `GET /metrics`.

The embedded worker's counters are on the API's `/metrics`; a worker on its own has no
HTTP server, so this is the smallest one that will do: one request per connection, the
request head read with a size and time limit, anything else refused with its status.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from hub.metrics import Metrics

log = logging.getLogger("dotmac.hub.ingest.metrics")
HEAD_LIMIT = 8192  # bytes of request line + headers


async def serve_metrics(metrics: Metrics, host: str, port: int,
                        read_timeout_s: float = 5.0) -> asyncio.Server:
    """Start serving; close the returned server to stop."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), read_timeout_s)
            status, body = answer(head, metrics)
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ConnectionError) as exc:
            log.debug("metrics.request_dropped error=%s", type(exc).__name__)
            writer.close()
            return
        payload = body.encode()
        writer.write(f"HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; "
                     f"charset=utf-8\r\nContent-Length: {len(payload)}\r\n"
                     "Connection: close\r\n\r\n".encode() + payload)
        with contextlib.suppress(ConnectionError):  # the scraper went away: nothing to tell
            await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, host, port, limit=HEAD_LIMIT)


def answer(head: bytes, metrics: Metrics) -> tuple[str, str]:
    """Status line and body for one request head."""
    parts = head.split(b"\r\n", 1)[0].decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        return "400 Bad Request", "bad request\n"
    method, target = parts[0], parts[1]
    if target.split("?", 1)[0] != "/metrics":
        return "404 Not Found", "only /metrics here\n"
    if method != "GET":
        return "405 Method Not Allowed", "GET only\n"
    return "200 OK", metrics.render()
