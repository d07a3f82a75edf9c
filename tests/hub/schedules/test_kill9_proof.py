"""THE PROOF (issue #20): two real hub processes (`dotmac-hub scheduler`) on one PostgreSQL
database, a tenant with a few hundred subscriptions, its billing schedule due. The process
holding the run is killed with SIGKILL once some but not all invoices exist; the other one
takes the run over when the lease runs out and finishes it: every subscription is invoiced
exactly once and the invoice numbers are 1..N without a gap."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select

from hub.billing.models import Customer, Invoice, Plan, Subscription, SubscriptionEvent
from hub.db import new_id
from hub.schedules.models import ScheduleRun
from tests.hub.harness import Hub
from tests.hub.schedules.support import set_schedule
from tests.services._proc import ManagedProcess

HUB = str(Path(sys.executable).parent / "dotmac-hub")
SUBSCRIPTIONS = 200  # 20 customers x 10
T = TypeVar("T")


async def until(what: str, probe: Callable[[], Awaitable[T | None]],
                deadline_s: float = 120.0) -> T:
    """Poll `probe` until it returns something, or fail naming `what`."""
    end = asyncio.get_running_loop().time() + deadline_s
    while (found := await probe()) is None:
        assert asyncio.get_running_loop().time() < end, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)
    return found


async def _tenant_with_subscriptions(hub: Hub, tenant_id: uuid.UUID, first: date) -> None:
    async with hub.app.state.sessions() as session, session.begin():
        plan = Plan(id=new_id(), tenant_id=tenant_id, name="Fibre 100", currency="EUR",
                    down_kbps=100_000, up_kbps=20_000, price_minor=2900, period="month")
        plan.family_id = plan.id
        session.add(plan)
        for c in range(SUBSCRIPTIONS // 10):
            customer = Customer(id=new_id(), tenant_id=tenant_id, name=f"Customer {c}",
                                currency="EUR")
            session.add(customer)
            for _ in range(10):
                sub = Subscription(id=new_id(), tenant_id=tenant_id, customer_id=customer.id,
                                   plan_id=plan.id, status="active", started_on=first)
                session.add(sub)
                session.add(SubscriptionEvent(
                    tenant_id=tenant_id, subscription_id=sub.id, kind="activate",
                    from_status="pending", to_status="active", plan_id=plan.id,
                    effective_on=first))


def _scheduler(pg_url: str, log: Path) -> ManagedProcess:
    env = {"DOTMAC_HUB_DATABASE_URL": pg_url, "DOTMAC_HUB_INGEST_EMBEDDED": "false",
           "DOTMAC_HUB_AUTO_MIGRATE": "false", "DOTMAC_HUB_SCHEDULER_TICK_S": "0.2",
           "DOTMAC_HUB_SCHEDULER_LEASE_S": "2", "DOTMAC_HUB_SCHEDULER_RETRY_BASE_S": "1",
           "DOTMAC_HUB_LOG_LEVEL": "info"}
    return ManagedProcess([HUB, "scheduler"], log, env=env).start()


async def test_kill_9_mid_billing_run_leaves_every_invoice_once_and_numbers_gapless(
        hub: Hub, pg_url: str, tmp_path: Path) -> None:
    owner = await hub.new_tenant("kill9")
    tenant = owner.tenant_id
    now = datetime.now(UTC)
    due = now - timedelta(seconds=1)
    today = due.date()
    await _tenant_with_subscriptions(hub, tenant, today.replace(day=1))
    sessions = hub.app.state.sessions
    schedule_id = await set_schedule(sessions, tenant, "billing.run", "0 2 * * *", due,
                                     {"day": today.day})

    async def invoices() -> int:
        async with sessions() as session:
            return int((await session.execute(select(func.count()).select_from(Invoice).where(
                Invoice.tenant_id == tenant))).scalar_one())

    async def run_row() -> ScheduleRun | None:
        async with sessions() as session:
            row: ScheduleRun | None = (await session.execute(select(ScheduleRun).where(
                ScheduleRun.schedule_id == schedule_id))).scalar_one_or_none()
            return row

    async def some_invoices() -> int | None:
        count = await invoices()
        return count if count >= 5 else None

    processes = {}
    try:
        for name in ("a", "b"):
            proc = _scheduler(pg_url, tmp_path / f"scheduler-{name}.log")
            assert proc.proc is not None
            processes[proc.proc.pid] = proc
        await until("the first invoices", some_invoices)
        claimed = await until("the run's claim", run_row)
        assert claimed.claimed_by is not None
        pid = int(claimed.claimed_by.rsplit(":", 1)[1])
        assert pid in processes, claimed.claimed_by
        os.kill(pid, signal.SIGKILL)  # mid-run: its open transaction dies with it
        at_kill = await invoices()
        assert 0 < at_kill < SUBSCRIPTIONS, "the run finished before the kill: nothing proved"

        async def finished() -> ScheduleRun | None:
            row = await run_row()
            return row if row is not None and row.status == "succeeded" else None

        done = await until("the run taken over and finished", finished)
        survivor = next(p for p in processes if p != pid)
        assert done.claimed_by is not None and done.claimed_by.endswith(f":{survivor}")
        assert done.attempt >= 2
    finally:
        for proc in processes.values():
            proc.stop()
    async with sessions() as session:
        rows = (await session.execute(select(Invoice.subscription_id, Invoice.number).where(
            Invoice.tenant_id == tenant))).all()
    per_subscription: dict[uuid.UUID, int] = {}
    for sub_id, _number in rows:
        per_subscription[sub_id] = per_subscription.get(sub_id, 0) + 1
    assert len(per_subscription) == SUBSCRIPTIONS
    assert set(per_subscription.values()) == {1}  # every subscription invoiced exactly once
    assert sorted(n for _s, n in rows) == list(range(1, SUBSCRIPTIONS + 1))  # gapless
