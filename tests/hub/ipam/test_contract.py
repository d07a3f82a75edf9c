"""The contract RADIUS and provisioning call: `subscriber_addresses` (docs/ipam.md)."""

from __future__ import annotations

import uuid

from hub.billing.service import scheduler_principal
from hub.inventory.models import Site
from hub.ipam.pools import AllocationService, PoolService, PrefixService
from hub.ipam.schemas import AllocationCreate, PoolCreate, PrefixCreate
from hub.ipam.service import SubscriberAddresses, subscriber_addresses
from tests.hub.harness import Hub
from tests.hub.ipam.support import subscription, subscriptions


async def _pool(hub: Hub, tenant_id: uuid.UUID, site_id: uuid.UUID, prefix: str,
                **fields: object) -> uuid.UUID:
    async with hub.app.state.sessions() as session:
        who = scheduler_principal(tenant_id)
        made = await PrefixService(session, who).create(PrefixCreate(site_id=site_id,
                                                                     prefix=prefix))
        pool = await PoolService(session, who).create(PoolCreate.model_validate(
            {"prefix_id": made.id, "name": f"p{uuid.uuid4().hex[:6]}", **fields}))
        return pool.id


async def _allocate(hub: Hub, tenant_id: uuid.UUID, pool_id: uuid.UUID,
                    sub: uuid.UUID) -> str | None:
    async with hub.app.state.sessions() as session:
        row = await AllocationService(session, scheduler_principal(tenant_id)).allocate(
            pool_id, AllocationCreate(subscription_id=sub))
        return row.address


async def test_subscriber_addresses_names_every_kind(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-contract")
    tenant = owner.tenant_id
    async with hub.app.state.sessions() as session:
        site = Site(name="pop-contract", tenant_id=tenant)
        session.add(site)
        await session.commit()
        site_id = site.id
    v4 = await _pool(hub, tenant, site_id, "100.64.0.0/24", gateway="100.64.0.1")
    line = await _pool(hub, tenant, site_id, "2001:db8:1::/48")
    pd = await _pool(hub, tenant, site_id, "2001:db8:100::/40", kind="delegated",
                     assign_length=56)
    sub, other = (uuid.UUID(s) for s in await subscriptions(hub, owner, 2))
    assert await _allocate(hub, tenant, v4, sub) == "100.64.0.2"  # .1 is the gateway
    assert await _allocate(hub, tenant, line, sub) == "2001:db8:1::/64"
    assert await _allocate(hub, tenant, pd, sub) == "2001:db8:100::/56"
    async with hub.app.state.sessions() as session:
        got = await subscriber_addresses(session, tenant, sub)
        nothing = await subscriber_addresses(session, tenant, other)
        foreign = await subscriber_addresses(session, uuid.uuid4(), sub)
    assert got == SubscriberAddresses("100.64.0.2", "2001:db8:1::/64", "2001:db8:100::/56",
                                      None, None, None, None)
    assert nothing == foreign == SubscriberAddresses(None, None, None, None, None, None, None)


async def test_a_dynamic_pool_is_named_when_there_is_no_static_address(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-dynamic")
    async with hub.app.state.sessions() as session:
        site = Site(name="pop-dyn", tenant_id=owner.tenant_id)
        session.add(site)
        await session.commit()
        site_id = site.id
    dynamic = await _pool(hub, owner.tenant_id, site_id, "100.65.0.0/22", kind="dynamic")
    sub = uuid.UUID(await subscription(hub, owner))
    assert await _allocate(hub, owner.tenant_id, dynamic, sub) is None  # the NAS picks
    async with hub.app.state.sessions() as session:
        got = await subscriber_addresses(session, owner.tenant_id, sub)
        name = (await PoolService(session, scheduler_principal(owner.tenant_id)).get(dynamic)).name
    assert (got.ipv4, got.pool_name) == (None, name)
