"""The full dunning timeline on real services, down to the switch port.

Hub API + PostgreSQL, the ingest worker and job dispatcher on Mosquitto, an agent runtime
and the SSH simulator (the stack of tests/hub/jobs). The billing clock is the `on`/`today`
dates of the requests; the jobs run in real time.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hub.billing.models import NetworkAction
from tests.hub.jobs.conftest import Site, Stack, final, new_site, sites, stack, wait_job
from tests.ssh_sim import SimDevice, Simulator

__all__ = ["sites", "stack"]
PORT = "GigabitEthernet0/3"
pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _call(stack: Stack, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    resp = await stack.hub.client.request(method, path, json=body, headers=stack.owner.headers)
    assert resp.status_code in (200, 201), resp.text
    result: dict[str, Any] = resp.json()
    return result


async def _settle(stack: Stack, sub_id: str, seen: int) -> list[NetworkAction]:
    """Wait until every job billing queued after the first `seen` rows succeeded."""
    async with stack.sessions() as session:
        rows = list((await session.execute(
            select(NetworkAction).where(NetworkAction.subscription_id == uuid.UUID(sub_id))
            .order_by(NetworkAction.created_at, NetworkAction.id))).scalars())
    for row in rows[seen:]:
        assert row.job_id is not None, (row.status, row.reason)
        job = await wait_job(stack, str(row.job_id), final, within_s=60)
        assert job["state"] == "succeeded", job
    return rows[seen:]


def _port(dev: SimDevice) -> tuple[bool, int | None]:
    port = dev.state.interface(PORT)
    return port.admin_up, port.rate_in_bps


async def test_dunning_suspends_the_port_and_a_payment_restores_it(
        stack: Stack, sites: list[Site], ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    site = await new_site(stack, dev, tmp_path)
    sites.append(site)
    await site.start(stack)
    customer = await _call(stack, "POST", "/billing/customers",
                           {"name": "Ana Pereira", "currency": "EUR"})
    plan = await _call(stack, "POST", "/billing/plans", {
        "name": "Fibre 50", "currency": "EUR", "down_kbps": 50_000, "up_kbps": 10_000,
        "price_minor": 3000})
    sub = await _call(stack, "POST", "/billing/subscriptions", {
        "customer_id": customer["id"], "plan_id": plan["id"], "device_id": site.device_id,
        "port": PORT, "if_index": 3})
    transitions = f"/billing/subscriptions/{sub['id']}/transitions"
    await _call(stack, "PUT", "/billing/dunning/policy", {
        "reminder_days": 3, "throttle_days": 10, "suspend_days": 20, "mode": "disconnect"})

    # 1 March: service starts; the port is enabled at the plan's rate.
    await _call(stack, "POST", transitions, {"action": "activate", "on": "2026-03-01"})
    done = await _settle(stack, sub["id"], 0)
    assert [r.job_action for r in done] == ["resume_customer", "change_plan"]
    assert _port(dev) == (True, 50_000_000)
    assert dev.state.interface(PORT).description == "plan:Fibre-50"

    # The March invoice (30.00, due 15 March) is never paid.
    invoice = (await _call(stack, "POST", "/billing/runs",
                           {"period": "2026-03-01", "today": "2026-03-01"}))["created"][0]
    assert (invoice["total_minor"], invoice["due_on"]) == (3000, "2026-03-15")

    # 18 March: reminder only, nothing on the network.
    run = await _call(stack, "POST", "/billing/dunning/runs", {"today": "2026-03-18"})
    assert [s["step"] for s in run["steps"]] == ["reminder"]
    assert _port(dev) == (True, 50_000_000)

    # 25 March: throttled; the port stays up so the payment portal is reachable.
    run = await _call(stack, "POST", "/billing/dunning/runs", {"today": "2026-03-25"})
    assert [s["step"] for s in run["steps"]] == ["throttle"]
    done = await _settle(stack, sub["id"], 2)
    assert [(r.action, r.mode, r.job_action) for r in done] == [
        ("suspend", "throttle", "set_port_speed")]
    assert _port(dev) == (True, 256_000)

    # 4 April: disconnected.
    run = await _call(stack, "POST", "/billing/dunning/runs", {"today": "2026-04-04"})
    assert [s["step"] for s in run["steps"]] == ["suspend"]
    done = await _settle(stack, sub["id"], 3)
    assert [(r.mode, r.job_action) for r in done] == [("disconnect", "suspend_customer")]
    assert _port(dev)[0] is False
    got = await _call(stack, "GET", f"/billing/subscriptions/{sub['id']}", {})
    assert (got["status"], got["network_state"], got["out_of_sync"]) == (
        "suspended", "suspended", False)

    # 6 April: the customer pays; service resumes through provisioning, fully restored.
    await _call(stack, "POST", "/billing/payments", {
        "customer_id": customer["id"], "amount_minor": 3000, "received_on": "2026-04-06"})
    done = await _settle(stack, sub["id"], 4)
    assert [(r.action, r.job_action) for r in done] == [
        ("resume", "resume_customer"), ("resume", "change_plan")]
    assert _port(dev) == (True, 50_000_000)
    got = await _call(stack, "GET", f"/billing/subscriptions/{sub['id']}", {})
    assert (got["status"], got["network_state"], got["out_of_sync"], got["network_problem"]) == (
        "active", "active", False, None)
