"""A terminated subscription gives its addresses and VLANs back, through the wiring the
composition root adds (hub.handlers): billing's SubscriptionChanged -> ipam's
`on_subscription_changed`, and billing's subscription lookup as ipam's subscription check."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from hub import domain_events
from hub.billing.events import SubscriptionChanged
from hub.billing.repository.subscriptions import Subscriptions
from hub.handlers import wire
from hub.ipam.service import on_subscription_changed, register_subscription_check
from tests.hub.billing.matrix import subscription
from tests.hub.harness import Hub
from tests.hub.ipam.support import pool, site


@pytest.fixture
def wired() -> Iterator[None]:
    """The two lines the composition root gets, undone after the test."""
    wire()
    domain_events.bus.subscribe(SubscriptionChanged, on_subscription_changed)
    register_subscription_check(lambda session, tenant_id, sub_id:
                                Subscriptions(session, tenant_id).find(sub_id))
    yield
    register_subscription_check(None)
    wire()


@pytest.mark.usefixtures("wired")
async def test_terminate_quarantines_addresses_and_frees_vlans(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-terminate")
    sub = await subscription(hub, owner)
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "activate", "on": "2026-01-01"})
    made = await pool(hub, owner, "100.127.0.0/29")
    address = await hub.post(owner, f"/ipam/pools/{made['id']}/allocations",
                             {"subscription_id": sub["id"]})
    vlans = await hub.post(owner, "/ipam/vlan-pools", {
        "site_id": await site(hub, owner), "name": "t", "first_tag": 7, "last_tag": 8})
    await hub.post(owner, f"/ipam/vlan-pools/{vlans['id']}/allocations",
                   {"subscription_id": sub["id"]})
    unknown = await hub.client.post(f"/ipam/pools/{made['id']}/allocations",
                                    json={"subscription_id": str(uuid.uuid4())},
                                    headers=owner.headers)
    assert unknown.status_code == 422 and "no such subscription" in unknown.text
    stranger = await hub.new_tenant("ipam-terminate-b")  # another tenant's subscription id
    theirs = await pool(hub, stranger, "100.127.0.0/29")
    foreign = await hub.client.post(f"/ipam/pools/{theirs['id']}/allocations",
                                    json={"subscription_id": sub["id"]},
                                    headers=stranger.headers)
    assert foreign.status_code == 422 and "no such subscription" in foreign.text
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "terminate", "on": "2026-02-01"})
    after = (await hub.client.get(f"/ipam/allocations/{address['id']}",
                                  headers=owner.headers)).json()
    assert after["state"] == "quarantined" and after["quarantine_until"]
    answer = (await hub.client.get(f"/ipam/subscriptions/{sub['id']}",
                                   headers=owner.headers)).json()
    assert set(answer.values()) == {None}
    again = await hub.post(owner, f"/ipam/vlan-pools/{vlans['id']}/allocations",
                           {"subscription_id": (await subscription(hub, owner))["id"]})
    assert again["tag"] == 7  # the VLAN is free at once
