"""`AlarmNotifier`: the worker that sends owed alarm e-mail over SMTP and stages escalations.

Safe with many hub processes, the way the webhook worker is (hub.events.delivery): claiming
is a short transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL) that counts the attempt and
pushes `next_attempt_at` past the time a send may take (a lease), so another process skips
the row and a crash mid-send only delays the retry; the outcome is written back only if the
row still holds that lease. A failed attempt waits base x 2^(n-1) (+-20 %) before the next;
after `max_attempts`, or at once for a refused login or recipient, the mail is `failed`
with its reason. Each sent mail leaves a "notified" line in the alarm's history.

Order: mail about different alarms (or to different addresses) goes out concurrently; one
address's mail about one alarm goes out in the order of the changes, one after the other
(hub.alarms.notify.rows claims only the first unsent one). A pass claims again after mail
went out, so a clear staged behind its raise follows in the same pass; a raise being retried
holds its clear back until it is sent or has failed for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alarms.models import AlarmHistory
from hub.alarms.notify import repository as rows
from hub.alarms.notify.mail import MailContext, alarm_link, compose
from hub.alarms.notify.policy import policy_zone
from hub.alarms.notify.settings import NotifierSettings, SmtpSettings
from hub.alarms.notify.smtp import SendFailure, SmtpSender
from hub.alarms.notify.staging import escalate
from hub.db import utcnow
from hub.metrics import Metrics

log = logging.getLogger("dotmac.hub.alarms.notify")
SENT = "dotmac_hub_alarm_notifications_total"
SENT_HELP = "Alarm e-mail attempts by outcome (sent, retry, failed) and reason"
ESCALATED = "dotmac_hub_alarm_escalations_total"
LEASE_MARGIN_S = 30.0
MAX_ROUNDS = 8  # claims per pass: the kinds of one cycle (4) with room for a second cycle


@dataclass(frozen=True)
class Claim:
    """One claimed e-mail, detached from the session that claimed it."""

    row_id: uuid.UUID
    attempt: int
    lease: datetime
    tenant_id: uuid.UUID
    alarm_id: uuid.UUID
    policy_id: uuid.UUID
    kind: str
    target: str


@dataclass
class PassReport:
    """What one pass did."""

    escalated: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def backoff_s(attempt: int, settings: NotifierSettings) -> float:
    """Wait after failed attempt number `attempt` (1-based), with +-20 % jitter."""
    nominal = settings.backoff_base_s * 2.0 ** min(attempt - 1, 30)
    return float(min(settings.backoff_max_s, nominal * random.uniform(0.8, 1.2)))


class AlarmNotifier:
    """Periodic pass: stage due escalations, then send every due e-mail."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 smtp: SmtpSettings | None = None, settings: NotifierSettings | None = None,
                 metrics: Metrics | None = None) -> None:
        self.sessions = sessions
        self.smtp = smtp or SmtpSettings()
        self.settings = settings or NotifierSettings()
        self.metrics = metrics or Metrics()
        self.sender = SmtpSender(self.smtp)
        self._stop = asyncio.Event()
        self._told_off = False

    async def run(self) -> None:
        """Pass until `request_stop`; a failing pass (database down) is logged and retried."""
        while not self._stop.is_set():
            try:
                await self.tick()
            except Exception as exc:  # retried next interval; the loop must survive outages
                log.warning("alarms.notify.pass_failed error=%s: %s", type(exc).__name__,
                            str(exc)[:300])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.settings.interval_s)

    def request_stop(self) -> None:
        """Ask `run` to return after the current pass."""
        self._stop.set()

    stop = request_stop

    async def close(self) -> None:
        """Nothing is held between passes (one SMTP connection per mail)."""

    async def tick(self, now: datetime | None = None) -> PassReport:
        """One escalation pass and one sending pass as of `now` (tests pass their clock); the
        sending pass claims again while mail settles, so mail held behind it follows."""
        now = now or utcnow()
        report = PassReport(escalated=await self.escalate(now))
        for _ in range(MAX_ROUNDS):
            outcomes = await asyncio.gather(*(self.send(c, now) for c in await self.claim(now)))
            for outcome in outcomes:
                report.outcomes[outcome] += 1
            if not {"sent", "failed"} & set(outcomes):
                break  # nothing settled: no mail behind one became due
        return report

    async def escalate(self, now: datetime) -> int:
        """Stage the escalations due by `now`."""
        async with self.sessions() as session, session.begin():
            done = await escalate(session, now)
        if done:
            self.metrics.inc(ESCALATED, "Alarms escalated under a policy", amount=done)
        return done

    async def claim(self, now: datetime) -> list[Claim]:
        """Take due e-mails: count the attempt, set the lease."""
        if not self.smtp.enabled:
            self._tell_off_once()
            return []
        lease = now + timedelta(seconds=4 * self.smtp.timeout_s + LEASE_MARGIN_S)
        claimed = []
        async with self.sessions() as session, session.begin():
            for row in await rows.take_due_mail(session, now, self.settings.batch_size):
                row.attempts += 1
                row.next_attempt_at = lease
                claimed.append(Claim(row.id, row.attempts, lease, row.tenant_id, row.alarm_id,
                                     row.policy_id, row.kind, row.target))
        return claimed

    def _tell_off_once(self) -> None:
        if not self._told_off:
            self._told_off = True
            log.warning("alarms.notify.email_off reason=no_smtp_host hint=set "
                        "DOTMAC_HUB_SMTP_HOST and DOTMAC_HUB_SMTP_FROM; alarm e-mail stays "
                        "pending until then")

    async def send(self, claim: Claim, now: datetime) -> str:
        """Compose and send one claimed mail, record the outcome: sent, retry or failed."""
        try:
            message = await self._compose(claim, now)
        except ValueError as exc:  # an address no header may carry (the API should refuse it)
            return await self._failed(claim, now, SendFailure(
                "invalid", f"cannot address a mail to {claim.target!r}: {exc}", True))
        if message is None:
            return await self._failed(claim, now, SendFailure(
                "gone", "the alarm or policy no longer exists", True))
        try:
            await self.sender.send(message)
        except Exception as exc:  # any failure is one failed attempt, never a dead worker
            return await self._failed(claim, now, self.sender.explain(exc))
        return await self._sent(claim, now)

    async def _compose(self, claim: Claim, now: datetime) -> EmailMessage | None:
        async with self.sessions() as session:
            alarm = await rows.alarm(session, claim.alarm_id)
            policy = await rows.policy(session, claim.policy_id)
            if alarm is None or policy is None:
                return None
            ctx = MailContext(
                kind=claim.kind, sender=self.smtp.from_address, recipient=claim.target,
                zone=policy_zone(policy.timezone),
                site_name=await rows.site_name(session, alarm.site_id),
                link=alarm_link(self.settings.link_base_url, alarm.id),
                raised_at=await rows.cycle_raised_at(session, alarm.id) or (
                    alarm.last_change_at if alarm.state != "cleared" else alarm.last_raised_at),
                escalate_after_min=policy.escalate_after_min)
            return compose(ctx, alarm, now, claim.row_id)

    async def _sent(self, claim: Claim, now: datetime) -> str:
        async with self.sessions() as session, session.begin():
            written = await rows.record_result(session, claim.row_id, claim.lease, {
                "status": "sent", "sent_at": utcnow(), "last_error": None})
            if written:
                session.add(AlarmHistory(
                    tenant_id=claim.tenant_id, alarm_id=claim.alarm_id, at=now,
                    action="notified", actor="system",
                    text=f"e-mail ({claim.kind}) sent to {claim.target}",
                    details={"kind": claim.kind, "channel": "email", "target": claim.target,
                             "policy_id": str(claim.policy_id)}))
        self.metrics.inc(SENT, SENT_HELP, outcome="sent", reason="ok")
        log.info("alarms.notify.sent notification=%s alarm=%s kind=%s to=%s attempt=%d",
                 claim.row_id, claim.alarm_id, claim.kind, claim.target, claim.attempt)
        return "sent"

    async def _failed(self, claim: Claim, now: datetime, failure: SendFailure) -> str:
        final = failure.permanent or claim.attempt >= self.settings.max_attempts
        wait = 0.0 if final else backoff_s(claim.attempt, self.settings)
        outcome = "failed" if final else "retry"
        async with self.sessions() as session, session.begin():
            await rows.record_result(session, claim.row_id, claim.lease, {
                "status": "failed" if final else "pending", "last_error": failure.text,
                "next_attempt_at": now + timedelta(seconds=wait)})
        self.metrics.inc(SENT, SENT_HELP, outcome=outcome, reason=failure.reason)
        log.log(logging.WARNING if final else logging.INFO,
                "alarms.notify.%s notification=%s alarm=%s kind=%s to=%s attempt=%d reason=%s "
                "retry_in_s=%.0f error=%r", outcome, claim.row_id, claim.alarm_id, claim.kind,
                claim.target, claim.attempt, failure.reason, wait, failure.text)
        return outcome
