"""Discoveries at the hub: starting one, the agent's reports, candidates, adoption."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from hub.fleet.builder import build_config
from hub.fleet.discovery.reports import IGNORED
from hub.ingest import writes
from hub.ingest.registry import AgentIdentity
from hub.inventory.events import EdgeConfigChanged
from hub.permissions import Role
from protocol.edge_config import EdgeConfig
from tests.hub.fleet_discovery import matrix
from tests.hub.fleet_discovery.support import (
    candidate,
    credential_set,
    deliver,
    get,
    n,
    record_config_changes,
    report,
    site_with_agent,
)
from tests.hub.harness import Account, Hub


@dataclass(frozen=True)
class _Case:
    """The shape of test_tenant_isolation.Case."""

    kind: str
    params: dict[str, str]
    body: dict[str, Any] | None = None
    query: dict[str, str] | None = None


@pytest.fixture
async def owner(hub: Hub) -> Account:
    return await hub.new_tenant("disc")


@pytest.fixture
def changes() -> Iterator[list[EdgeConfigChanged]]:
    yield from record_config_changes()


async def _start(hub: Hub, owner: Account, site: dict[str, Any], body: dict[str, Any],
                 ) -> dict[str, Any]:
    resp = await hub.client.post(f"/sites/{site['id']}/discoveries", json=body,
                                 headers=owner.headers)
    assert resp.status_code == 202, resp.text
    return dict(resp.json())


async def _refused(hub: Hub, owner: Account, site: dict[str, Any], body: dict[str, Any],
                   ) -> dict[str, Any]:
    resp = await hub.client.post(f"/sites/{site['id']}/discoveries", json=body,
                                 headers=owner.headers)
    assert resp.status_code == 422, (body, resp.text)
    return dict(resp.json())


async def test_start_records_a_pending_discovery_and_reversions_the_agent(
        hub: Hub, owner: Account, changes: list[EdgeConfigChanged]) -> None:
    site, (agent,) = await site_with_agent(hub, owner)
    cs = await credential_set(hub, owner)
    bound = await credential_set(hub, owner, "snmp_v3", site_id=site["id"])
    made = await _start(hub, owner, site, {"cidrs": ["192.0.2.0/24", "198.51.100.8/31",
                                                     "2001:db8::/120"],
                                           "credential_set_ids": [cs, bound]})
    assert made["state"] == "pending" and made["scanned"] == 0 and made["percent"] == 0
    assert made["total"] == 254 + 2 + 255 and made["agent_id"] == agent["id"]
    assert made["site_id"] == site["id"] and made["created_at"]
    assert (made["port"], made["concurrency"], made["timeout_s"]) == (161, 32, 1.0)
    ours = [c for c in changes if c.reason == "discovery.create"]
    assert [(c.tenant_id, c.agent_ids) for c in ours] == [
        (owner.tenant_id, frozenset({uuid.UUID(agent["id"])}))]
    listed = (await hub.client.get(f"/sites/{site['id']}/discoveries",
                                   headers=owner.headers)).json()["data"]
    assert [d["id"] for d in listed] == [made["id"]]


async def test_bad_networks_are_refused_with_the_reason(hub: Hub, owner: Account) -> None:
    site, _agents = await site_with_agent(hub, owner)
    cs = await credential_set(hub, owner)
    for cidrs, said in ((["10.0.0.0/15"], "more than 65,536"),
                        (["2001:db8::/111"], "more than 65,536"),
                        (["10.0.0.0/17", "10.1.0.0/17", "10.2.0.0/24"], "together"),
                        (["10.0.0.1/24"], "host bits set; write the network, 10.0.0.0/24"),
                        (["10.0.0.0/33"], "not an IPv4 or IPv6 network"),
                        (["pop<b>.example"], "(not an address/prefix)"),
                        (["10.0.0.0/24", "10.0.0.128/25"], "overlaps cidrs[0]"),
                        ([], "at least 1"), ([f"10.{i}.0.0/30" for i in range(17)], "16")):
        body = await _refused(hub, owner, site, {"cidrs": cidrs, "credential_set_ids": [cs]})
        assert body["errors"][0]["loc"][:2] == ["body", "cidrs"], body
        assert said in body["errors"][0]["msg"], (cidrs, body)
        assert "<b>" not in str(body)


async def test_credential_sets_must_be_snmp_sets_of_this_tenant_and_site(
        hub: Hub, owner: Account) -> None:
    site, _agents = await site_with_agent(hub, owner)
    other_site, _ = await site_with_agent(hub, owner)
    stranger = await hub.new_tenant("disc-other")
    foreign = await credential_set(hub, stranger)
    ssh = await credential_set(hub, owner, "ssh")
    elsewhere = await credential_set(hub, owner, site_id=other_site["id"])
    for ids, said in (([foreign], "no such credential set in this tenant"),
                      ([ssh], "is ssh; discovery and polling over SNMP need"),
                      ([elsewhere], "bound to another site"),
                      ([str(uuid.uuid4())], "no such credential set")):
        body = await _refused(hub, owner, site, {"cidrs": ["192.0.2.0/28"],
                                                 "credential_set_ids": ids})
        assert said in body["detail"] and body["type"].endswith("/invalid-reference"), body


async def test_the_sweeping_agent_is_the_sites_only_one_or_named(hub: Hub,
                                                                 owner: Account) -> None:
    cs = await credential_set(hub, owner)
    body = {"cidrs": ["192.0.2.0/28"], "credential_set_ids": [cs]}
    empty, _none = await site_with_agent(hub, owner, agents=0)
    assert "no agent that is not revoked" in (await _refused(hub, owner, empty, body))["detail"]
    two, (first, second) = await site_with_agent(hub, owner, agents=2)
    assert "name the one to sweep with agent_id" in (
        await _refused(hub, owner, two, body))["detail"]
    named = await _start(hub, owner, two, {**body, "agent_id": second["id"]})
    assert named["agent_id"] == second["id"]
    await hub.client.post(f"/agents/{second['id']}/revoke", headers=owner.headers)
    assert (await _start(hub, owner, two, body))["agent_id"] == first["id"]
    revoked = await _refused(hub, owner, two, {**body, "agent_id": second["id"]})
    assert "is revoked" in revoked["detail"]
    _other, (stranger,) = await site_with_agent(hub, owner)
    moved = await _refused(hub, owner, two, {**body, "agent_id": stranger["id"]})
    assert "in another site" in moved["detail"]
    missing = await hub.client.post(f"/sites/{uuid.uuid4()}/discoveries", json=body,
                                    headers=owner.headers)
    assert missing.status_code == 404


async def test_reports_move_progress_and_store_candidates_once(
        hub: Hub, owner: Account, changes: list[EdgeConfigChanged]) -> None:
    site, (agent,) = await site_with_agent(hub, owner)
    cs = await credential_set(hub, owner)
    made = await _start(hub, owner, site, {"cidrs": ["192.0.2.0/28"], "credential_set_ids": [cs]})
    core = candidate("192.0.2.1", cs, sys_name="core1.pop", sys_object_id="1.3.6.1.4.1.9.1.1",
                     profile="cisco_ios", reason="sysObjectID 1.3.6.1.4.1.9", vendor="Cisco",
                     model="C9300", serial="FOC123")
    first = report(made["id"], 6, 14, [core])
    await deliver(hub, owner.tenant_id, agent["id"], first)
    await deliver(hub, owner.tenant_id, agent["id"], first)  # QoS 1 repeats it
    seen = await get(hub, owner, f"/discoveries/{made['id']}")
    assert (seen["state"], seen["scanned"], seen["total"], seen["percent"]) == (
        "running", 6, 14, 42.9)
    (only,) = seen["candidates"]
    assert only["address"] == "192.0.2.1" and only["port"] == 161
    assert (only["sys_name"], only["profile"], only["vendor"], only["model"], only["serial"],
            only["credential_set_id"], only["managed_device_id"]) == (
        "core1.pop", "cisco_ios", "Cisco", "C9300", "FOC123", cs, None)
    assert only["reason"] == "sysObjectID 1.3.6.1.4.1.9"
    # An older report arriving late does not move progress back; a changed one updates.
    await deliver(hub, owner.tenant_id, agent["id"], report(made["id"], 2, 14, []))
    edge = candidate("192.0.2.2", cs, sys_name="edge", profile="auto")
    await deliver(hub, owner.tenant_id, agent["id"], report(
        made["id"], 14, 14, [core.model_copy(update={"serial": "FOC999"}), edge], done=True))
    done = await get(hub, owner, f"/discoveries/{made['id']}")
    assert (done["state"], done["scanned"], done["percent"]) == ("done", 14, 100.0)
    assert done["finished_at"] is not None
    assert {c["address"]: c["serial"] for c in done["candidates"]} == {
        "192.0.2.1": "FOC999", "192.0.2.2": None}
    ours = [c for c in changes if c.reason == "discovery.done"]
    assert [c.agent_ids for c in ours] == [frozenset({uuid.UUID(agent["id"])})]


async def test_reports_of_other_agents_tenants_or_ranges_are_ignored(
        hub: Hub, owner: Account) -> None:
    site, (agent, other_agent) = await site_with_agent(hub, owner, agents=2)
    cs = await credential_set(hub, owner)
    made = await _start(hub, owner, site, {"cidrs": ["192.0.2.0/29"], "credential_set_ids": [cs],
                                           "agent_id": agent["id"]})
    stranger = await hub.new_tenant("disc-x")
    metrics = hub.app.state.metrics
    reasons = ("unknown_discovery", "outside_cidrs", "foreign_credential")
    before = {reason: metrics.value(IGNORED, reason=reason) for reason in reasons}
    found = [candidate("192.0.2.3", cs)]
    await deliver(hub, owner.tenant_id, other_agent["id"], report(made["id"], 6, 6, found,
                                                                  done=True))
    await deliver(hub, stranger.tenant_id, agent["id"], report(made["id"], 6, 6, found,
                                                               done=True))
    await deliver(hub, owner.tenant_id, agent["id"], report(made["id"], 3, 6, [
        candidate("203.0.113.9", cs), candidate("192.0.2.4", str(uuid.uuid4()))]))
    seen = await get(hub, owner, f"/discoveries/{made['id']}")
    assert seen["state"] == "running" and seen["scanned"] == 3 and seen["candidates"] == []
    after = {reason: metrics.value(IGNORED, reason=reason) - before[reason]
             for reason in reasons}
    assert after == {"unknown_discovery": 2, "outside_cidrs": 1, "foreign_credential": 1}
    await deliver(hub, owner.tenant_id, agent["id"], report(made["id"], 3, 6, [],
                                                            done=True, error="no route"))
    failed = await get(hub, owner, f"/discoveries/{made['id']}")
    assert (failed["state"], failed["error"]) == ("failed", "no route")
    hidden = await hub.client.get(f"/discoveries/{made['id']}", headers=stranger.headers)
    assert hidden.status_code == 404


async def _found(hub: Hub, owner: Account, addresses: list[str],
                 ) -> tuple[dict[str, Any], dict[str, Any], str, dict[str, str]]:
    """A finished discovery that found `addresses`: (site, agent, credential set,
    address -> candidate id)."""
    site, (agent,) = await site_with_agent(hub, owner)
    cs = await credential_set(hub, owner)
    made = await _start(hub, owner, site, {"cidrs": ["192.0.2.0/24"], "credential_set_ids": [cs]})
    found = [candidate(a, cs, sys_name=f"sw{a.rsplit('.', 1)[1]}.pop.example",
                       profile="cisco_ios" if a.endswith("1") else None) for a in addresses]
    await deliver(hub, owner.tenant_id, agent["id"], report(made["id"], 254, 254, found,
                                                            done=True))
    seen = await get(hub, owner, f"/discoveries/{made['id']}")
    return made, agent, cs, {c["address"]: c["id"] for c in seen["candidates"]}


async def test_adopting_makes_devices_in_one_go(hub: Hub, owner: Account,
                                               changes: list[EdgeConfigChanged]) -> None:
    made, agent, cs, ids = await _found(hub, owner, ["192.0.2.11", "192.0.2.12"])
    resp = await hub.client.post(f"/discoveries/{made['id']}/adopt", json={"candidates": [
        {"candidate_id": ids["192.0.2.11"]},
        {"candidate_id": ids["192.0.2.12"], "name": f"dist-{n()}", "profile": "juniper_junos",
         "interval_s": 30}]}, headers=owner.headers)
    assert resp.status_code == 201, resp.text
    first, second = resp.json()["devices"]
    assert (first["name"], first["profile"], first["agent_id"]) == ("sw11", "cisco_ios",
                                                                     agent["id"])
    assert second["profile"] == "juniper_junos"
    device = await get(hub, owner, f"/devices/{second['id']}")
    assert device["management_address"] == "192.0.2.12" and device["agent_id"] == agent["id"]
    assert (device["snmp_credential_id"], device["interval_s"], device["snmp_port"],
            device["telemetry"], device["enabled"]) == (cs, 30, 161, "snmp", True)
    listed = (await hub.client.get("/devices", params={"agent_id": agent["id"]},
                                   headers=owner.headers)).json()["data"]
    assert {d["id"] for d in listed} == {first["id"], second["id"]}
    seen = await get(hub, owner, f"/discoveries/{made['id']}")
    by_address = {c["address"]: c for c in seen["candidates"]}
    assert by_address["192.0.2.11"]["adopted_device_id"] == first["id"]
    assert by_address["192.0.2.12"]["managed_device_id"] == second["id"]
    adopted = [c for c in changes if c.reason == "discovery.adopt"]
    assert [c.agent_ids for c in adopted] == [frozenset({uuid.UUID(agent["id"])})]
    again = await hub.client.post(f"/discoveries/{made['id']}/adopt", json={"candidates": [
        {"candidate_id": ids["192.0.2.11"], "name": f"again-{n()}"}]}, headers=owner.headers)
    assert again.status_code == 422 and "already adopted" in again.json()["detail"]


async def test_adoption_is_all_or_nothing_with_an_error_per_row(hub: Hub,
                                                               owner: Account) -> None:
    made, _agent, _cs, ids = await _found(hub, owner, ["192.0.2.21", "192.0.2.22",
                                                       "192.0.2.23"])
    taken = await get(hub, owner, f"/discoveries/{made['id']}")
    site_id = taken["site_id"]
    clash = await hub.post(owner, "/devices", {"site_id": site_id, "name": f"taken-{n()}",
                                               "management_address": "192.0.2.23",
                                               "profile": "auto"})
    ssh = await credential_set(hub, owner, "ssh")
    resp = await hub.client.post(f"/discoveries/{made['id']}/adopt", json={"candidates": [
        {"candidate_id": ids["192.0.2.21"]},
        {"candidate_id": ids["192.0.2.22"], "name": clash["name"], "snmp_credential_id": ssh},
        {"candidate_id": ids["192.0.2.23"], "name": f"ok-{n()}"},
        {"candidate_id": str(uuid.uuid4())}]}, headers=owner.headers)
    assert resp.status_code == 422, resp.text
    body = resp.json()
    where = sorted((e["loc"][2], e["loc"][3]) for e in body["errors"])
    assert where == [(1, "name"), (1, "snmp_credential_id"), (2, "candidate_id"),
                     (3, "candidate_id")], body
    assert "nothing was created" in body["detail"] and "already managed" in body["detail"]
    devices = (await hub.client.get("/devices", params={"site_id": site_id},
                                    headers=owner.headers)).json()["data"]
    assert [d["id"] for d in devices] == [clash["id"]]  # 192.0.2.21 was not made either
    seen = await get(hub, owner, f"/discoveries/{made['id']}")
    assert all(c["adopted_device_id"] is None for c in seen["candidates"])
    same_name = await hub.client.post(f"/discoveries/{made['id']}/adopt", json={"candidates": [
        {"candidate_id": ids["192.0.2.21"], "name": "twin"},
        {"candidate_id": ids["192.0.2.22"], "name": "twin"}]}, headers=owner.headers)
    assert same_name.status_code == 422 and "also given to candidates[0]" in same_name.text


async def test_reading_needs_devices_read_and_starting_devices_write(
        hub: Hub, owner: Account) -> None:
    site, _agents = await site_with_agent(hub, owner)
    cs = await credential_set(hub, owner)
    billing = await hub.add_user(owner, Role.BILLING)
    body = {"cidrs": ["192.0.2.0/30"], "credential_set_ids": [cs]}
    refused = await hub.client.post(f"/sites/{site['id']}/discoveries", json=body,
                                    headers=billing.headers)
    assert refused.status_code == 403
    made = await _start(hub, owner, site, body)
    assert (await hub.client.get(f"/discoveries/{made['id']}",
                                 headers=billing.headers)).status_code == 200


async def test_matrix_cases_work_for_the_owner_and_hide_from_other_tenants(hub: Hub) -> None:
    """The cases tests/hub/fleet_discovery/matrix.py lends the hub-wide matrices."""
    owner_a, owner_b = await hub.new_tenant("disc-ma"), await hub.new_tenant("disc-mb")
    paths = {op["operationId"]: (method.upper(), path)
             for path, ops in hub.app.openapi()["paths"].items() for method, op in ops.items()
             if op["operationId"].startswith("discoveries_")}
    assert set(paths) == set(matrix.REQUESTS)
    for op_id, factory in matrix.REQUESTS.items():
        params, body = await factory(hub, owner_a)
        method, template = paths[op_id]
        resp = await hub.client.request(method, template.format(**params), json=body,
                                        headers=owner_a.headers)
        assert 200 <= resp.status_code < 300, (op_id, resp.text)
    a = await matrix.tenant_ids(hub, owner_a)
    for op_id, case in matrix.isolation_cases(a, _Case).items():
        method, template = paths[op_id]
        resp = await hub.client.request(method, template.format(**case.params), json=case.body,
                                        headers=owner_b.headers)
        assert resp.status_code in (404, 422), (op_id, resp.text)
        assert a["d_candidate"] not in resp.text and "192.0.2.5" not in resp.text


async def test_a_report_through_ingests_write_path_reaches_the_discovery(
        hub: Hub, owner: Account) -> None:
    site, (agent,) = await site_with_agent(hub, owner)
    cs = await credential_set(hub, owner)
    made = await _start(hub, owner, site, {"cidrs": ["2001:db8::/126"],
                                           "credential_set_ids": [cs]})
    who = AgentIdentity(uuid.UUID(agent["id"]), agent["name"], owner.tenant_id,
                        uuid.UUID(site["id"]), False)
    message = report(made["id"], 3, 3, [candidate("2001:DB8:0::2", cs, sys_name="olt")],
                     done=True)
    async with hub.app.state.sessions() as session, session.begin():
        await writes.apply_report(session, who, message, datetime.now(UTC))
    seen = await get(hub, owner, f"/discoveries/{made['id']}")
    assert seen["state"] == "done" and made["total"] == 3  # no subnet-router anycast
    assert [c["address"] for c in seen["candidates"]] == ["2001:db8::2"]  # one spelling


async def test_the_agents_config_carries_the_sweep_until_done_then_the_adopted_devices(
        hub: Hub, owner: Account) -> None:
    site, (agent,) = await site_with_agent(hub, owner)
    cs = await credential_set(hub, owner)
    made = await _start(hub, owner, site, {"cidrs": ["192.0.2.0/29"], "credential_set_ids": [cs]})

    async def config() -> EdgeConfig:
        async with hub.app.state.sessions() as session:
            return await build_config(session, owner.tenant_id, uuid.UUID(agent["id"]),
                                      hub.settings.secret_key)

    sweeping = await config()
    assert [(str(d.id), d.cidrs) for d in sweeping.discoveries] == [(made["id"],
                                                                     ["192.0.2.0/29"])]
    assert [str(c.id) for c in sweeping.credentials] == [cs]
    await deliver(hub, owner.tenant_id, agent["id"], report(
        made["id"], 6, 6, [candidate("192.0.2.6", cs, sys_name="radio-6")], done=True))
    assert (await config()).discoveries == []
    seen = await get(hub, owner, f"/discoveries/{made['id']}")
    adopted = await hub.post(owner, f"/discoveries/{made['id']}/adopt", {
        "candidates": [{"candidate_id": seen["candidates"][0]["id"]}]})
    (device,) = (await config()).devices
    assert (str(device.id), device.name, device.host, str(device.snmp_credential)) == (
        adopted["devices"][0]["id"], "radio-6", "192.0.2.6", cs)


async def test_rotating_a_set_re_versions_the_agent_sweeping_with_it(
        hub: Hub, owner: Account) -> None:
    """No device uses the set, but a running discovery does: its agent must get the new
    secret, so the rotation re-versions it."""
    site, (agent,) = await site_with_agent(hub, owner)
    cs = await credential_set(hub, owner)
    await _start(hub, owner, site, {"cidrs": ["192.0.2.0/28"], "credential_set_ids": [cs]})
    before = (await hub.client.get(f"/agents/{agent['id']}/config",
                                   headers=owner.headers)).json()
    rotated = await hub.client.patch(f"/credential-sets/{cs}", json={"community": "rotated-1"},
                                     headers=owner.headers)
    assert rotated.status_code == 200, rotated.text
    after = (await hub.client.get(f"/agents/{agent['id']}/config",
                                  headers=owner.headers)).json()
    assert after["desired_version"] == before["desired_version"] + 1, (before, after)
