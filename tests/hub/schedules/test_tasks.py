"""The hub's scheduled tasks as the scheduler calls them: billing invoices each customer on
its billing day (the tenant's, or its own; 31 falls on February's last day) for the calendar
period, once; dunning takes each step once; retention deletes only what is old; backups queue
one job per device and due time."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from hub.alarms.models import DeviceEvent
from hub.billing.models import Invoice
from hub.db import new_id
from hub.handlers import (
    billing_dunning,
    billing_run,
    config_backups,
    device_event_retention,
    schedule_run_retention,
)
from hub.inventory.models import Agent, Device, Site
from hub.jobs.models import ProvisioningJob
from hub.schedules.models import Schedule, ScheduleRun
from hub.schedules.tasks import TaskContext, tasks
from tests.hub.harness import Account, Hub


def _ctx(hub: Hub, owner: Account, on: date, **params: Any) -> TaskContext:
    due = datetime(on.year, on.month, on.day, 2, tzinfo=UTC)
    return TaskContext(hub.app.state.sessions, owner.tenant_id, due, on, params)


async def _subscribed(hub: Hub, owner: Account, plan_id: str, billing_day: int | None) -> str:
    body: dict[str, Any] = {"name": f"day {billing_day}", "currency": "EUR"}
    if billing_day is not None:
        body["billing_day"] = billing_day
    customer = await hub.post(owner, "/billing/customers", body)
    assert customer["billing_day"] == billing_day
    sub = await hub.post(owner, "/billing/subscriptions",
                         {"customer_id": customer["id"], "plan_id": plan_id})
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "activate", "on": "2026-01-01"})
    return str(sub["id"])


async def _invoices(hub: Hub, tenant_id: uuid.UUID) -> list[tuple[str, date, date, int]]:
    async with hub.app.state.sessions() as session:
        rows = (await session.execute(
            select(Invoice.subscription_id, Invoice.period_start, Invoice.issued_on,
                   Invoice.number).where(Invoice.tenant_id == tenant_id)
            .order_by(Invoice.number))).all()
    return [(str(s), p, i, n) for s, p, i, n in rows]


async def test_billing_invoices_each_customer_on_its_billing_day_once(hub: Hub) -> None:
    owner = await hub.new_tenant("billday")
    refused = await hub.client.post("/billing/customers", headers=owner.headers,
                                    json={"name": "x", "currency": "EUR", "billing_day": 29})
    assert refused.status_code == 422  # 1-28: every month has it
    plan = await hub.post(owner, "/billing/plans", {
        "name": "Fibre", "currency": "EUR", "down_kbps": 100_000, "up_kbps": 20_000,
        "price_minor": 3000})
    tenant_day = await _subscribed(hub, owner, plan["id"], None)
    own_day = await _subscribed(hub, owner, plan["id"], 15)
    feb, mar = date(2026, 2, 1), date(2026, 3, 1)

    async def run(on: date) -> str:  # the tenant bills on the 31st: the month's last day
        return await billing_run(_ctx(hub, owner, on, day=31))

    # 27 February: the customer of the 15th is due (its day was missed), the tenant's not yet
    assert (await run(date(2026, 2, 27))).startswith("1 invoices issued for 2026-02-27")
    assert (await run(date(2026, 2, 28))).startswith("1 invoices issued")  # 31 -> 28 Feb
    assert (await run(date(2026, 2, 28))).startswith("0 invoices issued")  # a re-run
    assert (await run(date(2026, 3, 14))).startswith("0 ")
    await run(date(2026, 3, 15))
    assert (await run(date(2026, 3, 30))).startswith("0 ")
    await run(date(2026, 3, 31))
    assert await _invoices(hub, owner.tenant_id) == [
        (own_day, feb, date(2026, 2, 27), 1), (tenant_day, feb, date(2026, 2, 28), 2),
        (own_day, mar, date(2026, 3, 15), 3), (tenant_day, mar, date(2026, 3, 31), 4)]

    steps = await billing_dunning(_ctx(hub, owner, date(2026, 4, 1)))
    # invoices 1 and 2 (due 13 and 14 March) are 19 and 18 days late: reminder and throttle
    # each; invoice 3 (due 29 March) 3 days: reminder. Each step is taken once.
    assert steps == "5 dunning steps taken on 2026-04-01"
    assert (await billing_dunning(_ctx(hub, owner, date(2026, 4, 1)))).startswith("0 ")


async def test_a_subscription_started_after_its_billing_day_is_invoiced_at_the_next_run(
        hub: Hub) -> None:
    owner = await hub.new_tenant("lateday")
    plan = await hub.post(owner, "/billing/plans", {
        "name": "Fibre", "currency": "EUR", "down_kbps": 100_000, "up_kbps": 20_000,
        "price_minor": 3100})
    customer = await hub.post(owner, "/billing/customers", {"name": "late", "currency": "EUR"})
    sub = await hub.post(owner, "/billing/subscriptions",
                         {"customer_id": customer["id"], "plan_id": plan["id"]})
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "activate", "on": "2026-05-20"})
    # activated on the 20th, after the tenant's billing day (the 1st): the next daily run
    # invoices May (prorated from the 20th), instead of nobody until June
    await billing_run(_ctx(hub, owner, date(2026, 5, 21), day=1))
    assert [(p, i) for _s, p, i, _n in await _invoices(hub, owner.tenant_id)] == [
        (date(2026, 5, 1), date(2026, 5, 21))]


async def test_retention_deletes_only_old_device_events(hub: Hub) -> None:
    owner = await hub.new_tenant("retention")
    now = datetime.now(UTC)
    async with hub.app.state.sessions() as session, session.begin():
        for age in (1, 89, 91, 400):
            session.add(DeviceEvent(
                tenant_id=owner.tenant_id, event_id=uuid.uuid4(), agent_id=uuid.uuid4(),
                site_id=uuid.uuid4(), source="10.0.0.1", origin="syslog", event_type="x",
                severity="info", received_at=now - timedelta(days=age)))
    ctx = TaskContext(hub.app.state.sessions, owner.tenant_id, now, now.date(), {"days": 90})
    assert (await device_event_retention(ctx)).startswith("2 device events")
    async with hub.app.state.sessions() as session:
        left = (await session.execute(select(func.count()).select_from(DeviceEvent).where(
            DeviceEvent.tenant_id == owner.tenant_id))).scalar_one()
    assert left == 2


async def test_run_retention_keeps_failures_and_billing_longer_than_routine_successes(
        hub: Hub) -> None:
    """Sweeps every few minutes write thousands of runs a day: their successes go after
    routine_days (2); failures and billing runs stay the full days (180); each schedule
    keeps its newest finished run whatever its age."""
    owner = await hub.new_tenant("run-retention")
    now = datetime(2026, 12, 5, 3, 45, tzinfo=UTC)
    runs = {  # kind -> [(days ago, status)], oldest first; the last is the newest
        "access.coa_sweep": [(200, "failed"), (5, "succeeded"), (4, "failed"),
                             (1, "succeeded"), (0.1, "succeeded")],
        "billing.run": [(200, "succeeded"), (30, "succeeded"), (0.5, "succeeded")]}
    async with hub.app.state.sessions() as session, session.begin():
        for kind, rows in runs.items():
            schedule = Schedule(tenant_id=owner.tenant_id, kind=kind, cron="0 * * * *",
                                next_due_at=now)
            session.add(schedule)
            await session.flush()
            session.add_all(ScheduleRun(
                tenant_id=owner.tenant_id, schedule_id=schedule.id, kind=kind,
                due_at=now - timedelta(days=ago), status=status, attempt=1,
                finished_at=now - timedelta(days=ago)) for ago, status in rows)
    ctx = TaskContext(hub.app.state.sessions, owner.tenant_id, now, now.date(),
                      {"days": 180, "routine_days": 2})
    assert (await schedule_run_retention(ctx)).startswith("3 schedule runs deleted")
    async with hub.app.state.sessions() as session:
        left = (await session.execute(
            select(ScheduleRun.kind, ScheduleRun.status, ScheduleRun.due_at)
            .where(ScheduleRun.tenant_id == owner.tenant_id)
            .order_by(ScheduleRun.kind, ScheduleRun.due_at))).all()
    kept = [(kind, status, round((now - due).total_seconds() / 86400, 1))
            for kind, status, due in left]
    assert kept == [("access.coa_sweep", "failed", 4.0), ("access.coa_sweep", "succeeded", 1.0),
                    ("access.coa_sweep", "succeeded", 0.1), ("billing.run", "succeeded", 30.0),
                    ("billing.run", "succeeded", 0.5)]


async def test_backups_queue_one_job_per_device_and_due_time(hub: Hub) -> None:
    owner = await hub.new_tenant("backups")
    tid = owner.tenant_id
    async with hub.app.state.sessions() as session, session.begin():
        site = Site(id=new_id(), tenant_id=tid, name="pop1")
        session.add(site)
        await session.flush()  # no relationship() orders the inserts
        agent = Agent(id=new_id(), tenant_id=tid, site_id=site.id, name="pop1-a",
                      status="active")
        session.add(agent)
        await session.flush()
        for name, profile, agent_id in (("core1", "cisco_nxos", agent.id),
                                        ("ups1", "apc_powernet", agent.id),
                                        ("lonely", "cisco_nxos", None)):
            session.add(Device(tenant_id=tid, site_id=site.id, agent_id=agent_id, name=name,
                               management_address="192.0.2.1", profile=profile))
    ctx = TaskContext(hub.app.state.sessions, tid, datetime.now(UTC), date.today(), {})
    assert await config_backups(ctx) == ("1 backup jobs queued (0 already, 1 devices whose "
                                         "profile has no backup_config)")
    assert (await config_backups(ctx)).startswith("0 backup jobs queued (1 already")
    async with hub.app.state.sessions() as session:
        jobs = (await session.execute(select(ProvisioningJob.device_name, ProvisioningJob.action)
                                      .where(ProvisioningJob.tenant_id == tid))).all()
    assert [tuple(j) for j in jobs] == [("core1", "backup_config")]


async def test_every_registered_task_runs_for_a_tenant_with_nothing_to_do(hub: Hub) -> None:
    owner = await hub.new_tenant("empty")
    now = datetime.now(UTC)
    summaries = {}
    for spec in tasks():
        ctx = TaskContext(hub.app.state.sessions, owner.tenant_id, now, now.date(), spec.params)
        summaries[spec.kind] = await spec.fn(ctx)
    assert set(summaries) == {
        "billing.run", "billing.dunning", "billing.usage_caps", "jobs.backups",
        "access.stale_sessions", "access.coa_sweep", "access.reconcile_answers",
        "ipam.release_quarantined",
        "idempotency.purge", "retention.device_events", "retention.schedule_runs"}
    assert summaries["access.stale_sessions"] == "0 stale subscriber sessions closed"
    assert summaries["ipam.release_quarantined"] == "0 quarantined addresses released"
    assert summaries["access.coa_sweep"] == "0 unsent CoA / Disconnect-Requests sent"
    assert summaries["access.reconcile_answers"] == "sql backend off: 0 answer rows removed"
    assert summaries["idempotency.purge"].startswith("0 idempotency keys")
    assert "checked=0" in summaries["billing.usage_caps"]
    assert summaries["billing.run"].startswith("0 invoices issued")
