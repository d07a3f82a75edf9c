"""Billing transitions become provisioning jobs; job outcomes come back to the subscription.

Jobs are moved through the same functions the dispatcher and the ingest use (`move`,
`apply_progress`, `apply_result`, `JobDispatcher.expire`); the agent side is in
test_dunning_network.py.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func, select, update

from hub.billing.models import NetworkAction, Subscription
from hub.billing.network import THROTTLE_KBPS, JobNetworkActions
from hub.jobs.dispatcher import JobDispatcher
from hub.jobs.models import ProvisioningJob
from hub.jobs.results import apply_progress, apply_result
from hub.jobs.transitions import move
from hub.principal import Principal
from protocol import JobErrorCode, JobProgress, JobResult
from tests.hub.billing.matrix import customer
from tests.hub.harness import Account, Hub

PORT = "GigabitEthernet0/2"


async def _device(hub: Hub, owner: Account, with_agent: bool = True) -> dict[str, Any]:
    site = await hub.post(owner, "/sites", {"name": f"s-{secrets.token_hex(3)}"})
    body = {"site_id": site["id"], "name": f"sw-{secrets.token_hex(3)}",
            "management_address": "192.0.2.20", "profile": "cisco_ios"}
    if with_agent:
        agent = await hub.post(owner, "/agents", {"site_id": site["id"],
                                                  "name": f"a-{secrets.token_hex(3)}"})
        body["agent_id"] = agent["id"]
    return await hub.post(owner, "/devices", body)


async def _subscription(hub: Hub, owner: Account, device: dict[str, Any] | None,
                        ) -> dict[str, Any]:
    plan = await hub.post(owner, "/billing/plans", {
        "name": "Fibre 100 / 20", "currency": "EUR", "down_kbps": 100_000, "up_kbps": 20_000,
        "price_minor": 3000})
    body: dict[str, Any] = {"customer_id": (await customer(hub, owner))["id"],
                            "plan_id": plan["id"]}
    if device is not None:
        body |= {"device_id": device["id"], "port": PORT, "if_index": 2}
    return await hub.post(owner, "/billing/subscriptions", body)


async def _step(hub: Hub, owner: Account, sub: dict[str, Any], **body: Any) -> dict[str, Any]:
    return await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions", body)


async def _get(hub: Hub, owner: Account, sub: dict[str, Any]) -> dict[str, Any]:
    resp = await hub.client.get(f"/billing/subscriptions/{sub['id']}", headers=owner.headers)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def _rows(hub: Hub, sub_id: str) -> list[NetworkAction]:
    async with hub.app.state.sessions() as session:
        query = (select(NetworkAction).where(NetworkAction.subscription_id == uuid.UUID(sub_id))
                 .order_by(NetworkAction.created_at, NetworkAction.id))
        return list((await session.execute(query)).scalars())


async def _job(hub: Hub, job_id: uuid.UUID | None) -> ProvisioningJob:
    assert job_id is not None
    async with hub.app.state.sessions() as session:
        job: ProvisioningJob = await session.get_one(ProvisioningJob, job_id)
        return job


async def _finish(hub: Hub, job_id: uuid.UUID | None,
                  outcome: Literal["succeeded", "failed"] = "succeeded") -> None:
    """Dispatch, report progress and the result as the dispatcher and the ingest do."""
    job = await _job(hub, job_id)
    now = datetime.now(UTC)
    async with hub.app.state.sessions() as session:
        assert await move(session, job.id, "dispatched", "dispatcher") == "queued"
        await apply_progress(session, job.agent_id, job.tenant_id, JobProgress(
            agent_id=str(job.agent_id), seq=1, ts=now, job_id=job.id, state="running",
            step="apply"))
        code = JobErrorCode.COMMAND_REJECTED if outcome == "failed" else None
        await apply_result(session, job.agent_id, job.tenant_id, JobResult(
            agent_id=str(job.agent_id), seq=2, ts=now, job_id=job.id, outcome=outcome,
            error_code=code, started_at=now, finished_at=now))
        await session.commit()


async def test_each_transition_queues_the_profile_actions(hub: Hub) -> None:
    owner = await hub.new_tenant("net-jobs")
    device = await _device(hub, owner)
    sub = await _subscription(hub, owner, device)
    await _step(hub, owner, sub, action="activate", on="2026-03-01")
    await _step(hub, owner, sub, action="suspend", mode="throttle", on="2026-03-20")
    await _step(hub, owner, sub, action="resume", on="2026-03-22")
    await _step(hub, owner, sub, action="suspend", mode="disconnect", on="2026-03-25")
    await _step(hub, owner, sub, action="terminate", on="2026-03-31", waive_minimum_term=True)
    rows = await _rows(hub, sub["id"])
    plan_rate = {"interface": PORT, "rate_kbps": 100_000, "plan": "Fibre-100-20"}
    assert [(r.action, r.job_action, r.params) for r in rows] == [
        ("activate", "resume_customer", {"interface": PORT}),
        ("activate", "change_plan", plan_rate),
        ("suspend", "set_port_speed", {"interface": PORT, "rate_kbps": THROTTLE_KBPS}),
        ("resume", "resume_customer", {"interface": PORT}),
        ("resume", "change_plan", plan_rate),
        ("suspend", "suspend_customer", {"interface": PORT}),
        ("terminate", "suspend_customer", {"interface": PORT})]
    assert rows[0].request_id == rows[1].request_id == rows[0].id != rows[2].request_id
    for row in rows:
        job = await _job(hub, row.job_id)
        assert (job.state, job.device_id, job.action, job.params) == (
            "queued", uuid.UUID(device["id"]), row.job_action, row.params)
        assert job.idempotency_key == f"billing-{row.id}" and job.requested_by == owner.user_id
        assert row.status == "requested" and row.reason is None


async def test_a_retried_submission_finds_the_same_job(hub: Hub) -> None:
    owner = await hub.new_tenant("net-retry")
    sub = await _subscription(hub, owner, await _device(hub, owner))
    await _step(hub, owner, sub, action="activate", on="2026-03-01")
    first = (await _rows(hub, sub["id"]))[0]
    principal = Principal(kind="user", id=owner.user_id, tenant_id=owner.tenant_id,
                          permissions=frozenset(), roles=("owner",))
    async with hub.app.state.sessions() as session:
        row = await session.get_one(NetworkAction, first.id)
        target = await session.get_one(Subscription, row.subscription_id)
        network = JobNetworkActions(session, principal)
        again = [await network.submit(row, target) for _ in range(2)]
        await session.commit()
        count = (await session.execute(select(func.count()).select_from(ProvisioningJob).where(
            ProvisioningJob.idempotency_key == f"billing-{first.id}"))).scalar_one()
    assert again == [first.job_id, first.job_id] and count == 1


async def test_job_outcomes_drive_network_state_and_the_flag(hub: Hub) -> None:
    owner = await hub.new_tenant("net-outcome")
    sub = await _subscription(hub, owner, await _device(hub, owner))
    active = await _step(hub, owner, sub, action="activate", on="2026-03-01")
    assert (active["network_state"], active["out_of_sync"]) == ("none", True)  # in flight
    enable, rate = await _rows(hub, sub["id"])
    assert active["network_jobs"] == [str(enable.job_id), str(rate.job_id)]  # to follow
    await _finish(hub, enable.job_id)
    got = await _get(hub, owner, sub)
    assert (got["network_state"], got["out_of_sync"]) == ("none", True)  # half done
    await _finish(hub, rate.job_id)
    got = await _get(hub, owner, sub)
    assert (got["network_state"], got["out_of_sync"], got["network_problem"]) == (
        "active", False, None)
    assert [r.status for r in await _rows(hub, sub["id"])] == ["succeeded", "succeeded"]

    await _step(hub, owner, sub, action="suspend", mode="disconnect", on="2026-03-20")
    shut = (await _rows(hub, sub["id"]))[-1]
    await _finish(hub, shut.job_id, "failed")
    got = await _get(hub, owner, sub)
    assert (got["status"], got["network_state"], got["out_of_sync"]) == (
        "suspended", "active", True)
    assert got["network_problem"] == (f"suspend suspend_customer: failed: job {shut.job_id} "
                                      "failed (command_rejected)")
    assert got["network_jobs"] == [str(shut.job_id)]


async def test_cancelled_and_expired_jobs_mark_the_request_failed(hub: Hub) -> None:
    owner = await hub.new_tenant("net-expire")
    sub = await _subscription(hub, owner, await _device(hub, owner))
    await _step(hub, owner, sub, action="activate", on="2026-03-01")
    enable, rate = await _rows(hub, sub["id"])
    resp = await hub.client.post(f"/jobs/{enable.job_id}/cancel", headers=owner.headers)
    assert resp.status_code == 200, resp.text
    async with hub.app.state.sessions() as session:
        await session.execute(update(ProvisioningJob).where(ProvisioningJob.id == rate.job_id)
                              .values(deadline=datetime.now(UTC) - timedelta(seconds=1)))
        await session.commit()
    assert await JobDispatcher(hub.app.state.sessions, _NoPublish()).expire() >= 1
    enable, rate = await _rows(hub, sub["id"])
    assert (enable.status, enable.reason) == ("failed", f"job {enable.job_id} cancelled")
    assert (rate.status, rate.reason) == ("failed", f"job {rate.job_id} expired (expired)")
    assert enable.completed_at is not None and rate.completed_at is not None
    got = await _get(hub, owner, sub)
    assert got["out_of_sync"] is True


async def test_no_device_or_no_agent_is_flagged_not_refused(hub: Hub) -> None:
    owner = await hub.new_tenant("net-skip")
    loose = await _subscription(hub, owner, None)
    got = await _step(hub, owner, loose, action="activate", on="2026-03-01")
    assert (got["status"], got["network_state"], got["out_of_sync"]) == ("active", "none", True)
    assert got["network_problem"] == ("activate resume_customer: skipped: no device bound to "
                                      "the subscription; set its device_id and port")
    assert {(r.status, r.job_id) for r in await _rows(hub, loose["id"])} == {("skipped", None)}

    orphan = await _device(hub, owner, with_agent=False)
    sub = await _subscription(hub, owner, orphan)
    got = await _step(hub, owner, sub, action="activate", on="2026-03-01")
    assert (got["status"], got["out_of_sync"]) == ("active", True)
    rows = await _rows(hub, sub["id"])
    assert [(r.status, r.job_id) for r in rows] == [("failed", None), ("failed", None)]
    assert rows[0].reason is not None and "no agent polls it" in rows[0].reason


async def test_a_plan_change_while_suspended_waits_for_the_resume(hub: Hub) -> None:
    owner = await hub.new_tenant("net-defer")
    device = await _device(hub, owner)
    sub = await _subscription(hub, owner, device)
    faster = await hub.post(owner, "/billing/plans", {
        "name": "Fibre 500", "currency": "EUR", "down_kbps": 500_000, "up_kbps": 100_000,
        "price_minor": 4500})
    await _step(hub, owner, sub, action="activate", on="2026-03-01")
    await _step(hub, owner, sub, action="suspend", mode="disconnect", on="2026-03-10")
    for row in await _rows(hub, sub["id"]):
        await _finish(hub, row.job_id)
    got = await _step(hub, owner, sub, action="change_plan", plan_id=faster["id"],
                      on="2026-03-12")
    assert (got["network_state"], got["out_of_sync"]) == ("suspended", False)
    assert got["network_problem"] is None  # a deliberate deferral is not a problem
    deferred = (await _rows(hub, sub["id"]))[-1]
    assert (deferred.action, deferred.status, deferred.job_id) == ("change_speed", "deferred",
                                                                   None)
    assert deferred.reason is not None and "applied when service resumes" in deferred.reason
    await _step(hub, owner, sub, action="resume", on="2026-03-15")
    last = (await _rows(hub, sub["id"]))[-1]
    assert (last.job_action, last.params) == (
        "change_plan", {"interface": PORT, "rate_kbps": 500_000, "plan": "Fibre-500"})


class _NoPublish:
    """The expiry sweep never publishes; a publish here would be a bug."""

    async def publish(self, topic: str, payload: bytes) -> None:
        raise AssertionError(f"expire() published to {topic}")
