"""Silences that begin or end while an alarm stays open (the evaluator's housekeeping):
a maintenance window opening marks the alarm, its end brings a still-raised alarm to the
NOC once; a shelve that runs out does the same; a window that never touched the alarm's
device or site changes nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alarms import service
from hub.alarms.models import MaintenanceWindow
from tests.hub.alarms.conftest import T0, Recorder, World, actions_of, alarm_by_id, minutes

Sessions = async_sessionmaker[AsyncSession]


async def settle(sessions: Sessions, at_minute: float) -> int:
    async with sessions() as session, session.begin():
        return await service.settle_windows(session, T0 + minutes(at_minute))


async def test_a_window_over_an_open_alarm_marks_it_then_announces_it_when_it_ends(
        sessions: Sessions, world: World, changes: Recorder) -> None:
    async with sessions() as session, session.begin():
        alarm = await service.raise_alarm(session, world.condition(extra=7, at=T0))
        session.add(MaintenanceWindow(tenant_id=world.tenant_id, device_id=world.device_id,
                                      starts_at=T0 + minutes(10), ends_at=T0 + minutes(70),
                                      reason="optics swap", created_by="noc"))
    assert changes.of(alarm.id) == [("raised", True)]

    assert await settle(sessions, 5) == 0  # before the window: nothing to follow
    await settle(sessions, 11)
    assert (await alarm_by_id(sessions, alarm.id)).in_maintenance is True
    await settle(sessions, 40)  # inside it: no new history, no announcement
    await settle(sessions, 71)
    after = await alarm_by_id(sessions, alarm.id)
    assert after.in_maintenance is False and after.state == "raised"
    # Raised before, silent during, announced once more when the window ended.
    assert changes.of(alarm.id) == [("raised", True), ("re_raised", True)]
    actions = [h.action for h in await actions_of(sessions, alarm.id)]
    assert actions.count("maintenance_started") == 1
    assert actions.count("maintenance_ended") == 1


async def test_an_alarm_cleared_during_maintenance_is_not_announced_after_it(
        sessions: Sessions, world: World, changes: Recorder) -> None:
    async with sessions() as session, session.begin():
        session.add(MaintenanceWindow(tenant_id=world.tenant_id, site_id=world.site_id,
                                      starts_at=T0, ends_at=T0 + minutes(30),
                                      reason="power work", created_by="noc"))
    async with sessions() as session, session.begin():
        alarm = await service.raise_alarm(session, world.condition(extra=8, at=T0))
        await service.clear_alarm(session, world.tenant_id, alarm.dedupe_key,
                                  T0 + minutes(20))
    await settle(sessions, 31)
    after = await alarm_by_id(sessions, alarm.id)
    assert after.in_maintenance is False and after.state == "cleared"
    assert all(not notify for _, notify in changes.of(alarm.id))


async def test_a_shelve_that_runs_out_brings_a_raised_alarm_back(
        sessions: Sessions, world: World, changes: Recorder) -> None:
    async with sessions() as session, session.begin():
        alarm = await service.raise_alarm(session, world.condition(extra=9, at=T0))
        await service.shelve(session, alarm, T0 + minutes(15), "noc@isp.example",
                             at=T0 + minutes(1))
    await settle(sessions, 14)
    assert (await alarm_by_id(sessions, alarm.id)).shelved_until is not None
    await settle(sessions, 16)
    after = await alarm_by_id(sessions, alarm.id)
    assert after.shelved_until is None and after.shelved_by is None
    assert changes.of(alarm.id) == [("raised", True), ("re_raised", True)]
    history = await actions_of(sessions, alarm.id)
    assert [(h.action, h.actor) for h in history if h.action == "unshelved"] == [
        ("unshelved", "system")]
