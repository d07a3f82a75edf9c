"""Micro-batches straight through the pipeline (no MQTT) on PostgreSQL and on SQLite (the
embedded database): in-batch and cross-batch duplicates, out-of-order seqs, concurrent
batches of the same interfaces; every sample stored once and rollups exact."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub import migrations
from hub.ingest import AgentRegistry, Pipeline
from hub.ingest.pipeline import Accepted
from hub.tsdb import InfluxStore
from protocol import Channel, TelemetryBatch, build, encode
from tests.hub_ingest.harness import (
    Plan,
    aligned_start,
    counter_batch,
    engine_and_sessions,
    new_tenancy,
    register_agent,
    series_plan,
    sql,
    token,
)
from tests.services.victoria import Victoria

IFACES = 4


@pytest_asyncio.fixture(loop_scope="session")
async def sqlite_sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A migrated SQLite hub database (what the embedded default runs on)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    await asyncio.to_thread(migrations.upgrade, url)
    engine, factory = engine_and_sessions(url)
    yield factory
    await engine.dispose()


async def _setup(sessions: async_sessionmaker[AsyncSession], victoria: Victoria, polls: int
                 ) -> tuple[Pipeline, str, str, Plan, list[TelemetryBatch]]:
    where = await new_tenancy(sessions)
    agent, device = token("agent"), token("sw")
    await register_agent(sessions, where, agent)
    pipeline = Pipeline(sessions, InfluxStore(victoria.url), AgentRegistry(sessions))
    plan = series_plan(aligned_start(150), polls, 60, IFACES, lambda p, i: 5_000_000 * i + p)
    batches = [counter_batch(agent, seq, device, ts, c) for seq, (ts, c) in enumerate(plan, 1)]
    return pipeline, str(where.tenant_id), device, plan, batches


async def _accept(pipeline: Pipeline, batch: TelemetryBatch) -> Accepted:
    got = await pipeline.accept(build(batch.agent_id, Channel.TELEMETRY), encode(batch))
    assert isinstance(got, Accepted), got
    return got


async def _store(pipeline: Pipeline, batches: list[TelemetryBatch]) -> list[str]:
    items = [await _accept(pipeline, b) for b in batches]
    return [o.result for o in await pipeline.store_telemetry(items)]


async def _assert_exact(sessions: async_sessionmaker[AsyncSession], victoria: Victoria,
                        tenant: str, device: str, plan: Plan) -> None:
    rows = await sql(sessions, "SELECT if_index, sum(in_octets_delta), sum(out_octets_delta) "
                     "FROM interface_rollup_5m WHERE device = :d GROUP BY if_index "
                     "ORDER BY if_index", d=device)
    first, last = plan[0][1], plan[-1][1]
    assert [(r[0], int(r[1]), int(r[2])) for r in rows] == [
        (i, last[i][0] - first[i][0], last[i][1] - first[i][1]) for i in range(1, IFACES + 1)]
    victoria.flush()
    counts = victoria.query(f'count_over_time(if_hc_in_octets_value{{tenant="{tenant}"}}[1d])')
    assert sorted((r["metric"]["ifIndex"], int(r["value"][1])) for r in counts) == [
        (str(i), len(plan)) for i in range(1, IFACES + 1)]
    latest = await sql(sessions, "SELECT value FROM latest_values WHERE device = :d "
                       "AND metric = 'cpu_load_percent'", d=device)
    assert latest == [(float(len(plan) % 100),)]  # the newest gauge wins whatever the order


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
async def test_batches_with_duplicates_and_disorder_store_each_sample_once(
        database: str, sessions: async_sessionmaker[AsyncSession],
        sqlite_sessions: async_sessionmaker[AsyncSession], victoria: Victoria) -> None:
    db = sessions if database == "postgresql" else sqlite_sessions
    pipeline, tenant, device, plan, b = await _setup(db, victoria, 6)
    assert await _store(pipeline, [b[0]]) == ["stored"]  # the baseline reading
    assert await _store(pipeline, [b[2], b[1], b[2]]) == ["stored", "stored", "duplicate"]
    assert await _store(pipeline, [b[1], b[5], b[4], b[3]]) == [
        "duplicate", "stored", "stored", "stored"]
    assert await _store(pipeline, b) == ["duplicate"] * len(b)  # a full redelivery
    seen = await sql(db, "SELECT count(*) FROM ingest_seen s JOIN agents a ON a.id = s.agent_id "
                     "WHERE a.name = :n", n=b[0].agent_id)
    assert seen == [(len(plan),)]
    await _assert_exact(db, victoria, tenant, device, plan)


async def test_concurrent_batches_of_the_same_interfaces_chain_counters_once(
        sessions: async_sessionmaker[AsyncSession], victoria: Victoria) -> None:
    pipeline, tenant, device, plan, b = await _setup(sessions, victoria, 9)
    assert await _store(pipeline, [b[0]]) == ["stored"]
    # Four transactions at once over the same counter rows (and one redelivered copy):
    # the FOR UPDATE on counter_state makes them take turns, each from the other's state.
    results = await asyncio.gather(_store(pipeline, [b[1], b[2]]), _store(pipeline, [b[3], b[4]]),
                                   _store(pipeline, [b[5], b[6]]), _store(pipeline, [b[7], b[8]]),
                                   _store(pipeline, [b[4]]))
    flat = [r for got in results for r in got]
    assert sorted(flat) == ["duplicate"] + ["stored"] * 8
    await _assert_exact(sessions, victoria, tenant, device, plan)
