"""From alarm changes to owed messages: `on_alarm_changed` (the AlarmChanged handler) and the
escalation pass. Both only write rows in the caller's transaction; `AlarmNotifier` sends the
mail afterwards, and the webhook worker delivers the outbox events (signed).

- raised / re_raised / unsuppressed: every enabled policy of the tenant that matches the
  alarm now (hub.alarms.notify.policy) gets an e-mail per address and, if it wants webhooks,
  `alarm.raised`. An alarm already announced in this cycle (unsuppressed after it was
  notified, a redelivered change) adds nothing.
- cleared: only where a raised message went out or is still on its way, and only for
  policies with `notify_clear`: e-mail to the same addresses, `alarm.cleared` to webhooks.
  A port that bounces before the notifier sent the raise mail still gets both, raise first
  (the NOC wants to know a customer port went down, even briefly; the raise mail says it has
  since cleared). A raise mail that failed for good announced nothing: no clear follows.
- flapping: one `flapping` message per matching policy; the service sends no per-transition
  changes while the alarm flaps.
- acknowledged: `alarm.acknowledged` to webhooks where a raised webhook went out (no mail;
  a raised webhook is handed to the outbox when staged, so it is never still pending).
- escalation: an alarm raised and not acknowledged `escalate_after_min` after its raise gets
  one `escalated` e-mail to `escalate_emails` (the policy's own addresses when empty) and
  `alarm.escalated`, once per cycle (history "escalated").
One webhook event goes out per change even when several policies want webhooks: the
endpoints (and their type filters) are the tenant's, not the policy's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms.events import AlarmChanged
from hub.alarms.models import Alarm, AlarmHistory, NotificationPolicy
from hub.alarms.notify import repository as rows
from hub.alarms.notify.policy import matches
from hub.db import utcnow
from hub.events.catalog import record_event

log = logging.getLogger("dotmac.hub.alarms.notify")
OUTBOX = "outbox"  # the target of webhook rows: the tenant's endpoints, through the outbox
RAISES = ("raised", "re_raised", "unsuppressed")


def raise_time(alarm: Alarm) -> datetime:
    """When a raised alarm's current cycle began: its last transition (the raise or
    re-raise; acknowledging does not move it). `last_raised_at` is not it: every report of
    the still-true condition moves that forward."""
    return alarm.last_change_at


def webhook_payload(alarm: Alarm, at: datetime, **extra: Any) -> dict[str, Any]:
    """What integrators receive about an alarm: ids, states, times; never a secret."""
    impacts = [{"subscription_id": i.get("subscription_id"), "customer_id": i.get("customer_id")}
               for i in (alarm.impacts or []) if isinstance(i, dict)]
    return {"alarm_id": str(alarm.id), "rule": alarm.rule, "type": alarm.alarm_type,
            "severity": alarm.severity, "state": alarm.state, "subject": alarm.subject,
            "summary": alarm.summary, "site_id": alarm.site_id, "device_id": alarm.device_id,
            "if_index": alarm.if_index, "impacts": impacts, "at": at, **extra}


async def on_alarm_changed(session: AsyncSession, event: AlarmChanged,
                           now: datetime | None = None) -> None:
    """Stage the messages an alarm change owes (see the module)."""
    if not event.notify:
        return
    await session.flush()  # the alarm row the service may just have added
    alarm = await rows.alarm(session, event.alarm_id)
    if alarm is None or alarm.tenant_id != event.tenant_id:
        return
    now = now or utcnow()
    if event.change in RAISES and alarm.state == "raised" and not alarm.flapping:
        await _announce(session, alarm, "raised", raise_time(alarm), now)
    elif event.change == "flapping":
        await _announce(session, alarm, "flapping", alarm.flap_started_at or event.at, now)
    elif event.change == "cleared" and not alarm.flapping:
        await _follow_up(session, alarm, "cleared", alarm.cleared_at or event.at, now)
    elif event.change == "acknowledged":
        await _follow_up(session, alarm, "acknowledged", alarm.acknowledged_at or event.at, now)


async def _announce(session: AsyncSession, alarm: Alarm, kind: str, cycle_at: datetime,
                    now: datetime) -> None:
    """raised or flapping: to every policy matching the alarm now."""
    webhook = False
    for policy in await rows.tenant_policies(session, alarm.tenant_id):
        if not matches(policy, alarm, now):
            continue
        await _mail(session, alarm, policy, kind, policy.emails, cycle_at, now)
        if policy.webhook:
            webhook |= await rows.stage(session, alarm, policy.id, kind, "webhook", OUTBOX,
                                        cycle_at, now, status="sent")
    if webhook:
        _webhook(session, alarm, kind, cycle_at)


async def _follow_up(session: AsyncSession, alarm: Alarm, kind: str, cycle_at: datetime,
                     now: datetime) -> None:
    """cleared or acknowledged: to whom the raise went out or is going, as the policy asks
    (a pending raise mail goes first: hub.alarms.notify.rows sends an address's mail about
    an alarm in order)."""
    policies = {p.id: p for p in await rows.tenant_policies(session, alarm.tenant_id)}
    webhook = False
    for raised in await rows.announced_raised(session, alarm.id):
        policy = policies.get(raised.policy_id)
        if policy is None or (kind == "cleared" and not policy.notify_clear):
            continue
        if raised.channel == "email" and kind == "cleared":
            await _mail(session, alarm, policy, kind, [raised.target], cycle_at, now)
        elif raised.channel == "webhook":
            webhook |= await rows.stage(session, alarm, policy.id, kind, "webhook", OUTBOX,
                                        cycle_at, now, status="sent")
    if webhook:
        _webhook(session, alarm, kind, cycle_at)


async def _mail(session: AsyncSession, alarm: Alarm, policy: NotificationPolicy, kind: str,
                targets: Iterable[str], cycle_at: datetime, now: datetime) -> int:
    staged = 0
    for target in dict.fromkeys(t.strip() for t in targets if t and t.strip()):
        staged += await rows.stage(session, alarm, policy.id, kind, "email", target[:255],
                                   cycle_at, now)
    return staged


def _webhook(session: AsyncSession, alarm: Alarm, kind: str, at: datetime,
             **extra: Any) -> None:
    record_event(session, alarm.tenant_id, f"alarm.{kind}", webhook_payload(alarm, at, **extra))
    session.add(AlarmHistory(tenant_id=alarm.tenant_id, alarm_id=alarm.id, at=utcnow(),
                             action="notified", actor="system",
                             text=f"webhook event alarm.{kind} queued",
                             details={"kind": kind, "channel": "webhook"}))


def escalation_due(alarm: Alarm, policy: NotificationPolicy, now: datetime) -> bool:
    """Raised long enough ago, unacknowledged, and the policy wants it now."""
    if policy.escalate_after_min is None or alarm.state != "raised":
        return False
    if now - raise_time(alarm) < timedelta(minutes=policy.escalate_after_min):
        return False
    return matches(policy, alarm, now)


async def escalate(session: AsyncSession, now: datetime, limit: int = 500) -> int:
    """Stage the escalations due by `now` (in the caller's transaction); how many alarms
    were escalated under a policy."""
    done = 0
    for alarm, policy in await rows.escalation_candidates(session, now, limit):
        if not escalation_due(alarm, policy, now):
            continue
        cycle_at = raise_time(alarm)
        targets = policy.escalate_emails or policy.emails
        mailed = await _mail(session, alarm, policy, "escalated", targets, cycle_at, now)
        hooked = policy.webhook and await rows.stage(
            session, alarm, policy.id, "escalated", "webhook", OUTBOX, cycle_at, now,
            status="sent")
        if hooked:
            _webhook(session, alarm, "escalated", now,
                     escalate_after_min=policy.escalate_after_min)
        if mailed or hooked:
            done += 1
            session.add(_escalated(alarm, policy, now, targets))
    return done


def _escalated(alarm: Alarm, policy: NotificationPolicy, now: datetime,
               targets: list[str]) -> AlarmHistory:
    minutes = policy.escalate_after_min
    return AlarmHistory(
        tenant_id=alarm.tenant_id, alarm_id=alarm.id, at=now, action="escalated",
        actor="system", text=f"not acknowledged {minutes} min after it was raised: escalated "
        f"by policy {policy.name!r}", details={"policy_id": str(policy.id),
                                               "after_min": minutes, "emails": list(targets)})

