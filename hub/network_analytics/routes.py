"""Analytics endpoints (thin: parse, validate the period, call the service)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from hub.api.deps import RequirePermission, SessionDep
from hub.db import utcnow
from hub.errors import error_docs
from hub.network_analytics.periods import Span, span
from hub.network_analytics.schemas import (
    AgentsHealth,
    AvailabilityReport,
    ObservedDevicesPublic,
    Percentile95Public,
    TopInterfaces,
    TrafficSeries,
)
from hub.network_analytics.service import NetworkAnalyticsService
from hub.pagination import DEFAULT_LIMIT, MAX_LIMIT
from hub.principal import Principal

router = APIRouter(prefix="/analytics", tags=["analytics"])
READ, ONE = error_docs(401, 403, 422, 429), error_docs(401, 403, 404, 422, 429)
AnalyticsRead = Annotated[Principal, RequirePermission("analytics:read")]
# Printable ASCII without space or "/": what a device name can be in one URL path segment.
Device = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[!-.0-~]+$",
                             examples=["ams1-core-sw1"])]
IfIndex = Annotated[int, Path(ge=0, le=2**31 - 1)]
OptSite = Annotated[uuid.UUID | None, Query()]


async def period(
    start: Annotated[datetime | None, Query(description="UTC, 5-minute aligned; default "
                                            "end - 24 h")] = None,
    end: Annotated[datetime | None, Query(description="UTC, 5-minute aligned, exclusive; "
                                          "default the current bucket's start")] = None,
) -> Span:
    """The requested [start, end): aligned, end after start, at most 31 days (else 422)."""
    return span(start, end, utcnow())


PeriodDep = Annotated[Span, Depends(period)]


@router.get("/devices", operation_id="analytics_devices", response_model=ObservedDevicesPublic,
            responses=READ)
async def list_devices(
    session: SessionDep, principal: AnalyticsRead, site_id: OptSite = None,
    status: Annotated[Literal["up", "down", "unknown"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> ObservedDevicesPublic:
    """Devices the agents report, with status and last seen."""
    return await NetworkAnalyticsService(session, principal).devices(site_id, status, cursor, limit)


@router.get("/devices/{device}/interfaces/{if_index}/traffic", operation_id="analytics_traffic",
            response_model=TrafficSeries, responses=ONE)
async def traffic(device: Device, if_index: IfIndex, window: PeriodDep, session: SessionDep,
                  principal: AnalyticsRead) -> TrafficSeries:
    """Bits/s in/out, errors and utilisation of one interface per 5-minute bucket."""
    return await NetworkAnalyticsService(session, principal).traffic(device, if_index, window)


@router.get("/devices/{device}/interfaces/{if_index}/p95", operation_id="analytics_p95",
            response_model=Percentile95Public, responses=ONE)
async def percentile_95th(device: Device, if_index: IfIndex, window: PeriodDep,
                          session: SessionDep, principal: AnalyticsRead) -> Percentile95Public:
    """95th percentile in, out and billable (= max) of one interface (docs/analytics.md)."""
    return await NetworkAnalyticsService(session, principal).percentile(device, if_index, window)


@router.get("/interfaces/top", operation_id="analytics_top_interfaces",
            response_model=TopInterfaces, responses=READ)
async def top_interfaces(window: PeriodDep, session: SessionDep, principal: AnalyticsRead,
                         limit: Annotated[int, Query(ge=1, le=100)] = 10) -> TopInterfaces:
    """The busiest interfaces by average utilisation over the period."""
    return await NetworkAnalyticsService(session, principal).top(window, limit)


@router.get("/availability/devices", operation_id="analytics_availability_devices",
            response_model=AvailabilityReport, responses=READ)
async def device_availability(window: PeriodDep, session: SessionDep,
                              principal: AnalyticsRead) -> AvailabilityReport:
    """Availability % per device from its up/down transitions."""
    return await NetworkAnalyticsService(session, principal).device_availability(window)


@router.get("/availability/sites", operation_id="analytics_availability_sites",
            response_model=AvailabilityReport, responses=READ)
async def site_availability(window: PeriodDep, session: SessionDep,
                            principal: AnalyticsRead) -> AvailabilityReport:
    """Availability % per site over its devices."""
    return await NetworkAnalyticsService(session, principal).site_availability(window)


@router.get("/agents/health", operation_id="analytics_agents_health",
            response_model=AgentsHealth, responses=READ)
async def agents_health(session: SessionDep, principal: AnalyticsRead,
                        site_id: OptSite = None) -> AgentsHealth:
    """Queue depth, lag, dropped samples and last seen of each agent."""
    return await NetworkAnalyticsService(session, principal).agents_health(site_id)
