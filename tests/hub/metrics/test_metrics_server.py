"""A standalone worker's /metrics over a real socket: the counters, and refusals of
anything else without the server getting stuck (prometheus_client's WSGI app on the
standard library's threaded server, limited to /metrics and to a read timeout)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest_asyncio

from hub.ingest.worker import LATE, REJECTED
from hub.metrics import Metrics
from hub.metrics.server import serve_metrics


@pytest_asyncio.fixture
async def endpoint() -> AsyncIterator[tuple[int, Metrics]]:
    metrics = Metrics()
    server = await serve_metrics(metrics, "127.0.0.1", 0, read_timeout_s=0.3)
    yield server.sockets[0].getsockname()[1], metrics
    server.close()
    await server.wait_closed()
    assert server.sockets[0].fileno() == -1  # the listening socket is closed


async def _exchange(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    reply = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    return reply


async def test_get_metrics_serves_the_worker_counters(endpoint: tuple[int, Metrics]) -> None:
    port, metrics = endpoint
    metrics.inc(REJECTED, "Messages refused by reason", reason="schema_violation")
    metrics.inc(LATE, "Late counter readings", 8)
    reply = await _exchange(port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    head, body = reply.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.0 200 OK")
    assert f"Content-Length: {len(body)}".encode() in head
    text = body.decode()
    assert 'dotmac_ingest_rejected_total{reason="schema_violation"} 1' in text
    assert "dotmac_ingest_late_readings_skipped_total 8" in text


async def test_other_requests_are_refused_and_the_server_keeps_serving(
        endpoint: tuple[int, Metrics]) -> None:
    port, _metrics = endpoint
    refused = {b"POST /metrics HTTP/1.1\r\n\r\n": b"405", b"GET /admin HTTP/1.1\r\n\r\n": b"404",
               b"\x16\x03\x01garbage\r\n\r\n": b"400",
               b"GET /" + b"x" * 10_000 + b" HTTP/1.1\r\n\r\n": b"404"}
    for request, status in refused.items():
        assert (await _exchange(port, request)).split(b" ")[1] == status
    assert await _exchange(port, b"GET /metrics HTTP/1.1") == b""  # never finished: dropped
    assert await _exchange(port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n") == b""
    assert b" 200 OK" in await _exchange(port, b"GET /metrics?x=1 HTTP/1.0\r\n\r\n")
