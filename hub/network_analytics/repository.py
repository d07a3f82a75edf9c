"""Queries over ingest's tables, every one filtered to the caller's tenant by `_mine`.

These tables are keyed by (tenant, name) rather than by a UUID id, so they do not fit
`hub.repository.TenantScopedRepository`; the same rule holds: one filter, applied in one place,
and a row of another tenant looks exactly like a missing one.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.ingest.models import (
    AgentHealthRow,
    AvailabilityEvent,
    InterfaceRollup,
    ObservedDevice,
    ObservedInterface,
)
from hub.network_analytics.periods import Span


class NetworkAnalyticsRepository:
    """Read-only analytics queries of one tenant."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def _mine(self, model: Any) -> ColumnElement[bool]:
        """The tenant filter; every query below goes through it."""
        condition: ColumnElement[bool] = model.tenant_id == self.tenant_id
        return condition

    async def _rows(self, query: Any) -> list[Any]:
        return list((await self.session.execute(query)).all())

    async def devices(self, site_id: uuid.UUID | None, status: str | None, after: str | None,
                      limit: int) -> list[ObservedDevice]:
        """Observed devices ordered by name, starting after `after`."""
        query = select(ObservedDevice).where(self._mine(ObservedDevice))
        if site_id is not None:
            query = query.where(ObservedDevice.site_id == site_id)
        if status is not None:
            query = query.where(ObservedDevice.status == status)
        if after is not None:
            query = query.where(ObservedDevice.device > after)
        query = query.order_by(ObservedDevice.device).limit(limit)
        return list((await self.session.execute(query)).scalars())

    async def device(self, device: str) -> ObservedDevice | None:
        """One observed device, or None."""
        query = select(ObservedDevice).where(self._mine(ObservedDevice),
                                             ObservedDevice.device == device)
        found: ObservedDevice | None = (await self.session.execute(query)).scalar_one_or_none()
        return found

    async def interface(self, device: str, if_index: int) -> ObservedInterface | None:
        """One observed interface, or None."""
        query = select(ObservedInterface).where(
            self._mine(ObservedInterface), ObservedInterface.device == device,
            ObservedInterface.if_index == if_index)
        found: ObservedInterface | None = (
            await self.session.execute(query)).scalar_one_or_none()
        return found

    async def rollups(self, device: str, if_index: int, period: Span) -> list[InterfaceRollup]:
        """The 5-minute buckets of one interface in [start, end), oldest first."""
        query = select(InterfaceRollup).where(
            self._mine(InterfaceRollup), InterfaceRollup.device == device,
            InterfaceRollup.if_index == if_index,
            InterfaceRollup.bucket_start >= period.start,
            InterfaceRollup.bucket_start < period.end).order_by(InterfaceRollup.bucket_start)
        return list((await self.session.execute(query)).scalars())

    async def busiest(self, period: Span) -> list[Any]:
        """Per interface with a known speed: name, speed, avg in/out and peak bits/s."""
        r, i = InterfaceRollup, ObservedInterface
        joined = and_(i.tenant_id == r.tenant_id, i.device == r.device, i.if_index == r.if_index)
        query = (select(r.device, r.if_index, i.name, i.speed_bps, func.avg(r.in_bps),
                        func.avg(r.out_bps), func.max(case((r.in_bps > r.out_bps, r.in_bps),
                                      else_=r.out_bps)))
                 .join(i, joined)
                 .where(self._mine(r), r.bucket_start >= period.start,
                        r.bucket_start < period.end, i.speed_bps > 0)
                 .group_by(r.device, r.if_index, i.name, i.speed_bps))
        return await self._rows(query)

    async def device_sites(self) -> dict[str, uuid.UUID]:
        """Every observed device of the tenant and its site."""
        query = select(ObservedDevice.device, ObservedDevice.site_id).where(
            self._mine(ObservedDevice))
        return {name: site for name, site in await self._rows(query)}

    async def states_before(self, kind: str, at: Any) -> dict[str, str]:
        """The state each subject was in at `at` (its newest transition before then)."""
        e = AvailabilityEvent
        newest = (select(e.subject, func.max(e.at).label("at"))
                  .where(self._mine(e), e.subject_kind == kind, e.at < at)
                  .group_by(e.subject).subquery())
        query = (select(e.subject, e.state)
                 .join(newest, and_(e.subject == newest.c.subject, e.at == newest.c.at))
                 .where(self._mine(e), e.subject_kind == kind))
        return {subject: state for subject, state in await self._rows(query)}

    async def transitions(self, kind: str, period: Span) -> list[AvailabilityEvent]:
        """Transitions of subjects of `kind` inside the period, oldest first."""
        e = AvailabilityEvent
        query = (select(e).where(self._mine(e), e.subject_kind == kind, e.at >= period.start,
                                 e.at < period.end).order_by(e.at, e.created_at))
        return list((await self.session.execute(query)).scalars())

    async def agents_health(self, site_id: uuid.UUID | None) -> list[AgentHealthRow]:
        """Health rows of the tenant's agents, by name."""
        query = select(AgentHealthRow).where(self._mine(AgentHealthRow))
        if site_id is not None:
            query = query.where(AgentHealthRow.site_id == site_id)
        return list((await self.session.execute(query.order_by(AgentHealthRow.agent_name)
                                                 )).scalars())
