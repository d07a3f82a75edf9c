"""Every query of subscriber access. The NAS registry and credentials are tenant-scoped for
the API; the RADIUS path looks a NAS up by source address and a credential by User-Name
hub-wide (both unique over the hub), then stays inside the NAS's tenant."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.models import Nas, RadiusAnswer, SubscriberCredential
from hub.billing.models import NetworkAction, Plan, Subscription
from hub.pagination import PageParams
from hub.repository import RowPage, TenantScopedRepository, TenantScopedRows


class NasRepository(TenantScopedRepository[Nas]):
    """NASes of one tenant (a foreign NAS is indistinguishable from a missing one)."""

    model = Nas
    noun = "NAS"


class NasRows(TenantScopedRows[Nas]):
    """NAS lists of one tenant (read-only)."""

    model = Nas

    async def list(self, params: PageParams, site_id: uuid.UUID | None) -> RowPage:
        """A page of NASes, optionally of one site."""
        return await self.page_rows(params, site_id=site_id)


class CredentialRepository(TenantScopedRepository[SubscriberCredential]):
    """Subscriber credentials of one tenant."""

    model = SubscriberCredential
    noun = "credential"

    async def of_subscription(self, subscription_id: uuid.UUID) -> SubscriberCredential | None:
        """The credential of one subscription of this tenant, if any."""
        query = self.select().where(SubscriberCredential.subscription_id == subscription_id)
        row: SubscriberCredential | None = (await self.session.execute(query)
                                            ).scalar_one_or_none()
        return row


async def nas_by_address(session: AsyncSession, address: str) -> Nas | None:
    """The NAS registered with this canonical address, in any tenant."""
    row: Nas | None = (await session.execute(select(Nas).where(Nas.address == address))
                       ).scalar_one_or_none()
    return row


async def all_nases(session: AsyncSession) -> list[Nas]:
    """Every NAS of the hub, for clients.conf (the one FreeRADIUS serves them all)."""
    return list((await session.execute(select(Nas).order_by(Nas.address))).scalars())


SubscriberRow = tuple[SubscriberCredential, Subscription, Plan]


async def subscriber(session: AsyncSession, tenant_id: uuid.UUID, *, username: str,
                     mac: str | None, circuit_id: str | None, remote_id: str | None,
                     ) -> SubscriberRow | None:
    """The credential, subscription and current plan a RADIUS request names, inside one
    tenant: by username first, else by MAC, else by option-82 circuit id (+ remote id)."""
    base = (select(SubscriberCredential, Subscription, Plan)
            .join(Subscription, Subscription.id == SubscriberCredential.subscription_id)
            .join(Plan, Plan.id == Subscription.plan_id)
            .where(SubscriberCredential.tenant_id == tenant_id))
    keys: list[Any] = [SubscriberCredential.username == username]
    if mac:
        keys.append(SubscriberCredential.mac == mac)
    if circuit_id:
        keys.append((SubscriberCredential.circuit_id == circuit_id)
                    & or_(SubscriberCredential.remote_id.is_(None),
                          SubscriberCredential.remote_id == (remote_id or "")))
    for key in keys:
        found = (await session.execute(base.where(key).limit(1))).first()
        if found is not None:
            return found[0], found[1], found[2]
    return None


async def last_suspend_mode(session: AsyncSession, subscription_id: uuid.UUID) -> str | None:
    """The mode (throttle | disconnect) of the subscription's latest suspension."""
    query = (select(NetworkAction.mode)
             .where(NetworkAction.subscription_id == subscription_id,
                    NetworkAction.action == "suspend")
             .order_by(NetworkAction.created_at.desc()).limit(1))
    mode: str | None = (await session.execute(query)).scalar_one_or_none()
    return mode


# --- materialized answers (FreeRADIUS sql backend; hub.access.answers) ---------------------

async def login_of(session: AsyncSession, subscription_id: uuid.UUID) -> SubscriberRow | None:
    """The credential, subscription and current plan of one subscription, if it has a login."""
    query = (select(SubscriberCredential, Subscription, Plan)
             .join(Subscription, Subscription.id == SubscriberCredential.subscription_id)
             .join(Plan, Plan.id == Subscription.plan_id)
             .where(SubscriberCredential.subscription_id == subscription_id))
    found = (await session.execute(query)).first()
    return None if found is None else (found[0], found[1], found[2])


async def subscriptions_on_plans(session: AsyncSession, plan_ids: set[uuid.UUID]
                                 ) -> list[uuid.UUID]:
    """Subscriptions with a login whose current plan is one of `plan_ids`."""
    query = (select(Subscription.id)
             .join(SubscriberCredential, SubscriberCredential.subscription_id == Subscription.id)
             .where(Subscription.plan_id.in_(plan_ids)))
    return list((await session.execute(query)).scalars())


async def logins_of_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> list[uuid.UUID]:
    """Subscriptions of the tenant that have a login."""
    query = select(SubscriberCredential.subscription_id).where(
        SubscriberCredential.tenant_id == tenant_id)
    return list((await session.execute(query)).scalars())


async def lock_subscriptions(session: AsyncSession, subscription_ids: list[uuid.UUID]
                             ) -> None:
    """Lock the subscriptions (in id order) so two transactions rebuilding the same answer
    take turns instead of both inserting a row set."""
    await session.execute(select(Subscription.id).where(Subscription.id.in_(subscription_ids))
                          .order_by(Subscription.id).with_for_update())


async def delete_answers(session: AsyncSession, subscription_ids: list[uuid.UUID]) -> None:
    """Forget the materialized answers of these subscriptions."""
    await session.execute(delete(RadiusAnswer).where(
        RadiusAnswer.subscription_id.in_(subscription_ids)))


async def delete_tenant_answers(session: AsyncSession, tenant_id: uuid.UUID) -> int:
    """Forget every materialized answer of a tenant; how many rows went."""
    result: Any = await session.execute(delete(RadiusAnswer).where(
        RadiusAnswer.tenant_id == tenant_id))
    return int(result.rowcount or 0)


async def insert_answers(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Write materialized answer rows (column -> value dicts)."""
    if rows:
        await session.execute(insert(RadiusAnswer), rows)
