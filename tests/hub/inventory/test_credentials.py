"""Credential sets: write-only secrets sealed at rest, kind rules, rotation, sets in use kept,
and the agents using a set told (EdgeConfigChanged) when it changes."""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hub import domain_events
from hub.domain_events import DomainEvents
from hub.handlers import wire
from hub.inventory.credentials.sealing import unseal
from hub.inventory.events import EdgeConfigChanged
from hub.permissions import Role
from tests.hub.harness import Account, Hub, scalar

PEM = ("-----BEGIN OPENSSH PRIVATE KEY-----\n"
       f"b3BlbnNzaC1rZXktdjEAAAAA{secrets.token_hex(16)}\n"
       "-----END OPENSSH PRIVATE KEY-----")


def _secret(label: str) -> str:
    """A secret no other text could contain by chance."""
    return f"{label}-{secrets.token_hex(8)}"


@pytest.fixture
async def owner(hub: Hub) -> Account:
    return await hub.new_tenant("cred")


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[EdgeConfigChanged]]:
    """The EdgeConfigChanged events published while the test runs (on a freshly wired bus,
    so the real handlers still run in the publisher's transaction)."""
    seen: list[EdgeConfigChanged] = []

    async def record(session: AsyncSession, event: EdgeConfigChanged) -> None:
        seen.append(event)

    bus = wire(DomainEvents())
    bus.subscribe(EdgeConfigChanged, record)
    monkeypatch.setattr(domain_events, "bus", bus)
    yield seen


class Responses:
    """Every answer of a test, to prove no secret ever left the hub."""

    def __init__(self, hub: Hub, account: Account) -> None:
        self.hub, self.account = hub, account
        self.texts: list[str] = []

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None,
                   **params: Any) -> httpx.Response:
        resp = await self.hub.client.request(method, path, json=body, params=params or None,
                                             headers=self.account.headers)
        self.texts.append(resp.text)
        return resp

    def assert_never_shown(self, *values: str) -> None:
        for text in self.texts:
            for value in values:
                assert value not in text, f"secret leaked in {text[:200]}"


async def _site(hub: Hub, owner: Account) -> str:
    return str((await hub.post(owner, "/sites", {"name": f"pop-{secrets.token_hex(3)}"}))["id"])


async def test_create_list_get_never_show_secrets_and_seal_them(
        hub: Hub, owner: Account, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api = Responses(hub, owner)
    community, auth, priv, password, enable = (_secret("comm"), _secret("auth"),
                                               _secret("priv"), _secret("pw"), _secret("en"))
    site = await _site(hub, owner)
    v2c = await api.call("POST", "/credential-sets", {"name": "v2c", "kind": "snmp_v2c",
                                                      "community": community})
    assert v2c.status_code == 201, v2c.text
    assert v2c.json()["secrets_set"] == ["community"] and v2c.json()["site_id"] is None
    v3 = await api.call("POST", "/credential-sets", {
        "name": "v3", "kind": "snmp_v3", "site_id": site, "user": "dotmac",
        "auth_proto": "SHA-256", "auth_key": auth, "priv_proto": "AES", "priv_key": priv})
    assert v3.status_code == 201, v3.text
    shown = v3.json()
    assert (shown["user"], shown["auth_proto"], shown["priv_proto"], shown["site_id"]) == (
        "dotmac", "SHA-256", "AES", site)
    assert shown["secrets_set"] == ["auth_key", "priv_key"] and shown["rotated_at"] is None
    ssh = await api.call("POST", "/credential-sets", {
        "name": "ssh", "kind": "ssh", "username": "noc", "password": password,
        "private_key": PEM, "enable_secret": enable})
    assert ssh.status_code == 201, ssh.text
    assert ssh.json()["username"] == "noc"
    assert ssh.json()["secrets_set"] == ["enable_secret", "password", "private_key"]
    listed = await api.call("GET", "/credential-sets")
    assert [s["name"] for s in listed.json()["data"]] == ["v2c", "v3", "ssh"]
    assert listed.json()["data"][1] == shown
    of_site = await api.call("GET", "/credential-sets", site_id=site)
    assert [s["name"] for s in of_site.json()["data"]] == ["v3"]
    one = await api.call("GET", f"/credential-sets/{shown['id']}")
    assert one.json() == shown
    page = await api.call("GET", "/credential-sets", limit=2)
    assert len(page.json()["data"]) == 2 and page.json()["next_cursor"]
    await api.call("GET", "/audit-events", action="credential_set.create")
    api.assert_never_shown(community, auth, priv, password, enable, PEM.splitlines()[1])
    sealed = await scalar(hub.settings, "SELECT sealed FROM credential_sets WHERE id = :id",
                          id=uuid.UUID(shown["id"]))
    assert auth not in sealed and priv not in sealed
    assert unseal(sealed, hub.settings.secret_key) == {"auth_key": auth, "priv_key": priv}
    details = await scalar(hub.settings, "SELECT string_agg(detail::text, ' ') FROM "
                           "audit_events WHERE tenant_id = :t", t=owner.tenant_id)
    assert "secrets_set" in details
    for value in (community, auth, priv, password, enable, PEM.splitlines()[1]):
        assert value not in details and value not in caplog.text


async def test_rotation_replaces_only_the_secrets_given(hub: Hub, owner: Account,
                                                        caplog: pytest.LogCaptureFixture,
                                                        ) -> None:
    caplog.set_level(logging.DEBUG)
    api = Responses(hub, owner)
    old_pw, new_pw, enable = _secret("old"), _secret("new"), _secret("en")
    made = (await api.call("POST", "/credential-sets", {
        "name": "cli", "kind": "ssh", "username": "noc", "password": old_pw,
        "enable_secret": enable})).json()
    rotated = await api.call("PATCH", f"/credential-sets/{made['id']}",
                             {"password": new_pw, "name": "cli-2"})
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert body["name"] == "cli-2" and body["rotated_at"] and body["updated_at"] > made[
        "updated_at"]
    sealed = await scalar(hub.settings, "SELECT sealed FROM credential_sets WHERE id = :id",
                          id=uuid.UUID(made["id"]))
    assert unseal(sealed, hub.settings.secret_key) == {"password": new_pw,
                                                        "enable_secret": enable}
    # Switch to a key: the password is removed with an explicit null.
    keyed = await api.call("PATCH", f"/credential-sets/{made['id']}",
                           {"private_key": PEM, "password": None})
    assert keyed.json()["secrets_set"] == ["enable_secret", "private_key"], keyed.text
    renamed_only = await api.call("PATCH", f"/credential-sets/{made['id']}", {"username": "ops"})
    assert renamed_only.json()["rotated_at"] == keyed.json()["rotated_at"]
    events = (await api.call("GET", "/audit-events", action="credential_set.update")).json()
    details = [e["detail"] for e in events["data"]]
    assert details == [
        {"name": "cli-2", "changed": ["name"], "secrets_changed": ["password"]},
        {"name": "cli-2", "changed": [], "secrets_changed": ["password", "private_key"]},
        {"name": "cli-2", "changed": ["username"], "secrets_changed": []},
    ]
    api.assert_never_shown(old_pw, new_pw, enable, PEM.splitlines()[1])
    assert new_pw not in caplog.text and old_pw not in caplog.text


@pytest.mark.parametrize(("body", "named"), [
    ({"kind": "snmp_v2c"}, "community: required"),
    ({"kind": "snmp_v2c", "community": "c", "username": "x"}, "username: not a field of a "
                                                               "snmp_v2c"),
    ({"kind": "snmp_v3"}, "user: required"),
    ({"kind": "snmp_v3", "user": "u", "auth_proto": "SHA"}, "auth_key: give auth_proto"),
    ({"kind": "snmp_v3", "user": "u", "auth_key": "k" * 8}, "auth_proto: give auth_proto"),
    ({"kind": "snmp_v3", "user": "u", "priv_proto": "AES", "priv_key": "p" * 8},
     "priv_proto: privacy needs authentication"),
    ({"kind": "snmp_v3", "user": "u", "community": "c"}, "community: not a field"),
    ({"kind": "ssh"}, "username: required"),
    ({"kind": "ssh", "username": "noc"}, "password: an ssh set needs a password or a "
                                         "private_key"),
    ({"kind": "ssh", "username": "noc", "password": "p", "auth_key": "k" * 8},
     "auth_key: not a field of a ssh"),
])
async def test_each_kind_holds_what_it_needs(hub: Hub, owner: Account, body: dict[str, Any],
                                             named: str) -> None:
    resp = await hub.client.post("/credential-sets", json={"name": "bad", **body},
                                 headers=owner.headers)
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    assert named in resp.json()["detail"], resp.json()


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "snmp_v3", "user": "u", "auth_proto": "SHA", "auth_key": "Xq7zW"}, "auth_key"),
    ({"kind": "snmp_v3", "user": "u", "auth_proto": "SHA1", "auth_key": "k" * 8},
     "auth_proto"),
    ({"kind": "snmp_v3", "user": "u", "auth_proto": "SHA", "auth_key": "k" * 8,
      "priv_proto": "3DES", "priv_key": "p" * 8}, "priv_proto"),
    ({"kind": "ssh", "username": "noc", "private_key": "ssh-ed25519 AAAA"}, "private_key"),
    ({"kind": "snmp_v1", "community": "c"}, "kind"),
    ({"kind": "snmp_v2c", "community": ""}, "community"),
])
async def test_malformed_fields_are_refused_without_echoing_them(
        hub: Hub, owner: Account, body: dict[str, Any], field: str) -> None:
    resp = await hub.client.post("/credential-sets", json={"name": "bad", **body},
                                 headers=owner.headers)
    assert resp.status_code == 422, resp.text
    assert resp.json()["errors"][0]["loc"] == ["body", field]
    assert "ssh-ed25519 AAAA" not in resp.text and "Xq7zW" not in resp.text


async def test_kind_is_for_life_and_changes_keep_the_rules(hub: Hub, owner: Account) -> None:
    made = await hub.post(owner, "/credential-sets", {
        "name": "v3-rules", "kind": "snmp_v3", "user": "u", "auth_proto": "SHA",
        "auth_key": _secret("auth")})
    path = f"/credential-sets/{made['id']}"
    kind = await hub.client.patch(path, json={"kind": "ssh"}, headers=owner.headers)
    assert kind.status_code == 422 and "keeps its kind" in kind.json()["detail"]
    same = await hub.client.patch(path, json={"kind": "snmp_v3"}, headers=owner.headers)
    assert same.status_code == 200
    lone_priv = await hub.client.patch(path, json={"priv_proto": "AES"}, headers=owner.headers)
    assert lone_priv.status_code == 422 and "priv_key" in lone_priv.json()["detail"]
    no_auth = await hub.client.patch(path, json={"auth_proto": None}, headers=owner.headers)
    assert no_auth.status_code == 422 and "auth_key" in no_auth.json()["detail"]
    no_auth = await hub.client.patch(path, json={"auth_proto": None, "auth_key": None},
                                     headers=owner.headers)
    assert no_auth.status_code == 200 and no_auth.json()["secrets_set"] == []
    assert no_auth.json()["auth_proto"] is None  # noAuthNoPriv now
    dup = await hub.post(owner, "/credential-sets", {"name": "taken", "kind": "snmp_v2c",
                                                     "community": "c"})
    clash = await hub.client.patch(path, json={"name": dup["name"]}, headers=owner.headers)
    assert clash.status_code == 409


async def test_sets_of_other_tenants_look_missing(hub: Hub, owner: Account) -> None:
    other = await hub.new_tenant("cred-other")
    foreign = await hub.post(other, "/credential-sets", {"name": "theirs", "kind": "snmp_v2c",
                                                         "community": _secret("c")})
    for method, body in (("GET", None), ("PATCH", {"name": "mine"}), ("DELETE", None)):
        resp = await hub.client.request(method, f"/credential-sets/{foreign['id']}", json=body,
                                        headers=owner.headers)
        assert resp.status_code == 404, (method, resp.text)
    listed = await hub.client.get("/credential-sets", headers=owner.headers)
    assert foreign["id"] not in listed.text
    same_name = await hub.client.post("/credential-sets", json={
        "name": "theirs", "kind": "snmp_v2c", "community": "c"}, headers=owner.headers)
    assert same_name.status_code == 201  # names are unique per tenant only
    their_site = await _site(hub, other)
    bound = await hub.client.post("/credential-sets", json={
        "name": "x", "kind": "snmp_v2c", "community": "c", "site_id": their_site},
        headers=owner.headers)
    assert bound.status_code == 422 and bound.json()["type"].endswith("/invalid-reference")


async def test_a_set_in_use_cannot_go_and_its_site_binding_follows_its_devices(
        hub: Hub, owner: Account) -> None:
    site_a, site_b = await _site(hub, owner), await _site(hub, owner)
    made = await hub.post(owner, "/credential-sets", {"name": "in-use", "kind": "snmp_v2c",
                                                      "community": _secret("c")})
    device = await hub.post(owner, "/devices", {
        "site_id": site_a, "name": f"sw-{secrets.token_hex(3)}", "profile": "cisco_ios",
        "management_address": "192.0.2.7", "snmp_credential_id": made["id"]})
    busy = await hub.client.delete(f"/credential-sets/{made['id']}", headers=owner.headers)
    assert busy.status_code == 409 and device["name"] in busy.json()["detail"]
    elsewhere = await hub.client.patch(f"/credential-sets/{made['id']}",
                                       json={"site_id": site_b}, headers=owner.headers)
    assert elsewhere.status_code == 422 and device["name"] in elsewhere.json()["detail"]
    here = await hub.client.patch(f"/credential-sets/{made['id']}", json={"site_id": site_a},
                                  headers=owner.headers)
    assert here.status_code == 200 and here.json()["site_id"] == site_a
    await hub.client.patch(f"/devices/{device['id']}", json={"snmp_credential_id": None},
                           headers=owner.headers)
    gone = await hub.client.delete(f"/credential-sets/{made['id']}", headers=owner.headers)
    assert gone.status_code == 204
    bound = await hub.post(owner, "/credential-sets", {"name": "bound", "kind": "snmp_v2c",
                                                       "community": "c", "site_id": site_b})
    kept = await hub.client.delete(f"/sites/{site_b}", headers=owner.headers)
    assert kept.status_code == 409 and "credential sets" in kept.json()["detail"]
    await hub.client.delete(f"/credential-sets/{bound['id']}", headers=owner.headers)
    assert (await hub.client.delete(f"/sites/{site_b}", headers=owner.headers)).status_code == 204
    assert (await hub.client.get(f"/credential-sets/{made['id']}",
                                 headers=owner.headers)).status_code == 404
    audit = (await hub.client.get("/audit-events", params={"action": "credential_set.delete"},
                                  headers=owner.headers)).json()["data"]
    assert sorted(e["target_id"] for e in audit) == sorted([made["id"], bound["id"]])


async def test_updating_a_set_re_versions_every_agent_using_it(
        hub: Hub, owner: Account, published: list[EdgeConfigChanged]) -> None:
    site = await _site(hub, owner)
    agents = [await hub.post(owner, "/agents", {"site_id": site, "name": f"a{i}-{site[:6]}"})
              for i in range(3)]
    snmp = await hub.post(owner, "/credential-sets", {"name": "shared", "kind": "snmp_v2c",
                                                      "community": _secret("c")})
    ssh = await hub.post(owner, "/credential-sets", {"name": "cli-shared", "kind": "ssh",
                                                     "username": "noc", "password": "pw"})
    base = {"site_id": site, "profile": "cisco_ios", "management_address": "192.0.2.9"}
    await hub.post(owner, "/devices", {**base, "name": "d0", "agent_id": agents[0]["id"],
                                       "snmp_credential_id": snmp["id"]})
    await hub.post(owner, "/devices", {**base, "name": "d1", "agent_id": agents[1]["id"],
                                       "telemetry": "both", "snmp_credential_id": snmp["id"],
                                       "ssh_credential_id": ssh["id"]})
    await hub.post(owner, "/devices", {**base, "name": "d2", "agent_id": agents[2]["id"]})
    await hub.post(owner, "/devices", {**base, "name": "d3", "snmp_credential_id": snmp["id"]})
    published.clear()
    await hub.client.patch(f"/credential-sets/{snmp['id']}", json={"community": _secret("n")},
                           headers=owner.headers)
    await hub.client.patch(f"/credential-sets/{ssh['id']}", json={"enable_secret": "e"},
                           headers=owner.headers)
    await hub.client.patch(f"/credential-sets/{ssh['id']}", json={}, headers=owner.headers)
    assert published == [
        EdgeConfigChanged(owner.tenant_id, frozenset({uuid.UUID(agents[0]["id"]),
                                                      uuid.UUID(agents[1]["id"])}),
                          "credential_set.update", frozenset({uuid.UUID(snmp["id"])})),
        EdgeConfigChanged(owner.tenant_id, frozenset({uuid.UUID(agents[1]["id"])}),
                          "credential_set.update", frozenset({uuid.UUID(ssh["id"])})),
    ]  # the empty change changed nothing and told no one


@pytest.mark.parametrize("role", [Role.NOC, Role.FIELD_TECH, Role.SUPPORT])
async def test_who_may_see_and_manage_sets(hub: Hub, owner: Account, role: Role) -> None:
    user = await hub.add_user(owner, role)
    made = await hub.post(owner, "/credential-sets", {"name": f"r-{role}", "kind": "snmp_v2c",
                                                      "community": "c"})
    read = await hub.client.get(f"/credential-sets/{made['id']}", headers=user.headers)
    write = await hub.client.patch(f"/credential-sets/{made['id']}", json={"community": "n"},
                                   headers=user.headers)
    expected = {Role.NOC: (200, 200), Role.FIELD_TECH: (200, 403), Role.SUPPORT: (403, 403)}
    assert (read.status_code, write.status_code) == expected[role]
