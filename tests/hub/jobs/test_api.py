"""Job API rules at the real hub: hostile parameters never get accepted, an Idempotency-Key
replays or is refused for another body (422), and only a queued job can be cancelled."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from tests.hub.idempotency.support import rows
from tests.hub.jobs.conftest import Stack, create_job, new_site, stack, wait_job
from tests.ssh_sim import Simulator

__all__ = ["stack"]
PORT = "GigabitEthernet0/2"
pytestmark = pytest.mark.asyncio(loop_scope="session")

HOSTILE: list[dict[str, Any]] = [
    {"interface": "Gi0/2\nno shutdown"},                 # a second command line
    {"interface": "Gi0/2; reload"},                      # a command separator
    {"interface": "Gi0/2 | include x"},                  # a pipe
    {"interface": "{{ config.items() }}"},               # template syntax
    {"interface": "{% for x in y %}{% endfor %}"},       # template statements
    {"interface": "Gi" + "0" * 5000},                    # over-long
    {"interface": PORT, "extra": "no shutdown"},         # a parameter the schema lacks
    {"interface": 7},                                    # wrong type
    {},                                                  # missing the required one
    {"interface": PORT, "password": "s3cret"},           # credentials never travel in jobs
]


async def post_job(stack: Stack, body: dict[str, Any], key: str) -> Any:
    """POST /jobs as the owner with an explicit Idempotency-Key."""
    headers = {**stack.owner.headers, "Idempotency-Key": key}
    return await stack.hub.client.post("/jobs", headers=headers, json=body)


async def jobs_of(stack: Stack, device_id: str) -> list[dict[str, Any]]:
    """Every job of a device, as the API lists them."""
    resp = await stack.hub.client.get("/jobs", headers=stack.owner.headers,
                                      params={"device_id": device_id})
    assert resp.status_code == 200, resp.text
    data: list[dict[str, Any]] = resp.json()["data"]
    return data


@pytest.mark.parametrize("params", HOSTILE, ids=lambda p: repr(p)[:40])
async def test_hostile_params_are_refused_before_acceptance(
        stack: Stack, ssh_sim: Simulator, tmp_path: Path, params: dict[str, Any]) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    site = await new_site(stack, dev, tmp_path)
    resp = await post_job(stack, {"device_id": site.device_id, "action": "suspend_customer",
                                  "params": params}, secrets.token_hex(8))
    assert resp.status_code == 422, resp.text
    problem = resp.json()
    assert problem["status"] == 422
    # The refusal names what is wrong without echoing a hostile value back.
    assert "reload" not in problem["detail"] and "s3cret" not in problem["detail"]
    assert await jobs_of(stack, site.device_id) == []
    assert dev.state.logins == 0


async def test_unknown_action_and_deviceless_requests_are_refused(
        stack: Stack, ssh_sim: Simulator, tmp_path: Path) -> None:
    site = await new_site(stack, ssh_sim.add_device("cisco_ios"), tmp_path)
    resp = await post_job(stack, {"device_id": site.device_id, "action": "format_flash",
                                  "params": {}}, secrets.token_hex(8))
    assert resp.status_code == 422, resp.text
    assert "format_flash" in resp.json()["detail"]
    resp = await post_job(stack, {"device_id": "00000000-0000-0000-0000-000000000001",
                                  "action": "get_facts", "params": {}}, secrets.token_hex(8))
    assert resp.status_code in (404, 422), resp.text
    assert await jobs_of(stack, site.device_id) == []


async def test_idempotency_key_replays_the_same_body_and_refuses_another(
        stack: Stack, ssh_sim: Simulator, tmp_path: Path) -> None:
    site = await new_site(stack, ssh_sim.add_device("cisco_ios"), tmp_path)
    key = secrets.token_hex(8)
    body = {"device_id": site.device_id, "action": "suspend_customer",
            "params": {"interface": PORT}}
    first = await post_job(stack, body, key)
    assert first.status_code == 201, first.text
    again = await post_job(stack, body, key)  # the first answer again (docs/api.md)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    other = await post_job(stack, {**body, "params": {"interface": "GigabitEthernet0/3"}}, key)
    assert other.status_code == 422, other.text
    assert other.json()["type"].endswith("/idempotency-key-reused")
    assert key in other.json()["detail"]
    # Past the 24 h replay the job still knows its key: same body, the job; another, 422.
    await rows(stack.hub, "DELETE FROM idempotency_keys WHERE key = :k", k=key)
    later = await post_job(stack, body, key)
    assert later.status_code == 200 and later.json()["id"] == first.json()["id"], later.text
    await rows(stack.hub, "DELETE FROM idempotency_keys WHERE key = :k", k=key)
    other = await post_job(stack, {**body, "params": {"interface": "GigabitEthernet0/3"}}, key)
    assert other.status_code == 422 and key in other.json()["detail"], other.text
    assert [j["id"] for j in await jobs_of(stack, site.device_id)] == [first.json()["id"]]


async def test_only_a_queued_job_can_be_cancelled(
        stack: Stack, ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    site = await new_site(stack, dev, tmp_path)  # its agent never starts
    first = await create_job(stack, site.device_id, "suspend_customer", interface=PORT)
    await wait_job(stack, first["id"], lambda j: j["state"] == "dispatched")
    # One active job per device: the second waits in the queue behind the first.
    second = await create_job(stack, site.device_id, "resume_customer", interface=PORT)
    assert second["state"] == "queued"

    client, headers = stack.hub.client, stack.owner.headers
    resp = await client.post(f"/jobs/{second['id']}/cancel", headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.json()["state"] == "cancelled" and resp.json()["finished_at"] is not None
    detail = (await client.get(f"/jobs/{second['id']}", headers=headers)).json()
    assert [(h["from_state"], h["to_state"]) for h in detail["history"]] == [
        (None, "queued"), ("queued", "cancelled")]
    assert detail["history"][-1]["actor"] == f"user:{stack.owner.user_id}"

    for job_id, state in ((second["id"], "cancelled"), (first["id"], "dispatched")):
        resp = await client.post(f"/jobs/{job_id}/cancel", headers=headers)
        assert resp.status_code == 409, resp.text
        assert state in resp.json()["detail"]
    assert (await client.get(f"/jobs/{first['id']}", headers=headers)).json()["state"] == \
        "dispatched"
    assert dev.state.logins == 0
