"""Device events (protocol 1.3, `up/events`) through a real broker into real ingest workers
and PostgreSQL: each batch reaches the DeviceEventsReported consumer once, in ingest's
transaction; hostile batches are refused under their reason; health carries the counters."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub import domain_events
from hub.broker import DynsecAdmin
from hub.handlers import wire
from hub.ingest.events import DeviceEventsReported
from protocol import (
    EXAMPLES,
    AgentHealth,
    Channel,
    DeviceEventBatch,
    EventCounters,
    EventRecord,
    build,
    encode,
)
from tests.hub.ingest.harness import (
    Publisher,
    Tenancy,
    make_workers,
    new_tenancy,
    register_agent,
    sql,
    token,
    wait_for,
)
from tests.services.mosquitto import Broker
from tests.services.victoria import Victoria


@dataclass
class Recorder:
    """What the DeviceEventsReported consumer saw, and what ingest had written by then."""

    events: list[DeviceEventsReported] = field(default_factory=list)
    seen_in_transaction: list[bool] = field(default_factory=list)
    fail_first: int = 0

    async def __call__(self, session: AsyncSession, event: DeviceEventsReported) -> None:
        # Ingest's dedupe row is visible here: the consumer runs inside its transaction.
        found = await session.scalar(text(
            "SELECT count(*) FROM ingest_seen WHERE agent_id = :a AND channel = "
            "'device_events' AND seq = :s"), {"a": event.agent_id, "s": event.report.seq})
        self.seen_in_transaction.append(found == 1)
        self.events.append(event)
        if self.fail_first > 0:
            self.fail_first -= 1
            raise RuntimeError("alarms consumer failed (test)")

    def seqs(self, agent: str) -> list[int]:
        """Seqs of the batches the consumer accepted for `agent`, in order."""
        return [e.report.seq for e in self.events if e.report.agent_id == agent]


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """Only the recorder consumes DeviceEventsReported during the test (alarms' own handler
    is not under test here); the hub's wiring is restored afterwards."""
    got = Recorder()
    domain_events.bus.clear()
    domain_events.bus.subscribe(DeviceEventsReported, got)
    try:
        yield got
    finally:
        wire()


def record(n: int, origin: str = "snmp_trap", **changes: Any) -> EventRecord:
    """One link_down event of interface `n`, received a few seconds ago."""
    now = datetime.now(UTC)
    fields: dict[str, Any] = {
        "event_id": uuid.uuid4(), "event_type": "link_down", "severity": "major",
        "origin": origin, "source": "192.0.2.10", "device_id": str(uuid.uuid4()),
        "device_name": "sw1", "labels": {"ifIndex": str(n), "ifName": f"Gi0/{n}"},
        "raw": f"linkDown ifIndex.{n}={n}", "rule": "generic.link_down",
        "received_at": now - timedelta(seconds=5), "device_time": now - timedelta(seconds=6)}
    return EventRecord(**(fields | changes))


def batch(agent: str, seq: int, *events: EventRecord) -> DeviceEventBatch:
    """A device_events message of `agent`."""
    return DeviceEventBatch(agent_id=agent, seq=seq, ts=datetime.now(UTC), events=list(events))


def mutated(agent: str, seq: int, **changes: Any) -> bytes:
    """A valid batch's JSON with its first event's fields replaced (hostile input)."""
    document: dict[str, Any] = json.loads(encode(batch(agent, seq, record(1))))
    document["events"][0].update(changes)
    return json.dumps(document).encode()


async def test_batches_reach_the_consumer_once_and_are_counted_per_origin(
        mosquitto: Broker, victoria: Victoria, sessions: async_sessionmaker[AsyncSession],
        recorder: Recorder) -> None:
    where = await new_tenancy(sessions)
    agent = token("evagent")
    agent_id = await register_agent(sessions, where, agent)
    publisher = Publisher(mosquitto, mosquitto.add_user(agent))
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"), count=2)
    await workers.start()
    topic = build(agent, Channel.EVENTS)
    first = batch(agent, 1, record(1), record(2), record(3, origin="syslog"))
    second = batch(agent, 2, record(4, count=7, last_received_at=datetime.now(UTC)))
    try:
        publisher.raw(topic, encode(first))
        publisher.raw(topic, encode(second))
        for _ in range(3):  # redelivered copies (same seq) of both
            publisher.raw(topic, encode(first))
            publisher.raw(topic, encode(second))
        await wait_for(lambda: workers.counter("dotmac_ingest_rejected_total",
                                               reason="duplicate") >= 6, 30, "all eight copies")
    finally:
        await workers.stop()
        publisher.close()
    assert sorted(recorder.seqs(agent)) == [1, 2]
    assert all(recorder.seen_in_transaction)
    got = {e.report.seq: e for e in recorder.events}
    assert got[1].report == first and got[2].report == second
    assert (got[1].tenant_id, got[1].site_id, got[1].agent_id, got[1].agent_name) == (
        where.tenant_id, where.site_id, agent_id, agent)
    assert got[1].received_at.tzinfo is not None
    assert got[2].report.events[0].count == 7
    assert workers.counter("dotmac_ingest_messages_total", result="stored") == 2
    assert workers.counter("dotmac_ingest_device_events_total", origin="snmp_trap") == 3
    assert workers.counter("dotmac_ingest_device_events_total", origin="syslog") == 1
    seen = await sql(sessions, "SELECT seq FROM ingest_seen WHERE agent_id = :a AND "
                     "channel = 'device_events' ORDER BY seq", a=agent_id)
    assert seen == [(1,), (2,)]


async def test_a_failing_consumer_keeps_the_batch_unacknowledged_until_it_commits(
        mosquitto: Broker, victoria: Victoria, sessions: async_sessionmaker[AsyncSession],
        recorder: Recorder) -> None:
    where = await new_tenancy(sessions)
    agent = token("evfail")
    agent_id = await register_agent(sessions, where, agent)
    publisher = Publisher(mosquitto, mosquitto.add_user(agent))
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"), count=1)
    await workers.start()
    recorder.fail_first = 2  # the consumer's transaction rolls back twice
    try:
        publisher.send(batch(agent, 1, record(1)), Channel.EVENTS)
        await wait_for(lambda: workers.counter("dotmac_ingest_messages_total",
                                               result="stored") >= 1, 30, "the stored batch")
    finally:
        await workers.stop()
        publisher.close()
    assert recorder.seqs(agent) == [1, 1, 1]  # handed over three times, committed once
    assert workers.counter("dotmac_ingest_storage_retries_total", kind="RuntimeError") == 2
    assert workers.counter("dotmac_ingest_rejected_total", reason="internal_error") == 0
    seen = await sql(sessions, "SELECT count(*) FROM ingest_seen WHERE agent_id = :a",
                     a=agent_id)
    assert seen == [(1,)]  # the rolled-back attempts left no dedupe row behind


def _hostile(agent: str) -> list[tuple[str, str, bytes]]:
    """(reason, channel, payload) of batches the hub must refuse."""
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    too_many = json.loads(encode(batch(agent, 20, record(1))))
    too_many["events"] = [too_many["events"][0] | {"event_id": str(uuid.uuid4())}
                          for _ in range(501)]
    return [
        ("schema_violation", "up/events", json.dumps(too_many).encode()),
        ("schema_violation", "up/events", mutated(agent, 21, event_type="Link Down")),
        ("schema_violation", "up/events", mutated(agent, 22, severity="emergency")),
        ("schema_violation", "up/events", mutated(agent, 23, received_at="2025-03-01T12:00:00")),
        ("schema_violation", "up/events", mutated(agent, 24, raw="x" * 1025)),
        ("schema_violation", "up/events",
         mutated(agent, 25, labels={f"l{i}": "v" for i in range(33)})),
        ("schema_violation", "up/events", mutated(agent, 26, source="not-an-ip")),
        ("nul_in_text", "up/events", mutated(agent, 27, raw="link\u0000down")),
        ("future_timestamp", "up/events", mutated(agent, 28, received_at=future)),
        ("topic_mismatch", "up/telemetry", encode(batch(agent, 29, record(1)))),
        ("topic_mismatch", "up/events", encode(EXAMPLES["health"].model_copy(
            update={"agent_id": agent}))),
        ("unknown_version", "up/events", json.dumps(
            json.loads(encode(batch(agent, 30, record(1)))) | {"v": "1.4"}).encode()),
    ]


async def test_hostile_batches_are_refused_counted_and_quarantined(
        mosquitto: Broker, victoria: Victoria, sessions: async_sessionmaker[AsyncSession],
        recorder: Recorder) -> None:
    where = await new_tenancy(sessions)
    agent = token("evhostile")
    await register_agent(sessions, where, agent)
    publisher = Publisher(mosquitto, mosquitto.add_user(agent))
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"), count=2)
    await workers.start()
    hostile = _hostile(agent)
    expected: dict[str, int] = {}
    for reason, _channel, _payload in hostile:
        expected[reason] = expected.get(reason, 0) + 1
    try:
        for _reason, channel, payload in hostile:
            publisher.raw(f"dm/v1/{agent}/{channel}", payload)
        publisher.send(batch(agent, 40, record(9)), Channel.EVENTS)  # the one good batch
        await wait_for(lambda: all(workers.counter("dotmac_ingest_rejected_total", reason=r)
                                   >= n for r, n in expected.items())
                       and workers.counter("dotmac_ingest_messages_total", result="stored")
                       >= 1, 30, "every hostile batch processed")
        assert all(not task.done() for task in workers.tasks), "a worker died"
    finally:
        await workers.stop()
        publisher.close()
    assert {r: workers.counter("dotmac_ingest_rejected_total", reason=r)
            for r in expected} == expected
    assert recorder.seqs(agent) == [40]
    rows = await sql(sessions, "SELECT reason, count(*) FROM ingest_quarantine WHERE "
                     "agent_name = :a GROUP BY reason", a=agent)
    assert dict(rows) == expected


async def test_health_stores_the_event_counters(
        mosquitto: Broker, victoria: Victoria, sessions: async_sessionmaker[AsyncSession],
        recorder: Recorder) -> None:
    where = await new_tenancy(sessions)
    agent = token("evhealth")
    agent_id = await register_agent(sessions, where, agent)
    publisher = Publisher(mosquitto, mosquitto.add_user(agent))
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"), count=1)
    await workers.start()
    health = AgentHealth(agent_id=agent, seq=1, ts=datetime.now(UTC), queue_depth=0,
                         queue_bytes=0, oldest_queued_age_s=0.0, dropped_samples=0,
                         poll_duration_p50_s=0.1, poll_duration_p95_s=0.2, devices_total=0,
                         uptime_s=60.0, events=EventCounters(received=10_500, accepted=9_000,
                                                             folded=400, dropped=1_100,
                                                             refused=3))
    query = "SELECT events_received, events_dropped FROM agent_health WHERE agent_id = :a"
    try:
        publisher.send(health, Channel.HEALTH)
        await wait_for(lambda: _rows(sessions, query, agent_id, [(10_500, 1_100)]), 30,
                       "the first health report")
        # A 1.2 agent (no event receivers) reports none: the row holds the newest report.
        older = json.loads(encode(health.model_copy(update={"seq": 2, "events": None})))
        publisher.raw(build(agent, Channel.HEALTH), json.dumps(older | {"v": "1.2"}).encode())
        await wait_for(lambda: _rows(sessions, query, agent_id, [(None, None)]), 30,
                       "the 1.2 health report")
    finally:
        await workers.stop()
        publisher.close()
    assert recorder.events == []


async def _rows(sessions: async_sessionmaker[AsyncSession], query: str, agent_id: uuid.UUID,
                want: list[tuple[Any, ...]]) -> bool:
    return [tuple(r) for r in await sql(sessions, query, a=agent_id)] == want


async def test_an_agent_login_granted_through_dynsec_may_publish_events(
        mosquitto: Broker, victoria: Victoria, sessions: async_sessionmaker[AsyncSession],
        recorder: Recorder) -> None:
    # Enrollment's dynsec role (literal topics, no %u) must cover the channel 1.3 added.
    where: Tenancy = await new_tenancy(sessions)
    agent = token("evdyn")
    await register_agent(sessions, where, agent)
    password = secrets.token_urlsafe(16)
    admin = DynsecAdmin(mosquitto.host, mosquitto.port, mosquitto.dynsec_admin.username,
                        mosquitto.dynsec_admin.password)
    await admin.grant_agent(agent, password)
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"), count=1)
    await workers.start()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=agent, protocol=mqtt.MQTTv5)
    client.username_pw_set(agent, password)
    client.connect(mosquitto.host, mosquitto.port, keepalive=30)
    client.loop_start()
    try:
        info = client.publish(build(agent, Channel.EVENTS), encode(batch(agent, 1, record(5))),
                              qos=1)
        info.wait_for_publish(10)
        await wait_for(lambda: recorder.seqs(agent) == [1], 30, "the dynsec agent's batch")
    finally:
        client.disconnect()
        client.loop_stop()
        await workers.stop()
        await admin.revoke_agent(agent)
    assert recorder.events[0].report.events[0].labels["ifIndex"] == "5"
