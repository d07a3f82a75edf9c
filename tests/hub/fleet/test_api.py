"""GET /agents/{id}/config and GET /agent-configs show each agent's versions and drift,
within the caller's tenant only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import update

from hub.fleet.models import AgentConfigState
from hub.permissions import Role
from tests.hub.fleet.conftest import Where, new_device
from tests.hub.harness import Account, Hub

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _agent(hub: Hub, owner: Account, label: str) -> Where:
    site = await hub.post(owner, "/sites", {"name": f"{label}-{uuid.uuid4().hex[:6]}"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"],
                                              "name": f"{label}-{uuid.uuid4().hex[:6]}"})
    return Where(owner.tenant_id, uuid.UUID(site["id"]), uuid.UUID(agent["id"]))


async def _config(hub: Hub, account: Account, agent_id: uuid.UUID) -> dict[str, Any]:
    resp = await hub.client.get(f"/agents/{agent_id}/config", headers=account.headers)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def _drifting(hub: Hub, account: Account) -> set[str]:
    resp = await hub.client.get("/agent-configs", params={"drift": "true"},
                                headers=account.headers)
    assert resp.status_code == 200, resp.text
    return {row["agent_id"] for row in resp.json()["data"]}


async def test_an_agent_behind_shows_drift_until_it_applies(hub: Hub) -> None:
    owner = await hub.new_tenant("fleet-api")
    noc = await hub.add_user(owner, Role.NOC)
    where = await _agent(hub, owner, "drift")
    quiet = await _agent(hub, owner, "quiet")
    sessions = hub.app.state.sessions
    await new_device(sessions, where)
    await new_device(sessions, where)
    body = await _config(hub, noc, where.agent_id)
    desired = body["desired_version"]
    assert desired >= 2  # (creating the agent may have versioned its empty config)
    assert {k: body[k] for k in ("devices", "pushed_version", "applied_version", "in_sync",
                                 "last_error")} == {
        "devices": 2, "pushed_version": 0, "applied_version": 0, "in_sync": False,
        "last_error": None}
    assert body["desired_at"] is not None and body["acked_at"] is None
    assert str(where.agent_id) in await _drifting(hub, noc)
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        await session.execute(update(AgentConfigState)
                              .where(AgentConfigState.agent_id == where.agent_id)
                              .values(pushed_version=desired, applied_version=desired,
                                      acked_at=now,
                                      last_status="rejected", last_error_code="invalid",
                                      last_error_detail="devices.0.host: bad", last_error_at=now))
    body = await _config(hub, noc, where.agent_id)
    assert body["in_sync"] is True and body["last_status"] == "rejected"
    assert body["last_error"]["code"] == "invalid" and body["last_error"]["at"] is not None
    assert str(where.agent_id) not in await _drifting(hub, noc)
    listed = (await hub.client.get("/agent-configs", headers=noc.headers)).json()["data"]
    assert {row["agent_id"] for row in listed} == {str(where.agent_id), str(quiet.agent_id)}


async def test_pages_follow_the_cursor(hub: Hub) -> None:
    owner = await hub.new_tenant("fleet-pages")
    made = {str((await _agent(hub, owner, f"p{i}")).agent_id) for i in range(3)}
    seen: list[str] = []
    params: dict[str, str] = {"limit": "2"}
    for _ in range(3):
        page = (await hub.client.get("/agent-configs", params=params,
                                     headers=owner.headers)).json()
        seen += [row["agent_id"] for row in page["data"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert sorted(seen) == sorted(made) and len(seen) == 3


async def test_another_tenant_sees_neither_the_agent_nor_its_state(hub: Hub) -> None:
    owner_a, owner_b = await hub.new_tenant("fleet-a"), await hub.new_tenant("fleet-b")
    where = await _agent(hub, owner_a, "mine")
    await new_device(hub.app.state.sessions, where)
    resp = await hub.client.get(f"/agents/{where.agent_id}/config", headers=owner_b.headers)
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("application/problem+json")
    listed = (await hub.client.get("/agent-configs", headers=owner_b.headers)).json()
    assert listed["data"] == []
    customer = await hub.add_user(owner_a, Role.CUSTOMER)
    resp = await hub.client.get(f"/agents/{where.agent_id}/config", headers=customer.headers)
    assert resp.status_code == 403
