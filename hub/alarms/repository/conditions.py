"""The rows the evaluator's snapshot is filled from (`hub.alarms.conditions.read` turns
them into snapshot rows), one query per table for a whole tenant, and every tenant a pass
goes through."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.alarms.models import Alarm
from hub.billing.models import Subscription
from hub.events.models import WebhookDelivery, WebhookEndpoint
from hub.fleet.models import AgentConfigState
from hub.ingest.models import (
    AgentHealthRow,
    InterfaceRollup,
    LatestValue,
    ObservedDevice,
    ObservedInterface,
)
from hub.inventory.models import Agent, Device
from hub.schedules.models import FINISHED, ScheduleRun
from hub.tenants.models import Tenant

Rows = Sequence[Row[*tuple[Any, ...]]]  # the selected columns, in the order the docstring names


async def tenant_ids(session: AsyncSession) -> list[uuid.UUID]:
    """Every tenant, in a stable order."""
    return list((await session.execute(select(Tenant.id).order_by(Tenant.id))).scalars())


async def devices(session: AsyncSession, tenant_id: uuid.UUID,
                  name: str | None = None) -> Rows:
    """(name, site, agent, status, status since, status reason, last seen, inventory id,
    poll interval, enabled) of the observed devices (only `name` when given); the last
    three are None for a device with no inventory row."""
    o, d = ObservedDevice, Device
    query = select(o.device, o.site_id, o.agent_id, o.status, o.status_since, o.status_reason,
                   o.last_seen_at, d.id, d.interval_s, d.enabled).outerjoin(
        d, and_(d.tenant_id == o.tenant_id, d.name == o.device)).where(o.tenant_id == tenant_id)
    if name is not None:
        query = query.where(ObservedDevice.device == name)
    return (await session.execute(query)).all()


async def interfaces(session: AsyncSession, tenant_id: uuid.UUID) -> Rows:
    """(device, ifIndex, name, alias, descr, admin, oper, updated) of the interfaces from the
    devices' newest inventory reports."""
    i = ObservedInterface
    query = select(i.device, i.if_index, i.name, i.alias, i.descr, i.admin_status,
                   i.oper_status, i.updated_at).where(i.tenant_id == tenant_id)
    return (await session.execute(query)).all()


async def gauges(session: AsyncSession, tenant_id: uuid.UUID,
                 metrics: Iterable[str]) -> Rows:
    """(device, metric, series, value, ts) of the newest values of these gauge metrics."""
    v = LatestValue
    query = select(v.device, v.metric, v.series, v.value, v.ts).where(
        v.tenant_id == tenant_id, v.metric.in_(sorted(metrics)))
    return (await session.execute(query)).all()


async def rollups(session: AsyncSession, tenant_id: uuid.UUID,
                  oldest: datetime) -> Rows:
    """(device, ifIndex, bucket start, in errors, out errors, in octets, out octets) of the
    5-minute buckets after `oldest` of the interfaces with errors in one of them."""
    r, e = InterfaceRollup, aliased(InterfaceRollup)
    with_errors = select(e.if_index).where(
        e.tenant_id == r.tenant_id, e.device == r.device, e.if_index == r.if_index,
        e.bucket_start > oldest, e.in_errors_delta + e.out_errors_delta > 0).exists()
    query = select(r.device, r.if_index, r.bucket_start, r.in_errors_delta, r.out_errors_delta,
                   r.in_octets_delta, r.out_octets_delta).where(
        r.tenant_id == tenant_id, r.bucket_start > oldest, with_errors)
    return (await session.execute(query)).all()


async def bound_ports(session: AsyncSession, tenant_id: uuid.UUID) -> Rows:
    """(device id, ifIndex) of every port with a subscription that is not terminated."""
    s = Subscription
    query = select(s.device_id, s.if_index).where(
        s.tenant_id == tenant_id, s.status != "terminated", s.device_id.is_not(None),
        s.if_index.is_not(None))
    return (await session.execute(query)).all()


async def agents(session: AsyncSession, tenant_id: uuid.UUID,
                 agent_id: uuid.UUID | None = None) -> Rows:
    """(health row, registry status, revoked at, registry last seen) of every agent with a
    health row (only `agent_id` when given)."""
    h, a = AgentHealthRow, Agent
    query = select(h, a.status, a.revoked_at, a.last_seen_at).join(a, a.id == h.agent_id).where(
        h.tenant_id == tenant_id)
    if agent_id is not None:
        query = query.where(h.agent_id == agent_id)
    return (await session.execute(query)).all()


async def configs(session: AsyncSession, tenant_id: uuid.UUID) -> Rows:
    """(agent, desired version, applied version, desired at, last status, last error code,
    last error detail, last error at) of every agent's configuration."""
    c = AgentConfigState
    query = select(c.agent_id, c.desired_version, c.applied_version, c.desired_at,
                   c.last_status, c.last_error_code, c.last_error_detail,
                   c.last_error_at).where(c.tenant_id == tenant_id)
    return (await session.execute(query)).all()


async def agent_alarm_details(session: AsyncSession, tenant_id: uuid.UUID,
                              rule: str) -> Rows:
    """(agent, details) of the rule's alarms about an agent, any state (closed too), newest
    change first."""
    query = select(Alarm.agent_id, Alarm.details).where(
        Alarm.tenant_id == tenant_id, Alarm.rule == rule,
        Alarm.agent_id.is_not(None)).order_by(Alarm.updated_at.desc())
    return (await session.execute(query)).all()


async def active_endpoints(session: AsyncSession, tenant_id: uuid.UUID) -> Rows:
    """(id, url) of the tenant's active webhook endpoints."""
    query = select(WebhookEndpoint.id, WebhookEndpoint.url).where(
        WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.active.is_(True))
    return (await session.execute(query)).all()


async def recent_deliveries(session: AsyncSession, endpoint_id: uuid.UUID,
                            limit: int) -> Rows:
    """(status, created, attempts, last status code, last error) of the endpoint's newest
    `limit` deliveries that were attempted, newest first."""
    d = WebhookDelivery
    recent = select(d.status, d.created_at, d.attempts, d.last_status_code,
                    d.last_error).where(
        d.endpoint_id == endpoint_id, d.attempts > 0).order_by(
        d.created_at.desc(), d.id.desc()).limit(limit)
    return (await session.execute(recent)).all()


async def newest_finished_runs(session: AsyncSession, tenant_id: uuid.UUID) -> Rows:
    """(schedule id, kind, status, due_at, finished_at, attempt, error) of each schedule's
    most recently finished run."""
    other = aliased(ScheduleRun)
    newest = (select(other.id).where(other.schedule_id == ScheduleRun.schedule_id,
                                     other.status.in_(FINISHED))
              .order_by(other.finished_at.desc(), other.id.desc()).limit(1)
              .correlate(ScheduleRun).scalar_subquery())
    query = (select(ScheduleRun.schedule_id, ScheduleRun.kind, ScheduleRun.status,
                    ScheduleRun.due_at, ScheduleRun.finished_at, ScheduleRun.attempt,
                    ScheduleRun.error)
             .where(ScheduleRun.tenant_id == tenant_id, ScheduleRun.status.in_(FINISHED),
                    ScheduleRun.id == newest))
    return (await session.execute(query)).all()
