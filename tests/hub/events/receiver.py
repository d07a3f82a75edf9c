"""A real HTTP receiver (uvicorn on a free loopback port) that records every webhook POST."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class TLSFiles:
    """A self-signed certificate valid for one DNS name only, and its key."""

    cert: Path
    key: Path

    def client_context(self) -> ssl.SSLContext:
        """A client context trusting only this certificate."""
        return ssl.create_default_context(cafile=str(self.cert))


def self_signed(directory: Path, dns_name: str = "localhost") -> TLSFiles:
    """Write a certificate for `dns_name` (no IP address in it) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    files = TLSFiles(directory / "receiver.crt", directory / "receiver.key")
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    return files


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
    scheme: str = "http"
    requests: list[Received] = field(default_factory=list)
    failures: int = 0
    fail_with: int = 500

    @property
    def url(self) -> str:
        """Base URL of this receiver."""
        return f"{self.scheme}://127.0.0.1:{self.port}"

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
async def running_receiver(tls: TLSFiles | None = None) -> AsyncIterator[Receiver]:
    """Start a receiver on 127.0.0.1:<free port> (https with `tls`); stop it at exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    receiver = Receiver(port=sock.getsockname()[1], scheme="https" if tls else "http")
    server = uvicorn.Server(uvicorn.Config(
        receiver, lifespan="off", log_level="warning", access_log=False,
        ssl_certfile=str(tls.cert) if tls else None, ssl_keyfile=str(tls.key) if tls else None))
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


@asynccontextmanager
async def trickling_server(step_s: float, steps: int) -> AsyncIterator[str]:
    """A loopback HTTP server that answers one header line every `step_s` (`steps` lines):
    no single read waits long, the whole answer takes `step_s * steps`. Yields its URL."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\n")
            for n in range(steps):
                await asyncio.sleep(step_s)
                writer.write(f"X-Slow-{n}: 1\r\n".encode())
                await writer.drain()
            writer.write(b"Content-Length: 0\r\n\r\n")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/slow"
    finally:
        server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 2)
