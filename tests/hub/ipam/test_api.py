"""IPAM through its API: prefixes, pools, allocations, quarantine, VLANs, utilization."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from hub.db import utcnow
from hub.ipam.service import release_for_subscription, release_quarantined, subscriber_vlans
from tests.hub.harness import Account, Hub
from tests.hub.ipam.support import pool, site, subscription, subscriptions


async def _allocate(hub: Hub, owner: Account, pool_id: str, sub: str,
                    address: str | None = None) -> Any:
    body = {"subscription_id": sub} | ({"address": address} if address else {})
    return await hub.client.post(f"/ipam/pools/{pool_id}/allocations", json=body,
                                 headers=owner.headers)


async def test_overlapping_prefixes_are_refused_with_the_one_they_overlap(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-overlap")
    where = await site(hub, owner)
    made = await hub.post(owner, "/ipam/prefixes", {"site_id": where, "prefix": "10.8.0.0/16"})
    for clash in ("10.8.4.0/24", "10.0.0.0/8"):
        resp = await hub.client.post("/ipam/prefixes", json={"site_id": where, "prefix": clash},
                                     headers=owner.headers)
        assert resp.status_code == 409, resp.text
        assert "overlaps 10.8.0.0/16" in resp.json()["detail"]
        assert made["id"] in resp.json()["detail"]
    beside = await hub.post(owner, "/ipam/prefixes", {"site_id": where,
                                                      "prefix": "10.9.0.0/16"})
    assert beside["family"] == 4
    other = await hub.new_tenant("ipam-overlap-b")  # another tenant may use the same block
    assert (await hub.post(other, "/ipam/prefixes", {"site_id": await site(hub, other),
                                                      "prefix": "10.8.0.0/16"}))["id"]
    bad = await hub.client.post("/ipam/prefixes", json={"site_id": where,
                                                         "prefix": "10.10.0.1/16"},
                                headers=owner.headers)
    assert bad.status_code == 422 and "host bits set" in bad.json()["detail"]


async def test_allocate_release_quarantine_and_reuse(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-cycle")
    made = await pool(hub, owner, "192.0.2.0/29", gateway="192.0.2.1")
    assert (made["range_start"], made["range_end"], made["size"]) == ("192.0.2.1",
                                                                      "192.0.2.6", 6)
    first, second = await subscription(hub, owner), await subscription(hub, owner)
    got = (await _allocate(hub, owner, made["id"], first)).json()
    assert got["address"] == "192.0.2.2"  # .0 network, .1 gateway
    again = await _allocate(hub, owner, made["id"], first)
    assert again.status_code == 409 and "already holds 192.0.2.2" in again.json()["detail"]
    released = await hub.post(owner, f"/ipam/allocations/{got['id']}/release", {})
    assert released["state"] == "quarantined" and released["quarantine_until"]
    taken = await _allocate(hub, owner, made["id"], second, "192.0.2.2")
    assert taken.status_code == 409 and "quarantined until" in taken.json()["detail"]
    assert (await _allocate(hub, owner, made["id"], second)).json()["address"] == "192.0.2.3"
    async with hub.app.state.sessions() as session:
        assert await release_quarantined(session, owner.tenant_id, utcnow()) == 0
        later = utcnow() + timedelta(hours=25)
        assert await release_quarantined(session, owner.tenant_id, later) == 1
    reused = await _allocate(hub, owner, made["id"], await subscription(hub, owner))
    assert reused.json()["address"] == "192.0.2.2"
    listed = (await hub.client.get("/ipam/allocations", params={"subscription_id": first},
                                   headers=owner.headers)).json()
    assert [row["state"] for row in listed["data"]] == ["released"]
    audit = (await hub.client.get("/audit-events", params={"action": "ipam.release"},
                                  headers=owner.headers)).json()["data"]
    assert [(e["target_id"], e["detail"]["address"]) for e in audit] == [(got["id"],
                                                                          "192.0.2.2")]


async def test_reserved_addresses_are_never_allocated(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-reserved")
    made = await pool(hub, owner, "198.51.100.0/29")  # .1 - .6
    for address in ("198.51.100.1", "198.51.100.3"):
        await hub.post(owner, f"/ipam/pools/{made['id']}/reservations",
                       {"address": address, "note": "CPE configured by hand"})
    given = [(await _allocate(hub, owner, made["id"], sub)).json()["address"]
             for sub in await subscriptions(hub, owner, 4)]
    assert given == ["198.51.100.2", "198.51.100.4", "198.51.100.5", "198.51.100.6"]
    direct = await _allocate(hub, owner, made["id"], await subscription(hub, owner),
                             "198.51.100.3")
    assert direct.status_code == 409
    assert "reserved (CPE configured by hand)" in direct.json()["detail"]


async def test_an_exhausted_pool_answers_a_clear_409(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-full")
    made = await pool(hub, owner, "203.0.113.0/30")  # two usable addresses
    for sub in await subscriptions(hub, owner, 2):
        assert (await _allocate(hub, owner, made["id"], sub)).status_code == 201
    full = await _allocate(hub, owner, made["id"], await subscription(hub, owner))
    assert full.status_code == 409
    assert full.json()["detail"] == (
        f"pool {made['name']}: exhausted (all 2 addresses are allocated, reserved or "
        "quarantined); add a pool or release addresses")


async def test_ipv6_lines_and_delegated_prefixes(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-v6")
    delegated = await pool(hub, owner, "2001:db8:100::/48", kind="delegated",
                           assign_length=56)
    assert delegated["size"] == 256  # /56s of a /48
    assert delegated["range_end"] == "2001:db8:100:ffff:ffff:ffff:ffff:ffff"
    sub = await subscription(hub, owner)
    got = [(await _allocate(hub, owner, delegated["id"], s)).json()["address"]
           for s in (sub, await subscription(hub, owner))]
    assert got == ["2001:db8:100::/56", "2001:db8:100:100::/56"]
    specific = await _allocate(hub, owner, delegated["id"], await subscription(hub, owner),
                               "2001:db8:100:ff00::/56")
    assert specific.json()["slot"] == 255
    misaligned = await _allocate(hub, owner, delegated["id"], await subscription(hub, owner),
                                 "2001:db8:100:ff80::")
    assert misaligned.status_code == 422 and "not the start of a /56" in misaligned.text
    lines = await pool(hub, owner, "2001:db8:200::/56")  # a /64 per line by default
    await _allocate(hub, owner, lines["id"], sub)
    answer = (await hub.client.get(f"/ipam/subscriptions/{sub}", headers=owner.headers)).json()
    assert (answer["ipv6_prefix"], answer["delegated_prefix"]) == ("2001:db8:200::/64",
                                                                   "2001:db8:100::/56")
    refused = await hub.client.post("/ipam/pools", json={
        "prefix_id": (await hub.post(owner, "/ipam/prefixes", {
            "site_id": await site(hub, owner), "prefix": "100.70.0.0/24"}))["id"],
        "name": "v4-delegated", "kind": "delegated"}, headers=owner.headers)
    assert refused.status_code == 422 and "IPv4 pools hand out single" in refused.text


async def test_pools_of_one_prefix_never_share_an_address(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-pools")
    made = await pool(hub, owner, "100.80.0.0/24", range_start="100.80.0.1",
                      range_end="100.80.0.127")
    clash = await hub.client.post("/ipam/pools", json={
        "prefix_id": made["prefix_id"], "name": "second", "range_start": "100.80.0.100",
        "range_end": "100.80.0.200"}, headers=owner.headers)
    assert clash.status_code == 409 and made["name"] in clash.json()["detail"]
    second = await hub.post(owner, "/ipam/pools", {
        "prefix_id": made["prefix_id"], "name": f"{made['name']}-b",
        "range_start": "100.80.0.128", "range_end": "100.80.0.254"})
    assert second["size"] == 127
    outside = await hub.client.post("/ipam/pools", json={
        "prefix_id": made["prefix_id"], "name": "bcast", "range_start": "100.80.0.255",
        "range_end": "100.80.0.255"}, headers=owner.headers)
    assert outside.status_code == 422 and "broadcast excluded" in outside.text


async def test_vlans_single_and_qinq_released_with_the_subscription(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-vlan")
    where = await site(hub, owner)
    single = await hub.post(owner, "/ipam/vlan-pools", {
        "site_id": where, "name": "access", "first_tag": 100, "last_tag": 103,
        "reserved": [101]})
    qinq = await hub.post(owner, "/ipam/vlan-pools", {
        "site_id": where, "name": "olt-1", "kind": "qinq", "first_tag": 2000,
        "last_tag": 2001, "inner_first": 10, "inner_last": 12})
    assert (single["size"], qinq["size"]) == (4, 6)
    sub = await subscription(hub, owner)
    tags = [(await hub.post(owner, f"/ipam/vlan-pools/{single['id']}/allocations",
                            {"subscription_id": s}))["tag"]
            for s in (sub, await subscription(hub, owner))]
    assert tags == [100, 102]  # 101 is reserved
    pairs = [await hub.post(owner, f"/ipam/vlan-pools/{qinq['id']}/allocations",
                            {"subscription_id": s})
             for s in (sub, await subscription(hub, owner))]
    assert [(p["tag"], p["inner_tag"]) for p in pairs] == [(2000, 10), (2000, 11)]
    chosen = await hub.post(owner, f"/ipam/vlan-pools/{qinq['id']}/allocations",
                            {"subscription_id": await subscription(hub, owner), "tag": 2001,
                             "inner_tag": 12})
    assert chosen["slot"] == 5
    answer = (await hub.client.get(f"/ipam/subscriptions/{sub}", headers=owner.headers)).json()
    assert (answer["vlan"], answer["svlan"], answer["cvlan"]) == (100, 2000, 10)
    async with hub.app.state.sessions() as session:
        tags = await subscriber_vlans(session, owner.tenant_id, uuid.UUID(sub))
    assert tags.params() == {"vlan": 100, "svlan": 2000, "cvlan": 10}
    assert tags.params(accepted={"port", "vlan"}) == {"vlan": 100}  # what a template takes
    async with hub.app.state.sessions() as session:
        assert await release_for_subscription(session, owner.tenant_id, uuid.UUID(sub),
                                              utcnow()) == 2
        await session.commit()
    answer = (await hub.client.get(f"/ipam/subscriptions/{sub}", headers=owner.headers)).json()
    assert (answer["vlan"], answer["svlan"]) == (None, None)
    reuse = await hub.post(owner, f"/ipam/vlan-pools/{single['id']}/allocations",
                           {"subscription_id": await subscription(hub, owner)})
    assert reuse["tag"] == 100  # VLANs have no quarantine


async def test_utilization_counts_every_state(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-util")
    made = await pool(hub, owner, "100.90.0.0/28", gateway="100.90.0.1")  # 14 slots
    await hub.post(owner, f"/ipam/pools/{made['id']}/reservations",
                   {"address": "100.90.0.14", "note": "switch"})
    subs = await subscriptions(hub, owner, 3)
    got = [(await _allocate(hub, owner, made["id"], s)).json() for s in subs]
    await hub.post(owner, f"/ipam/allocations/{got[0]['id']}/release", {})
    one = (await hub.client.get(f"/ipam/pools/{made['id']}/utilization",
                                headers=owner.headers)).json()
    assert {k: one[k] for k in ("size", "used", "reserved", "quarantined", "free",
                                "percent")} == {"size": 14, "used": 2, "reserved": 2,
                                                "quarantined": 1, "free": 9, "percent": 35.71}
    everything = (await hub.client.get("/ipam/utilization", headers=owner.headers)).json()
    assert [p["pool"] for p in everything["pools"]] == [made["name"]]
    assert everything["pools"][0]["free"] == 9 and everything["vlan_pools"] == []
