"""A portal back end on the generated client, against a live hub over HTTP: a customer reads
its profile, changes its phone, lists its subscriptions and payments and reads its usage."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from dotmac_hub_client import AuthenticatedClient
from dotmac_hub_client.api.portal import (
    portal_payments_list,
    portal_profile_get,
    portal_profile_update,
    portal_subscriptions_list,
    portal_subscriptions_usage,
)
from dotmac_hub_client.models import (
    PagePaymentPublic,
    PagePortalSubscription,
    Problem,
    ProfilePublic,
    ProfileUpdate,
    UsagePublic,
)

from tests.clients.conftest import LiveHub, live_hub
from tests.hub.portal.support import device, member, plan, subscription, traffic

__all__ = ["live_hub"]


async def test_a_portal_back_end_on_the_client(live_hub: LiveHub) -> None:
    hub = live_hub.hub
    owner = await hub.new_tenant("portal-client")
    me, dev = await member(hub, owner), await device(hub, owner)
    capped = await plan(hub, owner, usage_kind="gb", gb_cap="10", overage_per_gb="1")
    sub = await subscription(hub, owner, me.customer_id, capped["id"], dev["id"],
                             started=date(2026, 3, 1))
    await traffic(hub, owner.tenant_id, dev["id"], datetime(2026, 3, 5, tzinfo=UTC),
                  [(4 * 10**9, 10**9)] * 3)
    await hub.post(owner, "/billing/payments", {"customer_id": me.customer_id,
                                                "amount_minor": 3000})
    async with AuthenticatedClient(base_url=live_hub.url, token=me.account.access) as client:
        profile = await portal_profile_get.asyncio(client=client)
        changed = await portal_profile_update.asyncio(
            client=client, body=ProfileUpdate(phone="+31 20 555 0101"))
        subs = await portal_subscriptions_list.asyncio(client=client)
        usage = await portal_subscriptions_usage.asyncio(
            client=client, subscription_id=uuid.UUID(sub["id"]), from_=date(2026, 3, 1),
            to=date(2026, 4, 1))
        pays = await portal_payments_list.asyncio(client=client, limit=10)
        missing = await portal_subscriptions_usage.asyncio(client=client,
                                                           subscription_id=uuid.uuid4())
    assert isinstance(profile, ProfilePublic) and str(profile.id) == me.customer_id
    assert isinstance(changed, ProfilePublic) and changed.phone == "+31 20 555 0101"
    assert isinstance(subs, PagePortalSubscription)
    assert [str(s.id) for s in subs.data] == [sub["id"]] and subs.data[0].price == "30.00"
    assert isinstance(usage, UsagePublic)
    assert Decimal(str(usage.used_gb)) == 15 and Decimal(str(usage.over_gb)) == 5
    assert isinstance(pays, PagePaymentPublic) and [p.amount_minor for p in pays.data] == [3000]
    assert isinstance(missing, Problem) and missing.status == 404
