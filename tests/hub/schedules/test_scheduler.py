"""The scheduler on PostgreSQL: two schedulers (two engines) racing on the same due times
run each once; catch-up after downtime (`all` runs every missed due time, `latest` one);
a failing run is retried with backoff, then failed for good and alarmed, and a later success
clears the alarm; a run whose process died is taken over."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from hub.alarms.evaluator import run_pass
from hub.alarms.models import Alarm
from hub.db import create_engine, new_id, session_factory
from hub.schedules.models import ScheduleRun
from hub.schedules.scheduler import Scheduler
from hub.schedules.settings import SchedulerSettings
from hub.schedules.timing import next_due
from tests.hub.harness import Hub
from tests.hub.schedules.support import Clock, Effects, only_tasks, runs_of, set_schedule

FAST = SchedulerSettings(tick_s=0.1, lease_s=30, max_attempts=3, retry_base_s=30,
                         retry_max_s=45)


def minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


async def test_two_schedulers_racing_run_each_due_time_once(hub: Hub, pg_url: str) -> None:
    owner = await hub.new_tenant("race")
    sessions = hub.app.state.sessions
    kinds = {f"test.race.{n}": "latest" for n in range(12)}
    engine = create_engine(pg_url)
    other_sessions = session_factory(engine)
    start = minute(datetime.now(UTC)) - timedelta(minutes=1)
    clock = Clock(start)
    a = Scheduler(sessions, FAST, clock=clock, claimer="host-a:1")
    b = Scheduler(other_sessions, FAST, clock=clock, claimer="host-b:2")
    try:
        with only_tasks(kinds, Effects()) as effects:
            ids = {kind: await set_schedule(sessions, owner.tenant_id, kind, "* * * * *", start,
                                            {"tag": f"race-{kind}"}) for kind in kinds}
            for step in range(4):  # four minutes, both schedulers ticking at once each time
                clock.now = start + timedelta(minutes=step)
                await asyncio.gather(a.tick(), b.tick(), a.tick(), b.tick())
            expected = [start + timedelta(minutes=m) for m in range(4)]
            for kind, schedule_id in ids.items():
                runs = await runs_of(sessions, schedule_id)
                assert [r.due_at for r in runs] == expected, kind
                assert {r.status for r in runs} == {"succeeded"}
                assert effects.of(f"race-{kind}") == expected, kind  # one effect each
            claimers = {r.claimed_by for i in ids.values() for r in await runs_of(sessions, i)}
            assert claimers <= {"host-a:1", "host-b:2"}
    finally:
        await engine.dispose()


async def test_catch_up_after_downtime(hub: Hub) -> None:
    owner = await hub.new_tenant("catchup")
    sessions = hub.app.state.sessions
    now = datetime.now(UTC)
    latest = next_due("0 2 * * *", "UTC", now - timedelta(days=1))  # the last 02:00 <= now
    since = latest - timedelta(days=3)  # down for three periods
    with only_tasks({"test.billing": "all", "test.retention": "latest"}, Effects()) as effects:
        billing = await set_schedule(sessions, owner.tenant_id, "test.billing", "0 2 * * *",
                                     since, {"tag": "catchup-all"})
        retention = await set_schedule(sessions, owner.tenant_id, "test.retention",
                                       "0 2 * * *", since, {"tag": "catchup-latest"})
        scheduler = Scheduler(sessions, FAST)
        await scheduler.tick()
        await scheduler.tick()  # nothing is due any more
        every = [since + timedelta(days=d) for d in range(4)]
        assert effects.of("catchup-all") == every
        assert [r.due_at for r in await runs_of(sessions, billing)] == every
        assert effects.of("catchup-latest") == [latest]
        assert [r.due_at for r in await runs_of(sessions, retention)] == [latest]


async def _alarm_state(hub: Hub, tenant_id: uuid.UUID, now: datetime) -> str | None:
    await run_pass(hub.app.state.sessions, now)
    async with hub.app.state.sessions() as session:
        alarm = (await session.execute(select(Alarm).where(
            Alarm.tenant_id == tenant_id, Alarm.rule == "hub.schedule_failed")
            .order_by(Alarm.created_at.desc()).limit(1))).scalar_one_or_none()
    return None if alarm is None else alarm.state


async def test_failed_run_retries_with_backoff_then_alarms_until_a_run_succeeds(
        hub: Hub) -> None:
    owner = await hub.new_tenant("retry")
    sessions = hub.app.state.sessions
    t0 = datetime.now(UTC)
    clock = Clock(t0)
    effects = Effects(failing={"retry"})
    with only_tasks({"test.retry": "latest"}, effects):
        schedule_id = await set_schedule(sessions, owner.tenant_id, "test.retry", "0 3 * * *",
                                         t0 - timedelta(seconds=5), {"tag": "retry"})
        scheduler = Scheduler(sessions, FAST, clock=clock)
        waits = []
        for _ in range(3):
            await scheduler.tick()
            (run,) = await runs_of(sessions, schedule_id)
            if run.status == "retrying":
                assert run.next_attempt_at is not None
                waits.append((run.next_attempt_at - clock.now).total_seconds())
                await scheduler.tick()  # not yet: the backoff holds it
                assert (await runs_of(sessions, schedule_id))[0].attempt == run.attempt
                clock.now = run.next_attempt_at
        assert waits == [30.0, 45.0]  # 30 s, then doubled but capped at retry_max_s
        assert (run.status, run.attempt, run.finished_at) == ("failed", 3, clock.now)
        assert run.error is not None and "failed on purpose" in run.error
        assert "pw@" not in run.error and "***@" in run.error  # credentials masked
        assert await _alarm_state(hub, owner.tenant_id, clock.now) == "raised"

        effects.failing.clear()
        made = await hub.client.post(f"/schedules/{schedule_id}/run", headers=owner.headers)
        assert made.status_code == 202, made.text
        assert made.json()["status"] == "pending"
        clock.now = max(datetime.now(UTC), clock.now) + timedelta(seconds=1)
        await scheduler.tick()
        runs = await runs_of(sessions, schedule_id)
        assert [r.status for r in runs] == ["failed", "succeeded"] and runs[1].manual
        assert await _alarm_state(hub, owner.tenant_id, clock.now) == "cleared"


async def test_a_run_whose_process_died_is_taken_over_once(hub: Hub) -> None:
    owner = await hub.new_tenant("takeover")
    sessions = hub.app.state.sessions
    now = datetime.now(UTC)
    with only_tasks({"test.takeover": "latest"}, Effects()) as effects:
        schedule_id = await set_schedule(sessions, owner.tenant_id, "test.takeover",
                                         "0 4 * * *", now + timedelta(hours=1),
                                         {"tag": "takeover"})
        due = now - timedelta(minutes=10)
        async with sessions() as session, session.begin():
            for at, attempt in ((due, 1), (due - timedelta(days=1), FAST.max_attempts)):
                session.add(ScheduleRun(  # claimed by a process that is gone
                    id=new_id(), tenant_id=owner.tenant_id, schedule_id=schedule_id,
                    kind="test.takeover", due_at=at, manual=False, status="running",
                    attempt=attempt, claimed_by="gone-host:4242", started_at=at,
                    lease_until=now - timedelta(seconds=1), summary=""))
        scheduler = Scheduler(sessions, FAST, claimer="alive-host:1")
        await scheduler.tick()
        await scheduler.tick()
        old, run = await runs_of(sessions, schedule_id)
        assert (run.status, run.attempt, run.claimed_by) == ("succeeded", 2, "alive-host:1")
        assert effects.of("takeover") == [due]  # run once, by the process that took it
        # a run whose claimer died during its last allowed attempt is not tried again
        assert (old.status, old.attempt) == ("abandoned", FAST.max_attempts)
