"""Enrollment against the real hub app, PostgreSQL and Mosquitto's dynamic-security plugin.

An admin issues a one-time token; POST /enroll turns it into an agent with a broker login
pinned to its own topics; revoking the agent removes the login and disconnects it.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import aiomqtt
import pytest
import pytest_asyncio

from hub.identity.service import sha256
from hub.permissions import Role
from protocol import validate_agent_id
from tests.hub.enrollment_support import (
    agent_client,
    audit,
    broker_hub_settings,
    execute,
    hub_publish,
    issue,
    received_within,
)
from tests.hub.harness import Account, Hub, running_hub, scalar
from tests.services.mosquitto import Broker, Credentials

NOT_AUTHORIZED = 135


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def ehub(pg_url: str, mosquitto: Broker) -> AsyncIterator[Hub]:
    """The hub app with broker administration wired to the session's Mosquitto."""
    async with running_hub(broker_hub_settings(pg_url, mosquitto)) as running:
        yield running


async def _site(hub: Hub, owner: Account) -> str:
    site = await hub.post(owner, "/sites", {"name": f"POP-{secrets.token_hex(3)}"})
    return str(site["id"])


async def _enroll(hub: Hub, token: str, **body: object) -> dict[str, object]:
    resp = await hub.client.post("/enroll", json={"token": token, **body})
    assert resp.status_code == 201, resp.text
    granted: dict[str, object] = resp.json()
    return granted


async def test_enrolled_agent_is_pinned_to_its_prefix_until_revoked(
        ehub: Hub, mosquitto: Broker) -> None:
    owner = await ehub.new_tenant("enroll")
    site_id = await _site(ehub, owner)
    token = await issue(ehub, owner, site_id, agent_name="ams1-agent-01")
    assert token.startswith("dme_")
    stored = await scalar(ehub.settings, "SELECT count(*) FROM enrollment_tokens WHERE "
                          "token_hash = :h", h=sha256(token))
    assert stored == 1  # only the hash is kept
    granted = await _enroll(ehub, token)
    agent_id, broker = str(granted["agent_id"]), granted["broker"]
    assert isinstance(broker, dict)
    assert validate_agent_id(agent_id) == agent_id and granted["agent_name"] == "ams1-agent-01"
    assert granted["topic_prefix"] == f"dm/v1/{agent_id}/" and granted["site_id"] == site_id
    assert broker["port"] == mosquitto.tls_port and broker["ca_pem"] == mosquitto.ca_pem
    assert broker["urls"] == [f"mqtts://{mosquitto.host}:{mosquitto.tls_port}"]
    password = str(broker["password"])
    assert await scalar(ehub.settings, "SELECT count(*) FROM audit_events WHERE "
                        "CAST(detail AS TEXT) LIKE :p", p=f"%{password}%") == 0
    agent = (await ehub.client.get(f"/agents/{agent_id}", headers=owner.headers)).json()
    assert agent["status"] == "active" and agent["site_id"] == site_id

    other = "other-" + secrets.token_hex(4)
    async with agent_client(mosquitto, agent_id, password, ca_file=mosquitto.ca_file) as mqtt:
        own = await mqtt.publish_acked(f"dm/v1/{agent_id}/up/telemetry", b"{}")
        assert not own.is_failure, own
        foreign = await mqtt.publish_acked(f"dm/v1/{other}/up/telemetry", b"{}")
        assert foreign.value == NOT_AUTHORIZED
        spoof = await mqtt.publish_acked(f"dm/v1/{agent_id}/cmd/job", b"{}")
        assert spoof.value == NOT_AUTHORIZED  # an agent cannot write its own commands
        refused = await mqtt.subscribe(f"dm/v1/{other}/cmd/#", qos=1)
        wide = await mqtt.subscribe("dm/v1/+/up/#", qos=1)
        shared = await mqtt.subscribe("$share/hub-ingest/dm/v1/+/up/#", qos=1)
        assert all(r[0].value == NOT_AUTHORIZED for r in (refused, wide, shared))
        await mqtt.subscribe(f"dm/v1/{agent_id}/cmd/#", qos=1)
        await hub_publish(mosquitto, f"dm/v1/{other}/cmd/job", b"not yours")
        await hub_publish(mosquitto, f"dm/v1/{agent_id}/cmd/job", b"yours")
        assert await received_within(mqtt, 3.0) == [f"dm/v1/{agent_id}/cmd/job"]

        revoked = await ehub.client.post(f"/agents/{agent_id}/revoke", headers=owner.headers)
        assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
        with pytest.raises(aiomqtt.MqttError):  # the broker kicks it at once
            await asyncio.wait_for(mqtt.wait_disconnected(), 5)
    assert not mosquitto.login_ok(Credentials(agent_id, password))
    with pytest.raises(aiomqtt.MqttError):
        async with agent_client(mosquitto, agent_id, password, ca_file=mosquitto.ca_file):
            pass
    events = await audit(ehub, owner, "agent.revoke")
    assert [e["detail"] for e in events if e["target_id"] == agent_id] == [
        {"broker_access": "removed"}]
    enrolled = await audit(ehub, owner, "agent.enroll")
    assert [e["target_id"] for e in enrolled] == [agent_id]
    assert enrolled[0]["ip"] == "127.0.0.1"


async def test_token_is_single_use_and_reuse_is_audited(ehub: Hub) -> None:
    owner = await ehub.new_tenant("reuse")
    token = await issue(ehub, owner, await _site(ehub, owner))
    first = await _enroll(ehub, token)
    again = await ehub.client.post("/enroll", json={"token": token})
    assert again.status_code == 409 and "already used" in again.json()["detail"]
    refused = await audit(ehub, owner, "enrollment.refused")
    assert [e["detail"]["reason"] for e in refused] == ["reused"]
    agents = (await ehub.client.get("/agents", headers=owner.headers)).json()["data"]
    assert [a["id"] for a in agents] == [first["agent_id"]]  # no second agent


async def test_expired_and_unknown_tokens_are_refused(ehub: Hub) -> None:
    owner = await ehub.new_tenant("expired")
    token = await issue(ehub, owner, await _site(ehub, owner), ttl_s=60)
    await execute(ehub.settings, "UPDATE enrollment_tokens SET expires_at = now() - "
                  "interval '1 second' WHERE token_hash = :h", h=sha256(token))
    expired = await ehub.client.post("/enroll", json={"token": token})
    assert expired.status_code == 401 and "detail" not in expired.json()
    unknown = await ehub.client.post("/enroll", json={"token": "dme_" + "x" * 43})
    assert unknown.status_code == 401
    refused = await audit(ehub, owner, "enrollment.refused")
    assert [e["detail"]["reason"] for e in refused] == ["expired"]
    assert (await ehub.client.get("/agents", headers=owner.headers)).json()["data"] == []


HOSTILE_NAMES = ["../../etc/passwd", "a/b", "#", "+", "$SYS", "dm/v1/x/up/#", "Upper",
                 "a" * 64, "", " lead", "nul\x00", "émoji-🙂", "-dash-first", "x y"]


async def test_hostile_agent_names_are_refused_audited_and_leave_the_token(ehub: Hub) -> None:
    owner = await ehub.new_tenant("names")
    token = await issue(ehub, owner, await _site(ehub, owner))
    for name in HOSTILE_NAMES:
        resp = await ehub.client.post("/enroll", json={"token": token, "agent_name": name})
        assert resp.status_code == 422, (name, resp.text)
    refused = await audit(ehub, owner, "enrollment.refused")
    assert len(refused) == len(HOSTILE_NAMES)  # each refusal is in the tenant's audit log
    assert {e["detail"]["reason"] for e in refused} == {"bad_agent_name"}
    granted = await _enroll(ehub, token, agent_name="pop-7.b_1")
    assert granted["agent_name"] == "pop-7.b_1"
    preset = await issue(ehub, owner, await _site(ehub, owner), agent_name="chosen-by-admin")
    assert (await _enroll(ehub, preset, agent_name="wanted"))["agent_name"] == "chosen-by-admin"
    bad_preset = await ehub.client.post(
        f"/sites/{granted['site_id']}/enrollment-tokens", json={"agent_name": "../x"},
        headers=owner.headers)
    assert bad_preset.status_code == 422


async def test_tokens_only_for_own_sites_and_only_by_admins(ehub: Hub) -> None:
    owner_a, owner_b = await ehub.new_tenant("site-a"), await ehub.new_tenant("site-b")
    site_a = await _site(ehub, owner_a)
    foreign = await ehub.client.post(f"/sites/{site_a}/enrollment-tokens", json={},
                                     headers=owner_b.headers)
    assert foreign.status_code == 404 and site_a not in foreign.json().get("title", "")
    for role in (Role.NOC, Role.FIELD_TECH, Role.SUPPORT):
        user = await ehub.add_user(owner_a, role)
        resp = await ehub.client.post(f"/sites/{site_a}/enrollment-tokens", json={},
                                      headers=user.headers)
        assert resp.status_code == 403, role
    admin = await ehub.add_user(owner_a, Role.ADMIN)
    token = await issue(ehub, admin, site_a)
    granted = await _enroll(ehub, token)
    seen_by_b = await ehub.client.get(f"/agents/{granted['agent_id']}", headers=owner_b.headers)
    assert seen_by_b.status_code == 404
    issued = await audit(ehub, owner_a, "enrollment.token_issue")
    assert len(issued) == 1 and issued[0]["actor_id"] == str(admin.user_id)
