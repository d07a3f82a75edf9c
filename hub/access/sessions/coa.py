"""CoA-Request and Disconnect-Request (RFC 5176) to a NAS, with retries (pyrad packets).

Only I/O and the retry rule live here; what to send and where the answer is stored is the
service's. A request the NAS does not answer is sent again unchanged (same Identifier and
authenticator, so the NAS can recognise a duplicate); a NAK whose Error-Cause may pass
(5xx other than 503: the NAS is busy, a proxy failed) is sent again as a new packet after
the backoff; other NAKs are final (a 4xx is our request's fault, 503 means the session is
gone). Each attempt is reported to `on_attempt` so the caller can keep the audit trail.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pyrad.dictionary import Dictionary
from pyrad.packet import (
    CoAACK,
    CoANAK,
    CoAPacket,
    CoARequest,
    DisconnectACK,
    DisconnectNAK,
    DisconnectRequest,
    Packet,
    PacketError,
)

log = logging.getLogger("dotmac.hub.access.coa")
DICTIONARY = Path(__file__).with_name("dictionary")
_CODES = {"coa": CoARequest, "disconnect": DisconnectRequest}
_ACKS = (CoAACK, DisconnectACK)
_NAKS = (CoANAK, DisconnectNAK)
SESSION_CONTEXT_NOT_FOUND = 503


@cache
def dictionary() -> Dictionary:
    """The attributes the sender knows (hub/access/sessions/dictionary), loaded once."""
    return Dictionary(str(DICTIONARY))


@dataclass(frozen=True)
class Target:
    """Where a request goes: the NAS's address, CoA port and shared secret."""

    address: str
    port: int
    secret: str


@dataclass(frozen=True)
class Timing:
    """How long to wait for an answer, how often to try, how the wait grows."""

    timeout_s: float = 2.0
    attempts: int = 3
    backoff: float = 2.0

    def wait(self, attempt: int) -> float:
        """Seconds to wait for the answer to attempt `attempt` (1-based)."""
        return self.timeout_s * self.backoff ** (attempt - 1)


@dataclass(frozen=True)
class Attempt:
    """The outcome of one packet sent: ack | nak | timeout | error."""

    number: int
    outcome: str
    error_cause: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Outcome:
    """The final answer: acked | nak | timeout | failed, after `attempts` packets."""

    status: str
    attempts: int
    error_cause: int | None = None
    detail: str = ""


OnAttempt = Callable[[Attempt], Awaitable[None]]


def retryable(error_cause: int | None) -> bool:
    """May a NAK with this Error-Cause succeed when sent again?"""
    if error_cause is None:
        return True
    return 500 <= error_cause < 600 and error_cause != SESSION_CONTEXT_NOT_FOUND


class _Answer(asyncio.DatagramProtocol):
    """One UDP socket connected to the NAS; the first datagram completes `reply`."""

    def __init__(self) -> None:
        self.replies: asyncio.Queue[bytes] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: Any) -> None:
        """Queue a datagram from the NAS."""
        self.replies.put_nowait(data)


def build(kind: str, target: Target, attributes: dict[str, Any]) -> CoAPacket:
    """A CoA- or Disconnect-Request carrying `attributes` (name -> value or list)."""
    packet = CoAPacket(code=_CODES[kind], secret=target.secret.encode(), dict=dictionary())
    for name, value in attributes.items():
        for item in value if isinstance(value, list) else [value]:
            packet.AddAttribute(name, item)
    return packet


def _read(request: CoAPacket, raw: bytes) -> Attempt | None:
    """The attempt a datagram answers, or None when it is not a valid reply to `request`."""
    try:
        reply = Packet(packet=raw, dict=dictionary(), secret=request.secret)
    except PacketError:
        return None
    if not request.VerifyReply(reply, raw) or reply.code not in (*_ACKS, *_NAKS):
        return None
    if reply.code in _ACKS:
        return Attempt(0, "ack")
    raw_causes = reply.get(101) or []  # by code: the raw 4-octet integer
    cause = (int.from_bytes(raw_causes[0], "big")
             if raw_causes and isinstance(raw_causes[0], bytes) and len(raw_causes[0]) == 4
             else None)
    return Attempt(0, "nak", cause, f"Error-Cause {cause}" if cause else "NAK")


async def _exchange(transport: asyncio.DatagramTransport, answer: _Answer,
                    request: CoAPacket, raw: bytes, wait_s: float) -> Attempt:
    transport.sendto(raw)
    deadline = asyncio.get_running_loop().time() + wait_s
    while True:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            return Attempt(0, "timeout", detail=f"no answer in {wait_s:g} s")
        try:
            data = await asyncio.wait_for(answer.replies.get(), left)
        except TimeoutError:
            continue
        found = _read(request, data)
        if found is not None:
            return found
        log.warning("access.coa_bad_reply nas=%s bytes=%d", transport.get_extra_info("peername"),
                    len(data))


async def send(kind: str, target: Target, attributes: dict[str, Any], timing: Timing,
               on_attempt: OnAttempt | None = None) -> Outcome:
    """Send the request until an ACK, a final NAK, or the attempts run out."""
    loop = asyncio.get_running_loop()
    try:
        transport, answer = await loop.create_datagram_endpoint(
            _Answer, remote_addr=(target.address, target.port))
    except OSError as exc:
        return Outcome("failed", 0, detail=f"cannot reach {target.address}: {exc}"[:300])
    try:
        return await _attempts(kind, target, attributes, timing, transport, answer, on_attempt)
    finally:
        transport.close()


async def _attempts(kind: str, target: Target, attributes: dict[str, Any], timing: Timing,
                    transport: asyncio.DatagramTransport, answer: _Answer,
                    on_attempt: OnAttempt | None) -> Outcome:
    request = build(kind, target, attributes)
    raw = request.RequestPacket()
    last = Attempt(0, "timeout")
    for number in range(1, timing.attempts + 1):
        got = await _exchange(transport, answer, request, raw, timing.wait(number))
        last = Attempt(number, got.outcome, got.error_cause, got.detail)
        if on_attempt is not None:
            await on_attempt(last)
        if last.outcome == "ack":
            return Outcome("acked", number)
        if last.outcome == "nak":
            if not retryable(last.error_cause) or number == timing.attempts:
                break
            await asyncio.sleep(timing.wait(number))  # a busy NAS gets a pause
            request = build(kind, target, attributes)  # answered: a new Identifier
            raw = request.RequestPacket()
    status = "nak" if last.outcome == "nak" else "timeout"
    return Outcome(status, last.number, last.error_cause, last.detail)
