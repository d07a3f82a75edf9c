"""Discovery endpoints: start a sweep of a site, follow it, adopt what it found."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response

from hub.api.deps import RequirePermission, SessionDep
from hub.errors import error_docs, problem_response
from hub.fleet.discovery.schemas import (
    AdoptRequest,
    AdoptResult,
    DiscoveriesPublic,
    DiscoveryCreate,
    DiscoveryDetail,
    DiscoveryPublic,
)
from hub.fleet.discovery.service import AdoptionRefused, DiscoveryService
from hub.pagination import PageDep
from hub.principal import Principal

router = APIRouter(tags=["discoveries"])
ONE = error_docs(401, 403, 404, 422, 429)
WRITE = error_docs(401, 403, 404, 409, 422, 429)

DevicesRead = Annotated[Principal, RequirePermission("devices:read")]
DevicesWrite = Annotated[Principal, RequirePermission("devices:write")]


@router.post("/sites/{site_id}/discoveries", operation_id="discoveries_create",
             response_model=DiscoveryPublic, status_code=202, responses=WRITE)
async def create_discovery(site_id: uuid.UUID, body: DiscoveryCreate, session: SessionDep,
                           principal: DevicesWrite) -> DiscoveryPublic:
    """Sweep a site's networks for SNMP devices. The site's agent (or `agent_id`) receives
    the discovery in its next config push and reports progress and candidates."""
    discovery = await DiscoveryService(session, principal).create(site_id, body)
    return DiscoveryPublic.model_validate(discovery)


@router.get("/sites/{site_id}/discoveries", operation_id="discoveries_list",
            response_model=DiscoveriesPublic, responses=ONE)
async def list_discoveries(site_id: uuid.UUID, session: SessionDep, page: PageDep,
                           principal: DevicesRead) -> DiscoveriesPublic:
    """A site's discoveries, newest first."""
    rows, cursor = await DiscoveryService(session, principal).page(site_id, page)
    return DiscoveriesPublic.of(rows, cursor)


@router.get("/discoveries/{discovery_id}", operation_id="discoveries_get",
            response_model=DiscoveryDetail, responses=ONE)
async def get_discovery(discovery_id: uuid.UUID, session: SessionDep,
                        principal: DevicesRead) -> DiscoveryDetail:
    """A discovery's progress and candidates (with the device already managing each
    address, if any)."""
    return await DiscoveryService(session, principal).detail(discovery_id)


@router.post("/discoveries/{discovery_id}/adopt", operation_id="discoveries_adopt",
             response_model=AdoptResult, status_code=201, responses=WRITE)
async def adopt_candidates(discovery_id: uuid.UUID, body: AdoptRequest, request: Request,
                           session: SessionDep, principal: DevicesWrite) -> AdoptResult | Response:
    """Make devices of candidates, all or none: any problem answers 422 with one entry per
    problem in `errors` (`loc` names the row and field) and creates nothing."""
    try:
        devices = await DiscoveryService(session, principal).adopt(discovery_id, body)
    except AdoptionRefused as refused:
        await session.rollback()
        errors = [{"loc": ["body", "candidates", n, where], "msg": msg, "type": "adoption"}
                  for n, where, msg in refused.errors]
        rows = sorted({n for n, _where, _msg in refused.errors})
        detail = (f"{len(rows)} of {len(body.candidates)} candidate(s) cannot be adopted "
                  f"(rows {', '.join(map(str, rows))}); nothing was created: " +
                  "; ".join(f"candidates[{n}] {msg}" for n, _w, msg in refused.errors))
        return problem_response(request, 422, "invalid-request", "Invalid request", detail,
                                errors=errors)
    return AdoptResult(devices=devices)
