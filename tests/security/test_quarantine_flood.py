"""Threat: one agent login floods the hub with messages that are quarantined.

Every undecodable or refused message is kept in `ingest_quarantine` for inspection, so a
stolen POP box publishing garbage in a loop would grow the hub database without bound.
The workers keep the quarantine bounded by age and by count per agent
(`DOTMAC_HUB_INGEST_QUARANTINE_MAX_AGE_S`, `..._MAX_PER_AGENT`), count what they drop,
and one agent's flood never pushes another agent's quarantined messages out.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.ingest import AgentRegistry, IngestWorker, MqttOptions, Pipeline
from hub.ingest.worker import QuarantineRetention
from hub.metrics import Metrics
from hub.tsdb.null import NullStore
from protocol import Channel, build, hub_ingest_subscription
from tests.hub.ingest.harness import (
    Publisher,
    new_tenancy,
    register_agent,
    sql,
    token,
    wait_for,
)
from tests.services.mosquitto import Broker

DEADLINE_S = 60.0  # generous: the machine is shared; every wait ends on a state
KEEP, FLOOD = 20, 120
DROPPED = "dotmac_ingest_quarantine_dropped_total"


async def _count(sessions: async_sessionmaker[AsyncSession], agent: str) -> int:
    rows = await sql(sessions, "SELECT count(*) FROM ingest_quarantine WHERE agent_name = :a",
                     a=agent)
    return int(rows[0][0])


async def test_a_flood_of_quarantined_messages_stays_bounded(
        mosquitto: Broker, sessions: async_sessionmaker[AsyncSession]) -> None:
    where = await new_tenancy(sessions)
    flooder = str(await register_agent(sessions, where, token("stolen-box")))
    other = str(await register_agent(sessions, where, token("neighbour")))
    pipeline = Pipeline(sessions, NullStore(), AgentRegistry(sessions, ttl_s=1.0))
    # Another agent's quarantined messages: 5 recent ones and one from 40 days ago.
    for index in range(5):
        await pipeline.quarantine(build(other, Channel.TELEMETRY), b"{", "not_json",
                                  f"neighbour {index}")
    await pipeline.quarantine(build(other, Channel.TELEMETRY), b"{", "not_json", "ancient")
    async with sessions() as session, session.begin():
        await session.execute(text("UPDATE ingest_quarantine SET received_at = :t WHERE "
                                   "detail = 'ancient'"),
                              {"t": datetime.now(UTC) - timedelta(days=40)})
    group = token("grp")
    options = MqttOptions(mosquitto.host, mosquitto.port, mosquitto.hub.username,
                          mosquitto.hub.password, f"{group}-w0",
                          hub_ingest_subscription(group), session_expiry_s=300)
    retention = QuarantineRetention(timedelta(days=30), KEEP, every_s=0.2)
    worker = IngestWorker(pipeline, options, Metrics(), concurrency=2, max_backoff_s=0.5,
                          retention=retention)
    task = asyncio.create_task(worker.run())
    publisher = Publisher(mosquitto, mosquitto.add_user(flooder))
    try:
        await worker.wait_connected()
        for index in range(FLOOD):
            await asyncio.to_thread(publisher.raw, build(flooder, Channel.TELEMETRY),
                                    b"garbage %d" % index)
        await wait_for(lambda: worker.metrics.value("dotmac_ingest_rejected_total",
                                                    reason="not_json") >= FLOOD,
                       DEADLINE_S, "the flood processed")
        async def trimmed() -> bool:
            return await _count(sessions, flooder) == KEEP

        await wait_for(trimmed, DEADLINE_S, "the flood trimmed to the per-agent bound")
        assert await _count(sessions, other) == 5  # only its ancient one went (age)
        assert worker.metrics.value(DROPPED, why="count") == FLOOD - KEEP
        assert worker.metrics.value(DROPPED, why="age") == 1
        kept = {bytes(r[0]) for r in await sql(
            sessions, "SELECT payload FROM ingest_quarantine WHERE agent_name = :a", a=flooder)}
        assert b"garbage %d" % (FLOOD - 1) in kept  # the newest stay: they say what is
        assert b"garbage 0" not in kept  # happening now
    finally:
        publisher.close()
        worker.stop()
        await asyncio.gather(task, return_exceptions=True)

