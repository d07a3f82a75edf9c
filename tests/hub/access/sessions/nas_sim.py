"""A NAS's dynamic-authorization side for tests: a real RFC 5176 server on UDP (pyrad's
asyncio server and packet classes) that records every CoA-Request and Disconnect-Request
it receives and answers ACK, or NAK with an Error-Cause, as the test asks.

    async with nas_simulator("radius-secret", nak_first=2, error_cause=506) as nas:
        ...  # point a NAS row at nas.address / nas.port
        await nas.wait_for(3)   # three requests received (polls, with a deadline)
        nas.received[0].attributes["Acct-Session-Id"]
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from pyrad.packet import CoANAK, CoAPacket, DisconnectNAK, DisconnectRequest
from pyrad.server import RemoteHost
from pyrad.server_async import ServerAsync

from hub.access.sessions.coa import dictionary

log = logging.getLogger("tests.nas_sim")


@dataclass(frozen=True)
class Received:
    """One request the simulated NAS got, decoded, and what it answered."""

    kind: str  # coa | disconnect
    packet_id: int
    attributes: dict[str, list[Any]]
    answered: str  # ack | nak


@dataclass
class Behaviour:
    """How to answer: NAK the first `nak_first` requests (with `error_cause`), then ACK;
    `silent_first` requests get no answer at all (a lost packet)."""

    nak_first: int = 0
    error_cause: int | None = 506
    silent_first: int = 0
    seen: int = 0


class NasSimulator(ServerAsync):  # type: ignore[misc]  # pyrad is untyped
    """The dynamic-authorization server of one simulated NAS."""

    def __init__(self, secret: str, port: int, behaviour: Behaviour) -> None:
        super().__init__(coa_port=port, hosts={"0.0.0.0": RemoteHost("0.0.0.0",
                                                                     secret.encode(), "hub")},
                         dictionary=dictionary(), enable_pkt_verify=True)
        self.behaviour = behaviour
        self.received: list[Received] = []
        self.address, self.port = "127.0.0.1", port

    def handle_auth_packet(self, protocol: Any, pkt: Any, addr: Any) -> None:
        """Not a RADIUS server: never called (only the CoA port listens)."""

    def handle_acct_packet(self, protocol: Any, pkt: Any, addr: Any) -> None:
        """Not a RADIUS server: never called (only the CoA port listens)."""

    def handle_coa_packet(self, protocol: Any, pkt: CoAPacket, addr: Any) -> None:
        """Record and answer a CoA-Request."""
        self._answer(protocol, pkt, addr)

    def handle_disconnect_packet(self, protocol: Any, pkt: CoAPacket, addr: Any) -> None:
        """Record and answer a Disconnect-Request."""
        self._answer(protocol, pkt, addr)

    def _answer(self, protocol: Any, pkt: CoAPacket, addr: Any) -> None:
        b = self.behaviour
        b.seen += 1
        kind = "disconnect" if pkt.code == DisconnectRequest else "coa"
        # pyrad: keys() gives names (iterating gives codes)
        attributes = {name: list(pkt[name]) for name in pkt.keys()  # noqa: SIM118
                      if isinstance(name, str)}
        if b.seen <= b.silent_first:
            self.received.append(Received(kind, pkt.id, attributes, "none"))
            return
        nak = b.seen <= b.silent_first + b.nak_first
        reply = self.CreateReplyPacket(pkt)
        if nak:
            reply.code = DisconnectNAK if kind == "disconnect" else CoANAK
            if b.error_cause is not None:
                reply.AddAttribute("Error-Cause", b.error_cause)
        self.received.append(Received(kind, pkt.id, attributes, "nak" if nak else "ack"))
        protocol.send_response(reply, addr)

    async def wait_for(self, count: int, timeout_s: float = 30.0) -> list[Received]:
        """The requests received once there are at least `count` (fails at the deadline)."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while len(self.received) < count:
            assert asyncio.get_running_loop().time() < deadline, (
                f"the NAS simulator got {len(self.received)} requests, expected {count}")
            await asyncio.sleep(0.02)
        return self.received


def free_udp_port() -> int:
    """A UDP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def nas_simulator(secret: str, *, nak_first: int = 0, error_cause: int | None = 506,
                        silent_first: int = 0) -> AsyncIterator[NasSimulator]:
    """A listening simulator on 127.0.0.1 and a free port; closed on exit."""
    server = NasSimulator(secret, free_udp_port(),
                          Behaviour(nak_first, error_cause, silent_first))
    await server.initialize_transports(enable_coa=True, addresses=["127.0.0.1"])
    try:
        yield server
    finally:
        await server.deinitialize_transports()


@dataclass
class SimulatorPool:
    """Simulators started on demand and kept for the session (the route matrices)."""

    running: dict[str, NasSimulator] = field(default_factory=dict)

    async def get(self, secret: str, address: str) -> NasSimulator:
        """An always-ACK simulator on `address` (any 127.0.0.0/8 address), started on
        first use."""
        if address not in self.running:
            server = NasSimulator(secret, free_udp_port(), Behaviour())
            await server.initialize_transports(enable_coa=True, addresses=[address])
            server.address = address
            self.running[address] = server
        return self.running[address]
