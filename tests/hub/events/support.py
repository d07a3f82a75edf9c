"""Helpers of the webhook tests: a fast worker, the documented verification recipe."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from hub.events.catalog import record_event
from hub.events.delivery import WebhookWorker
from hub.events.models import OutboxEvent, WebhookDelivery
from hub.events.settings import WebhookSettings
from hub.metrics import Metrics
from tests.hub.harness import Account, Hub

# The receivers listen on loopback, which deliveries refuse unless the operator allows it
# (::1 too: on hosts where `localhost` also resolves to it, every address must be allowed).
LOOPBACK = "127.0.0.0/8,::1/128"
FAST: dict[str, Any] = {"backoff_base_s": 0.05, "backoff_max_s": 0.2, "max_attempts": 4,
                        "timeout_s": 2.0, "interval_s": 0.05, "allow_private_nets": LOOPBACK}


def worker(hub: Hub, **overrides: Any) -> WebhookWorker:
    """A worker on the hub's database with short backoff (settings as a deployment sets)."""
    return WebhookWorker(hub.app.state.sessions, hub.settings.secret_key,
                         WebhookSettings(**{**FAST, **overrides}), Metrics())


async def tick_until(workers: list[WebhookWorker], done: Callable[[], bool],
                     timeout_s: float = 15.0) -> None:
    """Run passes of every worker concurrently until `done()` holds."""
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, "webhook deliveries did not finish in time"
        await asyncio.gather(*(w.tick() for w in workers))
        await asyncio.sleep(0.02)


def standard_verifies(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The Standard Webhooks reference verifier (the `standardwebhooks` package), as a
    receiver uses it: the secret as the hub showed it, the headers and raw body received."""
    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return False
    return True


def by_hand_verifies(secret: str, headers: dict[str, str], body: bytes,
                     tolerance_s: int = 300) -> bool:
    """docs/webhooks.md's Standard Webhooks check without the package, line for line."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    timestamp = int(headers["webhook-timestamp"])
    if abs(time.time() - timestamp) > tolerance_s:
        return False
    signed = f"{headers['webhook-id']}.{timestamp}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected.encode(), given.encode())
               for given in headers["webhook-signature"].split(" "))


def legacy_verifies(secret: str, headers: dict[str, str], body: bytes,
                    tolerance_s: int = 300) -> bool:
    """docs/webhooks.md's legacy (deprecated) recipe, written independently of
    hub.events.signing: the verifier receivers built before the standard scheme run."""
    timestamp = int(headers["webhook-timestamp"])
    if abs(time.time() - timestamp) > tolerance_s:
        return False
    signed = f"{headers['webhook-id']}.{timestamp}.".encode() + body
    expected = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), headers["webhook-signature"].encode())


async def add_endpoint(hub: Hub, owner: Account, url: str, types: list[str] | None = None,
                       **fields: Any) -> dict[str, Any]:
    """Create an endpoint through the API (the answer holds the secret)."""
    return await hub.post(owner, "/webhooks/endpoints", {"url": url,
                                                         "event_types": types or ["*"],
                                                         **fields})


async def emit(hub: Hub, tenant_id: uuid.UUID, type_: str, **payload: Any) -> uuid.UUID:
    """Commit one event the way a business change does."""
    async with hub.app.state.sessions() as session:
        row = record_event(session, tenant_id, type_, payload)
        await session.commit()
        return row.id


async def deliveries(hub: Hub, owner: Account, endpoint_id: str) -> list[dict[str, Any]]:
    """Deliveries of an endpoint as the API lists them."""
    resp = await hub.client.get(f"/webhooks/endpoints/{endpoint_id}/deliveries",
                                headers=owner.headers)
    assert resp.status_code == 200, resp.text
    rows: list[dict[str, Any]] = resp.json()["data"]
    return rows


async def event_count(hub: Hub, tenant_id: uuid.UUID, type_: str) -> int:
    """Outbox rows of one type and tenant."""
    async with hub.app.state.sessions() as session:
        query = select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.tenant_id == tenant_id, OutboxEvent.type == type_)
        return int((await session.execute(query)).scalar_one())


async def delivery_rows(hub: Hub, endpoint_id: str) -> list[WebhookDelivery]:
    """Delivery rows of one endpoint straight from the table."""
    async with hub.app.state.sessions() as session:
        query = select(WebhookDelivery).where(
            WebhookDelivery.endpoint_id == uuid.UUID(endpoint_id))
        return list((await session.execute(query)).scalars())
