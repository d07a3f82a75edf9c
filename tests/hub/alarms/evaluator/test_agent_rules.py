"""Agent rules on what ingest stored from the agent's messages: offline from the Last Will
(at once through the state change when after_s is 0) or from silence, queue backlog,
configuration not applied, storm drops; and the correlation under agent.offline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from hub.alarms.service import dedupe_key
from hub.db import utcnow
from hub.fleet.models import AgentConfigState
from tests.hub.alarms.conftest import World, actions_of
from tests.hub.alarms.evaluator.conftest import (
    Sessions,
    alarms,
    evaluate,
    feed_for,
    only,
    override,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_last_will_raises_after_after_s_and_birth_clears_at_once(
        sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    await feed.state("online", t0 - timedelta(minutes=5))
    await feed.state("offline", t0)  # the broker published the retained Last Will
    assert await alarms(sessions, world.tenant_id, "agent.offline") == []  # after_s 60

    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=59))
    assert await alarms(sessions, world.tenant_id, "agent.offline") == []
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=60))
    alarm = await only(sessions, world.tenant_id, "agent.offline")
    assert alarm.first_raised_at == t0 and alarm.origin == "agent"
    assert alarm.dedupe_key == dedupe_key("agent.offline", world.agent_id)
    assert alarm.agent_id == world.agent_id and alarm.device_id is None

    back = utcnow().replace(microsecond=0) + timedelta(seconds=90)
    await feed.state("online", back)  # no pass: the state change clears it
    [cleared] = await alarms(sessions, world.tenant_id, "agent.offline", "cleared")
    assert cleared.cleared_at == back


async def test_after_s_zero_raises_at_once_on_the_state_change(
        sessions: Sessions, world: World) -> None:
    await override(sessions, world.tenant_id, "agent.offline", after_s=0)
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    await feed.state("online", t0 - timedelta(minutes=1))
    await feed.state("offline", t0)
    alarm = await only(sessions, world.tenant_id, "agent.offline")  # no pass ran
    assert alarm.state == "raised" and alarm.first_raised_at == t0
    t1 = t0 + timedelta(seconds=20)
    await feed.state("online", t1)
    assert [a.cleared_at for a in await alarms(sessions, world.tenant_id, "agent.offline",
                                                "cleared")] == [t1]


async def test_silent_agent_is_offline_from_its_last_message(
        sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0) - timedelta(minutes=10)
    await feed.state("online", t0)
    await feed.health(t0 + timedelta(seconds=30))
    now = utcnow()
    await evaluate(sessions, world.tenant_id, now)
    alarm = await only(sessions, world.tenant_id, "agent.offline")
    assert alarm.first_raised_at == t0 + timedelta(seconds=30)  # last heard from
    assert alarm.details["reason"] == "stale"

    heard = utcnow().replace(microsecond=0)
    await feed.health(heard)
    await evaluate(sessions, world.tenant_id, heard + timedelta(seconds=5))
    assert len(await alarms(sessions, world.tenant_id, "agent.offline", "cleared")) == 1


async def test_offline_agent_suppresses_its_devices_unreachable_alarm(
        sessions: Sessions, world: World) -> None:
    await override(sessions, world.tenant_id, "agent.offline", after_s=0)
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    await feed.state("online", t0 - timedelta(minutes=10))
    await feed.health(t0 - timedelta(minutes=6), failing={world.device_name: "timeout"})
    await feed.state("offline", t0)
    root = await only(sessions, world.tenant_id, "agent.offline")

    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=10))
    child = await only(sessions, world.tenant_id, "device.unreachable")
    assert child.suppressed_by == root.id  # names its root; notifies no one
    assert "suppressed" in [h.action for h in await actions_of(sessions, child.id)]

    await feed.state("online", t0 + timedelta(seconds=30))
    child = await only(sessions, world.tenant_id, "device.unreachable")
    assert child.suppressed_by is None and child.state == "raised"  # still down, on its own


async def test_queue_backlog_from_health(sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    await feed.state("online", t0 - timedelta(minutes=30))
    await feed.health(t0, oldest_queued_age_s=900)
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=10))
    alarm = await only(sessions, world.tenant_id, "agent.queue_backlog")
    # The oldest message crossed the 600 s limit 300 s before the report.
    assert alarm.first_raised_at == t0 - timedelta(seconds=300)

    t1 = t0 + timedelta(seconds=30)
    await feed.health(t1, oldest_queued_age_s=2)
    await evaluate(sessions, world.tenant_id, t1 + timedelta(seconds=10))
    [cleared] = await alarms(sessions, world.tenant_id, "agent.queue_backlog", "cleared")
    assert cleared.cleared_at == t1


async def test_config_not_applied_after_s_or_refused(sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    await feed.state("online", t0 - timedelta(hours=1))
    async with sessions() as session, session.begin():
        session.add(AgentConfigState(agent_id=world.agent_id, tenant_id=world.tenant_id,
                                     desired_version=3, desired_hash="a" * 64, desired_at=t0,
                                     applied_version=2, applied_hash="b" * 64))
    await feed.health(t0 + timedelta(seconds=599))
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=599))
    assert await alarms(sessions, world.tenant_id, "agent.config_not_applied") == []
    await feed.health(t0 + timedelta(seconds=600))
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=600))
    alarm = await only(sessions, world.tenant_id, "agent.config_not_applied")
    assert alarm.first_raised_at == t0
    assert (alarm.details["desired_version"], alarm.details["applied_version"]) == (3, 2)

    t1 = t0 + timedelta(seconds=700)
    async with sessions() as session, session.begin():
        await session.execute(update(AgentConfigState).where(
            AgentConfigState.agent_id == world.agent_id).values(applied_version=3, acked_at=t1))
    await feed.health(t1)
    await evaluate(sessions, world.tenant_id, t1)
    assert len(await alarms(sessions, world.tenant_id, "agent.config_not_applied",
                            "cleared")) == 1

    # Version 4 refused by the agent: raised at the refusal, without waiting after_s.
    t2 = t1 + timedelta(seconds=60)
    async with sessions() as session, session.begin():
        await session.execute(update(AgentConfigState).where(
            AgentConfigState.agent_id == world.agent_id).values(
            desired_version=4, desired_at=t2, last_status="rejected",
            last_error_code="unknown_profile", last_error_detail="no profile acme_os",
            last_error_at=t2 + timedelta(seconds=2)))
    await feed.health(t2 + timedelta(seconds=5))
    await evaluate(sessions, world.tenant_id, t2 + timedelta(seconds=5))
    refused = await only(sessions, world.tenant_id, "agent.config_not_applied")
    assert refused.state == "raised" and refused.raised_count == 2
    assert refused.last_raised_at == t2 + timedelta(seconds=2)
    assert refused.details["error_code"] == "unknown_profile"


async def test_events_dropped_raises_on_growth_and_clears_when_it_stops(
        sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    await feed.state("online", t0 - timedelta(minutes=5))
    await feed.health(t0, events_dropped=0)
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=1))
    assert await alarms(sessions, world.tenant_id, "agent.events_dropped") == []

    await feed.health(t0 + timedelta(seconds=30), events_dropped=5000)
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=31))
    alarm = await only(sessions, world.tenant_id, "agent.events_dropped")
    assert alarm.details["new"] == 5000 and alarm.first_raised_at == t0 + timedelta(seconds=30)
    # No new health report: nothing to decide, the alarm stays.
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=45))
    assert (await only(sessions, world.tenant_id, "agent.events_dropped")).state == "raised"

    await feed.health(t0 + timedelta(seconds=60), events_dropped=5000)  # storm over
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=61))
    [cleared] = await alarms(sessions, world.tenant_id, "agent.events_dropped", "cleared")
    assert cleared.cleared_at == t0 + timedelta(seconds=60)

    await feed.health(t0 + timedelta(seconds=90), events_dropped=5300)
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=91))
    again = await only(sessions, world.tenant_id, "agent.events_dropped")
    assert again.state == "raised" and again.details["new"] == 300
