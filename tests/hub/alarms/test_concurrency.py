"""Two hub processes raising the same condition at once make one alarm (real PostgreSQL,
separate engines: separate connection pools as in separate processes)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alarms import service
from hub.alarms.models import Alarm
from tests.hub.alarms.conftest import Recorder, World, actions_of, alarms_of
from tests.hub.ingest.harness import engine_and_sessions

Sessions = async_sessionmaker[AsyncSession]


@pytest_asyncio.fixture(loop_scope="session")
async def other_hub(alarms_db: str) -> AsyncIterator[Sessions]:
    """Sessions of a second "process": its own engine and pool on the same database."""
    engine, factory = engine_and_sessions(alarms_db)
    yield factory
    await engine.dispose()


async def _waiting_on_a_lock(sessions: Sessions, deadline_s: float = 30.0) -> None:
    """Return once some backend of this database waits on a lock (the second insert)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        async with sessions() as session:
            waiting = (await session.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"))).scalar_one()
        if waiting:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the second raise never waited on the first one's insert")


async def test_the_second_raise_waits_then_touches_the_first_alarm(
        sessions: Sessions, other_hub: Sessions, world: World, changes: Recorder,
        caplog: pytest.LogCaptureFixture) -> None:
    """Process A inserted the alarm and has not committed; B's insert of the same key waits
    on the unique index, fails when A commits, and B goes on with A's row."""
    caplog.set_level(logging.INFO, logger="dotmac.hub.alarms")
    cond = world.condition()
    async with sessions() as a_session:
        await a_session.begin()
        first = await service.raise_alarm(a_session, cond)

        async def process_b() -> Alarm:
            async with other_hub() as b_session, b_session.begin():
                return await service.raise_alarm(b_session, cond)

        b = asyncio.create_task(process_b())
        await _waiting_on_a_lock(sessions)
        await a_session.commit()
        second = await asyncio.wait_for(b, 30)
    assert second.id == first.id
    assert "alarm.raise_race" in caplog.text  # B did lose the insert race
    [alarm] = await alarms_of(sessions, world.tenant_id)
    assert (alarm.state, alarm.raised_count) == ("raised", 1)
    assert [h.action for h in await actions_of(sessions, alarm.id)] == ["raised"]
    assert changes.of(alarm.id) == [("raised", True)]


async def test_many_writers_at_once_make_one_alarm(sessions: Sessions, other_hub: Sessions,
                                                   world: World) -> None:
    cond = world.condition("device.unreachable", "", if_index=None)

    async def raise_in(factory: Sessions) -> Alarm:
        async with factory() as session, session.begin():
            return await service.raise_alarm(session, cond)

    raised = await asyncio.gather(*(raise_in(sessions if n % 2 else other_hub)
                                    for n in range(8)))
    assert len({alarm.id for alarm in raised}) == 1
    assert len(await alarms_of(sessions, world.tenant_id)) == 1
