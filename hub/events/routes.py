"""Webhook endpoints and their deliveries (thin: parse, call WebhookService, shape)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from hub.api.deps import RequirePermission, SessionDep
from hub.errors import error_docs
from hub.events import schemas as s
from hub.events.models import WebhookEndpoint
from hub.events.service import WebhookService
from hub.pagination import PageDep
from hub.principal import Principal
from hub.settings import HubSettings

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
READ, WRITE = error_docs(401, 403, 422, 429), error_docs(401, 403, 404, 422, 429)
ONE = error_docs(401, 403, 404, 422, 429)
WebhooksRead = Annotated[Principal, RequirePermission("webhooks:read")]
WebhooksManage = Annotated[Principal, RequirePermission("webhooks:manage")]


async def _settings(request: Request) -> HubSettings:
    settings: HubSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[HubSettings, Depends(_settings)]


@router.post("/endpoints", operation_id="webhooks_endpoints_create", status_code=201,
             response_model=s.EndpointWithSecret, responses=WRITE)
async def create_endpoint(body: s.EndpointCreate, session: SessionDep, p: WebhooksManage,
                          settings: SettingsDep) -> s.EndpointWithSecret:
    """Add a receiver; the answer holds its signing secret, shown this once."""
    return await WebhookService(session, p, settings).create(body)


@router.get("/endpoints", operation_id="webhooks_endpoints_list",
            response_model=s.EndpointsPublic, responses=READ)
async def list_endpoints(session: SessionDep, page: PageDep, p: WebhooksRead,
                         settings: SettingsDep) -> s.EndpointsPublic:
    """Receivers of the tenant (never their secrets)."""
    rows, cursor = await WebhookService(session, p, settings).endpoints.page(page)
    return s.EndpointsPublic(data=[s.EndpointPublic.model_validate(r) for r in rows],
                             next_cursor=cursor)


@router.get("/endpoints/{endpoint_id}", operation_id="webhooks_endpoints_get",
            response_model=s.EndpointPublic, responses=ONE)
async def get_endpoint(endpoint_id: uuid.UUID, session: SessionDep, p: WebhooksRead,
                       settings: SettingsDep) -> WebhookEndpoint:
    """One receiver."""
    return await WebhookService(session, p, settings).endpoints.get(endpoint_id)


@router.patch("/endpoints/{endpoint_id}", operation_id="webhooks_endpoints_update",
              response_model=s.EndpointPublic, responses=WRITE)
async def update_endpoint(endpoint_id: uuid.UUID, body: s.EndpointUpdate, session: SessionDep,
                          p: WebhooksManage, settings: SettingsDep) -> WebhookEndpoint:
    """Change the URL, event types, description or signature scheme, or pause it
    (`active: false`)."""
    return await WebhookService(session, p, settings).update(endpoint_id, body)


@router.delete("/endpoints/{endpoint_id}", operation_id="webhooks_endpoints_delete",
               status_code=204, responses=ONE)
async def delete_endpoint(endpoint_id: uuid.UUID, session: SessionDep, p: WebhooksManage,
                          settings: SettingsDep) -> Response:
    """Remove a receiver and its delivery history."""
    await WebhookService(session, p, settings).delete(endpoint_id)
    return Response(status_code=204)


@router.post("/endpoints/{endpoint_id}/rotate-secret",
             operation_id="webhooks_endpoints_rotate_secret",
             response_model=s.EndpointWithSecret, responses=ONE)
async def rotate_secret(endpoint_id: uuid.UUID, session: SessionDep, p: WebhooksManage,
                        settings: SettingsDep) -> s.EndpointWithSecret:
    """Replace the signing secret (shown this once); the next attempt signs with it."""
    return await WebhookService(session, p, settings).rotate(endpoint_id)


@router.post("/endpoints/{endpoint_id}/ping", operation_id="webhooks_endpoints_ping",
             status_code=201, response_model=s.DeliveryPublic, responses=ONE)
async def ping(endpoint_id: uuid.UUID, session: SessionDep, p: WebhooksManage,
               settings: SettingsDep) -> s.DeliveryPublic:
    """Queue a `webhook.ping` event for this receiver only."""
    return await WebhookService(session, p, settings).ping(endpoint_id)


@router.get("/endpoints/{endpoint_id}/deliveries", operation_id="webhooks_deliveries_list",
            response_model=s.DeliveriesPublic, responses=ONE)
async def list_deliveries(endpoint_id: uuid.UUID, session: SessionDep, page: PageDep,
                          p: WebhooksRead, settings: SettingsDep) -> s.DeliveriesPublic:
    """Deliveries to one receiver, oldest first, with status and last error."""
    rows, cursor = await WebhookService(session, p, settings).list_deliveries(endpoint_id, page)
    return s.DeliveriesPublic(data=rows, next_cursor=cursor)


@router.post("/deliveries/{delivery_id}/redeliver", operation_id="webhooks_deliveries_redeliver",
             response_model=s.DeliveryPublic, responses=ONE)
async def redeliver(delivery_id: uuid.UUID, session: SessionDep, p: WebhooksManage,
                    settings: SettingsDep) -> s.DeliveryPublic:
    """Send a delivery again (same `Webhook-Id`, fresh attempt budget)."""
    return await WebhookService(session, p, settings).redeliver(delivery_id)
