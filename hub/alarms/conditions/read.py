"""Filling a `Snapshot` from hub SQL: only the tables (and gauge metrics) the enabled
rules need, one query per table for the whole tenant. The queries are the repository's
(`hub.alarms.repository.conditions`); this module picks them and turns their rows into
snapshot rows. The condition functions stay pure."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms.conditions.devices import MEMORY_METRICS
from hub.alarms.conditions.interfaces import ERROR_WINDOW_S, PORT_STATUS
from hub.alarms.conditions.snapshot import (
    AgentRow,
    ConfigRow,
    DeliveryRow,
    DeviceRow,
    DropMark,
    EndpointRow,
    GaugeRow,
    InterfaceRow,
    PoolRow,
    RollupRow,
    ScheduleRow,
    Snapshot,
)
from hub.alarms.repository import conditions as sql
from hub.alarms.rules import Rule
from hub.ingest.models import AgentHealthRow
from hub.ipam.service import address_utilization
from hub.ipam.vlans import vlan_utilization

DROPS_RULE = "agent.events_dropped"


@dataclass(frozen=True)
class Need:
    """What a rule reads: tables of the snapshot and gauge metrics."""

    parts: frozenset[str]
    metrics: frozenset[str] = frozenset()


def _need(parts: str, *metrics: str) -> Need:
    return Need(frozenset(parts.split()), frozenset(metrics))


NEEDS: dict[str, Need] = {
    "device.unreachable": _need("devices"),
    "interface.down": _need("devices interfaces bound_ports", *PORT_STATUS),
    "interface.errors": _need("devices interfaces rollups", *PORT_STATUS),
    "device.cpu": _need("devices", "cpu_load_percent"),
    "device.memory": _need("devices", *MEMORY_METRICS),
    "device.temperature": _need("devices", "temperature_celsius"),
    "interface.optical_rx": _need("devices interfaces", "optical_rx_dbm", *PORT_STATUS),
    "ups.on_battery": _need("devices", "ups_on_battery", "ups_time_on_battery_seconds"),
    "ups.battery": _need("devices", "ups_battery_state"),
    "agent.offline": _need("agents"),
    "agent.queue_backlog": _need("agents"),
    "agent.config_not_applied": _need("agents configs"),
    "agent.events_dropped": _need("agents drop_marks"),
    "hub.ingest_lag": _need("agents"),
    "hub.webhook_failing": _need("endpoints"),
    "hub.schedule_failed": _need("schedules"),
    "ipam.pool_full": _need("pools"),
}


async def read_snapshot(session: AsyncSession, tenant_id: uuid.UUID, rules: Iterable[Rule],
                        now: datetime) -> Snapshot:
    """The rows `rules` need, for one tenant."""
    rules = list(rules)
    needs = [NEEDS[r.key] for r in rules if r.key in NEEDS]
    parts = frozenset().union(*(n.parts for n in needs))
    metrics = frozenset().union(*(n.metrics for n in needs))
    snapshot = Snapshot(tenant_id)
    if "devices" in parts:
        snapshot.devices = await devices(session, tenant_id)
    if "interfaces" in parts:
        snapshot.interfaces = await interfaces(session, tenant_id)
    if metrics:
        snapshot.gauges = await gauges(session, tenant_id, metrics)
    if "rollups" in parts:
        snapshot.rollups = await rollups(session, tenant_id, now)
    if "bound_ports" in parts:
        snapshot.bound_ports = await bound_ports(session, tenant_id)
    if "agents" in parts:
        snapshot.agents = await agents(session, tenant_id)
    if "configs" in parts:
        snapshot.configs = await configs(session, tenant_id)
    if "drop_marks" in parts:
        snapshot.drop_marks = await drop_marks(session, tenant_id)
    await _hub_parts(session, snapshot, parts, rules)
    return snapshot


async def _hub_parts(session: AsyncSession, snapshot: Snapshot, parts: frozenset[str],
                     rules: list[Rule]) -> None:
    """The rows of the rules about the hub itself: webhook endpoints, schedules, pools."""
    if "endpoints" in parts:
        failures = next((int(r.param("failures", 5)) for r in rules
                         if r.key == "hub.webhook_failing"), 5)
        snapshot.endpoints = await endpoints(session, snapshot.tenant_id, failures)
    if "schedules" in parts:
        snapshot.schedules = tuple(ScheduleRow(*row) for row in
                                   await sql.newest_finished_runs(session, snapshot.tenant_id))
    if "pools" in parts:
        snapshot.pools = await pools(session, snapshot.tenant_id)


async def pools(session: AsyncSession, tenant_id: uuid.UUID) -> tuple[PoolRow, ...]:
    """Every address and VLAN pool of the tenant with how full it is (hub.ipam)."""
    fills = [*await address_utilization(session, tenant_id),
             *await vlan_utilization(session, tenant_id)]
    return tuple(PoolRow(u.pool_id, u.pool, u.kind, u.site, u.size, u.percent)
                 for u in (fill.utilization for fill in fills))


def _device_row(row: Any) -> DeviceRow:
    return DeviceRow(name=row[0], site_id=row[1], agent_id=row[2], status=row[3],
                     status_since=row[4], status_reason=row[5], last_seen_at=row[6],
                     device_id=row[7], interval_s=float(row[8] or 60.0),
                     enabled=True if row[9] is None else bool(row[9]))


async def devices(session: AsyncSession, tenant_id: uuid.UUID,
                  name: str | None = None) -> tuple[DeviceRow, ...]:
    """Observed devices with their inventory id, poll interval and enabled flag (a device
    only in the agent's local devices.yaml has no inventory row: interval 60 s)."""
    return tuple(_device_row(r) for r in await sql.devices(session, tenant_id, name))


async def interfaces(session: AsyncSession, tenant_id: uuid.UUID) -> tuple[InterfaceRow, ...]:
    """Interfaces from the devices' newest inventory reports."""
    return tuple(InterfaceRow(*row) for row in await sql.interfaces(session, tenant_id))


async def gauges(session: AsyncSession, tenant_id: uuid.UUID,
                 metrics: Iterable[str]) -> tuple[GaugeRow, ...]:
    """Newest values of these gauge metrics."""
    return tuple(GaugeRow(*row) for row in await sql.gauges(session, tenant_id, metrics))


async def rollups(session: AsyncSession, tenant_id: uuid.UUID,
                  now: datetime) -> tuple[RollupRow, ...]:
    """The 5-minute buckets the error rule looks at (and one before, for late readings), of
    the interfaces with errors in them (the others raise nothing: most of a big tenant)."""
    oldest = now - timedelta(seconds=ERROR_WINDOW_S + 300)
    return tuple(RollupRow(d, i, b, int(ie), int(oe), int(io), int(oo))
                 for d, i, b, ie, oe, io, oo in await sql.rollups(session, tenant_id, oldest))


async def bound_ports(session: AsyncSession,
                      tenant_id: uuid.UUID) -> frozenset[tuple[uuid.UUID, int]]:
    """(device id, ifIndex) of every port with a subscription that is not terminated."""
    return frozenset((d, i) for d, i in await sql.bound_ports(session, tenant_id)
                     if d is not None and i is not None)


async def agents(session: AsyncSession, tenant_id: uuid.UUID,
                 agent_id: uuid.UUID | None = None) -> tuple[AgentRow, ...]:
    """Every agent with a health row, its state, newest health and registry status."""
    return tuple(_agent_row(*row) for row in await sql.agents(session, tenant_id, agent_id))


def _agent_row(h: AgentHealthRow, status: str, revoked_at: datetime | None,
               seen: datetime | None) -> AgentRow:
    heard = [t for t in (h.last_seen_at, seen) if t is not None]
    return AgentRow(
        agent_id=h.agent_id, site_id=h.site_id, name=h.agent_name, state=h.state,
        state_since=h.state_since, last_seen_at=max(heard) if heard else None,
        health_ts=h.health_ts, oldest_queued_age_s=h.oldest_queued_age_s, lag_s=h.lag_s,
        events_dropped=h.events_dropped,
        revoked=revoked_at is not None or status == "revoked")


async def configs(session: AsyncSession, tenant_id: uuid.UUID) -> tuple[ConfigRow, ...]:
    """Desired vs applied configuration of every agent."""
    return tuple(ConfigRow(*row) for row in await sql.configs(session, tenant_id))


async def drop_marks(session: AsyncSession, tenant_id: uuid.UUID) -> dict[uuid.UUID, DropMark]:
    """The newest events_dropped count each agent's alarm recorded (any state, closed too)."""
    marks: dict[uuid.UUID, DropMark] = {}
    for agent_id, details in await sql.agent_alarm_details(session, tenant_id, DROPS_RULE):
        if agent_id in marks or not isinstance(details, dict):
            continue
        dropped = details.get("events_dropped")
        if isinstance(dropped, int):
            marks[agent_id] = DropMark(dropped, details.get("agent_run"),
                                       details.get("health_ts"))
    return marks


async def endpoints(session: AsyncSession, tenant_id: uuid.UUID,
                    failures: int) -> tuple[EndpointRow, ...]:
    """Active webhook endpoints with their newest `failures` attempted deliveries."""
    found = []
    for endpoint_id, url in await sql.active_endpoints(session, tenant_id):
        rows = tuple(DeliveryRow(*r) for r in await sql.recent_deliveries(
            session, endpoint_id, max(1, failures)))
        found.append(EndpointRow(endpoint_id, urlsplit(url).hostname or "?", rows))
    return tuple(found)
