"""Device events -> stored events and event alarms (the DeviceEventsReported consumer), on
PostgreSQL: linkUp clears linkDown, original times, dedupe of redelivered events, device
resolution, ignored and generic events, raise-only alarms clearing themselves."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub import migrations
from hub.alarms.event_rules import clear_stale_event_alarms, on_device_events_reported
from hub.alarms.models import Alarm, AlarmRuleOverride, DeviceEvent
from hub.db import create_engine, session_factory
from hub.ingest.events import DeviceEventsReported
from hub.ingest.models import ObservedInterface
from protocol import DeviceEventBatch, EventRecord
from tests.hub.alarms.conftest import (
    T0,
    Recorder,
    World,
    actions_of,
    alarms_of,
    minutes,
    new_world,
)

Sessions = async_sessionmaker[AsyncSession]


def record(event_type: str, at: datetime, labels: dict[str, str] | None = None,
           **fields: Any) -> EventRecord:
    """One event from sw's address, received by the agent at `at`."""
    values: dict[str, Any] = {"event_id": uuid.uuid4(), "event_type": event_type,
                              "severity": "major", "origin": "snmp_trap",
                              "source": "192.0.2.10", "labels": labels or {},
                              "raw": f"v2c trap {event_type}", "received_at": at}
    values.update(fields)
    return EventRecord(**values)


def on_sw(world: World, *records: EventRecord) -> list[EventRecord]:
    """The records as the agent sends them for sw (its device id is the hub's UUID)."""
    return [r.model_copy(update={"device_id": str(world.device_id),
                                 "device_name": world.device_name}) for r in records]


async def deliver(sessions: Sessions, world: World, records: list[EventRecord]) -> None:
    """What ingest does with a batch: publish DeviceEventsReported in one transaction."""
    batch = DeviceEventBatch(agent_id="agent-1", seq=1, ts=records[-1].received_at,
                             events=records)
    async with sessions() as session, session.begin():
        await on_device_events_reported(session, DeviceEventsReported(
            tenant_id=world.tenant_id, site_id=world.site_id, agent_id=world.agent_id,
            agent_name="agent-1", report=batch, received_at=records[-1].received_at))


async def stored_events(sessions: Sessions, world: World) -> list[DeviceEvent]:
    """The tenant's stored device events, oldest first."""
    async with sessions() as session:
        query = (select(DeviceEvent).where(DeviceEvent.tenant_id == world.tenant_id)
                 .order_by(DeviceEvent.received_at, DeviceEvent.id))
        return list((await session.execute(query)).scalars())


async def test_link_up_clears_link_down(sessions: Sessions, world: World,
                                        changes: Recorder) -> None:
    down = record("link_down", T0, {"ifIndex": "1", "ifName": "Gi0/1"})
    await deliver(sessions, world, on_sw(world, down))
    [alarm] = await alarms_of(sessions, world.tenant_id)
    assert (alarm.rule, alarm.alarm_type, alarm.state, alarm.severity) == (
        "event.link", "link_down", "raised", "major")
    assert (alarm.device_id, alarm.if_index, alarm.first_raised_at) == (world.device_id, 1, T0)
    assert alarm.subject == f"{world.device_name} Gi0/1"
    assert [i["customer_name"] for i in alarm.impacts] == [world.customer_name]
    await deliver(sessions, world, on_sw(world, record("link_up", T0 + minutes(3),
                                                       {"ifIndex": "1"}, severity="info")))
    [alarm] = await alarms_of(sessions, world.tenant_id)
    assert (alarm.state, alarm.cleared_at, alarm.cleared_by) == ("cleared", T0 + minutes(3),
                                                                 "system")
    assert changes.of(alarm.id) == [("raised", True), ("cleared", True)]
    events = await stored_events(sessions, world)
    assert [(e.event_type, e.device_id, e.labels.get("ifIndex")) for e in events] == [
        ("link_down", world.device_id, "1"), ("link_up", world.device_id, "1")]


async def test_redelivered_events_are_stored_and_applied_once(sessions: Sessions,
                                                              world: World) -> None:
    batch = on_sw(world, record("link_down", T0, {"ifIndex": "1"}),
                  record("link_up", T0 + minutes(1), {"ifIndex": "1"}))
    await deliver(sessions, world, batch)
    await deliver(sessions, world, batch)
    assert len(await stored_events(sessions, world)) == 2
    [alarm] = await alarms_of(sessions, world.tenant_id)
    assert [h.action for h in await actions_of(sessions, alarm.id)] == ["raised", "cleared"]


async def test_syslog_names_the_port_a_trap_numbers(sessions: Sessions, world: World) -> None:
    """A syslog line with only ifName and a trap with ifIndex are the same interface once
    the device's observed interfaces say so; the alarm takes the device's own clock."""
    async with sessions() as session, session.begin():
        session.add(ObservedInterface(tenant_id=world.tenant_id, device=world.device_name,
                                      if_index=7, name="GigabitEthernet0/7",
                                      admin_status="up", oper_status="down"))
    line = record("link_down", T0, {"ifName": "GigabitEthernet0/7"}, origin="syslog",
                  device_time=T0 - timedelta(seconds=2))
    await deliver(sessions, world, on_sw(world, line))
    await deliver(sessions, world, on_sw(world, record("link_up", T0 + minutes(1),
                                                       {"ifIndex": "7"})))
    [alarm] = await alarms_of(sessions, world.tenant_id)
    assert (alarm.if_index, alarm.first_raised_at, alarm.state) == (
        7, T0 - timedelta(seconds=2), "cleared")


async def test_a_hub_managed_device_names_its_ports_under_its_id(
        sessions: Sessions, world: World, changes: Recorder) -> None:
    """Ingest stores a hub-pushed device's interfaces under the agent's key for it, the
    device id: a syslog line naming only the port finds the ifIndex there (before a stale
    row under the device's name) and so touches the alarm the trap raised."""
    async with sessions() as session, session.begin():
        session.add_all([
            ObservedInterface(tenant_id=world.tenant_id, device=str(world.device_id),
                              if_index=1, name="GigabitEthernet0/1", admin_status="up",
                              oper_status="down"),
            ObservedInterface(tenant_id=world.tenant_id, device=world.device_name,
                              if_index=9, name="GigabitEthernet0/1", admin_status="up",
                              oper_status="up")])
    trap = record("link_down", T0, {"ifIndex": "1"})
    line = record("link_down", T0 + minutes(1), {"ifName": "GigabitEthernet0/1"},
                  origin="syslog")
    await deliver(sessions, world, on_sw(world, trap, line))
    [alarm] = await alarms_of(sessions, world.tenant_id)
    assert (alarm.if_index, alarm.state, alarm.first_raised_at) == (1, "raised", T0)
    assert [i["customer_name"] for i in alarm.impacts] == [world.customer_name]
    up = record("link_up", T0 + minutes(2), {"ifName": "GigabitEthernet0/1"},
                origin="syslog", severity="info")
    await deliver(sessions, world, on_sw(world, up))
    [alarm] = await alarms_of(sessions, world.tenant_id)
    assert (alarm.if_index, alarm.state, alarm.cleared_at) == (1, "cleared", T0 + minutes(2))
    assert [state for state, _ in changes.of(alarm.id)] == ["raised", "cleared"]


async def test_an_implausible_device_clock_gives_way_to_the_receive_time(
        sessions: Sessions, world: World) -> None:
    # The session runs over port 1, but a BGP alarm is about the neighbor, not the port.
    line = record("bgp_neighbor_down", T0, {"neighbor": "203.0.113.1", "ifIndex": "1"},
                  origin="syslog", device_time=T0 - timedelta(days=400))
    await deliver(sessions, world, on_sw(world, line))
    [alarm] = await alarms_of(sessions, world.tenant_id)
    assert (alarm.rule, alarm.first_raised_at, alarm.if_index) == ("event.bgp_neighbor", T0,
                                                                   None)
    assert alarm.dedupe_key.endswith("neighbor=203.0.113.1")
    [stored] = await stored_events(sessions, world)
    assert stored.device_time == T0 - timedelta(days=400)  # the evidence is kept as sent


async def test_admin_down_is_not_an_outage(sessions: Sessions, world: World) -> None:
    shut = record("link_down", T0, {"ifIndex": "2", "ifAdminStatus": "down"})
    await deliver(sessions, world, on_sw(world, shut))
    assert len(await stored_events(sessions, world)) == 1
    assert await alarms_of(sessions, world.tenant_id) == []


async def test_devices_resolve_by_id_then_by_name(sessions: Sessions, world: World) -> None:
    by_name = record("fan_failure", T0, {"component": "Fan 1"}, device_id="sw-local-id",
                     device_name=world.other_device_name)
    unknown = record("fan_failure", T0, {"component": "Fan 1"}, source="198.51.100.9")
    await deliver(sessions, world, [by_name, unknown])
    alarms = {a.device_name: a for a in await alarms_of(sessions, world.tenant_id)}
    assert alarms[world.other_device_name].device_id == world.other_device_id
    assert alarms[None].device_id is None
    assert alarms[None].dedupe_key == "event.fan|198.51.100.9|component=Fan 1"
    assert {e.device_id for e in await stored_events(sessions, world)} == {
        world.other_device_id, None}


async def test_generic_events_are_stored_not_alarmed_unless_enabled(
        sessions: Sessions, world: World) -> None:
    unknown = record("generic", T0, origin="snmp_trap", rule=None)
    mapped_but_unruled = record("inventory_change", T0 + minutes(1), severity="warning")
    await deliver(sessions, world, on_sw(world, unknown, mapped_but_unruled))
    assert len(await stored_events(sessions, world)) == 2
    assert await alarms_of(sessions, world.tenant_id) == []
    async with sessions() as session, session.begin():
        session.add(AlarmRuleOverride(tenant_id=world.tenant_id, rule="event.generic",
                                      enabled=True, updated_by="noc"))
    info = record("fru_online", T0 + minutes(2), severity="info")
    await deliver(sessions, world, on_sw(world, record("inventory_change",
                                                       T0 + minutes(2)), info))
    [alarm] = await alarms_of(sessions, world.tenant_id)
    assert (alarm.rule, alarm.alarm_type) == ("event.generic", "inventory_change")


async def test_a_disabled_rule_alarms_nothing(sessions: Sessions, world: World) -> None:
    async with sessions() as session, session.begin():
        session.add(AlarmRuleOverride(tenant_id=world.tenant_id, rule="event.link",
                                      enabled=False, updated_by="noc"))
    await deliver(sessions, world, on_sw(world, record("link_down", T0, {"ifIndex": "1"})))
    assert await alarms_of(sessions, world.tenant_id) == []


async def test_raise_only_alarms_clear_themselves(sessions: Sessions, world: World) -> None:
    await deliver(sessions, world, on_sw(
        world, record("config_change", T0, {"user": "admin"}, severity="info"),
        record("link_down", T0, {"ifIndex": "1"}),
        record("ups_on_battery", T0, {}, severity="critical"),
        record("ups_alarm", T0, {"alarm_id": "3"})))
    async with sessions() as session, session.begin():
        assert await clear_stale_event_alarms(session, T0 + minutes(10)) == 1  # UPS on battery
        assert await clear_stale_event_alarms(session, T0 + minutes(16)) == 1  # config change
    states = {a.alarm_type: (a.state, a.cleared_at, a.severity)
              for a in await alarms_of(sessions, world.tenant_id)}
    assert states == {"config_change": ("cleared", T0 + minutes(15), "info"),
                      "link_down": ("raised", None, "major"),
                      "ups_on_battery": ("cleared", T0 + minutes(5), "critical"),
                      "ups_alarm": ("raised", None, "major")}


async def test_folded_events_count_at_their_last_time(sessions: Sessions,
                                                      world: World) -> None:
    """The agent folded three identical cold starts: the alarm is raised at the first and
    still true at the last."""
    folded = record("cold_start", T0, count=3, last_received_at=T0 + minutes(4))
    await deliver(sessions, world, on_sw(world, folded))
    async with sessions() as session:
        alarm = (await session.execute(select(Alarm).where(
            Alarm.tenant_id == world.tenant_id))).scalar_one()
    assert (alarm.first_raised_at, alarm.last_raised_at, alarm.raised_count) == (
        T0, T0 + minutes(4), 1)
    assert alarm.details["count"] == 3


@pytest_asyncio.fixture(loop_scope="session")
async def sqlite_sessions(tmp_path: Path) -> AsyncIterator[Sessions]:
    """Sessions on a migrated embedded (SQLite) database, as the all-in-one hub runs."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    migrations.upgrade(url)
    engine = create_engine(url)
    yield session_factory(engine)
    await engine.dispose()


async def test_the_embedded_sqlite_hub_stores_raises_and_clears(
        sqlite_sessions: Sessions, changes: Recorder) -> None:
    world = await new_world(sqlite_sessions)
    batch = on_sw(world, record("link_down", T0, {"ifIndex": "1"}))
    await deliver(sqlite_sessions, world, batch)
    await deliver(sqlite_sessions, world, batch)  # redelivered: ON CONFLICT DO NOTHING
    await deliver(sqlite_sessions, world, on_sw(world, record("link_up", T0 + minutes(1),
                                                              {"ifIndex": "1"})))
    [alarm] = await alarms_of(sqlite_sessions, world.tenant_id)
    assert (alarm.state, alarm.first_raised_at, alarm.cleared_at) == ("cleared", T0,
                                                                      T0 + minutes(1))
    assert alarm.impacts[0]["customer_name"] == world.customer_name
    assert len(await stored_events(sqlite_sessions, world)) == 2
    assert changes.of(alarm.id) == [("raised", True), ("cleared", True)]
