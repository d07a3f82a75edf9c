"""A reseller's totals, read through billing's analytics (MRR) and the reseller's own
tenant-scoped repositories; the caller reaches only resellers directly under its tenant."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.analytics.resellers import schemas as r
from hub.billing.analytics.resellers.repository import ResellerFigures
from hub.billing.analytics.service import BillingAnalytics
from hub.tenants.models import Tenant, TenantKind
from hub.tenants.repository import TenantRepository

_ZERO = {"mrr_minor": 0, "invoices": 0, "invoiced_minor": 0, "paid_minor": 0,
         "credited_minor": 0, "outstanding_minor": 0}


class ResellerTotalsService:
    """Totals of the resellers under the caller's tenant (an ISP; others have none)."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tenants = TenantRepository(session, tenant_id)

    async def all(self, on: date, start: date, end: date) -> r.ResellersTotals:
        """Every reseller directly under the caller's tenant."""
        resellers = await self.tenants.children(TenantKind.RESELLER)
        return r.ResellersTotals(on=on, start=start, end=end, resellers=[
            await self._totals(t, on, start, end) for t in resellers])

    async def one(self, tenant_id: uuid.UUID, on: date, start: date, end: date,
                  ) -> r.ResellerTotals:
        """One reseller under the caller's tenant; any other tenant is 404."""
        tenant = await self.tenants.child(tenant_id, TenantKind.RESELLER)
        return await self._totals(tenant, on, start, end)

    async def _totals(self, tenant: Tenant, on: date, start: date, end: date,
                      ) -> r.ResellerTotals:
        figures = ResellerFigures(self.session, tenant.id)
        cells: dict[str, dict[str, int]] = defaultdict(lambda: dict(_ZERO))
        mrr = await BillingAnalytics(self.session, tenant.id).mrr(on)
        for currency in mrr.currencies:
            cells[currency.currency]["mrr_minor"] = currency.mrr_minor
        for currency, count, total, paid, credited in await figures.invoiced(start, end):
            cells[currency].update(
                invoices=int(count), invoiced_minor=int(total), paid_minor=int(paid),
                credited_minor=int(credited),
                outstanding_minor=int(total) - int(paid) - int(credited))
        return r.ResellerTotals(
            tenant_id=tenant.id, name=tenant.name, suspended_at=tenant.suspended_at,
            customers=await figures.customer_count(),
            active_subscriptions=await figures.active_subscriptions(),
            currencies=[r.CurrencyTotals(currency=c, **cells[c]) for c in sorted(cells)])
