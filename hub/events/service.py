"""Webhook endpoint use cases behind the API: one commit each; queries in hub.events.repository."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import utcnow
from hub.errors import InvalidRequestError
from hub.events import schemas as s
from hub.events.catalog import EVENT_TYPES, record_event
from hub.events.models import WebhookDelivery, WebhookEndpoint
from hub.events.policy import check_url
from hub.events.repository import Deliveries, Endpoints, event_type
from hub.events.settings import WebhookSettings
from hub.events.signing import encrypt_secret, new_secret
from hub.pagination import PageParams
from hub.principal import Principal
from hub.settings import HubSettings

log = logging.getLogger("dotmac.hub.webhooks")


def allow_http(settings: HubSettings, webhook: WebhookSettings | None = None) -> bool:
    """Plain http endpoints: as configured, else only in development."""
    chosen = (webhook or WebhookSettings()).allow_http
    return settings.mode == "development" if chosen is None else chosen


def accepted_url(url: str, settings: HubSettings) -> str:
    """`url` if the deployment's URL rules (hub.events.policy) accept it; else a 422."""
    webhook = WebhookSettings()
    return check_url(url, allow_http(settings, webhook), webhook.destinations)


def check_types(types: list[str]) -> list[str]:
    """Known event types (or ["*"]), deduplicated in the given order."""
    unknown = [t for t in types if t != "*" and t not in EVENT_TYPES]
    if unknown:
        raise InvalidRequestError(f"event_types: unknown {unknown}; known: "
                                  f"{['*', *EVENT_TYPES]}")
    return list(dict.fromkeys(types))


class WebhookService:
    """Everything the webhook routes do, for one caller."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 settings: HubSettings) -> None:
        self.session, self.settings = session, settings
        self.tenant_id = principal.tenant_id
        self.endpoints = Endpoints(session, self.tenant_id)
        self.deliveries = Deliveries(session, self.tenant_id)

    async def create(self, body: s.EndpointCreate) -> s.EndpointWithSecret:
        """Add an endpoint; its secret is in this answer only."""
        secret = new_secret()
        row = self.endpoints.add(WebhookEndpoint(
            url=accepted_url(body.url, self.settings),
            event_types=check_types(body.event_types), description=body.description,
            active=body.active, signature_scheme=body.signature_scheme,
            secret_encrypted=encrypt_secret(secret, self.settings.secret_key)))
        await self.session.commit()
        log.info("webhooks.endpoint_created tenant=%s endpoint=%s scheme=%s", self.tenant_id,
                 row.id, row.signature_scheme)
        return s.EndpointWithSecret(**s.EndpointPublic.model_validate(row).model_dump(),
                                    secret=secret)

    async def update(self, endpoint_id: uuid.UUID, body: s.EndpointUpdate) -> WebhookEndpoint:
        """Change url, event types, description, active or the signature scheme (the next
        attempt signs by the new scheme, with the same secret)."""
        row = await self.endpoints.get(endpoint_id)
        changes: dict[str, object] = body.model_dump(exclude_none=True)
        if body.url is not None:
            changes["url"] = accepted_url(body.url, self.settings)
        if body.event_types is not None:
            changes["event_types"] = check_types(body.event_types)
        if "signature_scheme" in changes and changes["signature_scheme"] != \
                row.signature_scheme:
            log.info("webhooks.scheme_changed tenant=%s endpoint=%s scheme=%s",
                     self.tenant_id, row.id, changes["signature_scheme"])
        for name, value in changes.items():
            setattr(row, name, value)
        await self.session.commit()
        return row

    async def delete(self, endpoint_id: uuid.UUID) -> None:
        """Remove an endpoint and its delivery history."""
        await self.endpoints.delete(await self.endpoints.get(endpoint_id))
        await self.session.commit()

    async def rotate(self, endpoint_id: uuid.UUID) -> s.EndpointWithSecret:
        """A new secret, effective for the next attempt; the old one stops signing at once."""
        row = await self.endpoints.get(endpoint_id)
        secret = new_secret()
        row.secret_encrypted = encrypt_secret(secret, self.settings.secret_key)
        await self.session.commit()
        log.info("webhooks.secret_rotated tenant=%s endpoint=%s", self.tenant_id, row.id)
        return s.EndpointWithSecret(**s.EndpointPublic.model_validate(row).model_dump(),
                                    secret=secret)

    async def list_deliveries(self, endpoint_id: uuid.UUID, page: PageParams,
                              ) -> tuple[list[s.DeliveryPublic], str | None]:
        """Deliveries of one endpoint, oldest first."""
        await self.endpoints.get(endpoint_id)
        rows, cursor = await self.deliveries.of_endpoint(endpoint_id, page)
        return [await self.delivery_out(r) for r in rows], cursor

    async def delivery_out(self, row: WebhookDelivery) -> s.DeliveryPublic:
        """A delivery with its event type."""
        type_ = await event_type(self.session, row.event_id)
        return s.DeliveryPublic.model_validate({**_columns(row), "event_type": type_})

    async def redeliver(self, delivery_id: uuid.UUID) -> s.DeliveryPublic:
        """Queue a delivery again now, same `Webhook-Id`, with a fresh attempt budget."""
        row = await self.deliveries.get(delivery_id)
        row.status, row.attempts, row.next_attempt_at = "pending", 0, utcnow()
        await self.session.commit()
        return await self.delivery_out(row)

    async def ping(self, endpoint_id: uuid.UUID) -> s.DeliveryPublic:
        """A `webhook.ping` event queued for this endpoint only."""
        endpoint = await self.endpoints.get(endpoint_id)
        event = record_event(self.session, self.tenant_id, "webhook.ping",
                             {"endpoint_id": endpoint.id})
        event.fanned_out_at = utcnow()  # the worker must not offer it to other endpoints
        await self.session.flush()
        row = self.deliveries.add(WebhookDelivery(event_id=event.id, endpoint_id=endpoint.id,
                                                  status="pending", attempts=0,
                                                  next_attempt_at=utcnow()))
        await self.session.commit()
        return await self.delivery_out(row)


def _columns(row: WebhookDelivery) -> dict[str, object]:
    return {c.key: getattr(row, c.key) for c in WebhookDelivery.__table__.columns}
