"""Forward TCP ports between network namespaces (the test host's and this machine's).

    python -m tests.ansible.nsbridge /run/netns/X:22@:40022 :8883@/run/netns/X:8883

Each rule is ``CONNECT@LISTEN``, each side ``NETNS_FILE:PORT`` on 127.0.0.1 (an empty netns
file means the namespace this process started in). The listening socket and every
upstream socket are created inside their namespace with setns(2), so no veth pair, routes
or addresses outside loopback are needed. Prints ``ready`` once every listener is bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)
_HOME = os.open("/proc/self/ns/net", os.O_RDONLY)


@dataclass(frozen=True)
class End:
    """A port on 127.0.0.1 of one network namespace."""

    netns: str
    port: int

    @classmethod
    def parse(cls, text: str) -> End:
        """``NETNS_FILE:PORT`` (empty file: this process's namespace)."""
        netns, _, port = text.rpartition(":")
        return cls(netns, int(port))


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)}; run as root")


@contextlib.contextmanager
def _inside(netns: str) -> Iterator[None]:
    if not netns:
        yield
        return
    fd = os.open(netns, os.O_RDONLY)
    try:
        _setns(fd)
        yield
    finally:
        _setns(_HOME)
        os.close(fd)


def _socket_in(netns: str) -> socket.socket:
    with _inside(netns):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    return sock


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass  # the other side went away: closing below is all that is left to do
    finally:
        writer.close()


async def _serve(connect: End, listen: End) -> asyncio.Server:
    server_sock = _socket_in(listen.netns)
    server_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server_sock.bind(("127.0.0.1", listen.port))
    server_sock.listen(64)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = _socket_in(connect.netns)
        try:
            await asyncio.get_running_loop().sock_connect(upstream, ("127.0.0.1", connect.port))
        except OSError:
            upstream.close()
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(sock=upstream)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    return await asyncio.start_server(handle, sock=server_sock)


async def main(rules: list[str]) -> None:
    """Bind every rule, say ready, forward until killed."""
    servers = []
    for rule in rules:
        connect, _, listen = rule.partition("@")
        servers.append(await _serve(End.parse(connect), End.parse(listen)))
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
