"""Devices carry what their agent needs to poll them; the hub refuses up front what an agent
could not poll, and tells the fleet which agents' configs a device change touches."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hub import domain_events
from hub.domain_events import DomainEvents
from hub.handlers import wire
from hub.inventory.events import EdgeConfigChanged
from tests.hub.harness import Account, Hub

POLLING_DEFAULTS = {"snmp_port": 161, "ssh_port": 22, "telemetry": "snmp", "interval_s": 60.0,
                    "timeout_s": 2.0, "retries": 1, "enabled": True, "maintenance": False,
                    "snmp_credential_id": None, "ssh_credential_id": None}


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[EdgeConfigChanged]]:
    """EdgeConfigChanged events published during the test (real handlers still wired)."""
    seen: list[EdgeConfigChanged] = []

    async def record(session: AsyncSession, event: EdgeConfigChanged) -> None:
        seen.append(event)

    bus = wire(DomainEvents())
    bus.subscribe(EdgeConfigChanged, record)
    monkeypatch.setattr(domain_events, "bus", bus)
    yield seen


class Pop:
    """A tenant's site with two agents and one set of each kind."""

    def __init__(self, hub: Hub, owner: Account) -> None:
        self.hub, self.owner = hub, owner
        self.site, self.agents, self.sets = "", [""], {"": ""}

    async def build(self) -> Pop:
        tag = secrets.token_hex(3)
        self.site = (await self.hub.post(self.owner, "/sites", {"name": f"pop-{tag}"}))["id"]
        self.agents = [(await self.hub.post(self.owner, "/agents", {
            "site_id": self.site, "name": f"ag{i}-{tag}"}))["id"] for i in range(2)]
        self.sets = {kind: (await self.hub.post(self.owner, "/credential-sets", {
            "name": f"{kind}-{tag}", "kind": kind, **fields}))["id"] for kind, fields in (
            ("snmp_v2c", {"community": "c"}), ("snmp_v3", {"user": "u"}),
            ("ssh", {"username": "noc", "password": "pw"}))}
        return self

    def device(self, **over: Any) -> dict[str, Any]:
        return {"site_id": self.site, "name": f"dev-{secrets.token_hex(3)}",
                "management_address": "192.0.2.20", "profile": "cisco_ios", **over}


@pytest.fixture
async def owner(hub: Hub) -> Account:
    return await hub.new_tenant("poll")


@pytest.fixture
async def pop(hub: Hub, owner: Account) -> Pop:
    return await Pop(hub, owner).build()


async def test_polling_fields_default_store_and_change(hub: Hub, owner: Account,
                                                      pop: Pop) -> None:
    plain = await hub.post(owner, "/devices", pop.device())
    assert {k: plain[k] for k in POLLING_DEFAULTS} == POLLING_DEFAULTS
    full = {"snmp_port": 1161, "ssh_port": 2222, "telemetry": "both", "interval_s": 30.5,
            "timeout_s": 0.5, "retries": 3, "enabled": False, "maintenance": True,
            "snmp_credential_id": pop.sets["snmp_v3"], "ssh_credential_id": pop.sets["ssh"]}
    made = await hub.post(owner, "/devices", pop.device(agent_id=pop.agents[0], **full))
    assert {k: made[k] for k in full} == full
    got = (await hub.client.get(f"/devices/{made['id']}", headers=owner.headers)).json()
    assert got == made
    listed = (await hub.client.get("/devices", params={"agent_id": pop.agents[0]},
                                   headers=owner.headers)).json()["data"]
    assert listed == [made]
    changed = await hub.client.patch(f"/devices/{made['id']}", json={
        "telemetry": "snmp", "ssh_credential_id": None, "snmp_credential_id":
        pop.sets["snmp_v2c"], "enabled": True, "interval_s": 300}, headers=owner.headers)
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["telemetry"], body["ssh_credential_id"], body["snmp_credential_id"],
            body["enabled"], body["interval_s"], body["ssh_port"]) == (
        "snmp", None, pop.sets["snmp_v2c"], True, 300.0, 2222)
    auto = await hub.client.patch(f"/devices/{made['id']}", json={"profile": "auto"},
                                  headers=owner.headers)
    assert auto.status_code == 200 and auto.json()["profile"] == "auto"


@pytest.mark.parametrize(("over", "field"), [
    ({"snmp_port": 0}, "snmp_port"), ({"ssh_port": 65536}, "ssh_port"),
    ({"telemetry": "netconf"}, "telemetry"), ({"interval_s": 0.5}, "interval_s"),
    ({"interval_s": 86401}, "interval_s"), ({"timeout_s": 0}, "timeout_s"),
    ({"timeout_s": 61}, "timeout_s"), ({"retries": 11}, "retries"), ({"retries": -1}, "retries"),
    ({"profile": "cisco_nxos_9000"}, "profile"),
])
async def test_out_of_range_polling_fields_name_the_field(hub: Hub, owner: Account, pop: Pop,
                                                         over: dict[str, Any],
                                                         field: str) -> None:
    resp = await hub.client.post("/devices", json=pop.device(**over), headers=owner.headers)
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.json()["errors"][0]["loc"] == ["body", field]
    if field == "profile":  # the known names are listed
        assert "use one of auto, " in resp.json()["errors"][0]["msg"]
        assert "arista_eos" in resp.json()["errors"][0]["msg"]


async def test_credential_sets_must_fit_the_device(hub: Hub, owner: Account, pop: Pop) -> None:
    other_site = (await hub.post(owner, "/sites", {"name": f"far-{secrets.token_hex(3)}"}))["id"]
    far_set = (await hub.post(owner, "/credential-sets", {
        "name": f"far-{secrets.token_hex(3)}", "kind": "snmp_v2c", "community": "c",
        "site_id": other_site}))["id"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"snmp_credential_id": pop.sets["ssh"]}, "snmp_credential_id"),
        ({"ssh_credential_id": pop.sets["snmp_v2c"]}, "ssh_credential_id"),
        ({"snmp_credential_id": far_set}, "bound to another site"),
        ({"telemetry": "ssh"}, "ssh_credential_id: telemetry ssh"),
        ({"telemetry": "both", "snmp_credential_id": pop.sets["snmp_v3"]},
         "ssh_credential_id: telemetry both"),
        ({"telemetry": "ssh", "ssh_credential_id": pop.sets["ssh"], "profile": "auto"},
         "profile: auto is detected over SNMP"),
        ({"snmp_credential_id": str(uuid.uuid4())}, "no such credential set"),
    ]
    for over, named in cases:
        resp = await hub.client.post("/devices", json=pop.device(**over), headers=owner.headers)
        assert resp.status_code == 422, (over, resp.text)
        assert named in resp.json()["detail"], (over, resp.json())
    ok = await hub.client.post("/devices", json=pop.device(
        telemetry="ssh", ssh_credential_id=pop.sets["ssh"]), headers=owner.headers)
    assert ok.status_code == 201, ok.text
    # A move to another site re-checks the sets: the unbound ones follow, a bound one not.
    device = await hub.post(owner, "/devices", pop.device(snmp_credential_id=far_set,
                                                          site_id=other_site))
    back = await hub.client.patch(f"/devices/{device['id']}", json={"site_id": pop.site},
                                  headers=owner.headers)
    assert back.status_code == 422 and "bound to another site" in back.json()["detail"]
    unset = await hub.client.patch(f"/devices/{ok.json()['id']}",
                                   json={"ssh_credential_id": None}, headers=owner.headers)
    assert unset.status_code == 422 and "telemetry ssh" in unset.json()["detail"]


async def test_foreign_sets_and_agents_look_missing(hub: Hub, owner: Account, pop: Pop) -> None:
    other = await hub.new_tenant("poll-other")
    theirs = await Pop(hub, other).build()
    for over, field in (({"snmp_credential_id": theirs.sets["snmp_v2c"]}, "snmp_credential_id"),
                        ({"ssh_credential_id": theirs.sets["ssh"], "telemetry": "both"},
                         "ssh_credential_id"),
                        ({"agent_id": theirs.agents[0]}, "agent_id")):
        resp = await hub.client.post("/devices", json=pop.device(**over), headers=owner.headers)
        assert resp.status_code == 422, resp.text
        assert resp.json()["type"].endswith("/invalid-reference")
        assert resp.json()["detail"].startswith(f"{field} ") and "no such" in resp.text
        # Indistinguishable from an id that exists nowhere:
        missing = await hub.client.post("/devices", json=pop.device(**{
            **over, field: str(uuid.uuid4())}), headers=owner.headers)
        assert missing.json()["type"] == resp.json()["type"]
    await hub.client.post(f"/agents/{pop.agents[1]}/revoke", headers=owner.headers)
    revoked = await hub.client.post("/devices", json=pop.device(agent_id=pop.agents[1]),
                                    headers=owner.headers)
    assert revoked.status_code == 422 and "revoked" in revoked.json()["detail"]


async def test_device_changes_name_the_agents_whose_config_changes(
        hub: Hub, owner: Account, pop: Pop, published: list[EdgeConfigChanged]) -> None:
    a0, a1 = (uuid.UUID(a) for a in pop.agents)

    def told(agents: set[uuid.UUID], reason: str) -> EdgeConfigChanged:
        return EdgeConfigChanged(owner.tenant_id, frozenset(agents), reason)

    loose = await hub.post(owner, "/devices", pop.device())  # no agent: nobody to tell
    await hub.client.patch(f"/devices/{loose['id']}", json={"retries": 2},
                           headers=owner.headers)
    assert published == []
    made = await hub.post(owner, "/devices", pop.device(agent_id=str(a0)))
    await hub.client.patch(f"/devices/{made['id']}", json={"enabled": False},
                           headers=owner.headers)
    await hub.client.patch(f"/devices/{made['id']}", json={"agent_id": str(a1)},
                           headers=owner.headers)
    await hub.client.patch(f"/devices/{made['id']}", json={"agent_id": None},
                           headers=owner.headers)
    await hub.client.patch(f"/devices/{loose['id']}", json={"agent_id": str(a0)},
                           headers=owner.headers)
    assert (await hub.client.delete(f"/devices/{loose['id']}",
                                    headers=owner.headers)).status_code == 204
    assert published == [told({a0}, "device.create"), told({a0}, "device.update"),
                         told({a0, a1}, "device.update"), told({a1}, "device.update"),
                         told({a0}, "device.update"), told({a0}, "device.delete")]
    refused = len(published)
    bad = await hub.client.patch(f"/devices/{made['id']}", json={"telemetry": "ssh"},
                                 headers=owner.headers)
    assert bad.status_code == 422 and len(published) == refused  # refused: nothing said


async def test_a_failing_handler_rolls_the_device_change_back(
        hub: Hub, owner: Account, pop: Pop, monkeypatch: pytest.MonkeyPatch) -> None:
    """The event is part of the change: if the fleet cannot re-version, nothing is stored."""

    async def broken(session: AsyncSession, event: EdgeConfigChanged) -> None:
        raise RuntimeError("fleet down")

    bus = DomainEvents()
    bus.subscribe(EdgeConfigChanged, broken)
    monkeypatch.setattr(domain_events, "bus", bus)
    name = f"dev-{secrets.token_hex(3)}"
    with pytest.raises(RuntimeError, match="fleet down"):
        await hub.client.post("/devices", json=pop.device(name=name, agent_id=pop.agents[0]),
                              headers=owner.headers)
    monkeypatch.setattr(domain_events, "bus", wire(DomainEvents()))
    listed = (await hub.client.get("/devices", params={"site_id": pop.site},
                                   headers=owner.headers)).json()["data"]
    assert name not in [d["name"] for d in listed]
