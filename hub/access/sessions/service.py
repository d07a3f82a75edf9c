"""Sessions from RADIUS accounting, stale-session close, and session usage for billing.

Accounting is idempotent: FreeRADIUS retransmits what the NAS retransmits, and a NAS resends
a record it got no answer for. A repeated Start finds its session; a repeated Interim or Stop
carries the same counters (no new octets); a record older than the session's last update
(an out-of-order retransmit) changes nothing but what it alone knows (a Stop's cause).
Counters that go backwards in a newer record are a NAS counter reset: the maximum is kept and
the reset counted, so usage is never billed twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.models import Nas
from hub.access.radius_auth import canonical_address
from hub.access.service import nas_for_address
from hub.access.sessions import repository as repo
from hub.access.sessions.accounting import AccountingRecord, AccountingRefusedError, Counters
from hub.access.sessions.actions import CoaDispatch, actor_of, session_identity
from hub.access.sessions.models import RadiusAction, RadiusActionEvent, SubscriberSession
from hub.access.sessions.repository import Sessions
from hub.access.sessions.settings import SessionsSettings
from hub.db import new_id, utcnow
from hub.errors import ConflictError
from hub.metrics import count
from hub.pagination import PageParams
from hub.principal import Principal

log = logging.getLogger("dotmac.hub.access.sessions")
STALE_CAUSE = "stale"
REBOOT_CAUSE = "NAS-Reboot"
COUNTER_RESETS = "dotmac_radius_counter_resets_total"
# The shortest interim interval a NAS may report (RFC 2869 5.16 asks for at least 60 s;
# some BNGs allow less): the stale query's first cut, refined per session.
SHORTEST_INTERVAL_S = 30


@dataclass(frozen=True)
class Stored:
    """What one accounting record did: `outcome` is a metric label."""

    outcome: str  # started | updated | stopped | duplicate | late | nas_restart
    session_id: uuid.UUID | None = None
    closed: int = 0


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


async def record_accounting(session: AsyncSession, record: AccountingRecord) -> Stored:
    """Store one accounting record in the caller's transaction (the route commits)."""
    if record.status in ("interim", "stop") and record.acct_session_id is not None:
        known = await repo.known_session(session, canonical_address(record.nas_address),
                                         record.acct_session_id)
        if known is not None:  # the common case: one query finds NAS and session
            return Stored(await _apply(session, known, record), known.id)
    nas = await nas_for_address(session, record.nas_address)
    if nas is None:
        raise AccountingRefusedError("unknown_nas", f"NAS {record.nas_address}: not registered; "
                                "add it to the NAS registry (POST /access/nas)")
    if record.status in ("on", "off"):
        closed = await repo.close_open_of_nas(session, nas.id, record.event_time, REBOOT_CAUSE)
        log.info("access.nas_restart nas=%s status=%s closed=%d", nas.id, record.status, closed)
        return Stored("nas_restart", closed=closed)
    assert record.acct_session_id is not None
    row = await repo.session_for_update(session, nas.id, record.acct_session_id)
    if row is None:
        if record.status == "stop":
            raise AccountingRefusedError("unknown_session", f"Stop for Acct-Session-Id "
                                    f"{record.acct_session_id!r}: no such session on NAS "
                                    f"{nas.address}")
        row = await _open(session, nas, record)
        if row is None:  # a concurrent retransmit created it first
            row = await repo.session_for_update(session, nas.id, record.acct_session_id)
            assert row is not None
        else:
            await _apply(session, row, record)
            return Stored("started", row.id)
    if record.status == "start":
        return Stored("duplicate", row.id)  # a retransmitted Start
    return Stored(await _apply(session, row, record), row.id)


async def _open(session: AsyncSession, nas: Nas, record: AccountingRecord,
                ) -> SubscriberSession | None:
    """A new session row from a Start (or an Interim whose Start was lost)."""
    assert record.username is not None and record.acct_session_id is not None
    subscription_id = await repo.subscription_of_username(session, nas.tenant_id,
                                                          record.username)
    started = record.event_time - timedelta(seconds=record.session_time_s or 0)
    row = SubscriberSession(
        tenant_id=nas.tenant_id, nas_id=nas.id, subscription_id=subscription_id,
        username=record.username, acct_session_id=record.acct_session_id, started_at=started,
        last_update_at=started, session_time_s=0, input_octets=0, output_octets=0,
        input_packets=0, output_packets=0, counter_resets=0)
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def _describe(row: SubscriberSession, record: AccountingRecord) -> None:
    """Addresses and identifiers: the newest record that names them wins."""
    for field in ("framed_ip_address", "framed_ipv6_prefix", "delegated_ipv6_prefix",
                  "calling_station_id", "nas_port_id", "interim_interval_s"):
        value = getattr(record, field)
        if value is not None:
            setattr(row, field, value)


async def _apply(session: AsyncSession, row: SubscriberSession,
                 record: AccountingRecord) -> str:
    """Fold one record into its session; returns the outcome label."""
    late = record.event_time < row.last_update_at
    if record.status == "stop":
        first_stop = row.stopped_at is None or row.terminate_cause == STALE_CAUSE
        row.stopped_at = max(record.event_time, row.last_update_at)
        row.terminate_cause = (record.terminate_cause or "Unknown")[:40]
        if not first_stop:
            return "duplicate"
    elif row.stopped_at is not None:
        if row.terminate_cause != STALE_CAUSE or late:
            return "late"  # a retransmit after the Stop, or after the NAS rebooted
        row.stopped_at, row.terminate_cause = None, None  # alive after all: reopened
    if late:
        return "late" if record.status != "stop" else "stopped"
    _describe(row, record)
    row.last_update_at = record.event_time
    row.session_time_s = max(row.session_time_s, record.session_time_s or 0)
    if record.counters is not None:
        await _count(session, row, record.counters, record.event_time)
    return {"start": "started", "interim": "updated", "stop": "stopped"}[record.status]


async def _count(session: AsyncSession, row: SubscriberSession, new: Counters,
                 at: datetime) -> None:
    """Add what the counters grew by; a counter that fell is a NAS reset (keep the max)."""
    grew_in = new.input_octets - row.input_octets
    grew_out = new.output_octets - row.output_octets
    if grew_in < 0 or grew_out < 0:
        row.counter_resets += 1
        count(COUNTER_RESETS, "Session octet counters that went backwards (NAS reset)")
        log.warning("access.counter_reset session=%s in=%d->%d out=%d->%d", row.id,
                    row.input_octets, new.input_octets, row.output_octets, new.output_octets)
    grew_in, grew_out = max(grew_in, 0), max(grew_out, 0)
    row.input_octets += grew_in
    row.output_octets += grew_out
    row.input_packets = max(row.input_packets, new.input_packets)
    row.output_packets = max(row.output_packets, new.output_packets)
    if row.subscription_id is not None and (grew_in or grew_out):
        await repo.add_usage(session, row.tenant_id, row.subscription_id, _hour(at),
                             grew_in, grew_out)


async def close_stale_sessions(session: AsyncSession, tenant_id: uuid.UUID, now: datetime,
                               settings: SessionsSettings | None = None) -> int:
    """Close the tenant's open sessions silent for `stale_after_intervals` interim intervals
    (their Stop was lost, or the NAS died without Accounting-Off). The stop time is the last
    accounting heard: usage after it is unknown. Commits nothing: the scheduler does."""
    settings = settings or SessionsSettings()
    n = settings.stale_after_intervals
    candidates = await Sessions(session, tenant_id).open_silent_since(
        now - timedelta(seconds=n * settings.interim_interval_s),
        now - timedelta(seconds=n * SHORTEST_INTERVAL_S))
    closed = 0
    for row in candidates:
        interval = row.interim_interval_s or settings.interim_interval_s
        if row.last_update_at < now - timedelta(seconds=n * interval):
            row.stopped_at, row.terminate_cause = row.last_update_at, STALE_CAUSE
            closed += 1
    if closed:
        log.info("access.stale_sessions_closed tenant=%s closed=%d", tenant_id, closed)
    return closed


async def session_usage_hours(session: AsyncSession, tenant_id: uuid.UUID,
                              subscription_id: uuid.UUID, start: datetime,
                              end: datetime) -> list[tuple[datetime, int, int]]:
    """Octets (hour, in, out) the subscription's sessions carried from `start` up to `end`,
    by the UTC hour their accounting arrived in: billing's (and the portal's) RADIUS usage
    source."""
    return await repo.usage_hours(session, tenant_id, subscription_id, start, end)


async def session_octets(session: AsyncSession, tenant_id: uuid.UUID,
                         subscription_id: uuid.UUID, start: datetime,
                         end: datetime) -> tuple[int, int]:
    """Octets (in, out) the subscription's sessions carried from `start` up to `end`."""
    hours = await session_usage_hours(session, tenant_id, subscription_id, start, end)
    return sum(h[1] for h in hours), sum(h[2] for h in hours)


class SessionService:
    """Sessions of the caller's tenant for support: who is online, disconnect one."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session, self.principal = session, principal
        self.sessions = Sessions(session, principal.tenant_id)
        self.actions = repo.RadiusActions(session, principal.tenant_id)

    async def search(self, params: PageParams, online: bool | None,
                     subscription_id: uuid.UUID | None, nas_id: uuid.UUID | None,
                     site_id: uuid.UUID | None) -> tuple[list[SubscriberSession], str | None]:
        """A page of the tenant's sessions."""
        return await self.sessions.search(params, online, subscription_id, nas_id, site_id)

    async def get(self, session_id: uuid.UUID,
                  ) -> tuple[SubscriberSession, list[tuple[RadiusAction, list[RadiusActionEvent]]]]:
        """One session with every CoA / Disconnect sent for it and their history."""
        row = await self.sessions.get(session_id)
        sent = await self.actions.of_session(row.id)
        return row, [(a, await self.actions.history(a.id)) for a in sent]

    async def disconnect(self, session_id: uuid.UUID, reason: str,
                         dispatch: CoaDispatch) -> RadiusAction:
        """Ask the session's NAS to end it (support's button); sent once committed."""
        row = await self.sessions.get(session_id)
        if row.stopped_at is not None:
            raise ConflictError(f"session {row.id}: already ended at "
                                f"{row.stopped_at.isoformat()}; nothing to disconnect")
        nas = await repo.nas_by_id(self.session, row.nas_id)
        assert nas is not None  # a session's NAS is deleted with it
        actor, now, action_id = actor_of(self.principal), utcnow(), new_id()
        action = RadiusAction(
            id=action_id, tenant_id=row.tenant_id, request_id=action_id, kind="disconnect",
            action="support_disconnect", subscription_id=row.subscription_id,
            session_id=row.id, nas_id=nas.id, requested_by=actor, reason=reason[:300],
            attributes=session_identity(row, nas), status="requested", attempts=0, detail="",
            updated_at=now)
        self.session.add(action)
        self.session.add(RadiusActionEvent(tenant_id=row.tenant_id, action_id=action_id, at=now,
                                           from_status=None, to_status="requested",
                                           actor=actor, detail=reason[:300]))
        dispatch.send_after_commit(self.session, [action_id])
        await self.session.commit()
        log.info("access.session_disconnect session=%s by=%s", row.id, actor)
        return action
