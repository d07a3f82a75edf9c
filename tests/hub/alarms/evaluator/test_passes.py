"""Passes over every tenant: two hub processes evaluating at once make one alarm, a tenant
another process holds is skipped, a disabled rule clears its alarms, cleared alarms close,
and the worker runs passes on its interval with its counters and settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from pydantic import ValidationError
from sqlalchemy import select, text

from hub import migrations
from hub.alarms.conditions import Outcome
from hub.alarms.evaluator import LOCK_SPACE, apply, evaluate_tenant, run_pass, tenant_lock
from hub.alarms.evaluator_settings import EvaluatorSettings
from hub.alarms.models import AlarmHistory
from hub.alarms.rules import shipped_rules
from hub.alarms.service import raise_alarm
from hub.alarms.worker import PASSES, SECONDS, STANDBY, AlarmEvaluator, start_embedded
from hub.db import create_engine, session_factory, utcnow
from hub.metrics import Metrics
from tests.hub.alarms.conftest import World, actions_of, new_world
from tests.hub.alarms.evaluator.conftest import (
    Sessions,
    alarms,
    evaluate,
    feed_for,
    gauge,
    only,
    override,
)
from tests.hub.harness import hub_settings

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def other_process(alarms_db: str) -> AsyncIterator[Sessions]:
    """Sessions on an engine of their own: a second hub process on the same database."""
    engine = create_engine(alarms_db)
    yield session_factory(engine)
    await engine.dispose()


async def hot_cpu(sessions: Sessions, world: World) -> None:
    """A CPU reading above the threshold, now."""
    feed = await feed_for(sessions, world)
    await feed.samples(gauge(world.device_name, "cpu_load_percent", 99, utcnow()))


async def test_two_processes_at_once_make_one_alarm(
        sessions: Sessions, other_process: Sessions, world: World) -> None:
    await hot_cpu(sessions, world)
    now = utcnow() + timedelta(seconds=5)
    first, second = await asyncio.gather(run_pass(sessions, now), run_pass(other_process, now))
    assert first.failed == second.failed == 0
    alarm = await only(sessions, world.tenant_id, "device.cpu")
    history = [h.action for h in await actions_of(sessions, alarm.id)]
    assert history.count("raised") == 1 and alarm.raised_count == 1


async def test_two_evaluations_racing_without_the_lock_still_make_one_alarm(
        sessions: Sessions, other_process: Sessions, world: World) -> None:
    await hot_cpu(sessions, world)
    now = utcnow() + timedelta(seconds=5)

    async def once(factory: Sessions) -> None:
        async with factory() as session, session.begin():
            await evaluate_tenant(session, world.tenant_id, now)

    await asyncio.gather(once(sessions), once(other_process))
    alarm = await only(sessions, world.tenant_id, "device.cpu")
    assert [h.action for h in await actions_of(sessions, alarm.id)].count("raised") == 1


async def test_a_tenant_held_by_another_process_is_skipped(
        sessions: Sessions, other_process: Sessions, world: World) -> None:
    await hot_cpu(sessions, world)
    now = utcnow() + timedelta(seconds=5)
    async with other_process() as holder, holder.begin():
        taken = await holder.execute(text("SELECT pg_try_advisory_xact_lock(:s, :k)"),
                                     {"s": LOCK_SPACE, "k": tenant_lock(world.tenant_id)})
        assert taken.scalar() is True
        report = await run_pass(sessions, now)
        assert report.skipped >= 1
        assert await alarms(sessions, world.tenant_id, "device.cpu") == []
    await run_pass(sessions, now)  # released with the holder's transaction
    assert (await only(sessions, world.tenant_id, "device.cpu")).state == "raised"


async def test_disabling_a_rule_clears_its_alarms(sessions: Sessions, world: World) -> None:
    await hot_cpu(sessions, world)
    now = utcnow() + timedelta(seconds=5)
    await evaluate(sessions, world.tenant_id, now)
    alarm = await only(sessions, world.tenant_id, "device.cpu")
    await override(sessions, world.tenant_id, "device.cpu", enabled=False)
    await evaluate(sessions, world.tenant_id, now + timedelta(seconds=15))
    [cleared] = await alarms(sessions, world.tenant_id, "device.cpu", "cleared")
    assert cleared.id == alarm.id
    async with sessions() as session:
        texts = (await session.execute(select(AlarmHistory.text).where(
            AlarmHistory.alarm_id == alarm.id, AlarmHistory.action == "cleared"))).scalars()
        assert list(texts) == ["rule disabled"]


async def test_a_pass_closes_alarms_cleared_long_enough(sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    await feed.samples(gauge(world.device_name, "temperature_celsius", 90, t0))
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=1))
    await feed.samples(gauge(world.device_name, "temperature_celsius", 40, t0 + timedelta(
        seconds=30)))
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=31))
    [cleared] = await alarms(sessions, world.tenant_id, "device.temperature", "cleared")
    await run_pass(sessions, t0 + timedelta(seconds=30 + 3600))  # close_after_s 3600
    [closed] = await alarms(sessions, world.tenant_id, "device.temperature", "closed")
    assert closed.id == cleared.id and closed.closed_by == "system"


async def test_embedded_worker_raises_within_its_interval(alarms_db: str, sessions: Sessions,
                                                          world: World) -> None:
    await hot_cpu(sessions, world)
    metrics = Metrics()
    embedded = start_embedded(sessions, hub_settings(alarms_db), metrics,
                              EvaluatorSettings(embedded=True, interval_s=1))
    assert embedded is not None
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while not await alarms(sessions, world.tenant_id, "device.cpu"):
            assert asyncio.get_running_loop().time() < deadline, "no alarm from the worker"
            await asyncio.sleep(0.2)
    finally:
        await embedded.stop()
    assert metrics.value(PASSES) >= 1 and metrics.value(SECONDS) > 0
    assert embedded.task is not None and embedded.task.done()


async def test_no_embedded_worker_unless_asked(alarms_db: str, sessions: Sessions) -> None:
    assert start_embedded(sessions, hub_settings(alarms_db), Metrics(),
                          EvaluatorSettings(embedded=False)) is None


async def test_a_failing_pass_is_counted_and_the_worker_goes_on() -> None:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    metrics = Metrics()
    worker = AlarmEvaluator(session_factory(engine), EvaluatorSettings(interval_s=1), metrics)
    try:
        assert await worker.tick() is None
    finally:
        await engine.dispose()
    assert metrics.value("dotmac_hub_alarm_eval_failures_total", stage="pass") == 1


async def test_interval_setting_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert EvaluatorSettings().interval_s == 15.0
    monkeypatch.setenv("DOTMAC_HUB_ALARM_EVAL_INTERVAL_S", "30")
    assert EvaluatorSettings().interval_s == 30.0
    monkeypatch.setenv("DOTMAC_HUB_ALARM_EVAL_INTERVAL_S", "0")
    with pytest.raises(ValidationError, match="interval_s"):
        EvaluatorSettings()
    assert EvaluatorSettings.env_name("interval_s") == "DOTMAC_HUB_ALARM_EVAL_INTERVAL_S"


async def test_a_pass_on_the_embedded_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    migrations.upgrade(url)
    engine = create_engine(url)
    lite = session_factory(engine)
    try:
        world = await new_world(lite)
        feed = await feed_for(lite, world)
        t0 = utcnow().replace(microsecond=0)
        await feed.samples(gauge(world.device_name, "cpu_load_percent", 99, t0))
        report = await run_pass(lite, t0 + timedelta(seconds=5))  # no advisory lock here
        assert report.failed == 0 and report.skipped == 0
        alarm = await only(lite, world.tenant_id, "device.cpu")
        assert alarm.first_raised_at == t0
        await feed.samples(gauge(world.device_name, "cpu_load_percent", 5, t0 + timedelta(
            seconds=60)))
        await run_pass(lite, t0 + timedelta(seconds=65))
        [cleared] = await alarms(lite, world.tenant_id, "device.cpu", "cleared")
        assert cleared.cleared_at == t0 + timedelta(seconds=60)
    finally:
        await engine.dispose()


async def test_an_alarm_changed_after_the_rows_were_read_waits_for_the_next_pass(
        sessions: Sessions, world: World) -> None:
    # The pass read the rows (agent online), then ingest stored the Last Will and its
    # handler raised agent.offline: the pass must not clear it from what it read before.
    read_at = utcnow()
    condition = world.condition("agent.offline", "", device=False, at=read_at,
                                alarm_type="agent.offline", origin="agent")
    async with sessions() as session, session.begin():
        await raise_alarm(session, condition)
    rule = shipped_rules()["agent.offline"]
    async with sessions() as session, session.begin():
        raised, cleared = await apply(session, world.tenant_id, rule, Outcome(), utcnow(),
                                      read_at=read_at)
    assert (raised, cleared) == (0, 0)
    assert (await only(sessions, world.tenant_id, "agent.offline")).state == "raised"
    async with sessions() as session, session.begin():  # the next pass, on newer rows
        await apply(session, world.tenant_id, rule, Outcome(), utcnow(), read_at=utcnow())
    assert len(await alarms(sessions, world.tenant_id, "agent.offline", "cleared")) == 1


async def test_one_evaluator_leads_the_others_stand_by_and_take_over(
        sessions: Sessions, other_process: Sessions, world: World) -> None:
    await hot_cpu(sessions, world)
    first_metrics, second_metrics = Metrics(), Metrics()
    first = AlarmEvaluator(sessions, EvaluatorSettings(), first_metrics)
    second = AlarmEvaluator(other_process, EvaluatorSettings(), second_metrics)
    try:
        assert await first.tick() is not None and first.leadership.leading
        assert await second.tick() is None  # another process leads: no second pass
        assert second_metrics.value(STANDBY) == 1 and second_metrics.value(PASSES) == 0
        assert (await only(sessions, world.tenant_id, "device.cpu")).state == "raised"
        await first.close()  # the leader stops: the next interval of the other one leads
        assert await second.tick() is not None and second.leadership.leading
    finally:
        await first.close()
        await second.close()


async def test_a_failing_rule_is_rolled_back_alone(sessions: Sessions, world: World) -> None:
    # An override written around the API's check: the rule cannot be evaluated.
    await override(sessions, world.tenant_id, "device.cpu", threshold="high")
    feed = await feed_for(sessions, world)
    t0 = utcnow()
    await feed.samples(gauge(world.device_name, "cpu_load_percent", 99, t0),
                       gauge(world.device_name, "temperature_celsius", 95, t0))
    async with sessions() as session, session.begin():
        report = await evaluate_tenant(session, world.tenant_id, t0 + timedelta(seconds=5))
    assert report.failed_rules == ["device.cpu"]
    assert await alarms(sessions, world.tenant_id, "device.cpu") == []
    assert (await only(sessions, world.tenant_id, "device.temperature")).state == "raised"
