"""Alarm lifecycle on PostgreSQL: raised -> acknowledged -> cleared -> closed with who and
when, dedupe, re-raise, late events, flapping, shelving, maintenance, impacts, tickets."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alarms import service
from hub.alarms.models import Alarm, AlarmRuleOverride, MaintenanceWindow
from hub.db import utcnow
from hub.errors import ConflictError, InvalidRequestError
from hub.events.models import OutboxEvent
from hub.inventory.models import Device
from hub.support.models import Ticket, TicketComment
from tests.hub.alarms.conftest import (
    T0,
    Recorder,
    World,
    actions_of,
    alarm_by_id,
    alarms_of,
    minutes,
)

Sessions = async_sessionmaker[AsyncSession]


async def _get(session: AsyncSession, alarm_id: uuid.UUID) -> Alarm:
    alarm = await session.get(Alarm, alarm_id)
    assert alarm is not None
    return alarm


async def test_lifecycle_records_who_and_when(sessions: Sessions, world: World,
                                              changes: Recorder) -> None:
    user = world.customer_id  # any UUID stands for the acting user here
    async with sessions() as session, session.begin():
        alarm = await service.raise_alarm(session, world.condition(at=T0))
    async with sessions() as session, session.begin():
        alarm = await _get(session, alarm.id)
        await service.acknowledge(session, alarm, "noc@isp.example", user, at=T0 + minutes(2),
                                  text="looking")
        await service.comment(session, alarm, "fibre cut at the cabinet", "noc@isp.example",
                              user, at=T0 + minutes(3))
    async with sessions() as session, session.begin():
        await service.clear_alarm(session, world.tenant_id, alarm.dedupe_key, T0 + minutes(5),
                                  reason="link up")
    async with sessions() as session, session.begin():
        stored = await _get(session, alarm.id)
        await service.close(session, stored, "noc@isp.example", user, at=T0 + minutes(9))

    stored = await alarm_by_id(sessions, alarm.id)
    assert stored.state == "closed"
    assert (stored.acknowledged_by, stored.acknowledged_at) == ("noc@isp.example",
                                                               T0 + minutes(2))
    assert (stored.cleared_by, stored.cleared_at) == ("system", T0 + minutes(5))
    assert (stored.closed_by, stored.closed_at) == ("noc@isp.example", T0 + minutes(9))
    history = [(h.action, h.actor, h.actor_id, h.at) for h in await actions_of(sessions,
                                                                               alarm.id)]
    assert history == [
        ("raised", "system", None, T0),
        ("acknowledged", "noc@isp.example", user, T0 + minutes(2)),
        ("commented", "noc@isp.example", user, T0 + minutes(3)),
        ("cleared", "system", None, T0 + minutes(5)),
        ("closed", "noc@isp.example", user, T0 + minutes(9)),
    ]
    assert changes.of(alarm.id) == [("raised", True), ("acknowledged", True),
                                    ("cleared", True), ("closed", True)]


async def test_one_alarm_per_condition_touched_then_re_raised(sessions: Sessions, world: World,
                                                              changes: Recorder) -> None:
    cond = world.condition(at=T0)
    async with sessions() as session, session.begin():
        first = await service.raise_alarm(session, cond)
        await service.acknowledge(session, first, "noc", None, at=T0 + minutes(1))
    async with sessions() as session, session.begin():
        again = await service.raise_alarm(session, replace(cond, at=T0 + minutes(2),
                                                           severity="critical"))
    assert again.id == first.id
    stored = await alarm_by_id(sessions, first.id)
    assert (stored.state, stored.raised_count, stored.severity) == ("acknowledged", 1,
                                                                    "critical")
    assert stored.last_raised_at == T0 + minutes(2)
    async with sessions() as session, session.begin():
        await service.clear_alarm(session, world.tenant_id, cond.dedupe_key, T0 + minutes(3))
    async with sessions() as session, session.begin():
        await service.raise_alarm(session, replace(cond, at=T0 + minutes(20)))
    stored = await alarm_by_id(sessions, first.id)
    assert (stored.state, stored.raised_count, stored.acknowledged_at, stored.cleared_at) == (
        "raised", 2, None, None)
    assert len(await alarms_of(sessions, world.tenant_id)) == 1
    assert [h.action for h in await actions_of(sessions, first.id)] == [
        "raised", "acknowledged", "severity_changed", "cleared", "re_raised"]
    assert changes.of(first.id) == [("raised", True), ("acknowledged", True),
                                    ("cleared", True), ("re_raised", True)]


async def test_a_closed_alarm_frees_its_key(sessions: Sessions, world: World) -> None:
    cond = world.condition()
    async with sessions() as session, session.begin():
        first = await service.raise_alarm(session, cond)
        await service.close(session, first, "noc", None, at=T0 + minutes(1))
        second = await service.raise_alarm(session, replace(cond, at=T0 + minutes(2)))
        with pytest.raises(ConflictError, match="closed"):
            await service.acknowledge(session, first, "noc", None)
    assert second.id != first.id
    assert [a.state for a in await alarms_of(sessions, world.tenant_id)] == ["closed",
                                                                             "raised"]


async def test_late_events_do_not_undo_newer_ones(sessions: Sessions, world: World,
                                                  changes: Recorder) -> None:
    """A raise older than the clear (delivered after it) and a clear older than the latest
    raise change nothing: alarms follow the devices' original times."""
    cond = world.condition(at=T0 + minutes(10))
    async with sessions() as session, session.begin():
        alarm = await service.raise_alarm(session, cond)
        await service.clear_alarm(session, world.tenant_id, cond.dedupe_key, T0 + minutes(5))
        assert alarm.state == "raised"
        await service.clear_alarm(session, world.tenant_id, cond.dedupe_key, T0 + minutes(12))
        await service.raise_alarm(session, replace(cond, at=T0 + minutes(11)))
    stored = await alarm_by_id(sessions, alarm.id)
    assert (stored.state, stored.cleared_at, stored.raised_count) == ("cleared",
                                                                      T0 + minutes(12), 1)
    assert changes.of(alarm.id) == [("raised", True), ("cleared", True)]


async def test_close_expired_closes_cleared_alarms_after_close_after_s(
        sessions: Sessions, world: World) -> None:
    old, new = world.condition(extra=1), world.condition(extra=2, if_index=2)
    async with sessions() as session, session.begin():
        for cond in (old, new):
            await service.raise_alarm(session, cond)
        await service.clear_alarm(session, world.tenant_id, old.dedupe_key, T0 + minutes(1))
        await service.clear_alarm(session, world.tenant_id, new.dedupe_key, T0 + minutes(50))
    async with sessions() as session, session.begin():
        closed = await service.close_expired(session, T0 + minutes(62))
    assert closed >= 1
    states = {a.dedupe_key: (a.state, a.closed_by) for a in
              await alarms_of(sessions, world.tenant_id)}
    assert states == {old.dedupe_key: ("closed", "system"), new.dedupe_key: ("cleared", None)}


async def test_flapping_is_one_notification(sessions: Sessions, world: World,
                                            changes: Recorder) -> None:
    """Down/up four times within the window: raised, cleared, then one "flapping" and
    silence while it flaps; a quiet window later it is stable and says where it ended."""
    cond = world.condition()
    async with sessions() as session, session.begin():
        alarm = await service.raise_alarm(session, cond)
        for n in range(1, 8):
            at = T0 + timedelta(seconds=30 * n)
            if n % 2:
                await service.clear_alarm(session, world.tenant_id, cond.dedupe_key, at)
            else:
                await service.raise_alarm(session, replace(cond, at=at))
    assert changes.of(alarm.id) == [("raised", True), ("cleared", True), ("re_raised", True),
                                    ("flapping", True)]
    stored = await alarm_by_id(sessions, alarm.id)
    assert stored.flapping and stored.flap_started_at == T0 + timedelta(seconds=90)
    async with sessions() as session, session.begin():
        await service.close_expired(session, T0 + minutes(5))  # still inside the window
        assert (await alarm_by_id(sessions, alarm.id)).flapping
        await service.close_expired(session, T0 + minutes(15))
    stored = await alarm_by_id(sessions, alarm.id)
    assert not stored.flapping and stored.state == "cleared"
    assert [h.action for h in await actions_of(sessions, alarm.id)].count("flapping") == 1
    assert changes.of(alarm.id)[-1] == ("cleared", True)
    assert (await actions_of(sessions, alarm.id))[-1].action == "stable"


async def test_shelved_alarms_notify_no_one_until_unshelved(sessions: Sessions, world: World,
                                                            changes: Recorder) -> None:
    cond = world.condition(at=utcnow())
    async with sessions() as session, session.begin():
        alarm = await service.raise_alarm(session, cond)
        with pytest.raises(InvalidRequestError, match="in the past"):
            await service.shelve(session, alarm, utcnow() - minutes(1), "noc", None)
        await service.shelve(session, alarm, utcnow() + minutes(30), "noc", None,
                             text="known issue")
        await service.clear_alarm(session, world.tenant_id, cond.dedupe_key,
                                  cond.at + minutes(1))
        await service.unshelve(session, alarm, "noc", None)
        await service.raise_alarm(session, replace(cond, at=cond.at + minutes(20)))
    assert changes.of(alarm.id) == [("raised", True), ("cleared", False), ("re_raised", True)]
    actions = [(h.action, h.actor) for h in await actions_of(sessions, alarm.id)]
    assert ("shelved", "noc") in actions and ("unshelved", "noc") in actions


async def test_maintenance_marks_and_silences(sessions: Sessions, world: World,
                                              changes: Recorder) -> None:
    async with sessions() as session, session.begin():
        session.add(MaintenanceWindow(tenant_id=world.tenant_id, site_id=world.site_id,
                                      starts_at=T0, ends_at=T0 + minutes(60),
                                      reason="swap", created_by="noc"))
    async with sessions() as session, session.begin():
        during = await service.raise_alarm(session, world.condition(extra=1, at=T0))
        after = await service.raise_alarm(session, world.condition(extra=2, if_index=2,
                                                                   at=T0 + minutes(61)))
    assert (during.in_maintenance, after.in_maintenance) == (True, False)
    assert changes.of(during.id) == [("raised", False)]
    assert changes.of(after.id) == [("raised", True)]
    # The device's own maintenance flag counts as well, at any time.
    async with sessions() as session, session.begin():
        device = await session.get(Device, world.other_device_id)
        assert device is not None
        device.maintenance = True
    cond = replace(world.condition(extra="rtr", at=T0 + minutes(300)),
                   device_id=world.other_device_id, device_name=world.other_device_name)
    async with sessions() as session, session.begin():
        flagged = await service.raise_alarm(session, cond)
    assert flagged.in_maintenance and changes.of(flagged.id) == [("raised", False)]


async def test_impacts_list_the_customers_on_the_port(sessions: Sessions,
                                                      world: World) -> None:
    async with sessions() as session, session.begin():
        port1 = await service.raise_alarm(session, world.condition(extra=1, if_index=1))
        port2 = await service.raise_alarm(session, world.condition(extra=2, if_index=2))
        device = await service.raise_alarm(session, world.condition(
            "device.cpu", extra="", if_index=None, alarm_type="cpu"))
    expected = [{"subscription_id": str(world.subscription_id),
                 "customer_id": str(world.customer_id), "customer_name": world.customer_name,
                 "port": "Gi0/1"}]
    assert port1.impacts == expected
    assert port2.impacts == []  # its only subscription is terminated
    assert device.impacts == expected


async def test_a_rule_opens_one_ticket_for_customer_impact(sessions: Sessions,
                                                           world: World) -> None:
    async with sessions() as session, session.begin():
        session.add(AlarmRuleOverride(tenant_id=world.tenant_id, rule="event.link",
                                      params={"open_ticket": True}, updated_by="noc"))
    cond = world.condition(severity="critical")
    async with sessions() as session, session.begin():
        alarm = await service.raise_alarm(session, cond)
        await service.clear_alarm(session, world.tenant_id, cond.dedupe_key, T0 + minutes(1))
        await service.raise_alarm(session, replace(cond, at=T0 + minutes(2)))
        unimpacted = await service.raise_alarm(session, world.condition(extra=2, if_index=2))
    async with sessions() as session:
        tickets = list((await session.execute(select(Ticket).where(
            Ticket.tenant_id == world.tenant_id))).scalars())
        comments = list((await session.execute(select(TicketComment.body).where(
            TicketComment.tenant_id == world.tenant_id))).scalars())
        webhooks = list((await session.execute(select(OutboxEvent.type).where(
            OutboxEvent.tenant_id == world.tenant_id))).scalars())
    assert len(tickets) == 1
    ticket = tickets[0]
    assert (ticket.customer_id, ticket.subscription_id, ticket.device_id, ticket.priority) == (
        world.customer_id, world.subscription_id, world.device_id, "urgent")
    assert world.customer_name in comments[0] and str(alarm.id) in comments[0]
    assert "ticket.created" in webhooks
    stored = await alarm_by_id(sessions, alarm.id)
    assert stored.ticket_id == ticket.id
    assert [h.action for h in await actions_of(sessions, alarm.id)].count("ticket_opened") == 1
    assert unimpacted.ticket_id is None


async def test_comment_needs_text_and_open_keys_follow_state(sessions: Sessions,
                                                             world: World) -> None:
    a, b = world.condition(extra=1), world.condition(extra=2, if_index=2)
    async with sessions() as session, session.begin():
        alarm = await service.raise_alarm(session, a)
        await service.raise_alarm(session, b)
        with pytest.raises(InvalidRequestError, match="text"):
            await service.comment(session, alarm, "  ", "noc")
        await service.clear_alarm(session, world.tenant_id, b.dedupe_key, T0 + minutes(1))
        keys = await service.open_dedupe_keys(session, world.tenant_id, "event.link")
    assert keys == {a.dedupe_key}
