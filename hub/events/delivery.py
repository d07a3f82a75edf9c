"""The webhook worker: fans outbox events out to matching endpoints and POSTs them, signed.

Safe with many hub processes. Claiming is a short transaction (`FOR UPDATE SKIP LOCKED` on
PostgreSQL) that counts the attempt and pushes `next_attempt_at` past the request timeout (a
lease), so another process skips the row and a crash mid-request only delays the retry.
Each POST is cut off after `timeout_s` in all (not per phase), well inside the lease, so a
slow receiver cannot make another worker send it again. The result is written back only if
the row still holds this claim's lease (a redelivery or a later claim since then wins).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.db import utcnow
from hub.events import repository as rows
from hub.events.models import OutboxEvent, WebhookDelivery
from hub.events.policy import REFUSED_TEXT, DestinationNotAllowedError
from hub.events.retention import purge
from hub.events.settings import WebhookSettings
from hub.events.signing import SCHEMES, SignatureScheme, decrypt_secret, headers
from hub.events.transport import webhook_client
from hub.metrics import Metrics

log = logging.getLogger("dotmac.hub.webhooks")
DELIVERIES = "dotmac_hub_webhook_deliveries_total"
FANNED_OUT = "dotmac_hub_webhook_events_total"
LEASE_MARGIN_S = 30.0


@dataclass(frozen=True)
class Attempt:
    """One claimed delivery, detached from the session that claimed it."""

    delivery_id: uuid.UUID
    attempt: int
    lease: datetime  # next_attempt_at as claimed: the token the result is written back with
    endpoint_id: uuid.UUID
    url: str
    secret_encrypted: str
    scheme: SignatureScheme
    body: bytes
    event_type: str


@dataclass
class TickReport:
    """What one pass did."""

    fanned_out: int = 0
    purged: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def event_body(event: OutboxEvent) -> bytes:
    """The exact JSON bytes POSTed (and signed); the same on every attempt."""
    doc = {"id": str(event.id), "type": event.type, "tenant_id": str(event.tenant_id),
           "occurred_at": event.occurred_at.isoformat(), "data": event.payload}
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def backoff_s(attempt: int, settings: WebhookSettings) -> float:
    """Wait after failed attempt number `attempt` (1-based): base x 2^(n-1), +-20 % jitter,
    never above the maximum."""
    nominal = settings.backoff_base_s * 2.0 ** min(attempt - 1, 30)
    return float(min(settings.backoff_max_s, nominal * random.uniform(0.8, 1.2)))


def _reason(status: int | None, exc: Exception | None) -> tuple[str, str]:
    """(metric reason, short error text) of a failed attempt; the text is shown to the
    tenant, so a refused destination says only that."""
    if isinstance(exc, DestinationNotAllowedError):
        return "refused", REFUSED_TEXT
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "timeout", "timeout: no complete answer in time"
    if exc is not None:
        kind = "connect" if isinstance(exc, httpx.TransportError) else "error"
        return kind, f"{type(exc).__name__}: {exc}"[:300]
    assert status is not None
    hint = " (redirects are not followed)" if 300 <= status < 400 else ""
    return f"http_{status // 100}xx", f"HTTP {status}{hint}"


def _scheme(stored: str) -> SignatureScheme:
    """The endpoint's scheme; a value this hub does not know (written by a newer one) signs
    the standard way rather than stopping the worker."""
    return next((scheme for scheme in SCHEMES if scheme == stored), "standard")


class WebhookWorker:
    """Periodic pass: fan out new events, then send every due delivery."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], hub_secret_key: str,
                 settings: WebhookSettings | None = None, metrics: Metrics | None = None,
                 client: httpx.AsyncClient | None = None) -> None:
        self.sessions, self.hub_secret_key = sessions, hub_secret_key
        self.settings = settings or WebhookSettings()
        self.metrics = metrics or Metrics()
        self.client = client or webhook_client(self.settings)
        self._stop = asyncio.Event()
        self._purged_at: float | None = None
        # httpx logs every request URL at INFO; endpoint URLs may carry tokens.
        logging.getLogger("httpx").setLevel(logging.WARNING)

    async def run(self) -> None:
        """Tick until `stop`; a failing tick (database down) is logged and retried."""
        while not self._stop.is_set():
            try:
                await self.tick()
            except Exception as exc:  # retried next interval; the loop must survive outages
                log.warning("webhooks.tick_failed error=%s: %s", type(exc).__name__,
                            str(exc)[:300])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.settings.interval_s)

    def stop(self) -> None:
        """Ask `run` to return after the current tick."""
        self._stop.set()

    async def close(self) -> None:
        """Release the HTTP connection pool."""
        await self.client.aclose()

    async def tick(self) -> TickReport:
        """One fan-out pass, one delivery pass, and the retention purge when it is due."""
        report = TickReport(fanned_out=await self.fan_out())
        attempts = await self.claim()
        for outcome in await asyncio.gather(*(self.send(a) for a in attempts)):
            report.outcomes[outcome] += 1
        report.purged = await self.purge_if_due()
        return report

    async def purge_if_due(self) -> int:
        """Delete what is past the retention, at most once per purge interval."""
        clock = time.monotonic()
        if self._purged_at is not None and clock - self._purged_at < \
                self.settings.purge_interval_s:
            return 0
        self._purged_at = clock
        cutoff = utcnow() - timedelta(days=self.settings.retention_days)
        return await purge(self.sessions, cutoff)

    async def fan_out(self) -> int:
        """Create a pending delivery per (new event, active endpoint wanting its type)."""
        made, now = 0, utcnow()
        async with self.sessions() as session, session.begin():
            events = await rows.take_new_events(session, self.settings.batch_size)
            endpoints = await rows.active_endpoints(session, {e.tenant_id for e in events})
            for event in events:
                for endpoint in endpoints[event.tenant_id]:
                    if "*" in endpoint.event_types or event.type in endpoint.event_types:
                        session.add(WebhookDelivery(
                            tenant_id=event.tenant_id, event_id=event.id,
                            endpoint_id=endpoint.id, status="pending", attempts=0,
                            next_attempt_at=now))
                        made += 1
                event.fanned_out_at = now
                self.metrics.inc(FANNED_OUT, "Outbox events fanned out to endpoints, by type",
                                 type=event.type)
        return made

    async def claim(self, now: datetime | None = None) -> list[Attempt]:
        """Take due deliveries of active endpoints: count the attempt, set the lease."""
        now = now or utcnow()
        lease = now + timedelta(seconds=self.settings.timeout_s + LEASE_MARGIN_S)
        claimed = []
        async with self.sessions() as session, session.begin():
            for delivery, endpoint, event in await rows.take_due_deliveries(
                    session, now, self.settings.batch_size):
                delivery.attempts += 1
                delivery.next_attempt_at = lease
                claimed.append(Attempt(delivery.id, delivery.attempts, lease, endpoint.id,
                                       endpoint.url, endpoint.secret_encrypted,
                                       _scheme(endpoint.signature_scheme),
                                       event_body(event), event.type))
        return claimed

    async def send(self, attempt: Attempt) -> str:
        """POST one attempt and record its outcome; returns delivered, failed or dead."""
        status: int | None = None
        error: Exception | None = None
        try:
            async with asyncio.timeout(self.settings.timeout_s):  # in all, inside the lease
                status = await self._post(attempt)
        except Exception as exc:  # any failure is one failed attempt, never a dead worker
            error = exc
        if error is None and status is not None and 200 <= status < 300:
            return await self._delivered(attempt, status)
        return await self._failed(attempt, status, error)

    async def _post(self, attempt: Attempt) -> int:
        """POST, signed in the endpoint's scheme; the status code (the answer's body is
        never read)."""
        secret = decrypt_secret(attempt.secret_encrypted, self.hub_secret_key)
        signed = headers(attempt.scheme, secret, str(attempt.delivery_id), int(time.time()),
                         attempt.body)
        async with self.client.stream("POST", attempt.url, content=attempt.body, headers={
                "Content-Type": "application/json", **signed}) as response:
            return response.status_code

    async def _delivered(self, attempt: Attempt, status: int) -> str:
        values = {"status": "delivered", "last_status_code": status, "last_error": None,
                  "delivered_at": utcnow()}
        await self._record(attempt, values)
        self.metrics.inc(DELIVERIES, "Webhook attempts by outcome and reason",
                         outcome="delivered", reason="http_2xx")
        log.info("webhooks.delivered delivery=%s endpoint=%s type=%s attempt=%d status=%d",
                 attempt.delivery_id, attempt.endpoint_id, attempt.event_type, attempt.attempt,
                 status)
        return "delivered"

    async def _failed(self, attempt: Attempt, status: int | None,
                      error: Exception | None) -> str:
        reason, text = _reason(status, error)
        dead = attempt.attempt >= self.settings.max_attempts
        wait = 0.0 if dead else backoff_s(attempt.attempt, self.settings)
        outcome = "dead" if dead else "failed"
        await self._record(attempt, {
            "status": outcome, "last_status_code": status, "last_error": text,
            "next_attempt_at": utcnow() + timedelta(seconds=wait)})
        self.metrics.inc(DELIVERIES, "Webhook attempts by outcome and reason",
                         outcome=outcome, reason=reason)
        log.log(logging.WARNING if dead else logging.INFO,
                "webhooks.%s delivery=%s endpoint=%s type=%s attempt=%d reason=%s "
                "retry_in_s=%.0f error=%r", outcome, attempt.delivery_id, attempt.endpoint_id,
                attempt.event_type, attempt.attempt, reason, wait, text)
        return outcome

    async def _record(self, attempt: Attempt, values: dict[str, object]) -> None:
        async with self.sessions() as session, session.begin():
            await rows.record_attempt(session, attempt.delivery_id, attempt.lease, values)
