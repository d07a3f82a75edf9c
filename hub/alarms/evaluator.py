"""The periodic evaluation of the rules the hub computes itself (telemetry, agent state, the
hub), and the availability handlers that do the same for one agent or device at once.

A pass reads each tenant's rows (`conditions.read`), asks every enabled rule which
conditions are true now (`conditions`), raises those (`service.raise_alarm`: new, re-raise
or touch) and clears the active alarms of the rule whose condition it no longer finds
(unless the rows cannot tell, e.g. the device's values are stale). A disabled rule clears
its alarms. Then cleared alarms past their time are closed and quiet event alarms expire.

Safe with several hub processes: each tenant is evaluated in a transaction holding a
PostgreSQL advisory lock taken with `pg_try_advisory_xact_lock`, so a second process skips a
tenant another one is evaluating; the partial unique index on open alarms keeps even a
racing raise to one alarm (SQLite has one process and one writer: no lock).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alarms import event_rules, service
from hub.alarms import repository as repo
from hub.alarms.conditions import RULES, Outcome, Snapshot, evaluate
from hub.alarms.conditions import read as rows
from hub.alarms.conditions.base import device_key
from hub.alarms.repository import conditions as condition_rows
from hub.alarms.repository import locks
from hub.alarms.rules import Rule, effective_rules
from hub.alarms.service import Condition
from hub.db import utcnow
from hub.ingest.events import AgentStateChanged, DeviceStateChanged
from hub.metrics import count

log = logging.getLogger("dotmac.hub.alarms.evaluator")

# pg_try_advisory_xact_lock(LOCK_SPACE, n): "ALRM"; n = a tenant's first 4 bytes, or 0 for
# the housekeeping. The two-key form never collides with ingest's one-key agent locks.
LOCK_SPACE = 0x414C524D
HOUSEKEEPING = 0
# Roots first: a child raised in the same pass then lands under its root at once.
ORDER = ("agent.offline", "device.unreachable")
HANDLER_FAILURES = "dotmac_hub_alarm_handler_failures_total"


@dataclass
class TenantReport:
    """What one tenant's evaluation did."""

    raised: int = 0
    cleared: int = 0
    failed_rules: list[str] = field(default_factory=list)


@dataclass
class PassReport:
    """What one pass over every tenant did."""

    tenants: int = 0
    skipped: int = 0  # another process held the tenant's lock
    failed: int = 0  # tenants (or the housekeeping) that failed and were rolled back
    raised: int = 0
    cleared: int = 0
    closed: int = 0
    failed_rules: list[str] = field(default_factory=list)


def evaluated_rules(rules: dict[str, Rule]) -> list[Rule]:
    """The tenant's rules this evaluator computes, roots first."""
    mine = [rule for key, rule in rules.items() if key in RULES and rule.source != "event"]
    return sorted(mine, key=lambda r: (ORDER.index(r.key) if r.key in ORDER else len(ORDER),
                                       r.key))


async def evaluate_tenant(session: AsyncSession, tenant_id: uuid.UUID,
                          now: datetime) -> TenantReport:
    """Evaluate every non-event rule of one tenant in the caller's transaction (a failing
    rule is rolled back alone, named in the report and the log)."""
    rules = evaluated_rules(await effective_rules(session, tenant_id))
    enabled = [r for r in rules if r.enabled]
    read_at = utcnow()
    snapshot = await rows.read_snapshot(session, tenant_id, enabled, now)
    report = TenantReport()
    for rule in rules:
        try:
            outcome = evaluate(snapshot, rule, now) if rule.enabled else Outcome()
            async with session.begin_nested():
                raised, cleared = await apply(session, tenant_id, rule, outcome, now,
                                              read_at=read_at)
        except Exception as exc:  # one rule's failure must not stop the others
            log.warning("alarms.rule_failed tenant=%s rule=%s error=%s: %s", tenant_id,
                        rule.key, type(exc).__name__, str(exc)[:300])
            report.failed_rules.append(rule.key)
            continue
        report.raised, report.cleared = report.raised + raised, report.cleared + cleared
    return report


@dataclass(frozen=True)
class Tracked:
    """What the evaluator needs of an alarm it may clear or raise again (columns only: the
    service loads and locks the row itself)."""

    state: str
    last_raised_at: datetime
    cleared_at: datetime | None
    updated_at: datetime


async def _tracked(session: AsyncSession, tenant_id: uuid.UUID, rule: str,
                   keys: Iterable[str] | None = None) -> dict[str, Tracked]:
    """The rule's alarms that are not closed, by dedupe key (only `keys` when given)."""
    return {key: Tracked(state, raised, cleared, updated) for key, state, raised, cleared,
            updated in await repo.not_closed(session, tenant_id, rule, keys)}


def _leave_newer(tracked: dict[str, Tracked], outcome: Outcome, read_at: datetime,
                 ) -> tuple[dict[str, Tracked], Outcome]:
    """Drop the alarms changed after the rows were read from what this pass decides."""
    newer = {key for key, alarm in tracked.items() if alarm.updated_at > read_at}
    if not newer:
        return tracked, outcome
    return ({key: alarm for key, alarm in tracked.items() if key not in newer},
            Outcome([c for c in outcome.active if c.dedupe_key not in newer],
                    outcome.unknown | newer, outcome.ended))


def _raise_time(condition: Condition, tracked: dict[str, Tracked], now: datetime) -> Condition:
    """The condition is true now: a cleared alarm whose clear is later than the start the
    rows give (a port down since before its last up reading) is raised again as of now."""
    alarm = tracked.get(condition.dedupe_key)
    if alarm is not None and alarm.state == "cleared" and alarm.cleared_at is not None \
            and condition.at <= alarm.cleared_at:
        return replace(condition, at=max(now, alarm.cleared_at))
    return condition


async def apply(session: AsyncSession, tenant_id: uuid.UUID, rule: Rule, outcome: Outcome,
                now: datetime, scope: set[str] | None = None,
                read_at: datetime | None = None) -> tuple[int, int]:
    """Raise the outcome's conditions and clear the rule's active alarms it no longer finds
    (only keys in `scope` when given). Returns (raised or touched, cleared).

    An alarm changed after `read_at` (when the outcome's rows were read) is left to the
    next pass: a state change handled meanwhile (an agent's Last Will raising its alarm)
    knows better than rows read before it."""
    tracked = await _tracked(session, tenant_id, rule.key, scope)
    if read_at is not None:
        tracked, outcome = _leave_newer(tracked, outcome, read_at)
    active = [c for c in outcome.active if scope is None or c.dedupe_key in scope]
    for condition in active:
        await service.raise_alarm(session, _raise_time(condition, tracked, now), rule)
    gone = {key: a for key, a in tracked.items() if a.state in ("raised", "acknowledged")
            and key not in outcome.active_keys() and key not in outcome.unknown}
    reason = "condition no longer true" if rule.enabled else "rule disabled"
    for key, alarm in gone.items():
        # A clear before the latest raise would be ignored: the condition is over now.
        at = outcome.ended.get(key, now)
        at = at if at >= alarm.last_raised_at else max(now, alarm.last_raised_at)
        await service.clear_alarm(session, tenant_id, key, at, reason=reason, rule=rule)
    if active or gone:
        log.info("alarms.evaluated tenant=%s rule=%s raised=%d cleared=%d", tenant_id,
                 rule.key, len(active), len(gone))
    return len(active), len(gone)


# ---- one pass over every tenant ----

def _postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def try_lock(session: AsyncSession, key: int) -> bool:
    """Take the evaluator's advisory lock `key` for this transaction, without waiting
    (always True on SQLite)."""
    if not _postgres(session):
        return True
    return await locks.try_transaction_lock(session, LOCK_SPACE, key)


def tenant_lock(tenant_id: uuid.UUID) -> int:
    """The lock number of one tenant (a signed 32-bit int, never the housekeeping's 0)."""
    return int.from_bytes(tenant_id.bytes[:4], "big", signed=True) or 1


async def tenant_ids(sessions: async_sessionmaker[AsyncSession]) -> list[uuid.UUID]:
    """Every tenant, in a stable order."""
    async with sessions() as session:
        return await condition_rows.tenant_ids(session)


async def run_pass(sessions: async_sessionmaker[AsyncSession],
                   now: datetime | None = None) -> PassReport:
    """Evaluate every tenant (each in its own transaction), then the housekeeping. `now`
    pins the time (tests); by default each tenant is evaluated at the time it starts."""
    report = PassReport()
    for tenant_id in await tenant_ids(sessions):
        await _one_tenant(sessions, tenant_id, now or utcnow(), report)
    await _housekeeping(sessions, now or utcnow(), report)
    return report


async def _one_tenant(sessions: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID,
                      now: datetime, report: PassReport) -> None:
    try:
        async with sessions() as session, session.begin():
            if not await try_lock(session, tenant_lock(tenant_id)):
                report.skipped += 1
                return
            done = await evaluate_tenant(session, tenant_id, now)
    except Exception as exc:  # the next tenant, and the next pass, still run
        report.failed += 1
        log.warning("alarms.tenant_failed tenant=%s error=%s: %s", tenant_id,
                    type(exc).__name__, str(exc)[:300])
        return
    report.tenants += 1
    report.raised, report.cleared = report.raised + done.raised, report.cleared + done.cleared
    report.failed_rules += done.failed_rules


async def _housekeeping(sessions: async_sessionmaker[AsyncSession], now: datetime,
                        report: PassReport) -> None:
    """Close cleared alarms past their rule's close_after_s, settle flapping ones, follow
    maintenance windows and shelves that began or ran out, and clear event alarms that
    clear themselves."""
    try:
        async with sessions() as session, session.begin():
            if not await try_lock(session, HOUSEKEEPING):
                return
            report.closed = await service.close_expired(session, now)
            await service.settle_windows(session, now)
            await _expire_event_alarms(session, now)
    except Exception as exc:
        report.failed += 1
        log.warning("alarms.housekeeping_failed error=%s: %s", type(exc).__name__,
                    str(exc)[:300])


async def _expire_event_alarms(session: AsyncSession, now: datetime) -> None:
    """Event alarms that clear themselves `clear_after_s` after their last raise."""
    await event_rules.clear_stale_event_alarms(session, now)


# ---- availability facts: the one agent or device, at once ----

async def _rule(session: AsyncSession, tenant_id: uuid.UUID, key: str) -> Rule | None:
    rule = (await effective_rules(session, tenant_id)).get(key)
    return rule if rule is not None and rule.enabled else None


async def _guarded(session: AsyncSession, decide: Callable[[], Awaitable[None]], handler: str,
                   subject: str) -> None:
    """Run one availability decision in a savepoint inside ingest's transaction; a failure
    is counted, logged and left to the next pass: it never fails the ingest."""
    try:
        async with session.begin_nested():
            await decide()
    except Exception as exc:
        count(HANDLER_FAILURES, "Alarm evaluations on availability changes that failed "
              "(the next pass catches up)", handler=handler)
        log.warning("alarms.handler_failed %s error=%s: %s", subject,
                    type(exc).__name__, str(exc)[:300])


async def on_agent_state_changed(session: AsyncSession, event: AgentStateChanged) -> None:
    """An agent went online or offline: decide its agent.offline alarm now (online clears
    it at once; offline with after_s 0 raises it at once)."""
    await _guarded(session, lambda: _agent_now(session, event), "agent_state",
                   f"agent_id={event.agent_id}")


async def _agent_now(session: AsyncSession, event: AgentStateChanged) -> None:
    rule = await _rule(session, event.tenant_id, "agent.offline")
    if rule is None:
        return
    now = max(utcnow(), event.at)
    # A message of (or for) the agent is being stored now: it is not silent.
    agents = [replace(a, state=event.state, state_since=event.at, last_seen_at=now)
              for a in await rows.agents(session, event.tenant_id, event.agent_id)]
    snapshot = Snapshot(event.tenant_id, agents=tuple(agents))
    key = service.dedupe_key(rule.key, event.agent_id)
    await apply(session, event.tenant_id, rule, evaluate(snapshot, rule, now), now, {key})


async def on_device_state_changed(session: AsyncSession, event: DeviceStateChanged) -> None:
    """A device became reachable or unreachable: decide its device.unreachable alarm now
    (back up clears it at once)."""
    await _guarded(session, lambda: _device_now(session, event), "device_state",
                   f"device={event.device}")


async def _device_now(session: AsyncSession, event: DeviceStateChanged) -> None:
    rule = await _rule(session, event.tenant_id, "device.unreachable")
    if rule is None:
        return
    devices = [replace(d, status=event.state, status_since=event.at)
               for d in await rows.devices(session, event.tenant_id, event.device)]
    if not devices:
        return
    now = max(utcnow(), event.at)
    snapshot = Snapshot(event.tenant_id, devices=tuple(devices))
    scope = {device_key(rule, d) for d in devices}
    await apply(session, event.tenant_id, rule, evaluate(snapshot, rule, now), now, scope)
