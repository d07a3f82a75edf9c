"""Resellers' totals endpoints (GET only; thin: parse the period, call the service).

Mounted by the composition root (hub/routes.py) beside the other billing analytics."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from hub.api.deps import SessionDep
from hub.billing.analytics.resellers import schemas as r
from hub.billing.analytics.resellers.service import ResellerTotalsService
from hub.billing.analytics.routes import BillingAnalyticsRead, On, Period
from hub.billing.service import today_utc
from hub.errors import error_docs

router = APIRouter(prefix="/billing/analytics/resellers", tags=["billing-analytics"])


@router.get("", operation_id="billing_analytics_resellers", response_model=r.ResellersTotals,
            responses=error_docs(401, 403, 409, 422, 429))
async def resellers(session: SessionDep, p: BillingAnalyticsRead, span: Period,
                    on: On = None) -> r.ResellersTotals:
    """Totals of each reseller under your ISP: customers, active subscriptions, MRR on a
    day, and invoiced, paid, credited and outstanding amounts of invoices issued in
    [start, end) (default: the current month). Never a reseller's customers themselves."""
    return await ResellerTotalsService(session, p.tenant_id).all(on or today_utc(), *span)


@router.get("/{tenant_id}", operation_id="billing_analytics_reseller",
            response_model=r.ResellerTotals, responses=error_docs(401, 403, 404, 409, 422, 429))
async def reseller(tenant_id: uuid.UUID, session: SessionDep, p: BillingAnalyticsRead,
                   span: Period, on: On = None) -> r.ResellerTotals:
    """Totals of one reseller under your ISP (404 for any other tenant)."""
    return await ResellerTotalsService(session, p.tenant_id).one(tenant_id, on or today_utc(),
                                                                 *span)
