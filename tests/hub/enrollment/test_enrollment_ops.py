"""Enrollment when things go wrong: rate limits, an unreachable broker, agent deletion."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import pytest_asyncio

from tests.hub.enrollment_support import audit, broker_hub_settings, issue
from tests.hub.harness import Account, Hub, hub_settings, one_window, running_hub
from tests.services._proc import free_port
from tests.services.mosquitto import Broker, Credentials


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def ehub(pg_url: str, mosquitto: Broker) -> AsyncIterator[Hub]:
    """The hub app with broker administration wired to the session's Mosquitto."""
    async with running_hub(broker_hub_settings(pg_url, mosquitto)) as running:
        yield running


async def _site(hub: Hub, owner: Account) -> str:
    site = await hub.post(owner, "/sites", {"name": f"ops-{secrets.token_hex(3)}"})
    return str(site["id"])


async def test_enroll_is_rate_limited_per_ip(pg_url: str, mosquitto: Broker) -> None:
    await one_window(3600)
    settings = broker_hub_settings(pg_url, mosquitto, enroll_rate_limit=3, rate_window=3600)
    async with running_hub(settings, client_ip="198.51.100.23") as hub:
        codes = [(await hub.client.post("/enroll", json={"token": f"dme_guess{i}"})).status_code
                 for i in range(5)]
        assert codes == [401, 401, 401, 429, 429]
        limited = await hub.client.post("/enroll", json={"token": "dme_guess"})
        assert int(limited.headers["Retry-After"]) >= 1
    async with running_hub(settings, migrate=False, client_ip="198.51.100.24") as other:
        assert (await other.client.post("/enroll", json={"token": "x"})).status_code == 401


async def test_unreachable_broker_answers_503_and_keeps_the_token(
        ehub: Hub, pg_url: str, mosquitto: Broker) -> None:
    owner = await ehub.new_tenant("down")
    token = await issue(ehub, owner, await _site(ehub, owner))
    dead = broker_hub_settings(pg_url, mosquitto, broker_port=free_port(), broker_timeout=2.0)
    async with running_hub(dead, migrate=False) as broken:
        resp = await broken.client.post("/enroll", json={"token": token})
        assert resp.status_code == 503 and "token is still valid" in resp.json()["detail"]
        assert (await ehub.client.get("/agents", headers=owner.headers)).json()["data"] == []
    granted = await ehub.client.post("/enroll", json={"token": token})
    assert granted.status_code == 201, granted.text


async def test_revoke_with_broker_down_changes_nothing_then_succeeds(
        ehub: Hub, pg_url: str, mosquitto: Broker) -> None:
    owner = await ehub.new_tenant("revoke-down")
    token = await issue(ehub, owner, await _site(ehub, owner))
    granted = (await ehub.client.post("/enroll", json={"token": token})).json()
    agent_id, password = granted["agent_id"], granted["broker"]["password"]
    dead = broker_hub_settings(pg_url, mosquitto, broker_port=free_port(), broker_timeout=2.0)
    async with running_hub(dead, migrate=False) as broken:
        resp = await broken.client.post(f"/agents/{agent_id}/revoke", headers=owner.headers)
        assert resp.status_code == 503 and "nothing was changed" in resp.json()["detail"]
    agent = (await ehub.client.get(f"/agents/{agent_id}", headers=owner.headers)).json()
    assert agent["status"] == "active"
    assert mosquitto.login_ok(Credentials(agent_id, password))
    done = await ehub.client.post(f"/agents/{agent_id}/revoke", headers=owner.headers)
    assert done.status_code == 200 and not mosquitto.login_ok(Credentials(agent_id, password))
    again = await ehub.client.post(f"/agents/{agent_id}/revoke", headers=owner.headers)
    assert again.status_code == 200  # idempotent: the broker says "not found", that is fine
    assert len(await audit(ehub, owner, "agent.revoke")) == 1


async def test_deleting_an_enrolled_agent_removes_its_login(ehub: Hub, mosquitto: Broker,
                                                            ) -> None:
    owner = await ehub.new_tenant("delete")
    token = await issue(ehub, owner, await _site(ehub, owner))
    granted = (await ehub.client.post("/enroll", json={"token": token})).json()
    creds = Credentials(granted["agent_id"], granted["broker"]["password"])
    assert mosquitto.login_ok(creds)
    gone = await ehub.client.delete(f"/agents/{creds.username}", headers=owner.headers)
    assert gone.status_code == 204 and not mosquitto.login_ok(creds)
    events = await audit(ehub, owner, "agent.delete")
    assert [e["target_id"] for e in events] == [creds.username]


async def test_pending_agents_need_no_broker(pg_url: str) -> None:
    async with running_hub(hub_settings(pg_url), migrate=False) as plain:
        owner = await plain.new_tenant("nobroker")
        site = await _site(plain, owner)
        agent = await plain.post(owner, "/agents", {"site_id": site, "name": "manual-1"})
        revoked = await plain.client.post(f"/agents/{agent['id']}/revoke",
                                          headers=owner.headers)
        assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
        token = await issue(plain, owner, site)
        resp = await plain.client.post("/enroll", json={"token": token})
        assert resp.status_code == 503 and "not configured" in resp.json()["detail"]
