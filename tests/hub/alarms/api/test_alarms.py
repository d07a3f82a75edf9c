"""The alarm API on PostgreSQL: list and filter, get with history, impacts and root, and the
actions people take, each recorded with who and when."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

from hub.db import utcnow
from tests.hub.alarms.api.conftest import Desk
from tests.hub.alarms.api.support import clear_alarm, n, raise_alarm
from tests.hub.harness import Account, Hub


async def _get(hub: Hub, who: Account, path: str, **params: Any) -> dict[str, Any]:
    resp = await hub.client.get(path, params=params, headers=who.headers)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def _ids(hub: Hub, who: Account, **params: Any) -> list[str]:
    return [row["id"] for row in (await _get(hub, who, "/alarms", **params))["data"]]


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_list_filters_by_state_severity_site_device_rule_and_activity(
        hub: Hub, desk: Desk) -> None:
    tid = desk.owner.tenant_id
    link_a = str(await raise_alarm(hub, tid, desk.a, if_index=1, severity="major"))
    crit_a = str(await raise_alarm(hub, tid, desk.a, if_index=2, severity="critical"))
    link_b = str(await raise_alarm(hub, tid, desk.b, if_index=1, severity="minor"))
    agent_b = str(await raise_alarm(hub, tid, desk.b, rule="agent.offline", on_device=False,
                                    alarm_type="agent_offline", severity="critical"))
    hub_alarm = str(await raise_alarm(hub, tid, None, rule="hub.ingest_lag",
                                      alarm_type="ingest_lag", severity="warning"))
    await clear_alarm(hub, tid, {"id": link_b})
    noc = desk.noc

    everything = await _ids(hub, noc)
    assert everything == [hub_alarm, agent_b, link_b, crit_a, link_a]  # newest first
    assert await _ids(hub, noc, site_id=str(desk.a.site_id)) == [crit_a, link_a]
    assert await _ids(hub, noc, device_id=str(desk.b.device_id)) == [link_b]
    assert await _ids(hub, noc, device_name=desk.a.device_name) == [crit_a, link_a]
    assert await _ids(hub, noc, severity=["critical", "warning"]) == [hub_alarm, agent_b,
                                                                      crit_a]
    assert await _ids(hub, noc, state="cleared") == [link_b]
    assert await _ids(hub, noc, active="true") == [hub_alarm, agent_b, crit_a, link_a]
    assert await _ids(hub, noc, active="false") == [link_b]
    assert await _ids(hub, noc, rule="agent.offline") == [agent_b]
    assert await _ids(hub, noc, rule="event.link", site_id=str(desk.b.site_id)) == [link_b]
    row = (await _get(hub, noc, "/alarms", rule="event.link", state="cleared"))["data"][0]
    assert (row["cleared_by"], row["state"], row["subject"]) == (
        "system", "cleared", f"{desk.b.device_name} 1")


async def test_customer_filter_finds_alarms_on_the_customers_ports(hub: Hub,
                                                                   desk: Desk) -> None:
    owner, tid = desk.owner, desk.owner.tenant_id
    customer = await hub.post(owner, "/billing/customers", {"name": f"Bakery {n()}",
                                                            "currency": "EUR"})
    plan = await hub.post(owner, "/billing/plans", {"name": f"p-{n()}", "currency": "EUR",
                                                    "down_kbps": 100_000, "up_kbps": 20_000,
                                                    "price_minor": 3000})
    sub = await hub.post(owner, "/billing/subscriptions", {
        "customer_id": customer["id"], "plan_id": plan["id"],
        "device_id": str(desk.a.device_id), "if_index": 7, "port": "Gi0/7"})
    on_port = str(await raise_alarm(hub, tid, desk.a, if_index=7))
    await raise_alarm(hub, tid, desk.a, if_index=8)  # another port: no customer there

    assert await _ids(hub, desk.noc, customer_id=customer["id"]) == [on_port]
    assert await _ids(hub, desk.noc, customer_id=str(uuid.uuid4())) == []
    alarm = await _get(hub, desk.support, f"/alarms/{on_port}")
    assert alarm["impacts"] == [{"subscription_id": sub["id"], "customer_id": customer["id"],
                                 "customer_name": customer["name"], "port": "Gi0/7"}]


async def test_pages_newest_first_without_repeats_and_bad_cursors_are_422(
        hub: Hub, desk: Desk) -> None:
    made = [str(await raise_alarm(hub, desk.owner.tenant_id, desk.a, if_index=i))
            for i in range(1, 6)]
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(4):
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await _get(hub, desk.noc, "/alarms", **params)
        seen += [row["id"] for row in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made[::-1]
    for bad in ("c1.!!!", "not-a-cursor", "c1." + "A" * 60):
        resp = await hub.client.get("/alarms", params={"cursor": bad},
                                    headers=desk.noc.headers)
        assert resp.status_code == 422, (bad, resp.text)
        assert "cursor" in resp.text and resp.headers["content-type"].startswith(
            "application/problem+json")
    for query in ({"state": "burning"}, {"severity": "apocalyptic"}, {"limit": "0"},
                  {"rule": "Robert'); DROP TABLE alarms;--"}, {"site_id": "nope"}):
        resp = await hub.client.get("/alarms", params=query, headers=desk.noc.headers)
        assert resp.status_code == 422, (query, resp.text)


def _step(alarm: dict[str, Any], action: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = [h for h in alarm["history"] if h["action"] == action]
    assert len(steps) == 1, (action, alarm["history"])
    return steps[0]


def _by(step: dict[str, Any], who: Account, before: datetime) -> None:
    assert (step["actor"], step["actor_id"]) == (who.email, str(who.user_id))
    assert before <= _at(step["at"]) <= utcnow()


async def _post(hub: Hub, who: Account, path: str, body: dict[str, Any] | None = None,
                status: int = 200) -> dict[str, Any]:
    resp = await hub.client.post(path, json=body, headers=who.headers)
    assert resp.status_code == status, resp.text
    result: dict[str, Any] = resp.json()
    return result


async def test_ack_comment_shelve_close_record_who_and_when(hub: Hub, desk: Desk) -> None:
    alarm_id = await raise_alarm(hub, desk.owner.tenant_id, desk.a, if_index=3)
    path, noc, tech = f"/alarms/{alarm_id}", desk.noc, desk.field_tech
    before = utcnow()

    acked = await _post(hub, noc, f"{path}/ack", {"text": "on it"})
    assert (acked["state"], acked["acknowledged_by"]) == ("acknowledged", noc.email)
    _by(_step(acked, "acknowledged"), noc, before)
    assert _step(acked, "acknowledged")["text"] == "on it"
    again = await _post(hub, noc, f"{path}/ack")  # idempotent: no second history row
    assert len([h for h in again["history"] if h["action"] == "acknowledged"]) == 1

    unacked = await _post(hub, tech, f"{path}/unack")
    assert (unacked["state"], unacked["acknowledged_by"]) == ("raised", None)
    _by(_step(unacked, "unacknowledged"), tech, before)

    commented = await _post(hub, tech, f"{path}/comments", {"text": "fibre cut at km 3"},
                            status=201)
    note = _step(commented, "commented")
    _by(note, tech, before)
    assert note["text"] == "fibre cut at km 3"

    until = (utcnow() + timedelta(hours=2)).replace(microsecond=0)
    shelved = await _post(hub, noc, f"{path}/shelve", {"until": until.isoformat(),
                                                       "text": "planned work"})
    assert _at(shelved["shelved_until"]) == until and shelved["shelved_by"] == noc.email
    _by(_step(shelved, "shelved"), noc, before)
    unshelved = await _post(hub, noc, f"{path}/unshelve")
    assert unshelved["shelved_until"] is None
    _by(_step(unshelved, "unshelved"), noc, before)

    closed = await _post(hub, tech, f"{path}/close", {"text": "spliced"})
    assert (closed["state"], closed["closed_by"]) == ("closed", tech.email)
    _by(_step(closed, "closed"), tech, before)
    actions = [h["action"] for h in closed["history"]]
    assert actions == ["raised", "acknowledged", "unacknowledged", "commented", "shelved",
                       "unshelved", "closed"]
    stored = await _get(hub, desk.support, path)
    assert stored["history"] == closed["history"]


async def test_refused_actions_say_why(hub: Hub, desk: Desk) -> None:
    alarm_id = await raise_alarm(hub, desk.owner.tenant_id, desk.a, if_index=4)
    path = f"/alarms/{alarm_id}"
    past = (utcnow() - timedelta(minutes=5)).isoformat()
    refused = await hub.client.post(f"{path}/shelve", json={"until": past},
                                    headers=desk.noc.headers)
    assert refused.status_code == 422 and "until" in refused.json()["detail"]
    naive = await hub.client.post(f"{path}/shelve", json={"until": "2030-01-01T00:00:00"},
                                  headers=desk.noc.headers)
    assert naive.status_code == 422 and naive.json()["errors"][0]["loc"][-1] == "until"
    empty = await hub.client.post(f"{path}/comments", json={"text": ""},
                                  headers=desk.noc.headers)
    assert empty.status_code == 422
    await _post(hub, desk.noc, f"{path}/close")
    late = await hub.client.post(f"{path}/ack", headers=desk.noc.headers)
    assert late.status_code == 409 and "closed" in late.json()["detail"]
    missing = await hub.client.post(f"/alarms/{uuid.uuid4()}/ack", headers=desk.noc.headers)
    assert missing.status_code == 404
    for who in (desk.support, desk.billing):  # support reads, billing has no alarms at all
        resp = await hub.client.post(f"{path}/comments", json={"text": "x"},
                                     headers=who.headers)
        assert resp.status_code == 403 and "alarms:write" in resp.json()["detail"]
    nothing = await hub.client.get("/alarms", headers=desk.billing.headers)
    assert nothing.status_code == 403


async def test_an_api_key_is_named_in_the_history(hub: Hub, desk: Desk) -> None:
    key = await hub.post(desk.owner, "/api-keys", {"name": f"ops-bot-{n()}",
                                                   "scopes": ["alarms:read", "alarms:write"]})
    alarm_id = await raise_alarm(hub, desk.owner.tenant_id, desk.b, if_index=5)
    resp = await hub.client.post(f"/alarms/{alarm_id}/ack", json={"text": "auto-triage"},
                                 headers={"Authorization": f"Bearer {key['key']}"})
    assert resp.status_code == 200, resp.text
    step = _step(resp.json(), "acknowledged")
    assert (step["actor"], step["actor_id"]) == (f"api key {key['name']}", key["id"])


async def test_get_names_the_root_an_alarm_is_suppressed_under(hub: Hub, desk: Desk) -> None:
    tid = desk.owner.tenant_id
    root = await raise_alarm(hub, tid, desk.a, rule="agent.offline", on_device=False,
                             alarm_type="agent_offline", severity="critical")
    child = await raise_alarm(hub, tid, desk.a, rule="device.unreachable",
                              alarm_type="device_unreachable")
    got = await _get(hub, desk.field_tech, f"/alarms/{child}")
    assert got["suppressed_by"] == str(root)
    assert got["root"] == {"id": str(root), "rule": "agent.offline", "severity": "critical",
                           "state": "raised", "subject": "agent"}
    assert "suppressed" in [h["action"] for h in got["history"]]
    alone = await _get(hub, desk.field_tech, f"/alarms/{root}")
    assert alone["root"] is None and alone["suppressed_by"] is None


async def test_two_people_acknowledging_at_once_make_one_acknowledgement(hub: Hub,
                                                                         desk: Desk) -> None:
    alarm_id = await raise_alarm(hub, desk.owner.tenant_id, desk.a, if_index=6)
    people = (desk.noc, desk.field_tech, desk.roamer, desk.owner)
    answers = await asyncio.gather(*(hub.client.post(f"/alarms/{alarm_id}/ack",
                                                     headers=who.headers) for who in people))
    assert [a.status_code for a in answers] == [200] * len(people)
    stored = await _get(hub, desk.noc, f"/alarms/{alarm_id}")
    step = _step(stored, "acknowledged")  # exactly one: the row lock orders the four
    assert stored["acknowledged_by"] == step["actor"] in {who.email for who in people}
