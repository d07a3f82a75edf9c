"""The composition root of domain events: which domain reacts to which other domain's facts.

Every entry point calls `wire()` once at start-up (the API app in `hub.app.create_app`, the
standalone ingest worker, dispatcher and webhook worker in `hub.cli`), so every process reacts
the same way. It starts from an empty registry, so calling it again changes nothing.

Billing reaches the network through the factory installed here: RADIUS subscribers get CoA /
Disconnect-Request (hub.access.modes), everyone else port jobs. A terminated subscription's
addresses and VLANs go back to IPAM (quarantined) through SubscriptionChanged.

`wire()` also registers what the tenants' schedules run (`register_tasks`: billing runs,
dunning, usage caps, retention, backups, stale sessions, IPAM quarantine; docs/scheduling.md):
each domain exposes a plain async function, adapted here to `hub.schedules.tasks.TaskContext`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hub import domain_events
from hub.access import answers as radius_answers
from hub.access.modes import subscriber_network_actions, sweep_coa
from hub.access.sessions.service import close_stale_sessions, session_usage_hours
from hub.alarms.evaluator import on_agent_state_changed, on_device_state_changed
from hub.alarms.event_rules import on_device_events_reported
from hub.alarms.events import AlarmChanged
from hub.alarms.notify.staging import on_alarm_changed
from hub.alarms.repository import device_events
from hub.api.idempotency import purge_expired
from hub.billing.caps import enforce_usage_caps
from hub.billing.documents.issue import on_invoice_finalized
from hub.billing.events import SubscriptionChanged
from hub.billing.invoicing import InvoiceFinalized
from hub.billing.network import on_job_finished, use_network_actions
from hub.billing.repository.subscriptions import Subscriptions
from hub.billing.service import (
    invoice_one_scheduled,
    scheduled_billing_due,
    scheduled_dunning,
    scheduler_principal,
)
from hub.billing.usage import register_radius_usage
from hub.domain_events import DomainEvents
from hub.errors import ProblemError
from hub.fleet.acks import on_config_reported
from hub.fleet.discovery.service import on_discovery_reported
from hub.fleet.versioning import on_edge_config_changed
from hub.ingest.events import (
    AgentStateChanged,
    ConfigReported,
    DeviceEventsReported,
    DeviceStateChanged,
    DiscoveryReported,
    JobReported,
)
from hub.inventory.events import EdgeConfigChanged
from hub.inventory.repository import DeviceRepository
from hub.ipam.service import on_subscription_changed as ipam_on_subscription_changed
from hub.ipam.service import register_subscription_check, release_quarantined
from hub.jobs.backups import BACKUP_ACTION
from hub.jobs.events import JobFinished
from hub.jobs.results import on_job_reported
from hub.jobs.schemas import JobCreate
from hub.jobs.service import JobService
from hub.pagination import PageParams
from hub.schedules import repository as schedule_rows
from hub.schedules.tasks import TaskContext, register_task, unregister_all


def wire(bus: DomainEvents | None = None) -> DomainEvents:
    """Register every handler on `bus` (the process's registry by default) and return it."""
    bus = domain_events.bus if bus is None else bus
    bus.clear()
    # An agent's job report moves its job (jobs owns the state machine).
    bus.subscribe(JobReported, on_job_reported)
    # A finished job settles the billing network step that asked for it.
    bus.subscribe(JobFinished, on_job_finished)
    # An issued invoice or credit note gets its PDF, stored once, and its mail staged.
    bus.subscribe(InvoiceFinalized, on_invoice_finalized)
    # An inventory change (device, credential set, agent) re-versions the agents' configs.
    bus.subscribe(EdgeConfigChanged, on_edge_config_changed)
    # What agents say about their configuration and their discoveries.
    bus.subscribe(ConfigReported, on_config_reported)
    bus.subscribe(DiscoveryReported, on_discovery_reported)
    # Alarms: what devices said (traps, syslog) and availability changes decide alarms at
    # once; every alarm change stages the notifications its tenant's policies owe.
    bus.subscribe(DeviceEventsReported, on_device_events_reported)
    bus.subscribe(AgentStateChanged, on_agent_state_changed)
    bus.subscribe(DeviceStateChanged, on_device_state_changed)
    bus.subscribe(AlarmChanged, on_alarm_changed)
    # Subscriber access: billing's network steps per subscriber (CoA or port jobs); IPAM
    # takes a terminated subscription's addresses back and checks the ids it is given.
    use_network_actions(subscriber_network_actions)
    register_radius_usage(session_usage_hours)  # plans whose GB usage comes from RADIUS
    bus.subscribe(SubscriptionChanged, ipam_on_subscription_changed)
    register_subscription_check(lambda s, t, i: Subscriptions(s, t).find(i))
    # A subscription's materialized RADIUS answer (sql backend) is rebuilt when its inputs
    # change (after IPAM's reaction above), and by the listener on every commit.
    bus.subscribe(SubscriptionChanged, radius_answers.on_subscription_changed)
    radius_answers.install()
    register_tasks()
    return bus


# ---- scheduled tasks (hub.schedules runs them per tenant; docs/scheduling.md) ----


def register_tasks() -> None:
    """Register what every tenant's schedules run (again: the registry starts empty)."""
    unregister_all()
    register_task("billing.run", billing_run, default_cron="0 2 * * *", catch_up="all",
                  default_params={"day": 1}, check_params=_billing_params,
                  description="Invoice the calendar period of every subscription not yet "
                  "invoiced for it whose customer's billing day (else params.day) has come by "
                  "the local day; one invoice per transaction")
    register_task("billing.dunning", billing_dunning, default_cron="0 6 * * *",
                  catch_up="all", description="Take the dunning steps due on the local day "
                  "(reminder, throttle, suspend; quiet days per the dunning policy)")
    register_task("retention.device_events", device_event_retention,
                  default_cron="30 3 * * *", default_params={"days": 90},
                  check_params=_days_params, description="Delete device events (traps, "
                  "syslog) received more than params.days ago")
    register_task("retention.schedule_runs", schedule_run_retention,
                  default_cron="45 3 * * *", default_params={"days": 180, "routine_days": 2},
                  check_params=_run_retention_params, description="Delete finished schedule "
                  "runs due more than params.days ago, and succeeded runs of the routine "
                  "(non-billing) tasks after params.routine_days (each schedule keeps its "
                  "newest)")
    register_task("jobs.backups", config_backups, default_cron="0 4 * * *",
                  description="Queue a backup_config job for every enabled device with an "
                  "agent whose profile can back up its configuration")
    register_task("billing.usage_caps", usage_caps, default_cron="15 * * * *",
                  description="Throttle subscriptions over their plan's GB cap (cap_action "
                  "throttle), restore them when a new billing period starts")
    register_task("access.stale_sessions", stale_sessions, default_cron="*/5 * * * *",
                  description="Close subscriber sessions whose accounting went silent (a lost "
                  "Stop, a NAS that died)")
    register_task("access.coa_sweep", coa_sweep, default_cron="*/2 * * * *",
                  description="Send the CoA / Disconnect-Requests a stopped hub process wrote "
                  "and never sent")
    register_task("ipam.release_quarantined", quarantine_release, default_cron="*/15 * * * *",
                  description="Free the addresses whose quarantine after release has ended")
    register_task("access.reconcile_answers", reconcile_radius_answers,
                  default_cron="*/10 * * * *", description="Rebuild every subscriber's "
                  "materialized RADIUS answer (FreeRADIUS sql backend) to repair drift; with "
                  "the rest backend, remove them")
    register_task("idempotency.purge", idempotency_purge, default_cron="5 * * * *",
                  description="Delete Idempotency-Key records past their retention "
                  "(DOTMAC_HUB_IDEMPOTENCY_RETENTION_H)")


def _int_param(params: dict[str, Any], name: str, low: int, high: int) -> None:
    value = params.get(name)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                              or not low <= value <= high):
        raise ValueError(f"{name}: an integer from {low} to {high}, got {value!r}")


def _billing_params(params: dict[str, Any]) -> None:
    """day: the tenant's billing day of the month (31: the last day of every month)."""
    _int_param(params, "day", 1, 31)


def _days_params(params: dict[str, Any]) -> None:
    """days: how long rows are kept."""
    _int_param(params, "days", 1, 3650)


def _run_retention_params(params: dict[str, Any]) -> None:
    """days: how long finished runs are kept; routine_days: succeeded routine runs."""
    _int_param(params, "days", 1, 3650)
    _int_param(params, "routine_days", 1, 3650)


# Runs kept the full retention even when they succeeded: the billing trail.
KEPT_RUN_KINDS = ("billing.run", "billing.dunning")


async def billing_run(ctx: TaskContext) -> str:
    """Invoice, on the local day, each subscription not yet invoiced for its period whose
    customer's billing day has come (normally: is today; after a missed day or a late start:
    the first run after it). One transaction per invoice (a process killed mid-run leaves
    every committed invoice and no gap in the numbers; the run taken over skips what exists).
    A subscription that cannot be invoiced (no tax rate...) does not stop the others; the run
    then fails and is retried."""
    day, tenant_day = ctx.local_date, int(ctx.params.get("day", 1))
    async with ctx.sessions() as session:
        due = await scheduled_billing_due(session, ctx.tenant_id, day, tenant_day)
    made, failed = 0, []
    for sub_id, kind in due:
        try:
            async with ctx.sessions() as session:
                made += await invoice_one_scheduled(session, ctx.tenant_id, sub_id, kind, day)
        except ProblemError as exc:
            failed.append(f"subscription {sub_id}: {exc.detail}")
    summary = f"{made} invoices issued for {day.isoformat()}, {len(due) - made - len(failed)} " \
              "already invoiced"
    if failed:
        raise RuntimeError(f"{summary}; {len(failed)} failed, first: {failed[0]}")
    return summary


async def billing_dunning(ctx: TaskContext) -> str:
    """The dunning steps due on the local day."""
    async with ctx.sessions() as session:
        steps = await scheduled_dunning(session, ctx.tenant_id, ctx.local_date)
    return f"{steps} dunning steps taken on {ctx.local_date.isoformat()}"


async def device_event_retention(ctx: TaskContext) -> str:
    """Delete the tenant's device events older than params.days, in short transactions."""
    before = ctx.due_at - timedelta(days=int(ctx.params.get("days", 90)))
    total = 0
    while True:
        async with ctx.sessions() as session, session.begin():
            deleted = await device_events.purge_batch(session, ctx.tenant_id, before)
        total += deleted
        if deleted < device_events.PURGE_BATCH:
            return f"{total} device events received before {before.isoformat()} deleted"


async def schedule_run_retention(ctx: TaskContext) -> str:
    """Delete the tenant's finished runs older than params.days, and the succeeded runs of
    routine tasks (sweeps every few minutes: thousands a day) older than params.routine_days.
    Billing runs and every failure are kept the full params.days: they are the money trail
    and what an operator investigates."""
    before = ctx.due_at - timedelta(days=int(ctx.params.get("days", 180)))
    routine = ctx.due_at - timedelta(days=int(ctx.params.get("routine_days", 2)))
    async with ctx.sessions() as session, session.begin():
        deleted = await schedule_rows.purge_runs(session, ctx.tenant_id, before)
        deleted += await schedule_rows.purge_runs(
            session, ctx.tenant_id, routine, statuses=("succeeded",),
            except_kinds=KEPT_RUN_KINDS)
    return (f"{deleted} schedule runs deleted (finished before {before.isoformat()}, "
            f"routine successes before {routine.isoformat()})")


async def config_backups(ctx: TaskContext) -> str:
    """A backup_config job per enabled device with an agent, keyed by the due time: a run
    taken over after a crash finds the jobs already queued (same key) and adds none."""
    jobs = queued = skipped = 0
    after = None
    async with ctx.sessions() as session:
        service = JobService(session, scheduler_principal(ctx.tenant_id))
        while True:
            page, cursor = await DeviceRepository(session, ctx.tenant_id).page(
                PageParams(limit=200, after=after))
            for device in page:
                if not device.enabled or device.agent_id is None:
                    continue
                jobs += 1
                key = f"schedule:{ctx.due_at:%Y%m%dT%H%M%SZ}:backup:{device.id}"
                try:
                    _job, created = await service.create_in_transaction(
                        JobCreate(device_id=device.id, action=BACKUP_ACTION), key)
                except ProblemError:  # the device's profile cannot back up its config
                    skipped += 1
                    continue
                queued += created
            if cursor is None:
                break
            after = page[-1].id
        await session.commit()
    return f"{queued} backup jobs queued ({jobs - queued - skipped} already, {skipped} " \
           "devices whose profile has no backup_config)"


async def usage_caps(ctx: TaskContext) -> str:
    """Usage caps on the local day (commits once per subscription checked)."""
    async with ctx.sessions() as session:
        report = await enforce_usage_caps(session, ctx.tenant_id, ctx.local_date)
    return report.summary()


async def stale_sessions(ctx: TaskContext) -> str:
    """Close the tenant's silent subscriber sessions as of the due time."""
    async with ctx.sessions() as session, session.begin():
        closed = await close_stale_sessions(session, ctx.tenant_id, ctx.due_at)
    return f"{closed} stale subscriber sessions closed"


async def coa_sweep(ctx: TaskContext) -> str:
    """Radius actions left unsent by a process that stopped (CoA / Disconnect)."""
    sent = await sweep_coa(ctx.sessions, ctx.due_at, ctx.tenant_id)
    return f"{sent} unsent CoA / Disconnect-Requests sent"


async def quarantine_release(ctx: TaskContext) -> str:
    """Addresses out of quarantine at the due time become free (commits)."""
    async with ctx.sessions() as session:
        freed = await release_quarantined(session, ctx.tenant_id, ctx.due_at)
    return f"{freed} quarantined addresses released"


async def idempotency_purge(ctx: TaskContext) -> str:
    """The tenant's idempotency keys past their retention at the due time (commits)."""
    async with ctx.sessions() as session:
        purged = await purge_expired(session, ctx.due_at, ctx.tenant_id)
    return f"{purged} idempotency keys past their retention deleted"


async def reconcile_radius_answers(ctx: TaskContext) -> str:
    """Rebuild the tenant's materialized RADIUS answers (one transaction)."""
    async with ctx.sessions() as session:
        return await radius_answers.reconcile_answers(session, ctx.tenant_id)
