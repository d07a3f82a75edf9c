"""Customer portal endpoints over billing: the caller's own profile, subscriptions, usage and
payments (invoices, PDFs and tickets: hub.support.routes). Another customer's data is 404."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from hub.api.deps import RequirePermission, SessionDep
from hub.billing.catalogue import today_utc
from hub.billing.models import Customer
from hub.billing.portal import schemas as s
from hub.billing.portal.service import PortalService, window
from hub.billing.schemas import PaymentPublic, PaymentsPublic
from hub.errors import error_docs
from hub.pagination import PageDep
from hub.principal import Principal

router = APIRouter(prefix="/portal", tags=["portal"])
READ, ONE = error_docs(401, 403, 422, 429), error_docs(401, 403, 404, 422, 429)
PortalRead = Annotated[Principal, RequirePermission("portal:read")]
PortalWrite = Annotated[Principal, RequirePermission("portal:write")]
From = Annotated[date | None, Query(alias="from", description="first day (UTC); default: "
                                    "the first of the current month")]
To = Annotated[date | None, Query(alias="to", description="the day after the last (UTC, "
                                  "exclusive); default: tomorrow")]


@router.get("/profile", operation_id="portal_profile_get", response_model=s.ProfilePublic,
            responses=ONE)
async def my_profile(session: SessionDep, p: PortalRead) -> Customer:
    """The caller's own customer account (404 for staff and API keys: bound to none)."""
    return await PortalService(session, p).profile()


@router.patch("/profile", operation_id="portal_profile_update", response_model=s.ProfilePublic,
              responses=ONE)
async def update_my_profile(body: s.ProfileUpdate, session: SessionDep, p: PortalWrite,
                            ) -> Customer:
    """Change the caller's e-mail, phone or contacts (audited as portal.profile_update).
    Name, account number, currency, tax jurisdiction and service address are 422: the
    provider's staff change them."""
    return await PortalService(session, p).update_profile(body)


@router.get("/subscriptions", operation_id="portal_subscriptions_list",
            response_model=s.PortalSubscriptions, responses=READ)
async def my_subscriptions(session: SessionDep, page: PageDep, p: PortalRead,
                           ) -> s.PortalSubscriptions:
    """The caller's own subscriptions with plan, price and period (empty for staff)."""
    return await PortalService(session, p).subscriptions(page)


@router.get("/subscriptions/{subscription_id}/usage", operation_id="portal_subscriptions_usage",
            response_model=s.UsagePublic, responses=ONE)
async def my_usage(subscription_id: uuid.UUID, session: SessionDep, p: PortalRead,
                   start: From = None, end: To = None) -> s.UsagePublic:
    """Daily GB in and out of one of the caller's subscriptions over [from, to) (at most 93
    days), with the cap and what is used for GB-cap plans and the 95th percentile for plans
    billed by it, computed as billing rates them. Staff holding billing:read may read any
    of the tenant's subscriptions."""
    return await PortalService(session, p).usage(subscription_id,
                                                 window(start, end, today_utc()))


@router.get("/payments", operation_id="portal_payments_list", response_model=PaymentsPublic,
            responses=READ)
async def my_payments(session: SessionDep, page: PageDep, p: PortalRead) -> PaymentsPublic:
    """The caller's own payments, in pages (empty for staff)."""
    rows, cursor = await PortalService(session, p).payments(page)
    return PaymentsPublic(data=[PaymentPublic.model_validate(r) for r in rows],
                          next_cursor=cursor)
