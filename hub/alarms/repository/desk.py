"""What the alarm API reads, through the caller's eyes: its tenant and, for a user bound to
sites (`user_sites`, field techs), only those sites. An alarm or event out of the caller's
sites answers 404 like another tenant's; an alarm of no site (hub rules) is out of every
site scope.

Newest first: a NOC screen and an integrator polling for news both want the latest rows, and
ids are time-ordered (hub.db.new_id), so the keyset runs on id descending.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, Text, cast, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms.models import Alarm, AlarmHistory, DeviceEvent, UserSite
from hub.errors import NotFoundError
from hub.identity.models import ApiKey, User
from hub.pagination import PageParams, encode_cursor
from hub.principal import Principal

T = TypeVar("T")
ACTIVE_STATES = ("raised", "acknowledged")


@dataclass(frozen=True)
class AlarmFilter:
    """What an alarm list is narrowed to (None or empty: not filtered)."""

    states: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    site_id: uuid.UUID | None = None
    device_id: uuid.UUID | None = None
    device_name: str | None = None
    customer_id: uuid.UUID | None = None
    rule: str | None = None
    active: bool | None = None

    def apply(self, query: Select[Any]) -> Select[Any]:
        """`query` narrowed to the matching alarms."""
        equal = {Alarm.site_id: self.site_id, Alarm.device_id: self.device_id,
                 Alarm.device_name: self.device_name, Alarm.rule: self.rule}
        for column, value in equal.items():
            if value is not None:
                query = query.where(column == value)
        if self.states:
            query = query.where(Alarm.state.in_(self.states))
        if self.severities:
            query = query.where(Alarm.severity.in_(self.severities))
        if self.active is not None:
            active = Alarm.state.in_(ACTIVE_STATES)
            query = query.where(active if self.active else ~active)
        if self.customer_id is not None:
            # impacts is a JSON list of {subscription_id, customer_id, ...}; a UUID is unique
            # text, so "the customer's id appears in it" is exact on every backend.
            query = query.where(cast(Alarm.impacts, Text).contains(str(self.customer_id)))
        return query


@dataclass(frozen=True)
class EventFilter:
    """What a device event list is narrowed to (None: not filtered)."""

    device_id: uuid.UUID | None = None
    device_name: str | None = None
    site_id: uuid.UUID | None = None
    event_type: str | None = None
    severity: str | None = None
    origin: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def apply(self, query: Select[Any]) -> Select[Any]:
        """`query` narrowed to the matching events (time range on the agent's receive time)."""
        equal = {DeviceEvent.device_id: self.device_id,
                 DeviceEvent.device_name: self.device_name, DeviceEvent.site_id: self.site_id,
                 DeviceEvent.event_type: self.event_type, DeviceEvent.severity: self.severity,
                 DeviceEvent.origin: self.origin}
        for column, value in equal.items():
            if value is not None:
                query = query.where(column == value)
        if self.since is not None:
            query = query.where(DeviceEvent.received_at >= self.since)
        if self.until is not None:
            query = query.where(DeviceEvent.received_at < self.until)
        return query


async def newest_first(session: AsyncSession, query: Select[Any], id_column: Any,
                       params: PageParams) -> tuple[list[Any], str | None]:
    """One keyset page of `query` by id descending, and the cursor of the next one."""
    if params.after is not None:
        query = query.where(id_column < params.after)
    rows = list((await session.execute(query.order_by(id_column.desc())
                                       .limit(params.limit + 1))).scalars())
    page = rows[:params.limit]
    return page, encode_cursor(page[-1].id) if len(rows) > params.limit and page else None


async def sites_of_user(session: AsyncSession, tenant_id: uuid.UUID,
                        user_id: uuid.UUID) -> list[uuid.UUID]:
    """The sites a user is bound to (empty: not bound, every site)."""
    query = (select(UserSite.site_id).where(UserSite.tenant_id == tenant_id,
                                            UserSite.user_id == user_id)
             .order_by(UserSite.site_id))
    return list((await session.execute(query)).scalars())


async def bind_user_to_sites(session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID,
                             site_ids: Sequence[uuid.UUID]) -> None:
    """Replace a user's sites (the caller checked the user and sites are the tenant's)."""
    await session.execute(delete(UserSite).where(UserSite.tenant_id == tenant_id,
                                                 UserSite.user_id == user_id))
    session.add_all(UserSite(tenant_id=tenant_id, user_id=user_id, site_id=site)
                    for site in site_ids)


class AlarmDesk:
    """Alarms and device events as one caller may see them."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session = session
        self.principal = principal
        self._scope: frozenset[uuid.UUID] | None = None
        self._scope_read = False

    async def scope(self) -> frozenset[uuid.UUID] | None:
        """The caller's sites, or None when it sees every site (unbound users, API keys)."""
        if not self._scope_read:
            self._scope_read = True
            if self.principal.kind == "user":
                sites = await sites_of_user(self.session, self.principal.tenant_id,
                                            self.principal.id)
                self._scope = frozenset(sites) or None
        return self._scope

    async def _alarms(self) -> Select[Any]:
        query = select(Alarm).where(Alarm.tenant_id == self.principal.tenant_id)
        scope = await self.scope()
        return query if scope is None else query.where(Alarm.site_id.in_(scope))

    async def alarms(self, wanted: AlarmFilter, params: PageParams,
                     ) -> tuple[list[Alarm], str | None]:
        """A page of the alarms the caller sees, newest first."""
        return await newest_first(self.session, wanted.apply(await self._alarms()), Alarm.id,
                                  params)

    async def alarm(self, alarm_id: uuid.UUID, for_update: bool = False) -> Alarm:
        """One alarm the caller sees; 404 when it is another tenant's, out of the caller's
        sites, or missing (the three look the same). `for_update` locks its row (PostgreSQL)
        so two people acting at once are applied one after the other."""
        query = (await self._alarms()).where(Alarm.id == alarm_id)
        if for_update:
            query = query.with_for_update()
        found: Alarm | None = (await self.session.execute(query)).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"alarm {alarm_id}: no such alarm in this tenant")
        return found

    async def history(self, alarm: Alarm) -> list[AlarmHistory]:
        """The alarm's steps, oldest first."""
        query = (select(AlarmHistory).where(AlarmHistory.tenant_id == alarm.tenant_id,
                                            AlarmHistory.alarm_id == alarm.id)
                 .order_by(AlarmHistory.at, AlarmHistory.id))
        return list((await self.session.execute(query)).scalars())

    async def root(self, alarm: Alarm) -> Alarm | None:
        """The alarm this one is suppressed under (shown whatever the caller's sites: it is
        the cause of an alarm the caller may see)."""
        if alarm.suppressed_by is None:
            return None
        query = select(Alarm).where(Alarm.tenant_id == alarm.tenant_id,
                                    Alarm.id == alarm.suppressed_by)
        root: Alarm | None = (await self.session.execute(query)).scalar_one_or_none()
        return root

    async def events(self, wanted: EventFilter, params: PageParams,
                     ) -> tuple[list[DeviceEvent], str | None]:
        """A page of the device events the caller sees, newest first."""
        query = select(DeviceEvent).where(DeviceEvent.tenant_id == self.principal.tenant_id)
        scope = await self.scope()
        if scope is not None:
            query = query.where(DeviceEvent.site_id.in_(scope))
        return await newest_first(self.session, wanted.apply(query), DeviceEvent.id, params)


async def actor_name(session: AsyncSession, principal: Principal) -> str:
    """How history names the caller: a user's e-mail, `api key <name>`, or the kind."""
    if principal.kind == "user":
        query: Select[Any] = select(User.email).where(User.tenant_id == principal.tenant_id,
                                                      User.id == principal.id)
        prefix = ""
    elif principal.kind == "api_key":
        query = select(ApiKey.name).where(ApiKey.tenant_id == principal.tenant_id,
                                          ApiKey.id == principal.id)
        prefix = "api key "
    else:
        return principal.kind
    name = (await session.execute(query)).scalar_one_or_none()
    return f"{prefix}{name}" if name else f"{principal.kind} {principal.id}"
