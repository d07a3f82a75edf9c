"""Business analytics endpoints (GET only; thin: parse dates, call BillingAnalytics)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from hub.api.deps import RequirePermission, SessionDep
from hub.billing.analytics import schemas as a
from hub.billing.analytics.service import BillingAnalytics, period_of
from hub.billing.service import today_utc
from hub.errors import error_docs
from hub.pagination import PageDep
from hub.principal import Principal

router = APIRouter(prefix="/billing/analytics", tags=["billing-analytics"])
READ = error_docs(401, 403, 409, 422, 429)
BillingAnalyticsRead = Annotated[Principal, RequirePermission("billing_analytics:read")]
On = Annotated[date | None, Query(description="the day measured (default: today, UTC)")]


async def period(
    start: Annotated[date | None, Query(description="first day (default: first day of the "
                                        "current month, UTC)")] = None,
    end: Annotated[date | None, Query(description="day after the last (exclusive; default: "
                                      "first day of the month after start)")] = None,
) -> tuple[date, date]:
    """The requested [start, end): end after start, at most about ten years (else 422)."""
    return period_of(start, end, today_utc())


Period = Annotated[tuple[date, date], Depends(period)]


def _analytics(session: SessionDep, p: Principal) -> BillingAnalytics:
    return BillingAnalytics(session, p.tenant_id)


@router.get("/mrr", operation_id="billing_analytics_mrr", response_model=a.MrrReport,
            responses=READ)
async def mrr(session: SessionDep, p: BillingAnalyticsRead, on: On = None) -> a.MrrReport:
    """Monthly recurring revenue per currency on a day, split by plan."""
    return await _analytics(session, p).mrr(on or today_utc())


@router.get("/arpu", operation_id="billing_analytics_arpu", response_model=a.ArpuReport,
            responses=READ)
async def arpu(session: SessionDep, p: BillingAnalyticsRead, on: On = None) -> a.ArpuReport:
    """Average revenue per paying customer, per currency, on a day."""
    return await _analytics(session, p).arpu(on or today_utc())


@router.get("/churn", operation_id="billing_analytics_churn", response_model=a.ChurnReport,
            responses=READ)
async def churn(session: SessionDep, p: BillingAnalyticsRead, span: Period) -> a.ChurnReport:
    """Logo, subscription and MRR churn over [start, end), per currency."""
    return await _analytics(session, p).churn(*span)


@router.get("/revenue-by-plan", operation_id="billing_analytics_revenue_by_plan",
            response_model=a.RevenueReport, responses=READ)
async def revenue_by_plan(session: SessionDep, p: BillingAnalyticsRead, span: Period,
                          ) -> a.RevenueReport:
    """Invoiced revenue (net of tax, minus credit notes) per plan over [start, end)."""
    return await _analytics(session, p).revenue_by_plan(*span)


@router.get("/receivables-aging", operation_id="billing_analytics_aging",
            response_model=a.AgingReport, responses=READ)
async def aging(session: SessionDep, p: BillingAnalyticsRead, on: On = None) -> a.AgingReport:
    """Open invoice balances per currency bucketed by days past due."""
    return await _analytics(session, p).aging(on or today_utc())


@router.get("/dunning", operation_id="billing_analytics_dunning",
            response_model=a.DunningCustomersPublic, responses=READ)
async def dunning(session: SessionDep, p: BillingAnalyticsRead, page: PageDep, on: On = None,
                  ) -> a.DunningCustomersPublic:
    """Customers in dunning: step reached, overdue amount, days overdue."""
    rows, cursor = await _analytics(session, p).dunning(on or today_utc(), page)
    return a.DunningCustomersPublic(data=rows, next_cursor=cursor)
