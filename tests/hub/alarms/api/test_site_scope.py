"""Field techs bound to sites: they see and work the alarms and device events of their sites;
everything else answers 404 as another tenant's would. Binding is for user admins only."""

from __future__ import annotations

import uuid

from hub.permissions import Role
from tests.hub.alarms.api.conftest import Desk
from tests.hub.alarms.api.support import raise_alarm, store_event
from tests.hub.harness import Hub


async def test_a_field_tech_sees_and_acks_site_a_and_gets_404_for_site_b(hub: Hub,
                                                                         desk: Desk) -> None:
    tid, tech = desk.owner.tenant_id, desk.field_tech
    in_a = str(await raise_alarm(hub, tid, desk.a, if_index=1))
    in_b = str(await raise_alarm(hub, tid, desk.b, if_index=1))
    of_hub = str(await raise_alarm(hub, tid, None, rule="hub.ingest_lag",
                                   alarm_type="ingest_lag"))

    listed = (await hub.client.get("/alarms", headers=tech.headers)).json()["data"]
    assert [row["id"] for row in listed] == [in_a]
    by_b = await hub.client.get("/alarms", params={"site_id": str(desk.b.site_id)},
                                headers=tech.headers)
    assert by_b.status_code == 200 and by_b.json()["data"] == []

    acked = await hub.client.post(f"/alarms/{in_a}/ack", headers=tech.headers)
    assert acked.status_code == 200 and acked.json()["acknowledged_by"] == tech.email
    for alarm in (in_b, of_hub):
        got = await hub.client.get(f"/alarms/{alarm}", headers=tech.headers)
        assert got.status_code == 404 and got.json()["type"].endswith("/not-found")
        assert got.json()["detail"] == f"alarm {alarm}: no such alarm in this tenant"
        for action in ("ack", "unack", "close", "unshelve"):
            refused = await hub.client.post(f"/alarms/{alarm}/{action}", headers=tech.headers)
            assert refused.status_code == 404, (action, refused.text)
        comment = await hub.client.post(f"/alarms/{alarm}/comments", json={"text": "x"},
                                        headers=tech.headers)
        assert comment.status_code == 404
    untouched = (await hub.client.get(f"/alarms/{in_b}", headers=desk.noc.headers)).json()
    assert untouched["state"] == "raised" and [h["action"] for h in untouched["history"]] == [
        "raised"]

    # Unbound people see every site: the NOC, and a field tech nobody has bound yet.
    for who in (desk.noc, desk.roamer, desk.support):
        everything = (await hub.client.get("/alarms", headers=who.headers)).json()["data"]
        assert {row["id"] for row in everything} == {in_a, in_b, of_hub}


async def test_device_events_follow_the_site_binding(hub: Hub, desk: Desk) -> None:
    tid = desk.owner.tenant_id
    in_a = str(await store_event(hub, tid, desk.a))
    in_b = str(await store_event(hub, tid, desk.b))
    mine = (await hub.client.get("/device-events", headers=desk.field_tech.headers)).json()
    assert [row["id"] for row in mine["data"]] == [in_a]
    asked = await hub.client.get("/device-events", params={"device_id": str(desk.b.device_id)},
                                 headers=desk.field_tech.headers)
    assert asked.status_code == 200 and asked.json()["data"] == []
    every = (await hub.client.get("/device-events", headers=desk.noc.headers)).json()
    assert [row["id"] for row in every["data"]] == [in_b, in_a]


async def test_binding_sites_is_checked_audited_and_replaces(hub: Hub, desk: Desk) -> None:
    owner, tech = desk.owner, desk.field_tech
    path = f"/users/{tech.user_id}/sites"
    shown = (await hub.client.get(path, headers=desk.support.headers)).json()
    assert shown == {"user_id": str(tech.user_id), "site_ids": [str(desk.a.site_id)]}

    both = sorted([str(desk.a.site_id), str(desk.b.site_id)])
    moved = await hub.client.put(path, json={"site_ids": both}, headers=owner.headers)
    assert moved.status_code == 200 and moved.json()["site_ids"] == both
    in_b = str(await raise_alarm(hub, owner.tenant_id, desk.b, if_index=9))
    assert (await hub.client.get(f"/alarms/{in_b}", headers=tech.headers)).status_code == 200

    foreign = await hub.new_tenant("scope-other")
    their_site = await hub.post(foreign, "/sites", {"name": "elsewhere"})
    for bad in ([their_site["id"]], [str(uuid.uuid4())]):
        refused = await hub.client.put(path, json={"site_ids": bad}, headers=owner.headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["type"].endswith("/invalid-reference")
        assert refused.json()["detail"].startswith("site_ids[0] ")
    twice = await hub.client.put(path, json={"site_ids": [both[0], both[0]]},
                                 headers=owner.headers)
    assert twice.status_code == 422 and "twice" in twice.text
    unknown_user = await hub.client.put(f"/users/{uuid.uuid4()}/sites",
                                        json={"site_ids": []}, headers=owner.headers)
    assert unknown_user.status_code == 404
    for who in (desk.noc, tech):  # only user admins bind people to sites
        resp = await hub.client.put(path, json={"site_ids": []}, headers=who.headers)
        assert resp.status_code == 403

    cleared = await hub.client.put(path, json={"site_ids": []}, headers=owner.headers)
    assert cleared.json()["site_ids"] == []
    events = (await hub.client.get("/audit-events", params={"action": "user.sites_change"},
                                   headers=owner.headers)).json()["data"]
    assert [e["detail"] for e in events if e["target_id"] == str(tech.user_id)][-3:] == [
        {"old": [], "new": [str(desk.a.site_id)]}, {"old": [str(desk.a.site_id)], "new": both},
        {"old": both, "new": []}]


async def test_an_admin_cannot_rebind_the_owner(hub: Hub, desk: Desk) -> None:
    admin = await hub.add_user(desk.owner, Role.ADMIN)
    resp = await hub.client.put(f"/users/{desk.owner.user_id}/sites",
                                json={"site_ids": [str(desk.a.site_id)]}, headers=admin.headers)
    assert resp.status_code == 403 and "owner" in resp.json()["detail"]
    mine = await hub.client.put(f"/users/{admin.user_id}/sites",
                                json={"site_ids": [str(desk.a.site_id)]}, headers=admin.headers)
    assert mine.status_code == 200
