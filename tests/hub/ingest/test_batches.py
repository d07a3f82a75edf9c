"""Micro-batches straight through the pipeline (no MQTT) on PostgreSQL and on SQLite (the
embedded database): in-batch and cross-batch duplicates, out-of-order seqs, concurrent
batches of the same interfaces, polls stored after later ones; every sample stored once
and rollups exact bucket by bucket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub import migrations
from hub.ingest import AgentRegistry, Pipeline, writes
from hub.ingest.models import CounterHistory, ObservedDevice
from hub.ingest.pipeline import Accepted
from hub.tsdb import InfluxStore
from protocol import Channel, TelemetryBatch, build, encode
from tests.hub.ingest.harness import (
    Plan,
    aligned_start,
    counter_batch,
    engine_and_sessions,
    expected_buckets,
    new_tenancy,
    register_agent,
    series_plan,
    sql,
    stored_buckets,
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


@pytest.fixture(params=["postgresql", "sqlite"])
def db(request: pytest.FixtureRequest, sessions: async_sessionmaker[AsyncSession],
       sqlite_sessions: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    """The test runs on PostgreSQL and on SQLite (the embedded database)."""
    return sessions if request.param == "postgresql" else sqlite_sessions


async def _setup(sessions: async_sessionmaker[AsyncSession], victoria: Victoria, polls: int
                 ) -> tuple[Pipeline, str, str, Plan, list[TelemetryBatch]]:
    where = await new_tenancy(sessions)
    agent, device = token("agent"), token("sw")
    await register_agent(sessions, where, agent)
    pipeline = Pipeline(sessions, InfluxStore(victoria.url),
                        AgentRegistry(sessions, names=True))  # published under its name
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


async def test_batches_with_duplicates_and_disorder_store_each_sample_once(
        db: async_sessionmaker[AsyncSession], victoria: Victoria) -> None:
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
    # Four transactions at once over the same counter rows (and one redelivered copy): the
    # device row lock makes them take turns, each from the others' state, in any order.
    results = await asyncio.gather(_store(pipeline, [b[1], b[2]]), _store(pipeline, [b[3], b[4]]),
                                   _store(pipeline, [b[5], b[6]]), _store(pipeline, [b[7], b[8]]),
                                   _store(pipeline, [b[4]]))
    flat = [r for got in results for r in got]
    assert sorted(flat) == ["duplicate"] + ["stored"] * 8
    assert await stored_buckets(sessions, device) == expected_buckets(plan)
    await _assert_exact(sessions, victoria, tenant, device, plan)


async def test_a_poll_stored_after_later_ones_lands_in_its_own_bucket(
        db: async_sessionmaker[AsyncSession], victoria: Victoria) -> None:
    """A backlog taken by two workers commits out of order: newest to oldest, each poll in
    its own transaction, the interfaces' very first poll last. The 5-minute buckets must
    come out as if the polls had been stored in time order (billing's 95th percentile
    reads them)."""
    pipeline, tenant, device, plan, b = await _setup(db, victoria, 8)
    for index in (7, 6, 5, 4, 3, 2, 1, 0):
        assert await _store(pipeline, [b[index]]) == ["stored"]
    assert await stored_buckets(db, device) == expected_buckets(plan)
    await _assert_exact(db, victoria, tenant, device, plan)


async def test_held_readings_are_pruned_oldest_first_and_an_older_one_is_skipped(
        db: async_sessionmaker[AsyncSession], victoria: Victoria) -> None:
    pipeline, _tenant, device, plan, b = await _setup(db, victoria, 7)
    early, late = datetime.now(UTC), datetime.now(UTC) + timedelta(minutes=5)
    pipeline.clock = lambda: early
    for index in (0, 1, 3):
        assert await _store(pipeline, [b[index]]) == ["stored"]
    pipeline.clock = lambda: late
    for index in (2, 4):  # 2 is spliced between 1 and 3, but stored later
        assert await _store(pipeline, [b[index]]) == ["stored"]
    async with db() as session, session.begin():
        await writes.prune_history(session, early + timedelta(seconds=1))
    # Everything up to the newest reading stored before the cutoff goes, including 2
    # (stored after it): what is held stays an unbroken chain, here poll 4 alone.
    assert await _held(db, device) == {plan[4][0]}
    for index in (6, 5):  # 5 is late but after the held 4: placed exactly
        assert await _store(pipeline, [b[index]]) == ["stored"]
    assert await stored_buckets(db, device) == expected_buckets(plan)
    # A poll older than every held reading cannot be placed: skipped, bytes stay counted.
    pipeline.clock = lambda: late + timedelta(minutes=30)
    async with db() as session, session.begin():
        await writes.prune_history(session, late + timedelta(minutes=1))
    stale = counter_batch(b[0].agent_id, 99, device, plan[4][0] - timedelta(seconds=30),
                          plan[4][1])
    outcome, = await pipeline.store_telemetry([await _accept(pipeline, stale)])
    assert (outcome.result, outcome.late_skipped) == ("stored", 2 * IFACES)  # in and out
    assert await stored_buckets(db, device) == expected_buckets(plan)


async def _held(sessions: async_sessionmaker[AsyncSession], device: str) -> set[datetime]:
    """Poll times of the readings held for a device."""
    h = CounterHistory
    async with sessions() as session:
        rows = await session.execute(select(h.ts).where(h.device == device))
        return {ts for (ts,) in rows.all()}


async def test_prune_leaves_a_device_an_ingest_transaction_holds_for_the_next_round(
        sessions: async_sessionmaker[AsyncSession], victoria: Victoria) -> None:
    """A chain being extended is not cut under it (PostgreSQL: the device row lock)."""
    pipeline, _tenant, device, plan, b = await _setup(sessions, victoria, 2)
    early = datetime.now(UTC)
    pipeline.clock = lambda: early
    for batch in b:
        assert await _store(pipeline, [batch]) == ["stored"]
    cutoff = early + timedelta(seconds=1)
    async with sessions() as holder, holder.begin():
        await holder.execute(select(ObservedDevice).where(ObservedDevice.device == device)
                             .with_for_update())
        async with sessions() as session, session.begin():
            await writes.prune_history(session, cutoff)
        assert await _held(sessions, device) == {plan[0][0], plan[1][0]}
    async with sessions() as session, session.begin():
        await writes.prune_history(session, cutoff)
    assert await _held(sessions, device) == set()


async def test_a_device_split_over_messages_still_finds_each_series_predecessor(
        sessions: async_sessionmaker[AsyncSession], victoria: Victoria) -> None:
    """Big devices span two messages of a poll, which commit independently: when one
    series' previous poll is older than its device's newest held poll before the late
    reading, the held readings are read in full."""
    pipeline, _tenant, device, plan, b = await _setup(sessions, victoria, 4)

    def part(poll: int, ifaces: range) -> TelemetryBatch:
        ts, counters = plan[poll]
        return counter_batch(b[0].agent_id, 100 + 10 * poll + ifaces.start, device, ts,
                             {i: counters[i] for i in ifaces})

    low, high = range(1, 3), range(3, IFACES + 1)
    for poll, ifaces in ((0, low), (0, high), (1, low), (3, low), (3, high), (2, low),
                         (2, high), (1, high)):
        assert await _store(pipeline, [part(poll, ifaces)]) == ["stored"]
    assert await stored_buckets(sessions, device) == expected_buckets(plan)
