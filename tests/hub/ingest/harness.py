"""Shared pieces of the ingest tests: a migrated database, agents, workers, a publisher."""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub import migrations
from hub.db import create_engine, session_factory
from hub.ingest import AgentRegistry, IngestWorker, MqttOptions, Pipeline
from hub.ingest.models import InterfaceRollup
from hub.ingest.rollup import bucket_start
from hub.inventory.models import Agent, Site
from hub.metrics import Metrics
from hub.tenants.models import Tenant
from hub.tsdb import InfluxStore
from protocol import (
    Channel,
    Envelope,
    Sample,
    TelemetryBatch,
    build,
    encode,
    hub_ingest_subscription,
)
from tests.hub.harness import create_database
from tests.services.mosquitto import Broker, Credentials
from tests.services.postgres import Postgres


def token(prefix: str) -> str:
    """A name nobody else in this session uses (lowercase: valid agent id)."""
    return f"{prefix}-{secrets.token_hex(4)}"


def pg_url(postgres: Postgres, name: str) -> str:
    """SQLAlchemy URL of database `name` on the session server."""
    return f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"


def migrated_database(postgres: Postgres, prefix: str) -> str:
    """A fresh database at the newest schema; returns its SQLAlchemy URL."""
    url = pg_url(postgres, create_database(postgres.admin_dsn, prefix))
    migrations.upgrade(url)
    return url


@dataclass
class Tenancy:
    """One tenant with one site in the hub database."""

    tenant_id: uuid.UUID
    site_id: uuid.UUID


async def new_tenancy(sessions: async_sessionmaker[AsyncSession]) -> Tenancy:
    """Create a tenant and a site directly in the database."""
    async with sessions() as session, session.begin():
        tenant = Tenant(name=token("isp"))
        session.add(tenant)
        await session.flush()
        site = Site(tenant_id=tenant.id, name=token("pop"), description="")
        session.add(site)
        await session.flush()
        return Tenancy(tenant.id, site.id)


async def register_agent(sessions: async_sessionmaker[AsyncSession], where: Tenancy,
                         name: str, revoked: bool = False) -> uuid.UUID:
    """Add an agent row (as enrollment would) and return its id."""
    async with sessions() as session, session.begin():
        agent = Agent(tenant_id=where.tenant_id, site_id=where.site_id, name=name,
                      status="revoked" if revoked else "active",
                      revoked_at=datetime.now(UTC) if revoked else None)
        session.add(agent)
        await session.flush()
        return agent.id


@dataclass
class Workers:
    """In-process ingest workers sharing one subscription group."""

    workers: list[IngestWorker]
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        """Run every worker and wait for its MQTT session."""
        self.tasks = [asyncio.create_task(w.run()) for w in self.workers]
        for worker in self.workers:
            await worker.wait_connected()

    async def stop(self) -> None:
        """Stop every worker."""
        for worker in self.workers:
            worker.stop()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def counter(self, name: str, **labels: str) -> float:
        """A metric summed over the workers."""
        return sum(w.metrics.value(name, **labels) for w in self.workers)


def make_workers(broker: Broker, sessions: async_sessionmaker[AsyncSession], tsdb_url: str,
                 group: str, count: int = 2, window: int = 100_000) -> Workers:
    """`count` workers with distinct client ids in `group`."""
    workers = []
    for index in range(count):
        registry = AgentRegistry(sessions, ttl_s=1.0, names=True)  # tests publish as names
        pipeline = Pipeline(sessions, InfluxStore(tsdb_url), registry, window)
        options = MqttOptions(broker.host, broker.port, broker.hub.username,
                              broker.hub.password, f"{group}-w{index}",
                              hub_ingest_subscription(group), session_expiry_s=300)
        workers.append(IngestWorker(pipeline, options, Metrics(), concurrency=4,
                                    max_backoff_s=1.0))
    return Workers(workers)


class Publisher:
    """An agent's broker login publishing QoS 1 and waiting for every PUBACK."""

    def __init__(self, broker: Broker, creds: Credentials) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=token("pub"),
                                  protocol=mqtt.MQTTv5)
        self.client.username_pw_set(creds.username, creds.password)
        self.client.connect(broker.host, broker.port, keepalive=30)
        self.client.loop_start()
        self.agent = creds.username

    def raw(self, topic: str, payload: bytes) -> None:
        """Publish bytes and wait for the broker's PUBACK."""
        info = self.client.publish(topic, payload, qos=1)
        info.wait_for_publish(10)
        assert info.is_published(), topic

    def send(self, message: Envelope, channel: Channel) -> None:
        """Publish a protocol message on its own channel of this agent."""
        self.raw(build(self.agent, channel), encode(message))

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


def counter_batch(agent: str, seq: int, device: str, ts: datetime,
                  counters: dict[int, tuple[int, int]]) -> TelemetryBatch:
    """A batch with HC in/out octet counters per ifIndex at `ts`."""
    samples = []
    for index, (in_octets, out_octets) in sorted(counters.items()):
        for metric, value in (("if_hc_in_octets", in_octets), ("if_hc_out_octets", out_octets)):
            samples.append(Sample(device=device, metric=metric, value=value, kind="counter",
                                  ts=ts, labels={"ifIndex": str(index), "ifName": f"ge-{index}"}))
    samples.append(Sample(device=device, metric="cpu_load_percent", value=seq % 100,
                          kind="gauge", ts=ts, labels={"hrDeviceIndex": "1"}))
    return TelemetryBatch(agent_id=agent, seq=seq, ts=ts, samples=samples)


def aligned_start(minutes_ago: int = 120) -> datetime:
    """A 5-minute aligned UTC time in the recent past (VictoriaMetrics keeps it)."""
    now = int(time.time()) - minutes_ago * 60
    return datetime.fromtimestamp(now - now % 300, UTC)


Plan = list[tuple[datetime, dict[int, tuple[int, int]]]]


def series_plan(start: datetime, polls: int, step_s: int, interfaces: int,
                rate: Callable[[int, int], int]) -> Plan:
    """Counter readings per poll: ifIndex -> (in, out), growing by rate(poll, ifIndex)."""
    values = {i: (10_000 * i, 20_000 * i) for i in range(1, interfaces + 1)}
    plan = []
    for poll in range(polls):
        if poll:
            values = {i: (v[0] + rate(poll, i), v[1] + 2 * rate(poll, i))
                      for i, v in values.items()}
        plan.append((start + timedelta(seconds=poll * step_s), dict(values)))
    return plan


def expected_buckets(plan: Plan) -> dict[tuple[int, datetime], list[int]]:
    """(ifIndex, bucket start) -> [in octets, out octets, samples] as storing the polls one
    by one in time order gives: each pair of consecutive polls' delta in the later one's
    bucket (the first poll is the baseline)."""
    expected: dict[tuple[int, datetime], list[int]] = {}
    for (_t0, before), (ts, after) in pairwise(plan):
        for i in sorted(after):
            row = expected.setdefault((i, bucket_start(ts)), [0, 0, 0])
            row[0] += after[i][0] - before[i][0]
            row[1] += after[i][1] - before[i][1]
            row[2] += 1
    return expected


async def stored_buckets(sessions: async_sessionmaker[AsyncSession], device: str
                         ) -> dict[tuple[int, datetime], list[int]]:
    """The same shape read from interface_rollup_5m (bits/s checked against the delta)."""
    r = InterfaceRollup
    async with sessions() as session:
        rows = (await session.execute(select(
            r.if_index, r.bucket_start, r.in_octets_delta, r.out_octets_delta, r.samples,
            r.in_bps).where(r.device == device))).all()
    for _i, start, delta, _out, _n, bits in rows:
        assert start.minute % 5 == 0 and start.second == 0
        assert abs(bits - 8 * float(delta) / 300) < 1e-6
    return {(i, start): [int(d_in), int(d_out), n] for i, start, d_in, d_out, n, _b in rows}


async def wait_for(check: Callable[[], Any], within_s: float, what: str) -> None:
    """Poll an async or sync check until truthy."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out after {within_s}s waiting for {what}")


async def sql(sessions: async_sessionmaker[AsyncSession], query: str, **params: Any) -> list[Any]:
    """Rows of a query."""
    async with sessions() as session:
        return list((await session.execute(text(query), params)).all())


def engine_and_sessions(url: str) -> tuple[Any, async_sessionmaker[AsyncSession]]:
    """An engine and its session factory."""
    engine = create_engine(url)
    return engine, session_factory(engine)
