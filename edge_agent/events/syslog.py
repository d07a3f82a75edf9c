"""Syslog receivers: UDP (one message per datagram) and TCP (RFC 6587 framing).

TCP senders frame either by octet counting (`123 <34>1 ...`, first byte a digit) or by a
trailing newline (first byte `<`); the first byte of each frame decides, as RFC 6587 says.
Lines longer than `max_message_bytes` are cut and counted, invalid UTF-8 is replaced and
counted, and a line no format fits still becomes a generic `syslog` event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from edge_agent.events.classify import syslog_event
from edge_agent.events.mapping import EventCatalog
from edge_agent.events.model import EventSink
from edge_agent.events.sources import SourceMap, normalise_address
from edge_agent.events.syslog_parse import parse_line
from edge_agent.events.traps import ReceiverError

log = logging.getLogger(__name__)

_MAX_LENGTH_DIGITS = 9


@dataclass(frozen=True)
class SyslogSettings:
    """Listening addresses; a port of None disables that transport."""

    host: str = "0.0.0.0"  # noqa: S104 - devices send from anywhere; the source map decides
    udp_port: int | None = 514
    tcp_port: int | None = 514
    max_message_bytes: int = 8192
    max_connections: int = 256


@dataclass
class SyslogStats:
    """Counters for health."""

    received: dict[str, int] = field(default_factory=dict)
    formats: dict[str, int] = field(default_factory=dict)
    oversized: int = 0
    invalid_utf8: int = 0
    unknown_sources: int = 0
    refused_connections: int = 0
    framing_errors: int = 0


def _bump(table: dict[str, int], key: str) -> None:
    table[key] = table.get(key, 0) + 1


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, handle: Callable[[bytes, str, str], None]) -> None:
        self._handle = handle

    def datagram_received(self, data: bytes, addr: Any) -> None:
        """One datagram is one message (RFC 5426)."""
        self._handle(data, str(addr[0]), "udp")


class SyslogServer:
    """UDP and TCP syslog listeners feeding mapped events to `sink`."""

    def __init__(self, settings: SyslogSettings, catalog: EventCatalog, sources: SourceMap,
                 sink: EventSink) -> None:
        self.settings, self._catalog, self.sources, self._sink = settings, catalog, sources, sink
        # `sources` may be replaced while running (devices reloaded): read per message.
        self.stats = SyslogStats()
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp: asyncio.Server | None = None
        self._clients: set[asyncio.Task[None]] = set()

    @property
    def udp_port(self) -> int | None:
        """The bound UDP port, None when UDP is off."""
        return None if self._udp is None else int(self._udp.get_extra_info("sockname")[1])

    @property
    def tcp_port(self) -> int | None:
        """The bound TCP port, None when TCP is off."""
        return None if self._tcp is None else int(self._tcp.sockets[0].getsockname()[1])

    @property
    def connections(self) -> int:
        """Open TCP connections right now."""
        return len(self._clients)

    async def start(self) -> None:
        """Bind the configured ports; ReceiverError names the fix when a bind fails."""
        s, loop = self.settings, asyncio.get_running_loop()
        try:
            if s.udp_port is not None:
                self._udp, _ = await loop.create_datagram_endpoint(
                    lambda: _Udp(self._handle), local_addr=(s.host, s.udp_port))
            if s.tcp_port is not None:
                self._tcp = await asyncio.start_server(
                    self._serve_client, s.host, s.tcp_port, limit=s.max_message_bytes + 16)
        except OSError as exc:
            await self.close()
            raise ReceiverError(
                f"syslog receiver: cannot bind {s.host} udp {s.udp_port} / tcp {s.tcp_port} "
                f"({exc.strerror}); for ports below 1024 grant CAP_NET_BIND_SERVICE "
                "(see docs/events.md) or choose another port") from exc

    async def close(self) -> None:
        """Stop listening and drop open TCP connections (idempotent)."""
        if self._udp is not None:
            self._udp.close()
            self._udp = None
            await asyncio.sleep(0)  # the datagram socket closes on the next loop turn
        if self._tcp is not None:
            self._tcp.close()
            for task in list(self._clients):
                task.cancel()
            await asyncio.gather(*self._clients, return_exceptions=True)
            await self._tcp.wait_closed()
            self._tcp = None

    def _handle(self, data: bytes, address: str, transport: str) -> None:
        try:
            self._event(data, normalise_address(address), transport)
        except Exception:  # one hostile line must never stop the listener
            log.exception("syslog: message failed source=%s bytes=%d", address, len(data))

    def _event(self, data: bytes, source: str, transport: str) -> None:
        _bump(self.stats.received, transport)
        if len(data) > self.settings.max_message_bytes:
            self.stats.oversized += 1
            data = data[: self.settings.max_message_bytes]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.stats.invalid_utf8 += 1
            text = data.decode("utf-8", errors="replace")
        now = datetime.now(UTC)
        message = parse_line(text, now)
        _bump(self.stats.formats, message.format)
        device = self.sources.device(source)
        if device is None:
            self.stats.unknown_sources += 1
        self._sink(syslog_event(self._catalog, message, source, device, now))

    async def _serve_client(self, reader: asyncio.StreamReader,
                            writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is None or len(self._clients) >= self.settings.max_connections:
            self.stats.refused_connections += 1
            writer.close()
            return
        self._clients.add(task)
        address = str(writer.get_extra_info("peername")[0])
        try:
            while (frame := await self._frame(reader)) is not None:
                if frame.strip():
                    self._handle(frame, address, "tcp")
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._clients.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _frame(self, reader: asyncio.StreamReader) -> bytes | None:
        first = await reader.read(1)
        if not first:
            return None
        if first.isdigit():
            return await self._counted(reader, first)
        return first + await self._line(reader)

    async def _counted(self, reader: asyncio.StreamReader, first: bytes) -> bytes:
        digits = first
        while len(digits) <= _MAX_LENGTH_DIGITS:
            char = await reader.readexactly(1)
            if char == b" ":
                return await self._exactly(reader, int(digits))
            if not char.isdigit():
                # Not octet counting after all: a bare line that starts with a digit.
                self.stats.framing_errors += 1
                return digits + char + await self._line(reader)
            digits += char
        self.stats.framing_errors += 1
        return digits + await self._line(reader)

    async def _exactly(self, reader: asyncio.StreamReader, length: int) -> bytes:
        keep = self.settings.max_message_bytes + 1  # one more so _event counts it oversized
        data = await reader.readexactly(min(length, keep))
        remaining = length - len(data)
        while remaining > 0:
            remaining -= len(await reader.readexactly(min(remaining, 65536)))
        return data

    async def _line(self, reader: asyncio.StreamReader) -> bytes:
        try:
            return await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as exc:
            return exc.partial  # the sender closed after its last line: still a message
        except asyncio.LimitOverrunError:
            head = await reader.read(self.settings.max_message_bytes + 1)
            await self._discard_line(reader)
            return head

    async def _discard_line(self, reader: asyncio.StreamReader) -> None:
        while True:
            try:
                await reader.readuntil(b"\n")
                return
            except asyncio.LimitOverrunError as exc:
                await reader.read(exc.consumed)
            except asyncio.IncompleteReadError:
                return
