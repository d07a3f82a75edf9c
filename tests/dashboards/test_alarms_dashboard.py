"""The Alarms dashboard shows what the alarms tables hold, and its links land somewhere real.

A migrated hub database (migration 0017's `alarms`, `alarm_history` and `device_events`)
gets one tenant's alarms in every state (an offline agent as root with a device alarm
suppressed under it, an acknowledged link-down with two customers on the port, an alarm of
an agent.yaml device known by name only, a hub alarm of no site, a cleared and a closed one),
their history and a few device events, plus another tenant's rows that must never show.
Each panel's SQL is run with `$tenant`, `$site` and Grafana's time macros put in as the
other dashboard tests do; the device links are followed into device-detail's variables, and
device-detail's alarm annotations are read for one device.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest_asyncio

from dashboards import root
from hub.alarms import service
from hub.alarms.models import Alarm, AlarmHistory, DeviceEvent
from hub.alarms.service import Condition, dedupe_key
from hub.handlers import wire
from hub.inventory.models import Device, Site
from hub.tenants.models import Tenant
from tests.dashboards.test_dashboards import VARIABLE, Filled, _substitute, queried
from tests.hub.alarms.conftest import World, new_world
from tests.hub.harness import drop_database
from tests.hub.ingest.harness import (
    engine_and_sessions,
    migrated_database,
    new_tenancy,
    register_agent,
    token,
)
from tests.services.postgres import Postgres

PATH = root() / "alarms.json"
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
LEGACY = "sw-legacy"  # an agent.yaml device: alarms and events name it, no hub id
ALL = "*"


@dataclass
class Made:
    """What the fixture wrote: ids by role, the period the panels look at."""

    dsn: str
    tenant: str
    tenant_name: str
    site_a: str
    site_a_name: str
    site_b: str
    site_b_name: str
    device: str  # the hub device's id
    start: datetime
    end: datetime
    alarms: dict[str, str] = field(default_factory=dict)  # role -> alarm id
    url: str = ""  # SQLAlchemy URL of the database

    def filled(self) -> Filled:
        """The shape the shared substitution helper takes."""
        return Filled(self.dsn, "", self.tenant, self.start, self.end)


def _doc(name: str = "alarms") -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((root() / f"{name}.json").read_text())
    return doc


def _panel(title: str) -> dict[str, Any]:
    return next(p for _, p in queried(_doc()) if p["title"] == title)


def _rows(made: Made, sql: str, period: Filled | None = None,
          **values: str) -> list[dict[str, Any]]:
    text = _substitute(sql, {"tenant": made.tenant, "site": ALL, **values},
                       period or made.filled())
    assert "$" not in text, text
    with psycopg.connect(made.dsn) as conn:
        cur = conn.execute(text)
        names = [c.name for c in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _panel_rows(made: Made, title: str, **values: str) -> list[dict[str, Any]]:
    (target,) = _panel(title)["targets"]
    return _rows(made, target["rawSql"], None, **values)


def _alarm(tenant: uuid.UUID, role: str, now: datetime, **fields: Any) -> Alarm:
    at = fields.pop("at", now - HOUR)
    values: dict[str, Any] = {
        "tenant_id": tenant, "rule": role, "dedupe_key": f"{role}|{uuid.uuid4()}",
        "alarm_type": role, "severity": "major", "state": "raised", "origin": "telemetry",
        "subject": role, "summary": f"{role} summary", "first_raised_at": at,
        "last_raised_at": at, "last_change_at": at, "impacts": []}
    values.update(fields)
    return Alarm(**values)


@dataclass
class Places:
    """Where the alarms are: tenant, two sites, an agent, a hub device."""

    tenant: uuid.UUID
    site_a: uuid.UUID
    site_b: uuid.UUID
    agent: uuid.UUID
    device: uuid.UUID


def _alarms(p: Places, now: datetime) -> dict[str, Alarm]:
    root_alarm = _alarm(p.tenant, "agent.offline", now, severity="critical", origin="agent",
                        site_id=p.site_a, agent_id=p.agent, subject="agent pop-a offline",
                        at=now - 2 * HOUR)
    impacts = [{"subscription_id": str(uuid.uuid4()), "customer_id": str(uuid.uuid4()),
                "customer_name": name, "port": "Gi0/1"} for name in ("Ann", "Bob")]
    return {
        "root": root_alarm,
        "unreachable": _alarm(p.tenant, "device.unreachable", now, site_id=p.site_a,
                              agent_id=p.agent, device_id=p.device, device_name="core-1",
                              subject="core-1 unreachable", at=now - 90 * MINUTE),
        "link": _alarm(p.tenant, "event.link", now, severity="minor", state="acknowledged",
                       origin="event", site_id=p.site_a, device_id=p.device,
                       device_name="core-1", if_index=1, subject="core-1 Gi0/1",
                       acknowledged_by="noc-alice", acknowledged_at=now - 30 * MINUTE,
                       impacts=impacts, raised_count=3, at=now - 40 * MINUTE,
                       first_raised_at=now - 3 * HOUR),
        "legacy": _alarm(p.tenant, "event.fan", now, severity="warning", origin="event",
                         site_id=p.site_b, device_name=LEGACY, subject=f"{LEGACY} fan 2",
                         at=now - 20 * MINUTE),
        "hub": _alarm(p.tenant, "hub.ingest_lag", now, severity="major", origin="hub",
                      subject="hub ingest lag", at=now - 10 * MINUTE),
        "cleared": _alarm(p.tenant, "device.cpu", now, state="cleared", site_id=p.site_a,
                          device_id=p.device, device_name="core-1", subject="core-1 CPU",
                          cleared_at=now - 50 * MINUTE, cleared_by="system",
                          at=now - 70 * MINUTE),
        "closed": _alarm(p.tenant, "event.temperature", now, state="closed", site_id=p.site_b,
                         device_name=LEGACY, subject=f"{LEGACY} temperature",
                         cleared_at=now - 5 * HOUR, closed_at=now - 4 * HOUR,
                         at=now - 6 * HOUR),
    }


# (alarm role, action, actor, minutes ago); the last is outside the 2-hour period shown
HISTORY = (("root", "raised", "system", 110), ("unreachable", "raised", "system", 90),
           ("unreachable", "suppressed", "system", 90), ("link", "acknowledged", "noc-alice", 30),
           ("cleared", "cleared", "system", 50), ("closed", "closed", "system", 240))
# (device, severity, event type, origin, minutes ago)
EVENTS = (("core-1", "major", "link_down", "snmp_trap", 40),
          (LEGACY, "warning", "fan_failure", "syslog", 20),
          (LEGACY, "info", "login_failure", "syslog", 15),
          (LEGACY, "critical", "cold_start", "snmp_trap", 300))


def _events(p: Places, now: datetime) -> list[DeviceEvent]:
    made = []
    for name, severity, kind, origin, ago in EVENTS:
        hub = name == "core-1"
        made.append(DeviceEvent(
            tenant_id=p.tenant, event_id=uuid.uuid4(), agent_id=p.agent,
            site_id=p.site_a if hub else p.site_b, device_id=p.device if hub else None,
            device_name=name, source="192.0.2.7", origin=origin, event_type=kind,
            severity=severity, labels={}, raw=f"{kind} raw", count=2 if hub else 1,
            received_at=now - ago * MINUTE))
    return made


async def _fill(sessions: Any, now: datetime) -> tuple[Places, dict[str, str]]:
    where = await new_tenancy(sessions)
    agent = await register_agent(sessions, where, token("alarm-agent"))
    async with sessions() as session, session.begin():
        site_b = Site(tenant_id=where.tenant_id, name=token("pop-b"), description="")
        device = Device(tenant_id=where.tenant_id, site_id=where.site_id, name="core-1",
                        management_address="192.0.2.8", profile="cisco_ios")
        session.add_all([site_b, device])
        await session.flush()
        places = Places(where.tenant_id, where.site_id, site_b.id, agent, device.id)
        alarms = _alarms(places, now)
        session.add(alarms["root"])
        await session.flush()
        alarms["unreachable"].suppressed_by = alarms["root"].id
        session.add_all(alarms.values())
        await session.flush()
        session.add_all(AlarmHistory(tenant_id=places.tenant, alarm_id=alarms[role].id,
                                     at=now - ago * MINUTE, action=action, actor=actor,
                                     text=f"{action} by {actor}")
                        for role, action, actor, ago in HISTORY)
        session.add_all(_events(places, now))
    return places, {role: str(a.id) for role, a in alarms.items()}


async def _other_tenant(sessions: Any, now: datetime) -> None:
    """Another tenant's alarm, history and event: no panel may show them."""
    where = await new_tenancy(sessions)
    agent = await register_agent(sessions, where, token("other-agent"))
    places = Places(where.tenant_id, where.site_id, where.site_id, agent, agent)
    async with sessions() as session, session.begin():
        alarm = _alarm(where.tenant_id, "agent.offline", now, severity="critical",
                       site_id=where.site_id, subject="other tenant's agent")
        session.add(alarm)
        await session.flush()
        session.add(AlarmHistory(tenant_id=where.tenant_id, alarm_id=alarm.id, at=now,
                                 action="raised"))
        event = _events(places, now)[0]
        event.device_id = None
        session.add(event)


def _observe_legacy(dsn: str, tenant: uuid.UUID, site: uuid.UUID, agent: uuid.UUID) -> None:
    """The agent.yaml device as ingest records it (device-detail lists it from there)."""
    with psycopg.connect(dsn) as conn:
        conn.execute("INSERT INTO observed_devices (tenant_id, device, site_id, agent_id, facts,"
                     " status) VALUES (%s, %s, %s, %s, '{}', 'up')",
                     (tenant, LEGACY, site, agent))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def made(postgres: Postgres) -> AsyncIterator[Made]:
    """A migrated database with one tenant's alarms, history and events, and another's."""
    url = migrated_database(postgres, "alarmdash")
    name = url.rsplit("/", 1)[1]
    dsn = f"host={postgres.host} port={postgres.port} user={postgres.user} dbname={name}"
    engine, sessions = engine_and_sessions(url)
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        places, ids = await _fill(sessions, now)
        await _other_tenant(sessions, now)
        async with sessions() as session:
            tenant_name = (await session.get_one(Tenant, places.tenant)).name
            site_a = (await session.get_one(Site, places.site_a)).name
            site_b = (await session.get_one(Site, places.site_b)).name
    finally:
        await engine.dispose()
    _observe_legacy(dsn, places.tenant, places.site_b, places.agent)
    yield Made(dsn, str(places.tenant), tenant_name, str(places.site_a), site_a,
               str(places.site_b), site_b, str(places.device), now - 2 * HOUR, now, ids, url)
    drop_database(postgres.admin_dsn, name)


def test_alarms_dashboard_is_well_formed() -> None:
    doc = _doc()
    assert doc["uid"] == "dotmac-alarms"
    names = [v["name"] for v in doc["templating"]["list"]]
    assert names == ["DS_HUBDB", "tenant", "site"]
    assert {p["title"] for _, p in queried(doc)} == {
        "Active alarms by severity", "Active alarms by site", "Active alarms", "Alarm history",
        "Device events (traps and syslog)"}
    for _, panel in queried(doc):
        assert panel["datasource"] == {"type": "grafana-postgresql-datasource",
                                       "uid": "${DS_HUBDB}"}, panel["title"]
        for target in panel["targets"]:
            used = {v for v in VARIABLE.findall(target["rawSql"]) if not v.startswith("__")}
            assert used == {"tenant", "site"}, (panel["title"], used)


def test_the_variables_show_tenant_and_site_names(made: Made) -> None:
    tenant, site = (v for v in _doc()["templating"]["list"] if v["type"] == "query")
    tenants = {r["__value"]: r["__text"] for r in _rows(made, tenant["query"])}
    assert tenants[made.tenant] == made.tenant_name
    sites = {r["__value"]: r["__text"] for r in _rows(made, site["query"])}
    assert sites == {made.site_a: made.site_a_name, made.site_b: made.site_b_name}
    assert site["includeAll"] and site["allValue"] == ALL


def test_active_alarms_lists_open_alarms_worst_first(made: Made) -> None:
    rows = _panel_rows(made, "Active alarms")
    ids = made.alarms
    assert [r["alarm_id"] for r in rows] == [
        ids["root"], ids["hub"], ids["unreachable"], ids["link"], ids["legacy"]]
    by_id = {r["alarm_id"]: r for r in rows}
    link = by_id[ids["link"]]
    assert (link["severity"], link["state"], link["subject"], link["site"], link["device"],
            link["ack_by"], link["impacts"], link["raises"]) == (
        "minor", "acknowledged", "core-1 Gi0/1", made.site_a_name, "core-1", "noc-alice", 2, 3)
    assert link["since"] == made.end - 40 * MINUTE
    assert link["first_raised"] == made.end - 3 * HOUR
    unreachable = by_id[ids["unreachable"]]
    assert unreachable["suppressed_by"] == "agent pop-a offline"
    assert unreachable["ack_by"] is None and unreachable["impacts"] == 0
    legacy = by_id[ids["legacy"]]
    assert (legacy["device"], legacy["device_key"], legacy["site"]) == (
        LEGACY, LEGACY, made.site_b_name)
    hub = by_id[ids["hub"]]
    assert hub["site"] is None and hub["device"] is None and hub["site_id"] is None
    assert all(r["suppressed_by"] is None for r in rows if r["alarm_id"] != ids["unreachable"])


def test_the_site_variable_narrows_every_panel(made: Made) -> None:
    rows = _panel_rows(made, "Active alarms", site=made.site_b)
    assert [r["alarm_id"] for r in rows] == [made.alarms["legacy"]]
    (counts,) = _panel_rows(made, "Active alarms by severity", site=made.site_a)
    assert counts == {"critical": 1, "major": 1, "minor": 1, "warning": 0, "info": 0}
    history = _panel_rows(made, "Alarm history", site=made.site_b)
    assert history == []  # site b's only step is the closed alarm's, before the period
    events = _panel_rows(made, "Device events (traps and syslog)", site=made.site_a)
    assert [e["event_type"] for e in events] == ["link_down"]


def test_counts_by_severity_and_site(made: Made) -> None:
    (counts,) = _panel_rows(made, "Active alarms by severity")
    assert counts == {"critical": 1, "major": 2, "minor": 1, "warning": 1, "info": 0}
    sites = {r["site"]: r for r in _panel_rows(made, "Active alarms by site")}
    assert list(sites) == [made.site_a_name, "(no site)", made.site_b_name]  # worst first
    a = sites[made.site_a_name]
    assert (a["site_id"], a["critical"], a["major"], a["minor"], a["total"]) == (
        made.site_a, 1, 1, 1, 3)
    assert (sites["(no site)"]["major"], sites["(no site)"]["total"]) == (1, 1)
    assert (sites[made.site_b_name]["warning"], sites[made.site_b_name]["total"]) == (1, 1)


def test_history_shows_the_steps_of_the_period_newest_first(made: Made) -> None:
    rows = _panel_rows(made, "Alarm history")
    got = [(r["alarm_id"], r["action"], r["actor"]) for r in rows]
    ids = made.alarms
    assert got[0] == (ids["link"], "acknowledged", "noc-alice")
    assert sorted(got) == sorted((ids[role], action, actor)
                                 for role, action, actor, ago in HISTORY if ago <= 120)
    assert [r["time"] for r in rows] == sorted((r["time"] for r in rows), reverse=True)
    link = next(r for r in rows if r["alarm_id"] == ids["link"])
    assert (link["subject"], link["severity"], link["state_now"], link["text"]) == (
        "core-1 Gi0/1", "minor", "acknowledged", "acknowledged by noc-alice")


def test_device_events_log_lines(made: Made) -> None:
    rows = _panel_rows(made, "Device events (traps and syslog)")
    got = [(r["device"], r["event_type"], r["severity"], r["level"], r["origin"]) for r in rows]
    assert got == [(LEGACY, "login_failure", "info", "info", "syslog"),
                   (LEGACY, "fan_failure", "warning", "warning", "syslog"),
                   ("core-1", "link_down", "major", "error", "snmp_trap")]
    assert rows[-1]["body"] == "core-1 link_down: link_down raw" and rows[-1]["count"] == 2
    assert rows[0]["time"] == made.end - 15 * MINUTE


def _device_options(made: Made, site: str) -> dict[str, str]:
    variable = next(v for v in _doc("device-detail")["templating"]["list"]
                    if v["name"] == "device")
    return {r["__value"]: r["__text"] for r in _rows(made, variable["query"], site=site)}


def test_device_links_open_the_device_dashboard_on_that_device(made: Made) -> None:
    """The link's var-site and var-device are values device-detail's variables offer."""
    overrides = _panel("Active alarms")["fieldConfig"]["overrides"]
    (links,) = [p["value"] for o in overrides if o["matcher"]["options"] == "device"
                for p in o["properties"] if p["id"] == "links"]
    url = links[0]["url"]
    assert url.startswith("/d/dotmac-device-detail/")
    assert "var-site=${__data.fields.site_id}" in url
    assert "var-device=${__data.fields.device_key}" in url
    assert "var-tenant=${tenant}" in url
    for row in _panel_rows(made, "Active alarms"):
        if row["device"] is None:
            continue
        options = _device_options(made, row["site_id"])
        assert options.get(row["device_key"]) == row["device"], row


def test_device_detail_annotates_the_device_alarms(made: Made) -> None:
    (annotation,) = _doc("device-detail")["annotations"]["list"]
    assert annotation["datasource"]["uid"] == "${DS_HUBDB}"
    rows = _rows(made, annotation["rawQuery"], device=made.device)
    got = {r["text"]: (r["time"], r["timeend"], r["tags"]) for r in rows}
    end = made.end
    assert got == {
        "MAJOR core-1 unreachable: device.unreachable summary (raised)":
            (end - 90 * MINUTE, None, "major,device.unreachable"),
        "MINOR core-1 Gi0/1: event.link summary (acknowledged, ack noc-alice)":
            (end - 40 * MINUTE, None, "minor,event.link"),
        "MAJOR core-1 CPU: device.cpu summary (cleared)":
            (end - 70 * MINUTE, end - 50 * MINUTE, "major,device.cpu")}
    legacy = _rows(made, annotation["rawQuery"], device=LEGACY)
    assert [r["text"].split(":")[0] for r in legacy] == [f"WARNING {LEGACY} fan 2"]


def _condition(world: World, rule: str, at: datetime, *, device: bool = True,
               if_index: int | None = None) -> Condition:
    subject_id = world.device_id if device else world.agent_id
    subject = f"{world.device_name} {rule}" if device else f"agent {world.agent_id} offline"
    return Condition(
        tenant_id=world.tenant_id, rule=rule, dedupe_key=dedupe_key(rule, subject_id, if_index),
        alarm_type=rule, severity="critical" if not device else "major", subject=subject,
        summary=f"{rule} found", origin="event" if if_index else "telemetry", at=at,
        site_id=world.site_id, agent_id=world.agent_id,
        device_id=world.device_id if device else None,
        device_name=world.device_name if device else None, if_index=if_index)


async def _service_made(url: str) -> tuple[World, dict[str, Alarm]]:
    """The real service raises an offline agent, its device unreachable, a customer port
    down (correlated under them, with the customer's subscription as impact), then a NOC
    engineer acknowledges the port."""
    wire()  # AlarmChanged reaches its handlers as in the hub
    engine, sessions = engine_and_sessions(url)
    try:
        world = await new_world(sessions)
        at = datetime.now(UTC) - 10 * MINUTE
        async with sessions() as session, session.begin():
            made = {"root": await service.raise_alarm(
                        session, _condition(world, "agent.offline", at, device=False)),
                    "unreachable": await service.raise_alarm(
                        session, _condition(world, "device.unreachable", at + MINUTE)),
                    "port": await service.raise_alarm(
                        session, _condition(world, "event.link", at + 2 * MINUTE, if_index=1))}
            await service.acknowledge(session, made["port"], "noc-bob")
        return world, made
    finally:
        await engine.dispose()


async def test_alarms_the_service_makes_show_as_made(made: Made) -> None:
    """Rows written by hub.alarms.service (not by this test) fill every column."""
    world, alarms = await _service_made(made.url)
    mine = replace(made, tenant=str(world.tenant_id))
    end = datetime.now(UTC) + MINUTE
    period = Filled(made.dsn, "", mine.tenant, end - 2 * HOUR, end)
    rows = {r["alarm_id"]: r for r in _rows(mine, _panel("Active alarms")["targets"][0][
        "rawSql"], period=period)}
    assert set(rows) == {str(a.id) for a in alarms.values()}
    root, unreachable, port = (rows[str(alarms[k].id)] for k in ("root", "unreachable", "port"))
    assert root["suppressed_by"] is None and root["severity"] == "critical"
    assert unreachable["suppressed_by"] == root["subject"]
    assert port["suppressed_by"] in (root["subject"], unreachable["subject"])
    assert (port["state"], port["ack_by"], port["impacts"]) == ("acknowledged", "noc-bob", 1)
    assert (port["device"], port["site_id"], port["device_key"]) == (
        world.device_name, str(world.site_id), str(world.device_id))
    history = _rows(mine, _panel("Alarm history")["targets"][0]["rawSql"], period=period)
    steps = {(r["alarm_id"], r["action"], r["actor"]) for r in history}
    assert {(str(alarms["root"].id), "raised", "system"),
            (str(alarms["unreachable"].id), "suppressed", "system"),
            (str(alarms["port"].id), "acknowledged", "noc-bob")} <= steps
