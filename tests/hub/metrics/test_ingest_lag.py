"""dotmac_ingest_lag_seconds: agent messages through a real Mosquitto into a real ingest
worker (PostgreSQL, VictoriaMetrics) are observed by channel at receive time minus their
own time; a redelivered copy (refused as a duplicate) and the agent's state message (a
retained birth or Last Will, published long after it was written) are not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.ingest.worker import LAG
from protocol import AgentHealth, AgentState, Channel
from tests.hub.harness import drop_database
from tests.hub.ingest.harness import (
    Publisher,
    Workers,
    counter_batch,
    engine_and_sessions,
    make_workers,
    migrated_database,
    new_tenancy,
    register_agent,
    token,
    wait_for,
)
from tests.services.mosquitto import Broker
from tests.services.postgres import Postgres
from tests.services.victoria import Victoria

HEALTH_LAG, TELEMETRY_LAG = timedelta(minutes=2), timedelta(seconds=30)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sessions(postgres: Postgres) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = migrated_database(postgres, "ingestlag")
    engine, factory = engine_and_sessions(url)
    yield factory
    await engine.dispose()
    drop_database(postgres.admin_dsn, url.rsplit("/", 1)[1])


def _lag(workers: Workers, channel: str, suffix: str, le: str | None = None) -> float:
    labels = {"channel": channel} if le is None else {"channel": channel, "le": le}
    return workers.counter(f"{LAG}_{suffix}", **labels)


async def test_lag_is_receive_time_minus_message_time_per_channel(
        mosquitto: Broker, victoria: Victoria,
        sessions: async_sessionmaker[AsyncSession]) -> None:
    where = await new_tenancy(sessions)
    agent = token("lag")
    await register_agent(sessions, where, agent)
    publisher = Publisher(mosquitto, mosquitto.add_user(agent))
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"), count=1)
    await workers.start()
    sent = datetime.now(UTC)
    health = AgentHealth(agent_id=agent, seq=1, ts=sent - HEALTH_LAG, queue_depth=0,
                         queue_bytes=0, oldest_queued_age_s=0.0, dropped_samples=0,
                         poll_duration_p50_s=0.1, poll_duration_p95_s=0.2, devices_total=0,
                         uptime_s=600.0)
    batch = counter_batch(agent, 1, token("sw"), sent - TELEMETRY_LAG, {1: (10, 20)})
    birth = AgentState(agent_id=agent, seq=1, ts=sent - timedelta(hours=5), state="online",
                       agent_version="1.0.0", started_at=sent - timedelta(hours=5))
    try:
        publisher.send(birth, Channel.STATE)
        publisher.send(health, Channel.HEALTH)
        publisher.send(batch, Channel.TELEMETRY)
        publisher.send(batch, Channel.TELEMETRY)  # the redelivery: refused, not observed
        # Wait on this agent's own messages: the workers also hear other tests' agents on
        # the shared broker (retained births refused as unknown), so totals prove nothing.
        await wait_for(lambda: workers.counter("dotmac_ingest_rejected_total",
                                               reason="duplicate") >= 1
                       and _lag(workers, "health", "count") >= 1
                       and _lag(workers, "telemetry", "count") >= 1,
                       60, "health, telemetry and its redelivery settled")
    finally:
        await workers.stop()
        publisher.close()
    elapsed = (datetime.now(UTC) - sent).total_seconds()
    assert workers.counter("dotmac_ingest_rejected_total", reason="duplicate") == 1
    for channel, lag in (("health", HEALTH_LAG), ("telemetry", TELEMETRY_LAG)):
        assert _lag(workers, channel, "count") == 1, channel
        assert lag.total_seconds() <= _lag(workers, channel, "sum") <= (
            lag.total_seconds() + elapsed), channel
    # the buckets place them: 2 minutes is above 60 s and within 120 s... 300 s
    assert _lag(workers, "health", "bucket", "60.0") == 0
    assert _lag(workers, "health", "bucket", "300.0") == 1
    assert _lag(workers, "telemetry", "bucket", "10.0") == 0
    assert _lag(workers, "telemetry", "bucket", "60.0") == 1
    assert _lag(workers, "state", "count") == 0  # a birth's age is no delay of the hub's
