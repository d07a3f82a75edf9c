"""Analytics answers: shape repository rows into series, rankings and percentages."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import utcnow
from hub.errors import InvalidRequestError, NotFoundError
from hub.ingest.models import InterfaceRollup, ObservedInterface
from hub.network_analytics.percentile import percentile_95
from hub.network_analytics.periods import Span, Transition, UpTime, combine, up_time
from hub.network_analytics.repository import NetworkAnalyticsRepository
from hub.network_analytics.schemas import (
    AgentHealthPublic,
    AgentsHealth,
    Availability,
    AvailabilityReport,
    InterfaceUtilisation,
    ObservedDevicePublic,
    ObservedDevicesPublic,
    Percentile95Public,
    Period,
    TopInterfaces,
    TrafficPoint,
    TrafficSeries,
)
from hub.principal import Principal

_CURSOR = "d1."


def encode_after(device: str) -> str:
    """Opaque cursor for the page after `device` (names are not UUIDs here)."""
    return _CURSOR + base64.urlsafe_b64encode(device.encode()).decode().rstrip("=")


def decode_after(cursor: str) -> str:
    """Inverse of encode_after; anything else is a 422."""
    try:
        if not cursor.startswith(_CURSOR):
            raise ValueError(cursor)
        raw = cursor[len(_CURSOR):]
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (ValueError, binascii.Error) as exc:
        raise InvalidRequestError("cursor: not a cursor this API issued; pass the `next_cursor` "
                                  "of the previous page, or omit it") from exc


def _pct(bps: float, speed: int | None) -> float | None:
    return 100.0 * bps / speed if speed else None


def _point(row: InterfaceRollup, speed: int | None) -> TrafficPoint:
    return TrafficPoint(ts=row.bucket_start, in_bps=row.in_bps, out_bps=row.out_bps,
                        in_errors=int(row.in_errors_delta), out_errors=int(row.out_errors_delta),
                        in_utilisation_pct=_pct(row.in_bps, speed),
                        out_utilisation_pct=_pct(row.out_bps, speed))


class NetworkAnalyticsService:
    """Read-only analytics of the caller's tenant."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.repo = NetworkAnalyticsRepository(session, principal.tenant_id)

    async def devices(self, site_id: uuid.UUID | None, status: str | None,
                      cursor: str | None, limit: int) -> ObservedDevicesPublic:
        """A page of observed devices with status and last seen."""
        after = decode_after(cursor) if cursor else None
        rows = await self.repo.devices(site_id, status, after, limit + 1)
        more, rows = len(rows) > limit, rows[:limit]
        return ObservedDevicesPublic(
            data=[ObservedDevicePublic.model_validate(r) for r in rows],
            next_cursor=encode_after(rows[-1].device) if more and rows else None)

    async def _known(self, device: str, if_index: int) -> ObservedInterface | None:
        """The interface's facts (None if never inventoried); 404 for an unknown device."""
        interface = await self.repo.interface(device, if_index)
        if interface is None and await self.repo.device(device) is None:
            raise NotFoundError(f"device {device!r}: no such device reported in this tenant")
        return interface

    async def traffic(self, device: str, if_index: int, period: Span) -> TrafficSeries:
        """Bits/s, errors and utilisation per 5-minute bucket of one interface."""
        interface = await self._known(device, if_index)
        speed = interface.speed_bps if interface else None
        rows = await self.repo.rollups(device, if_index, period)
        return TrafficSeries(device=device, if_index=if_index,
                             name=interface.name if interface else None, speed_bps=speed,
                             period=Period(start=period.start, end=period.end),
                             points=[_point(r, speed) for r in rows])

    async def percentile(self, device: str, if_index: int, period: Span) -> Percentile95Public:
        """95th percentile in, out and billable of one interface."""
        await self._known(device, if_index)
        rows = await self.repo.rollups(device, if_index, period)
        result = percentile_95({r.bucket_start: (int(r.in_octets_delta), int(r.out_octets_delta))
                                for r in rows}, period.start, period.end)
        return Percentile95Public(device=device, if_index=if_index,
                                  period=Period(start=period.start, end=period.end),
                                  buckets=result.buckets, p95_in_bps=result.p95_in_bps,
                                  p95_out_bps=result.p95_out_bps,
                                  billable_bps=result.billable_bps)

    async def top(self, period: Span, limit: int) -> TopInterfaces:
        """The `limit` interfaces with the highest average utilisation."""
        ranked = []
        for device, if_index, name, speed, avg_in, avg_out, peak in await self.repo.busiest(
                period):
            ranked.append(InterfaceUtilisation(
                device=device, if_index=if_index, name=name, speed_bps=speed,
                avg_in_bps=float(avg_in), avg_out_bps=float(avg_out), peak_bps=float(peak),
                utilisation_pct=100.0 * max(float(avg_in), float(avg_out)) / speed))
        ranked.sort(key=lambda u: (-u.utilisation_pct, u.device, u.if_index))
        return TopInterfaces(period=Period(start=period.start, end=period.end),
                             data=ranked[:limit])

    async def _device_up_times(self, period: Span) -> dict[str, UpTime]:
        before = await self.repo.states_before("device", period.start)
        changes: dict[str, list[Transition]] = defaultdict(list)
        for event in await self.repo.transitions("device", period):
            changes[event.subject].append(Transition(event.at, event.state))
        now = utcnow()
        subjects = set(before) | set(changes)
        return {s: up_time(before.get(s), changes[s], period, now) for s in sorted(subjects)}

    async def device_availability(self, period: Span) -> AvailabilityReport:
        """Availability % of every device that had a known state in the period."""
        sites = await self.repo.device_sites()
        times = await self._device_up_times(period)
        data = [_availability(name, sites[name], t) for name, t in times.items() if name in sites]
        return AvailabilityReport(period=Period(start=period.start, end=period.end), data=data)

    async def site_availability(self, period: Span) -> AvailabilityReport:
        """Availability % per site: its devices' up seconds over their known seconds."""
        sites = await self.repo.device_sites()
        per_site: dict[uuid.UUID, list[UpTime]] = defaultdict(list)
        for name, t in (await self._device_up_times(period)).items():
            if name in sites:
                per_site[sites[name]].append(t)
        data = [_availability(str(site), site, combine(parts))
                for site, parts in sorted(per_site.items(), key=lambda kv: str(kv[0]))]
        return AvailabilityReport(period=Period(start=period.start, end=period.end), data=data)

    async def agents_health(self, site_id: uuid.UUID | None) -> AgentsHealth:
        """Queue depth, lag, dropped samples and last seen of every agent."""
        rows = await self.repo.agents_health(site_id)
        return AgentsHealth(data=[AgentHealthPublic.model_validate(r) for r in rows])


def _availability(subject: str, site: uuid.UUID, t: UpTime) -> Availability:
    return Availability(subject=subject, site_id=site, availability_pct=t.pct, up_s=t.up_s,
                        known_s=t.known_s)

