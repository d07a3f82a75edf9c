"""Real SNMP under the scheduler: a dead and a slow device never delay the healthy ones.

Healthy devices are the real net-snmp ``snmpd``; the dead one is a UDP socket that never
answers; the slow one is a UDP relay to the same snmpd that holds every reply for 3 s.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import cast

import pytest
from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    get_cmd,
)

from edge_agent.scheduler import Scheduler
from tests.services.snmp import Snmpd

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SLOW_REPLY_S = 3.0


@dataclass(frozen=True)
class SnmpDev:
    name: str
    interval_s: float
    port: int
    community: str
    timeout_s: float


@dataclass
class Outcome:
    uptime: int | None = None
    error: str | None = None


@dataclass
class Collected:
    starts: dict[str, list[float]] = field(default_factory=dict)
    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)


class DelayedRelay(asyncio.DatagramProtocol):
    """Forwards requests to snmpd at once and delivers each reply ``delay`` seconds late."""

    def __init__(self, upstream: tuple[str, int], delay: float) -> None:
        self.upstream, self.delay = upstream, delay
        self.transport: asyncio.DatagramTransport | None = None
        self.pending: set[asyncio.Task[None]] = set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        task = asyncio.ensure_future(self._relay(data, addr))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _relay(self, data: bytes, addr: tuple[str, int]) -> None:
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[bytes] = loop.create_future()
        upstream, _ = await loop.create_datagram_endpoint(
            lambda: _OneReply(reply), remote_addr=self.upstream)
        try:
            upstream.sendto(data)
            answer = await asyncio.wait_for(reply, 5)
            await asyncio.sleep(self.delay)
            assert self.transport is not None
            self.transport.sendto(answer, addr)
        finally:
            upstream.close()


class _OneReply(asyncio.DatagramProtocol):
    def __init__(self, reply: asyncio.Future[bytes]) -> None:
        self.reply = reply

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if not self.reply.done():
            self.reply.set_result(data)


@pytest.fixture
def dead_port() -> Iterator[int]:
    """A bound UDP port that swallows every request (a powered-off device's address)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
async def slow_port(snmpd: Snmpd) -> AsyncIterator[int]:
    loop = asyncio.get_running_loop()
    transport, relay = await loop.create_datagram_endpoint(
        lambda: DelayedRelay((snmpd.host, snmpd.port), SLOW_REPLY_S),
        local_addr=("127.0.0.1", 0))
    yield transport.get_extra_info("sockname")[1]
    for task in list(relay.pending):
        task.cancel()
    transport.close()


def make_poll(engine: SnmpEngine, seen: Collected) -> Callable[[SnmpDev], Awaitable[Outcome]]:
    async def poll(dev: SnmpDev) -> Outcome:
        seen.starts.setdefault(dev.name, []).append(asyncio.get_running_loop().time())
        target = await UdpTransportTarget.create(("127.0.0.1", dev.port), timeout=dev.timeout_s,
                                                 retries=0)
        error, status, _, binds = await get_cmd(
            engine, CommunityData(dev.community), target, ContextData(),
            ObjectType(ObjectIdentity(SYS_UPTIME)))
        if error is not None or status:
            return Outcome(error="timeout" if "timeout" in str(error).lower() else "bad_response")
        return Outcome(uptime=int(binds[0][1]))
    return poll


async def test_dead_and_slow_devices_never_delay_healthy_ones(
    snmpd: Snmpd, dead_port: int, slow_port: int
) -> None:
    seen = Collected()

    async def sink(dev: SnmpDev, outcome: Outcome) -> None:
        seen.outcomes.setdefault(dev.name, []).append(outcome)

    healthy = [SnmpDev(f"healthy-{i}", 1.0, snmpd.port, snmpd.community, 2.0) for i in range(6)]
    dead = SnmpDev("dead", 1.0, dead_port, snmpd.community, 4.0)
    slow = SnmpDev("slow", 1.0, slow_port, snmpd.community, 5.0)
    scheduler = Scheduler([*healthy, dead, slow], make_poll(SnmpEngine(), seen), sink,
                          concurrency=4, deadline_factor=8, error_of=lambda o: o.error)
    scheduler.start()
    await asyncio.sleep(6.5)
    stats = scheduler.stats()
    await scheduler.stop()

    for dev in healthy:
        device = stats.devices[dev.name]
        assert device.cycles >= 5 and device.failures == 0 and device.skipped == 0
        gaps = [b - a for a, b in itertools.pairwise(seen.starts[dev.name])]
        # on schedule, every second; waiting for the dead (4 s) or slow device would be
        # a gap of 2 s or more, so a CPU stall on a busy machine is allowed for
        assert all(0.6 < gap < 1.5 for gap in gaps), gaps
        uptimes = [o.uptime for o in seen.outcomes[dev.name]]
        assert all(u is not None and u > 0 for u in uptimes)
    assert stats.devices["dead"].last_error == "timeout"
    assert stats.devices["dead"].skipped >= 3  # its 4 s timeout overran 3+ slots
    assert seen.outcomes["slow"][0].uptime is not None  # slow but correct
    assert stats.devices["slow"].last_duration_s is not None
    assert stats.devices["slow"].last_duration_s >= SLOW_REPLY_S
    assert stats.devices["slow"].skipped >= 2
    assert stats.device_errors == {"dead": "timeout"}
    assert stats.lag_p99_s < 0.5  # nobody waited for the dead (4 s) or slow device
    assert stats.duration_p50_s < 0.5  # the typical poll is fast; slow ones show per device
