"""Alarm cases for the hub's role matrix and tenant-isolation matrix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hub.db import utcnow
from tests.hub.alarms.api.support import n, new_place, owner_alarm, store_event
from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory, Request
from tests.hub.matrix_support import by_id as _by_id
from tests.hub.matrix_support import plain as _plain

RULE = "device.unreachable"


def _later(hours: float) -> str:
    return (utcnow() + timedelta(hours=hours)).isoformat()


def policy_body(site_ids: list[str] | None = None) -> dict[str, Any]:
    """A valid notification policy."""
    return {"name": f"np-{n()}", "min_severity": "major", "site_ids": site_ids or [],
            "weekdays": [0, 1, 2, 3, 4], "time_from": "08:00", "time_to": "18:00",
            "timezone": "Europe/Berlin", "emails": ["noc@fibernet.example"]}


async def window(hub: Hub, owner: Account) -> dict[str, Any]:
    """A maintenance window on a new site, tomorrow."""
    site = await hub.post(owner, "/sites", {"name": f"mw-{n()}"})
    return await hub.post(owner, "/maintenance-windows", {
        "site_id": site["id"], "starts_at": _later(24), "ends_at": _later(26),
        "reason": "matrix"})


async def policy(hub: Hub, owner: Account) -> dict[str, Any]:
    """A new notification policy."""
    return await hub.post(owner, "/notification-policies", policy_body())


async def _user(hub: Hub, owner: Account) -> dict[str, Any]:
    return await hub.post(owner, "/users", {"email": f"ft-{n()}@example.net",
                                            "password": "p" * 14, "role": "field_tech"})


async def _user_sites(hub: Hub, owner: Account) -> Request:
    user = await _user(hub, owner)
    site = await hub.post(owner, "/sites", {"name": f"us-{n()}"})
    return {"user_id": user["id"]}, {"site_ids": [site["id"]]}


async def _new_window(hub: Hub, owner: Account) -> Request:
    site = await hub.post(owner, "/sites", {"name": f"mw-{n()}"})
    return {}, {"site_id": site["id"], "starts_at": _later(1), "ends_at": _later(2)}


def _rule(body: Callable[[], dict[str, Any]] | None = None) -> Factory:
    async def build(hub: Hub, owner: Account) -> Request:
        return {"rule_key": RULE}, body() if body else None
    return build


REQUESTS: dict[str, Factory] = {
    "alarms_list": _plain(),
    "alarms_get": _by_id(owner_alarm, "alarm_id"),
    "alarms_acknowledge": _by_id(owner_alarm, "alarm_id", lambda: {"text": "on it"}),
    "alarms_unacknowledge": _by_id(owner_alarm, "alarm_id"),
    "alarms_comment": _by_id(owner_alarm, "alarm_id", lambda: {"text": "seen"}),
    "alarms_shelve": _by_id(owner_alarm, "alarm_id", lambda: {"until": _later(1)}),
    "alarms_unshelve": _by_id(owner_alarm, "alarm_id"),
    "alarms_close": _by_id(owner_alarm, "alarm_id"),
    "alarm_rules_list": _plain(),
    "alarm_rules_override": _rule(lambda: {"params": {"polls": 4}}),
    "alarm_rules_reset": _rule(),
    "maintenance_windows_list": _plain(),
    "maintenance_windows_create": _new_window,
    "maintenance_windows_get": _by_id(window, "window_id"),
    "maintenance_windows_update": _by_id(window, "window_id", lambda: {
        "starts_at": _later(30), "ends_at": _later(31), "reason": "moved"}),
    "maintenance_windows_delete": _by_id(window, "window_id"),
    "notification_policies_list": _plain(),
    "notification_policies_create": _plain(policy_body),
    "notification_policies_get": _by_id(policy, "policy_id"),
    "notification_policies_update": _by_id(policy, "policy_id", lambda: {"enabled": False}),
    "notification_policies_delete": _by_id(policy, "policy_id"),
    "device_events_list": _plain(),
    "users_sites_get": _by_id(_user, "user_id"),
    "users_sites_set": _user_sites,
}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """An alarm, a device event, a window and a policy of one tenant (isolation matrix)."""
    place = await new_place(hub, owner, "iso")
    alarm = await owner_alarm(hub, owner)
    await store_event(hub, owner.tenant_id, place)
    made_window = await window(hub, owner)
    made_policy = await hub.post(owner, "/notification-policies",
                                 policy_body([str(place.site_id)]))
    return {"al_alarm": alarm["id"], "al_site": str(place.site_id),
            "al_device": str(place.device_id), "al_device_name": place.device_name,
            "al_window": made_window["id"], "al_policy": made_policy["id"],
            "al_policy_name": made_policy["name"]}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per alarm operation, built with the matrix's `Case` class: A's ids used by
    tenant B must answer 404 (422 for ids named in a body), lists must not show A's rows."""
    alarm, later = {"alarm_id": a["al_alarm"]}, _later(1)
    return {
        "alarms_list": case("own", {}, query={"site_id": a["al_site"]}),
        "alarms_get": case("foreign", alarm),
        "alarms_acknowledge": case("foreign", alarm, {"text": "mine now"}),
        "alarms_unacknowledge": case("foreign", alarm),
        "alarms_comment": case("foreign", alarm, {"text": "pwned"}),
        "alarms_shelve": case("foreign", alarm, {"until": later}),
        "alarms_unshelve": case("foreign", alarm),
        "alarms_close": case("foreign", alarm),
        "alarm_rules_list": case("own", {}),
        "alarm_rules_override": case("own", {"rule_key": RULE}, {"enabled": False}),
        "alarm_rules_reset": case("own", {"rule_key": RULE}),
        "maintenance_windows_list": case("own", {}, query={"site_id": a["al_site"]}),
        "maintenance_windows_create": case("foreign", {}, {
            "site_id": a["al_site"], "starts_at": later, "ends_at": _later(2)}),
        "maintenance_windows_get": case("foreign", {"window_id": a["al_window"]}),
        "maintenance_windows_update": case("foreign", {"window_id": a["al_window"]}, {
            "starts_at": later, "ends_at": _later(2)}),
        "maintenance_windows_delete": case("foreign", {"window_id": a["al_window"]}),
        "notification_policies_list": case("own", {}),
        "notification_policies_create": case("foreign", {}, policy_body([a["al_site"]])),
        "notification_policies_get": case("foreign", {"policy_id": a["al_policy"]}),
        "notification_policies_update": case("foreign", {"policy_id": a["al_policy"]},
                                             {"enabled": False}),
        "notification_policies_delete": case("foreign", {"policy_id": a["al_policy"]}),
        "device_events_list": case("own", {}, query={"device_id": a["al_device"]}),
        "users_sites_get": case("foreign", {"user_id": a["user"]}),
        "users_sites_set": case("foreign", {"user_id": a["user"]}, {"site_ids": []}),
    }


async def assert_untouched(hub: Hub, owner_a: Account, a: dict[str, str]) -> None:
    """Tenant B's calls changed nothing of A's alarm, window and policy."""
    alarm = (await hub.client.get(f"/alarms/{a['al_alarm']}", headers=owner_a.headers)).json()
    assert alarm["state"] == "raised" and alarm["shelved_until"] is None
    assert [h["action"] for h in alarm["history"]] == ["raised"]
    made = await hub.client.get(f"/maintenance-windows/{a['al_window']}",
                                headers=owner_a.headers)
    assert made.status_code == 200 and made.json()["reason"] == "matrix"
    policy_now = (await hub.client.get(f"/notification-policies/{a['al_policy']}",
                                       headers=owner_a.headers)).json()
    assert policy_now["enabled"] is True and policy_now["site_ids"] == [a["al_site"]]
    sites = (await hub.client.get(f"/users/{a['user']}/sites", headers=owner_a.headers)).json()
    assert sites["site_ids"] == []
