"""`DocumentMailer`: the worker that mails issued invoices and credit notes to customers.

Safe with many hub processes, the way the alarm notifier and the webhook worker are:
claiming is a short transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one
writer) that counts the attempt and pushes `next_attempt_at` past the time a send may take
(a lease), so another process skips the row and a crash mid-send only delays the retry;
the outcome is written back only while the row still holds that lease. A failed attempt
waits base x 2^(n-1) (+-20 %); after `max_attempts`, or at once for a refused login or
recipient, the mail is `failed` with its reason. The attachment is the stored PDF itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.billing.documents import content, repository
from hub.billing.documents.mail import compose
from hub.billing.documents.settings import DocumentMailSettings
from hub.db import utcnow
from hub.mail import SendFailure, SmtpSender, SmtpSettings
from hub.metrics import Metrics

log = logging.getLogger("dotmac.hub.billing.documents.mail")
SENT = "dotmac_hub_billing_document_mails_total"
SENT_HELP = "Invoice and credit-note e-mail attempts by outcome (sent, retry, failed) and reason"
LEASE_MARGIN_S = 30.0


@dataclass(frozen=True)
class Claim:
    """One claimed mail, detached from the session that claimed it."""

    row_id: uuid.UUID
    document_id: uuid.UUID
    recipient: str
    attempt: int
    lease: datetime


def backoff_s(attempt: int, settings: DocumentMailSettings) -> float:
    """Wait after failed attempt number `attempt` (1-based), with +-20 % jitter."""
    nominal = settings.backoff_base_s * 2.0 ** min(attempt - 1, 30)
    return float(min(settings.backoff_max_s, nominal * random.uniform(0.8, 1.2)))


class DocumentMailer:
    """Periodic pass: send every due document mail."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 smtp: SmtpSettings | None = None,
                 settings: DocumentMailSettings | None = None,
                 metrics: Metrics | None = None) -> None:
        self.sessions = sessions
        self.smtp = smtp or SmtpSettings()
        self.settings = settings or DocumentMailSettings()
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
                log.warning("billing.documents.mail.pass_failed error=%s: %s",
                            type(exc).__name__, str(exc)[:300])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.settings.interval_s)

    def request_stop(self) -> None:
        """Ask `run` to return after the current pass."""
        self._stop.set()

    stop = request_stop

    async def close(self) -> None:
        """Nothing is held between passes (one SMTP connection per mail)."""

    async def tick(self, now: datetime | None = None) -> Counter[str]:
        """One sending pass as of `now` (tests pass their clock): outcomes counted."""
        now = now or utcnow()
        claims = await self.claim(now)
        return Counter(await asyncio.gather(*(self.send(c, now) for c in claims)))

    async def claim(self, now: datetime) -> list[Claim]:
        """Take due mails: count the attempt, set the lease."""
        if not self.smtp.enabled:
            if not self._told_off:
                self._told_off = True
                log.warning("billing.documents.mail.off reason=no_smtp_host hint=set "
                            "DOTMAC_HUB_SMTP_HOST and DOTMAC_HUB_SMTP_FROM; invoice mail "
                            "stays pending until then")
            return []
        lease = now + timedelta(seconds=4 * self.smtp.timeout_s + LEASE_MARGIN_S)
        claimed = []
        async with self.sessions() as session, session.begin():
            for row in await repository.due_mails(session, now, self.settings.batch_size):
                row.attempts += 1
                row.next_attempt_at = lease
                claimed.append(Claim(row.id, row.document_id, row.recipient, row.attempts,
                                     lease))
        return claimed

    async def send(self, claim: Claim, now: datetime) -> str:
        """Compose and send one claimed mail, record the outcome: sent, retry or failed."""
        try:
            message = await self._compose(claim)
        except ValueError as exc:  # an address no header may carry
            return await self._failed(claim, now, SendFailure(
                "invalid", f"cannot address a mail to {claim.recipient!r}: {exc}", True))
        try:
            await self.sender.send(message)
        except Exception as exc:  # any failure is one failed attempt, never a dead worker
            return await self._failed(claim, now, self.sender.explain(exc))
        await self._record(claim, {"status": "sent", "sent_at": utcnow(), "last_error": None})
        self.metrics.inc(SENT, SENT_HELP, outcome="sent", reason="ok")
        log.info("billing.documents.mail.sent mail=%s document=%s to=%s attempt=%d",
                 claim.row_id, claim.document_id, claim.recipient, claim.attempt)
        return "sent"

    async def _compose(self, claim: Claim) -> EmailMessage:
        async with self.sessions() as session:
            document = await repository.document(session, claim.document_id)
            doc = await content.read(session, await repository.invoice(session,
                                                                       document.invoice_id))
            return compose(doc, document.content, self.smtp.from_address, claim.recipient,
                           str(claim.row_id))

    async def _record(self, claim: Claim, values: dict[str, object]) -> bool:
        """Write an attempt's outcome while the row still holds this claim's lease."""
        async with self.sessions() as session, session.begin():
            return await repository.record_mail(session, claim.row_id, claim.lease, values)

    async def _failed(self, claim: Claim, now: datetime, failure: SendFailure) -> str:
        final = failure.permanent or claim.attempt >= self.settings.max_attempts
        wait = 0.0 if final else backoff_s(claim.attempt, self.settings)
        outcome = "failed" if final else "retry"
        await self._record(claim, {"status": "failed" if final else "pending",
                                   "last_error": failure.text[:500],
                                   "next_attempt_at": now + timedelta(seconds=wait)})
        self.metrics.inc(SENT, SENT_HELP, outcome=outcome, reason=failure.reason)
        log.log(logging.WARNING if final else logging.INFO,
                "billing.documents.mail.%s mail=%s document=%s to=%s attempt=%d reason=%s "
                "retry_in_s=%.0f error=%r", outcome, claim.row_id, claim.document_id,
                claim.recipient, claim.attempt, failure.reason, wait, failure.text)
        return outcome
