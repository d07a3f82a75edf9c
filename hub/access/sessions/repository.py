"""Every query of sessions and radius actions: the API's (tenant filter from the base class)
and the accounting path's, which finds the tenant from the NAS the packet came from."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.models import Nas, SubscriberCredential
from hub.access.sessions.models import (
    RadiusAction,
    RadiusActionEvent,
    SessionUsageHour,
    SubscriberSession,
)
from hub.pagination import PageParams
from hub.repository import TenantScopedRepository


class Sessions(TenantScopedRepository[SubscriberSession]):
    """Sessions of one tenant."""

    model = SubscriberSession
    noun = "session"

    async def search(self, params: PageParams, online: bool | None,
                     subscription_id: uuid.UUID | None, nas_id: uuid.UUID | None,
                     site_id: uuid.UUID | None) -> tuple[list[SubscriberSession], str | None]:
        """A page of sessions, newest id last, filtered as asked."""
        query = self.select()
        if online is not None:
            query = query.where(SubscriberSession.stopped_at.is_(None) if online
                                else SubscriberSession.stopped_at.is_not(None))
        if subscription_id is not None:
            query = query.where(SubscriberSession.subscription_id == subscription_id)
        if nas_id is not None:
            query = query.where(SubscriberSession.nas_id == nas_id)
        if site_id is not None:
            query = query.where(SubscriberSession.nas_id.in_(
                select(Nas.id).where(Nas.tenant_id == self.tenant_id, Nas.site_id == site_id)))
        return await self.page(params, query)

    async def open_of(self, subscription_id: uuid.UUID) -> list[SubscriberSession]:
        """The subscription's sessions still online (a subscriber may have several)."""
        query = self.select().where(SubscriberSession.subscription_id == subscription_id,
                                    SubscriberSession.stopped_at.is_(None))
        return list((await self.session.execute(query.order_by(SubscriberSession.id)))
                    .scalars())

    async def open_silent_since(self, default_before: datetime, own_before: datetime,
                                ) -> list[SubscriberSession]:
        """Open sessions, locked, whose last accounting is older than `default_before` (no
        interval of their own) or `own_before` (the NAS reported one: refined by the
        caller)."""
        s = SubscriberSession
        silent = ((s.interim_interval_s.is_(None) & (s.last_update_at < default_before))
                  | (s.interim_interval_s.is_not(None) & (s.last_update_at < own_before)))
        query = self.select().where(s.stopped_at.is_(None), silent)
        return list((await self.session.execute(
            query.order_by(s.id).with_for_update(skip_locked=True))).scalars())


class RadiusActions(TenantScopedRepository[RadiusAction]):
    """CoA / Disconnect requests of one tenant."""

    model = RadiusAction
    noun = "radius action"

    async def of_request(self, request_id: uuid.UUID) -> list[RadiusAction]:
        """The rows of one request."""
        query = self.select().where(RadiusAction.request_id == request_id)
        return list((await self.session.execute(query.order_by(RadiusAction.id))).scalars())

    async def of_session(self, session_id: uuid.UUID) -> list[RadiusAction]:
        """Every request sent for one session, oldest first."""
        query = self.select().where(RadiusAction.session_id == session_id)
        return list((await self.session.execute(query.order_by(RadiusAction.id))).scalars())

    async def history(self, action_id: uuid.UUID) -> list[RadiusActionEvent]:
        """Steps of one action, oldest first."""
        query = select(RadiusActionEvent).where(
            RadiusActionEvent.tenant_id == self.tenant_id,
            RadiusActionEvent.action_id == action_id,
        ).order_by(RadiusActionEvent.at, RadiusActionEvent.id)
        return list((await self.session.execute(query)).scalars())


# The accounting path and the sender: no caller tenant, the NAS or the row names it.

async def nas_by_id(session: AsyncSession, nas_id: uuid.UUID) -> Nas | None:
    """A NAS by id (the sender's look-up; the action row carries the tenant)."""
    return await session.get(Nas, nas_id)


async def subscription_of_username(session: AsyncSession, tenant_id: uuid.UUID,
                                   username: str) -> uuid.UUID | None:
    """The subscription whose credential logs in as `username` in this tenant."""
    found: uuid.UUID | None = (await session.execute(
        select(SubscriberCredential.subscription_id).where(
            SubscriberCredential.tenant_id == tenant_id,
            SubscriberCredential.username == username))).scalar_one_or_none()
    return found


async def has_credential(session: AsyncSession, subscription_id: uuid.UUID) -> bool:
    """Whether the subscription logs in by RADIUS (it has a credential)."""
    found = (await session.execute(select(SubscriberCredential.id).where(
        SubscriberCredential.subscription_id == subscription_id))).first()
    return found is not None


async def session_for_update(session: AsyncSession, nas_id: uuid.UUID,
                             acct_session_id: str) -> SubscriberSession | None:
    """A NAS's session by Acct-Session-Id, locked for the update an accounting packet makes."""
    found: SubscriberSession | None = (await session.execute(
        select(SubscriberSession).where(SubscriberSession.nas_id == nas_id,
                                        SubscriberSession.acct_session_id == acct_session_id)
        .with_for_update())).scalar_one_or_none()
    return found


async def known_session(session: AsyncSession, nas_address: str, acct_session_id: str,
                        ) -> SubscriberSession | None:
    """A session by its NAS's canonical address and Acct-Session-Id, locked: an Interim or
    Stop of a known session (nearly every record) finds its row in one round trip instead of
    the NAS first, then the session."""
    found: SubscriberSession | None = (await session.execute(
        select(SubscriberSession).join(Nas, Nas.id == SubscriberSession.nas_id)
        .where(Nas.address == nas_address,
               SubscriberSession.acct_session_id == acct_session_id)
        .with_for_update(of=SubscriberSession))).scalar_one_or_none()
    return found


async def close_open_of_nas(session: AsyncSession, nas_id: uuid.UUID, at: datetime,
                            cause: str) -> int:
    """Close every open session of a NAS it had before it rebooted (Accounting-On/Off at
    `at`). A session heard of after `at` began after the reboot: the spool's readers may
    deliver its Start before the Accounting-On, so it is left open."""
    result = await session.execute(
        update(SubscriberSession)
        .where(SubscriberSession.nas_id == nas_id, SubscriberSession.stopped_at.is_(None),
               SubscriberSession.last_update_at <= at)
        .values(stopped_at=at, terminate_cause=cause)
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def add_usage(session: AsyncSession, tenant_id: uuid.UUID, subscription_id: uuid.UUID,
                    hour: datetime, input_octets: int, output_octets: int) -> None:
    """Add octets to a subscription's hour (one upsert: concurrent interims both count)."""
    values: dict[str, Any] = {"tenant_id": tenant_id, "subscription_id": subscription_id,
                              "hour": hour, "input_octets": input_octets,
                              "output_octets": output_octets}
    usage = SessionUsageHour
    dialect = session.get_bind().dialect.name
    insert = pg_insert(usage) if dialect == "postgresql" else sqlite_insert(usage)
    statement = insert.values(**values)
    excluded = statement.excluded
    await session.execute(statement.on_conflict_do_update(
        index_elements=["subscription_id", "hour"],
        set_={"input_octets": usage.input_octets + excluded.input_octets,
              "output_octets": usage.output_octets + excluded.output_octets}))


async def usage_hours(session: AsyncSession, tenant_id: uuid.UUID, subscription_id: uuid.UUID,
                      start: datetime, end: datetime) -> list[tuple[datetime, int, int]]:
    """(hour, octets in, octets out) of a subscription in the hours from `start` up to
    `end`, in order."""
    rows = await session.execute(
        select(SessionUsageHour.hour, SessionUsageHour.input_octets,
               SessionUsageHour.output_octets)
        .where(SessionUsageHour.tenant_id == tenant_id,
               SessionUsageHour.subscription_id == subscription_id,
               SessionUsageHour.hour >= start, SessionUsageHour.hour < end)
        .order_by(SessionUsageHour.hour))
    return [(hour, int(used_in), int(used_out)) for hour, used_in, used_out in rows]


async def action_for_update(session: AsyncSession, action_id: uuid.UUID,
                            ) -> RadiusAction | None:
    """A radius action by id, locked (the sender claims it)."""
    found: RadiusAction | None = (await session.execute(
        select(RadiusAction).where(RadiusAction.id == action_id).with_for_update()
    )).scalar_one_or_none()
    return found


def _pending(older_than: datetime) -> Select[Any]:
    return select(RadiusAction.id).where(
        (RadiusAction.status == "requested")
        | ((RadiusAction.status == "sending") & (RadiusAction.updated_at < older_than)))


async def pending_actions(session: AsyncSession, now: datetime, stuck_after: timedelta,
                          tenant_id: uuid.UUID | None = None,
                          limit: int = 100) -> list[uuid.UUID]:
    """Ids of actions not sent yet, or whose sender died while `sending`, oldest first."""
    query = _pending(now - stuck_after)
    if tenant_id is not None:
        query = query.where(RadiusAction.tenant_id == tenant_id)
    return list((await session.execute(query.order_by(RadiusAction.id).limit(limit)))
                .scalars())
