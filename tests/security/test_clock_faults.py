"""Threat: an agent's clock far off loses or corrupts data silently.

A box without an RTC battery boots at 1970; a fresh agent queue then seeded its seq from
that clock, so every message (also after NTP fixed the clock: the seq is persisted) was
refused as `stale_seq`, and the broker's PUBACK deleted it on the agent. A clock in 2040
stamped samples that won the latest-value upserts and pushed real readings into "late".

The agent here is real (its SQLite queue and batcher, under an injected clock), talks to
the real broker, and the hub is a real ingest worker on PostgreSQL and VictoriaMetrics.
Both directions: at 1970 nothing is refused and nothing lost (the 1970-stamped telemetry
is kept whole in quarantine as `past_timestamp`, everything after the clock fix is
stored); at 2040 the samples are quarantined as `future_timestamp` and the latest values
keep the real reading. `dotmac-agent doctor` compares the clock with the hub's `Date`.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edge_agent.batching import Batcher
from edge_agent.doctor import FAIL, check_clock, hub_time
from edge_agent.queue import SqliteQueue
from hub.ingest import AgentRegistry, IngestWorker, MqttOptions, Pipeline
from hub.metrics import Metrics
from hub.tsdb import InfluxStore
from protocol import (
    AgentHealth,
    Channel,
    DeviceFacts,
    Sample,
    build,
    hub_ingest_subscription,
)
from tests.hub.ingest.harness import (
    Publisher,
    Tenancy,
    new_tenancy,
    register_agent,
    sql,
    token,
    wait_for,
)
from tests.services.mosquitto import Broker
from tests.services.victoria import Victoria

DEADLINE_S = 60.0  # generous: the machine is shared; every wait ends on a state
AT_1970 = datetime(1970, 1, 1, 0, 5, tzinfo=UTC)
AT_2040 = datetime(2040, 6, 1, tzinfo=UTC)


class FakeClock:
    """The agent box's wall clock: wrong until `fix()` (NTP synchronises)."""

    def __init__(self, wrong: datetime) -> None:
        self.offset = wrong - datetime.now(UTC)

    def now(self) -> datetime:
        """What the box believes the time is."""
        return datetime.now(UTC) + self.offset

    def epoch(self) -> float:
        """The same as seconds since the epoch (the queue's clock)."""
        return self.now().timestamp()

    def fix(self) -> None:
        """NTP corrected the clock."""
        self.offset = timedelta(0)


@dataclass
class Box:
    """One agent box: its queue and batcher on a clock, and its broker login."""

    name: str
    clock: FakeClock
    queue: SqliteQueue
    batcher: Batcher
    publisher: Publisher

    async def poll(self, device: str, value: float) -> None:
        """One poll of a CPU gauge, stamped by the box's clock, queued durably."""
        await self.batcher.add_samples([Sample(
            device=device, metric="cpu_load_percent", value=value, kind="gauge",
            ts=self.clock.now(), labels={"hrDeviceIndex": "1"})])

    async def deliver(self) -> list[int]:
        """Publish every queued message, delete each on its PUBACK (as the agent does);
        the seqs sent."""
        sent = []
        for queued in await self.queue.peek(100):
            await asyncio.to_thread(self.publisher.raw, build(self.name, queued.item.channel),
                                    queued.item.payload)
            await self.queue.ack([queued.id])
            sent.append(queued.item.seq)
        return sent


async def _box(tmp: Path, name: str, clock: FakeClock, publisher: Publisher) -> Box:
    queue = await SqliteQueue.open(tmp / name / "queue.sqlite", clock=clock.epoch)
    batcher = Batcher(name, queue, queue.seq_counter(), clock=clock.now)
    return Box(name, clock, queue, batcher, publisher)


@dataclass
class Hub:
    """An in-process ingest worker and what it wrote."""

    worker: IngestWorker
    sessions: async_sessionmaker[AsyncSession]

    async def seen(self, agent: str) -> list[int]:
        rows = await sql(self.sessions, "SELECT seq FROM ingest_seen WHERE agent_id = :a "
                         "ORDER BY seq", a=uuid.UUID(agent))
        return [int(r[0]) for r in rows]

    async def quarantined(self, agent: str) -> list[tuple[str, bytes, int]]:
        return [(r[0], bytes(r[1]), int(r[2])) for r in await sql(
            self.sessions, "SELECT q.reason, q.payload, q.payload_size FROM ingest_quarantine "
            "q JOIN agents a ON a.name = q.agent_name WHERE a.id = :a ORDER BY q.received_at",
            a=uuid.UUID(agent))]

    async def latest(self, tenant: Tenancy, device: str) -> list[tuple[float, datetime]]:
        return [(float(r[0]), r[1]) for r in await sql(
            self.sessions, "SELECT value, ts FROM latest_values WHERE tenant_id = :t AND "
            "device = :d AND metric = 'cpu_load_percent'", t=tenant.tenant_id, d=device)]


@pytest_asyncio.fixture(loop_scope="session")
async def hub(mosquitto: Broker, victoria: Victoria,
              sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Hub]:
    """A worker with the default clock bounds (10 minutes ahead, 7 days behind)."""
    group = token("grp")
    pipeline = Pipeline(sessions, InfluxStore(victoria.url),
                        AgentRegistry(sessions, ttl_s=1.0, names=True))
    options = MqttOptions(mosquitto.host, mosquitto.port, mosquitto.hub.username,
                          mosquitto.hub.password, f"{group}-w0",
                          hub_ingest_subscription(group), session_expiry_s=300)
    worker = IngestWorker(pipeline, options, Metrics(), concurrency=2, max_backoff_s=0.5)
    task = asyncio.create_task(worker.run())
    await worker.wait_connected()
    yield Hub(worker, sessions)
    worker.stop()
    await asyncio.gather(task, return_exceptions=True)
    await pipeline.tsdb.close()


async def _agent(mosquitto: Broker, sessions: async_sessionmaker[AsyncSession]
                 ) -> tuple[str, Tenancy, Publisher]:
    where = await new_tenancy(sessions)
    agent = str(await register_agent(sessions, where, token("agent")))  # its registry id
    return agent, where, Publisher(mosquitto, mosquitto.add_user(agent))


async def _until(check: Callable[[], Any], expected: Any, what: str) -> None:
    async def same() -> bool:
        return bool(await check() == expected)
    await wait_for(same, DEADLINE_S, what)


async def test_a_box_at_1970_loses_nothing(hub: Hub, mosquitto: Broker, tmp_path: Path,
                                           sessions: async_sessionmaker[AsyncSession]) -> None:
    name, where, publisher = await _agent(mosquitto, sessions)
    device = token("pop-rtr")
    try:
        # Its earlier life with a good clock: the hub's high-water mark is "now" in ms.
        before = await _box(tmp_path / "before", name, FakeClock(datetime.now(UTC)), publisher)
        await before.poll(device, 10.0)
        first = await before.deliver()
        await _until(lambda: hub.seen(name), first, "the earlier life stored")
        await before.queue.close()
        # The state folder is wiped and the box reboots at 1970: a fresh queue.
        box = await _box(tmp_path / "after", name, FakeClock(AT_1970), publisher)
        for value in (11.0, 12.0, 13.0):
            await box.poll(device, value)
        await box.batcher.add_inventory([DeviceFacts(device=device, address="192.0.2.1",
                                                     profile="net_snmp_linux")])
        at_1970 = await box.deliver()
        assert max(at_1970) < first[0] - 100_000  # far below the hub's window
        await _until(lambda: _reasons(hub, name), ["past_timestamp"] * 3,
                     "the 1970-stamped telemetry quarantined")
        box.clock.fix()  # NTP: the clock is right, the queue keeps its 1970-seeded seq
        for value in (14.0, 15.0):
            await box.poll(device, value)
        after_fix = await box.deliver()
        await _until(lambda: hub.seen(name), sorted([*first, at_1970[3], *after_fix]),
                     "inventory and every message after the fix stored")
        kept = await hub.quarantined(name)
        assert all(len(payload) == size for _r, payload, size in kept)  # whole: replayable
        assert [v for v, _ts in await hub.latest(where, device)] == [15.0]
        assert hub.worker.metrics.value("dotmac_ingest_rejected_total",
                                        reason="stale_seq") == 0
        assert hub.worker.metrics.value("dotmac_ingest_rejected_total",
                                        reason="past_timestamp") == 3
        await box.queue.close()
    finally:
        publisher.close()


async def test_a_box_in_2040_cannot_override_the_latest_values(
        hub: Hub, mosquitto: Broker, tmp_path: Path,
        sessions: async_sessionmaker[AsyncSession]) -> None:
    name, where, publisher = await _agent(mosquitto, sessions)
    device = token("pop-rtr")
    try:
        good = await _box(tmp_path / "good", name, FakeClock(datetime.now(UTC)), publisher)
        await good.poll(device, 20.0)
        first = await good.deliver()
        await _until(lambda: _values(hub, where, device), [20.0], "a real reading stored")
        real = await hub.latest(where, device)
        await good.queue.close()
        box = await _box(tmp_path / "future", name, FakeClock(AT_2040), publisher)
        await box.poll(device, 99.0)
        await box.deliver()
        health = AgentHealth(agent_id=name, seq=await box.queue.seq_counter().take(),
                             ts=box.clock.now(), queue_depth=0, queue_bytes=0,
                             oldest_queued_age_s=0, dropped_samples=0, poll_duration_p50_s=1,
                             poll_duration_p95_s=1, devices_total=1, uptime_s=60)
        await asyncio.to_thread(publisher.send, health, Channel.HEALTH)
        await wait_for(lambda: hub.worker.metrics.value(
            "dotmac_ingest_agent_clock_off_total") == 1, DEADLINE_S,
            "the hub flags the agent's clock from its health message")
        await _until(lambda: _reasons(hub, name), ["future_timestamp"],
                     "the 2040 sample quarantined")
        assert await hub.latest(where, device) == real
        box.clock.fix()
        await box.poll(device, 21.0)
        fixed = await box.deliver()
        await _until(lambda: _values(hub, where, device), [21.0],
                     "the next real reading is the latest value")
        assert set(fixed) <= set(await hub.seen(name))  # (the first one's row is pruned:
        # it is far below the 2040-seeded high-water mark, so no longer needed)
        assert first[0] < fixed[0]
        assert hub.worker.metrics.value("dotmac_ingest_rejected_total",
                                        reason="future_timestamp") == 1
        await box.queue.close()
    finally:
        publisher.close()


async def _reasons(hub: Hub, agent: str) -> list[str]:
    return [reason for reason, _p, _s in await hub.quarantined(agent)]


async def _values(hub: Hub, where: Tenancy, device: str) -> list[float]:
    return [value for value, _ts in await hub.latest(where, device)]


def test_doctor_reports_a_clock_far_from_the_hubs() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _DateOnly)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hub_now = hub_time(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
    assert hub_now is not None and abs(hub_now.timestamp() - time.time()) < 5
    assert check_clock(AT_2040, hub_now).verdict == FAIL
    assert "ahead of the hub" in check_clock(AT_2040, hub_now).detail
    behind = check_clock(hub_now - timedelta(hours=2), hub_now)
    assert behind.verdict == FAIL and "behind the hub" in behind.detail
    assert check_clock(AT_1970, hub_now).verdict == FAIL
    assert check_clock(hub_now + timedelta(seconds=3), hub_now).verdict != FAIL
    assert hub_time(None) is None


class _DateOnly(BaseHTTPRequestHandler):
    """Any HTTP server's answer: `send_response` adds the `Date` header."""

    def do_HEAD(self) -> None:
        self.send_response(404)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        return
