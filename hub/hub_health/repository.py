"""What the hub-health pass reads (every statement of `hub.hub_health`): the waiting rows of
the hub's queues and per-tenant counts of agents, devices down and open alarms, across the
tables of several domains (the reason this lives at the composition root). Each function
runs in the caller's transaction: one pass, one consistent view."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.alarms.models import Alarm, AlarmNotification
from hub.events.models import OutboxEvent, WebhookDelivery
from hub.ingest.models import AgentHealthRow, ObservedDevice
from hub.inventory.models import Agent
from hub.jobs.models import ProvisioningJob
from hub.schedules.models import FAILED_FOR_GOOD, FINISHED, Schedule, ScheduleRun
from hub.tenants.models import Tenant

OPEN_STATES = ("raised", "acknowledged")

# queue label -> (its "waiting since" column, the condition of a row still waiting)
QUEUES: dict[str, tuple[Any, Any]] = {
    "event_outbox": (OutboxEvent.occurred_at, OutboxEvent.fanned_out_at.is_(None)),
    "webhook_deliveries": (WebhookDelivery.created_at,
                           WebhookDelivery.status.in_(("pending", "failed"))),
    "alarm_notifications": (AlarmNotification.created_at, AlarmNotification.status == "pending"),
    "provisioning_jobs": (ProvisioningJob.created_at, ProvisioningJob.state == "queued"),
}


async def queue_heads(session: AsyncSession) -> dict[str, tuple[datetime | None, int]]:
    """Queue -> (the oldest waiting row's time as stored, rows waiting)."""
    heads = {}
    for queue, (since, waiting) in QUEUES.items():
        oldest, depth = (await session.execute(
            select(func.min(since), func.count()).where(waiting))).one()
        heads[queue] = (oldest, int(depth))
    return heads


async def tenant_ids(session: AsyncSession) -> list[uuid.UUID]:
    """Every tenant."""
    return list((await session.scalars(select(Tenant.id))).all())


async def agent_counts(session: AsyncSession) -> Sequence[Row[uuid.UUID, int, int]]:
    """(tenant, offline, enrolled) of agents not revoked, by the state ingest keeps."""
    offline = func.count().filter(AgentHealthRow.state == "offline")
    query = (select(AgentHealthRow.tenant_id, offline, func.count())
             .join(Agent, Agent.id == AgentHealthRow.agent_id)
             .where(Agent.revoked_at.is_(None))
             .group_by(AgentHealthRow.tenant_id))
    return (await session.execute(query)).all()


async def devices_down(session: AsyncSession) -> Sequence[Row[uuid.UUID, int]]:
    """(tenant, devices down) of the tenants with a device down."""
    query = (select(ObservedDevice.tenant_id, func.count())
             .where(ObservedDevice.status == "down").group_by(ObservedDevice.tenant_id))
    return (await session.execute(query)).all()


async def open_alarms(session: AsyncSession) -> Sequence[Row[uuid.UUID, str, str, int]]:
    """(tenant, severity, state, alarms) of the alarms raised or acknowledged."""
    query = (select(Alarm.tenant_id, Alarm.severity, Alarm.state, func.count())
             .where(Alarm.state.in_(OPEN_STATES))
             .group_by(Alarm.tenant_id, Alarm.severity, Alarm.state))
    return (await session.execute(query)).all()


async def schedules_overdue(session: AsyncSession, before: datetime,
                            ) -> Sequence[Row[str, int]]:
    """(kind, count) of enabled schedules whose next due time passed before `before` without
    being claimed, plus runs still waiting since then (their attempt or take-over late)."""
    schedules = (select(Schedule.kind, func.count())
                 .where(Schedule.enabled, Schedule.next_due_at < before)
                 .group_by(Schedule.kind))
    late = or_(and_(ScheduleRun.status.in_(("pending", "retrying")),
                    ScheduleRun.next_attempt_at < before),
               and_(ScheduleRun.status == "running", ScheduleRun.lease_until < before))
    runs = select(ScheduleRun.kind, func.count()).where(late).group_by(ScheduleRun.kind)
    return [*(await session.execute(schedules)).all(), *(await session.execute(runs)).all()]


async def schedules_failed(session: AsyncSession) -> Sequence[Row[str, int]]:
    """(kind, count) of schedules whose most recently finished run failed for good."""
    other = aliased(ScheduleRun)
    newest = (select(other.id).where(other.schedule_id == ScheduleRun.schedule_id,
                                     other.status.in_(FINISHED))
              .order_by(other.finished_at.desc(), other.id.desc()).limit(1)
              .correlate(ScheduleRun).scalar_subquery())
    query = (select(ScheduleRun.kind, func.count())
             .where(ScheduleRun.status.in_(FAILED_FOR_GOOD), ScheduleRun.id == newest)
             .group_by(ScheduleRun.kind))
    return (await session.execute(query)).all()


async def schedules_last_success(session: AsyncSession,
                                 ) -> Sequence[Row[str, datetime | None]]:
    """(kind, newest finish time of a successful run) over every tenant."""
    query = (select(ScheduleRun.kind, func.max(ScheduleRun.finished_at))
             .where(ScheduleRun.status == "succeeded").group_by(ScheduleRun.kind))
    return (await session.execute(query)).all()
