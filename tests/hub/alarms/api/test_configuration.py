"""A tenant's alarm configuration through the API: rule overrides checked against the rule's
own parameters, maintenance windows, notification policies, and the device event log."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from hub.db import utcnow
from tests.hub.alarms.api.conftest import Desk
from tests.hub.alarms.api.matrix import policy_body
from tests.hub.alarms.api.support import raise_alarm, store_event
from tests.hub.harness import Account, Hub


async def _rules(hub: Hub, who: Account) -> dict[str, dict[str, Any]]:
    resp = await hub.client.get("/alarm-rules", headers=who.headers)
    assert resp.status_code == 200, resp.text
    return {rule["key"]: rule for rule in resp.json()["data"]}


async def test_rules_show_defaults_and_take_overrides_until_reset(hub: Hub,
                                                                  desk: Desk) -> None:
    noc, path = desk.noc, "/alarm-rules/device.unreachable"
    shipped = (await _rules(hub, desk.field_tech))["device.unreachable"]
    assert shipped["source"] == "telemetry" and shipped["override"] is None
    assert shipped["params"]["polls"] == shipped["defaults"]["params"]["polls"]
    assert {"event.link", "agent.offline", "hub.ingest_lag"} <= set(await _rules(hub, noc))

    body = {"enabled": False, "severity": "critical", "params": {"polls": 7}}
    changed = await hub.client.put(path, json=body, headers=noc.headers)
    assert changed.status_code == 200, changed.text
    rule = (await _rules(hub, desk.support))["device.unreachable"]
    assert (rule["enabled"], rule["severity"], rule["params"]["polls"]) == (False, "critical", 7)
    assert rule["override"]["updated_by"] == noc.email
    assert rule["defaults"] == shipped["defaults"]
    other = await hub.new_tenant("rules-other")  # overrides are the tenant's own
    assert (await _rules(hub, other))["device.unreachable"]["params"]["polls"] == (
        shipped["params"]["polls"])

    reset = await hub.client.delete(path, headers=noc.headers)
    assert reset.status_code == 200 and reset.json()["override"] is None
    assert (await _rules(hub, noc))["device.unreachable"] == shipped


async def test_overrides_outside_the_rule_are_refused_with_the_reason(hub: Hub,
                                                                      desk: Desk) -> None:
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        ("device.unreachble", {"enabled": True}, 404, "no such rule"),
        ("device.unreachable", {"params": {"threshold": 3}}, 422,
         "params.threshold: rule device.unreachable has no such parameter"),
        ("device.unreachable", {"params": {"polls": "three"}}, 422, "params/polls"),
        ("device.unreachable", {"params": {"polls": 0}}, 422, "params/polls"),
        ("interface.down", {"params": {"uplink_pattern": "(uplink"}}, 422,
         "params.uplink_pattern: not a regular expression"),
        ("device.unreachable", {"severity": "apocalyptic"}, 422, "severity"),
        ("device.unreachable", {"enabled": True, "colour": "red"}, 422, "colour"),
        ("Device Unreachable", {"enabled": True}, 422, "rule_key"),
    ]
    for key, body, status, reason in cases:
        resp = await hub.client.put(f"/alarm-rules/{key}", json=body, headers=desk.noc.headers)
        assert resp.status_code == status, (key, body, resp.text)
        assert reason in resp.text, (key, body, resp.text)
    nan = await hub.client.put("/alarm-rules/device.cpu", content=b'{"params": '
                               b'{"threshold": NaN}}', headers={
                                   **desk.noc.headers, "Content-Type": "application/json"})
    assert nan.status_code == 422, nan.text
    assert (await _rules(hub, desk.noc))["device.unreachable"]["override"] is None
    tech = await hub.client.put("/alarm-rules/device.unreachable", json={"enabled": False},
                                headers=desk.field_tech.headers)
    assert tech.status_code == 403 and "alarms:manage" in tech.json()["detail"]


async def test_maintenance_windows_mark_alarms_and_are_checked(hub: Hub, desk: Desk) -> None:
    noc, now = desk.noc, utcnow()
    running = await hub.post(noc, "/maintenance-windows", {
        "site_id": str(desk.a.site_id), "starts_at": (now - timedelta(minutes=5)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(), "reason": "PSU swap"})
    assert running["created_by"] == noc.email and running["device_id"] is None
    later = await hub.post(noc, "/maintenance-windows", {
        "device_id": str(desk.b.device_id), "starts_at": (now + timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=1, hours=2)).isoformat()})

    quiet = await raise_alarm(hub, desk.owner.tenant_id, desk.a, if_index=1)
    loud = await raise_alarm(hub, desk.owner.tenant_id, desk.b, if_index=1)
    marked = {aid: (await hub.client.get(f"/alarms/{aid}", headers=noc.headers)).json()
              for aid in (quiet, loud)}
    assert (marked[quiet]["in_maintenance"], marked[loud]["in_maintenance"]) == (True, False)

    def ids(resp: httpx.Response) -> list[str]:
        return [w["id"] for w in resp.json()["data"]]

    listing = await hub.client.get("/maintenance-windows", headers=desk.field_tech.headers)
    assert ids(listing) == [later["id"], running["id"]]
    active = await hub.client.get("/maintenance-windows", params={"active": "true"},
                                  headers=noc.headers)
    assert ids(active) == [running["id"]]
    of_device = await hub.client.get("/maintenance-windows",
                                     params={"device_id": str(desk.b.device_id)},
                                     headers=noc.headers)
    assert ids(of_device) == [later["id"]]

    moved = await hub.client.put(f"/maintenance-windows/{later['id']}", json={
        "starts_at": "2030-01-01T01:00:00+01:00", "ends_at": "2030-01-01T03:00:00+01:00",
        "reason": "moved"}, headers=noc.headers)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["starts_at"], moved.json()["device_id"]) == (
        "2030-01-01T00:00:00Z", str(desk.b.device_id))
    gone = await hub.client.delete(f"/maintenance-windows/{later['id']}", headers=noc.headers)
    assert gone.status_code == 204
    assert (await hub.client.get(f"/maintenance-windows/{later['id']}",
                                 headers=noc.headers)).status_code == 404

    start, end = "2030-01-01T00:00:00Z", "2030-01-01T02:00:00Z"
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"site_id": str(desk.a.site_id), "starts_at": end, "ends_at": start},
         "ends_at: must be after starts_at"),
        ({"site_id": str(desk.a.site_id), "device_id": str(desk.a.device_id),
          "starts_at": start, "ends_at": end}, "set exactly one"),
        ({"starts_at": start, "ends_at": end}, "set exactly one"),
        ({"site_id": str(uuid.uuid4()), "starts_at": start, "ends_at": end},
         "no such site in this tenant"),
        ({"site_id": str(desk.a.site_id), "starts_at": "2030-01-01T00:00:00",
          "ends_at": end}, "timezone"),
    ]
    for body, reason in refusals:
        resp = await hub.client.post("/maintenance-windows", json=body, headers=noc.headers)
        assert resp.status_code == 422 and reason in resp.text, (body, resp.text)


async def test_notification_policies_are_validated_and_patched_whole(hub: Hub,
                                                                     desk: Desk) -> None:
    noc = desk.noc
    made = await hub.post(noc, "/notification-policies", {
        **policy_body([str(desk.a.site_id)]), "escalate_after_min": 15,
        "escalate_emails": ["duty@fibernet.example"], "rules": ["event.link"]})
    assert (made["timezone"], made["time_from"], made["site_ids"]) == (
        "Europe/Berlin", "08:00", [str(desk.a.site_id)])
    path = f"/notification-policies/{made['id']}"

    patched = await hub.client.patch(path, json={"timezone": "America/Sao_Paulo",
                                                 "weekdays": [5, 6]}, headers=noc.headers)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["timezone"], patched.json()["weekdays"],
            patched.json()["emails"]) == ("America/Sao_Paulo", [5, 6], ["noc@fibernet.example"])

    base = policy_body()
    refusals: list[tuple[dict[str, Any], str]] = [
        ({**base, "timezone": "Mars/Olympus_Mons"}, "'Mars/Olympus_Mons': not an IANA time"),
        ({**base, "timezone": "../../etc/passwd"}, "not an IANA time zone"),
        ({**base, "time_from": "24:00"}, "time_from"),
        ({**base, "time_to": "8:00"}, "time_to"),
        ({**base, "time_from": "08:00", "time_to": "08:00"}, "the same time"),
        ({**base, "emails": ["not-an-address"]}, "emails"),
        ({**base, "min_severity": "urgent"}, "min_severity"),
        ({**base, "weekdays": [7]}, "weekdays"),
        ({**base, "weekdays": [1, 1]}, "twice"),
        ({**base, "escalate_emails": ["boss@fibernet.example"]},
         "set escalate_after_min too"),
        ({**base, "site_ids": [str(uuid.uuid4())]}, "site_ids[0]"),
        ({**base, "rules": ["event.link", "event.lnik"]}, "rules[1] 'event.lnik': no such"),
        ({**base, "color": "red"}, "color"),
    ]
    for body, reason in refusals:
        resp = await hub.client.post("/notification-policies", json=body, headers=noc.headers)
        assert resp.status_code == 422 and reason in resp.text, (body, resp.text)
    bad_patch = await hub.client.patch(path, json={"timezone": "Nowhere/Land"},
                                       headers=noc.headers)
    assert bad_patch.status_code == 422 and "Nowhere/Land" in bad_patch.json()["detail"]
    half = await hub.client.patch(path, json={"escalate_after_min": None},
                                  headers=noc.headers)  # escalate_emails would be orphaned
    assert half.status_code == 422 and "escalate_after_min" in half.json()["detail"]
    taken = await hub.client.post("/notification-policies", json={**base, "name": made["name"]},
                                  headers=noc.headers)
    assert taken.status_code == 409 and made["name"] in taken.json()["detail"]
    assert (await hub.client.get(path, headers=noc.headers)).json()["timezone"] == (
        "America/Sao_Paulo")
    for who in (desk.field_tech, desk.support):  # addresses of people: alarms:manage only
        assert (await hub.client.get("/notification-policies",
                                     headers=who.headers)).status_code == 403
    assert (await hub.client.delete(path, headers=noc.headers)).status_code == 204
    assert (await hub.client.get(path, headers=noc.headers)).status_code == 404


async def test_device_events_filter_by_device_type_and_time(hub: Hub, desk: Desk) -> None:
    tid, now = desk.owner.tenant_id, utcnow()
    old = str(await store_event(hub, tid, desk.a, received_at=now - timedelta(hours=2)))
    down = str(await store_event(hub, tid, desk.a, received_at=now - timedelta(minutes=5)))
    up = str(await store_event(hub, tid, desk.a, event_type="link_up", severity="info",
                               received_at=now - timedelta(minutes=1)))
    other = str(await store_event(hub, tid, desk.b, received_at=now - timedelta(minutes=2)))

    async def ids(**params: Any) -> list[str]:
        resp = await hub.client.get("/device-events", params=params, headers=desk.noc.headers)
        assert resp.status_code == 200, resp.text
        return [row["id"] for row in resp.json()["data"]]

    assert await ids() == [other, up, down, old]
    assert await ids(device_id=str(desk.a.device_id)) == [up, down, old]
    assert await ids(device_name=desk.b.device_name) == [other]
    assert await ids(event_type="link_up") == [up]
    assert await ids(severity="info") == [up]
    since = (now - timedelta(minutes=30)).isoformat()
    assert await ids(since=since, site_id=str(desk.a.site_id)) == [up, down]
    assert await ids(until=(now - timedelta(hours=1)).isoformat()) == [old]
    first = (await hub.client.get("/device-events", params={"limit": 3},
                                  headers=desk.noc.headers)).json()
    rest = await ids(cursor=first["next_cursor"])
    assert [row["id"] for row in first["data"]] + rest == [other, up, down, old]
    row = first["data"][1]
    assert (row["labels"], row["origin"], row["device_name"]) == (
        {"ifIndex": "3", "ifName": "Gi0/3"}, "snmp_trap", desk.a.device_name)
    for query in ({"since": "yesterday"}, {"origin": "carrier_pigeon"}, {"cursor": "c1.%%"},
                  {"device_id": "sw1"}):
        resp = await hub.client.get("/device-events", params=query, headers=desk.noc.headers)
        assert resp.status_code == 422, (query, resp.text)
