"""A real HTTP receiver (uvicorn on a free loopback port) that records every webhook POST."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn


@dataclass(frozen=True)
class Received:
    """One request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def doc(self) -> dict[str, Any]:
        """The JSON body."""
        result: dict[str, Any] = json.loads(self.body)
        return result


@dataclass
class Receiver:
    """Records requests; answers `fail_with` for the next `failures` requests, then 200."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    failures: int = 0
    fail_with: int = 500

    @property
    def url(self) -> str:
        """Base URL of this receiver."""
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer `status` to the next `count` requests."""
        self.failures, self.fail_with = count, status

    def of_type(self, type_: str) -> list[Received]:
        """Requests carrying events of one type."""
        return [r for r in self.requests if r.doc["type"] == type_]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """The ASGI app."""
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.requests.append(Received(scope["path"], headers, body, time.monotonic()))
        status = 200
        if self.failures > 0:
            self.failures -= 1
            status = self.fail_with
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok" if status == 200 else b"no"})


@asynccontextmanager
async def running_receiver() -> AsyncIterator[Receiver]:
    """Start a receiver on 127.0.0.1:<free port>; stop it at exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    receiver = Receiver(port=sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(receiver, lifespan="off", log_level="warning",
                                           access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(500):  # up to 5 s
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "webhook receiver did not start"
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task
        sock.close()


def dead_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"
