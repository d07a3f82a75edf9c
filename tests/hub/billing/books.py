"""A tenant's billing books driven through the services with an explicit clock (dates)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.dunning import Dunning
from hub.billing.invoicing import Invoicing
from hub.billing.lifecycle import Lifecycle
from hub.billing.models import (
    Customer,
    Invoice,
    LedgerEntry,
    NetworkAction,
    Plan,
    Subscription,
    TaxRate,
)
from hub.billing.network import RecordedNetworkActions
from hub.billing.payments import PaymentService
from hub.ingest.models import InterfaceRollup
from tests.hub.harness import Account, Hub


@dataclass
class Books:
    """Services of one tenant sharing one session (commit is up to the test)."""

    session: AsyncSession
    tenant_id: uuid.UUID
    device_id: uuid.UUID
    device_name: str

    @property
    def lifecycle(self) -> Lifecycle:
        """Lifecycle recording network actions in the billing table."""
        return Lifecycle(self.session, RecordedNetworkActions(self.session, self.tenant_id))

    @property
    def invoicing(self) -> Invoicing:
        """Invoicing of this tenant."""
        return Invoicing(self.session, self.tenant_id)

    @property
    def payments(self) -> PaymentService:
        """Payments of this tenant."""
        return PaymentService(self.session, self.tenant_id, self.lifecycle)

    @property
    def dunning(self) -> Dunning:
        """Dunning of this tenant."""
        return Dunning(self.session, self.tenant_id, self.lifecycle)

    async def customer(self, jurisdiction: str | None = None, currency: str = "EUR",
                       ) -> Customer:
        """A new customer."""
        row = Customer(tenant_id=self.tenant_id, name=f"c-{secrets.token_hex(3)}",
                       currency=currency, tax_jurisdiction=jurisdiction, contacts=[],
                       service_address="1 Fibre Lane")
        self.session.add(row)
        await self.session.flush()
        return row

    async def tax(self, jurisdiction: str, rate: str) -> None:
        """Define a tax rate."""
        self.session.add(TaxRate(tenant_id=self.tenant_id, jurisdiction=jurisdiction,
                                 name="VAT", rate=Decimal(rate)))
        await self.session.flush()

    async def plan(self, price_minor: int, **extra: Any) -> Plan:
        """A monthly EUR plan."""
        values: dict[str, Any] = {"name": f"p-{secrets.token_hex(3)}", "currency": "EUR",
                                  "down_kbps": 100_000, "up_kbps": 20_000,
                                  "price_minor": price_minor, "setup_fee_minor": 0,
                                  "minimum_term_periods": 0, "usage_kind": "none"}
        values.update(extra)
        row = Plan(tenant_id=self.tenant_id, **values)
        self.session.add(row)
        await self.session.flush()
        return row

    async def subscribe(self, customer: Customer, plan: Plan, on: date | None,
                        if_index: int = 1) -> Subscription:
        """A subscription on the test device, activated on `on` (pending when None)."""
        sub = Subscription(tenant_id=self.tenant_id, customer_id=customer.id, plan_id=plan.id,
                           device_id=self.device_id, if_index=if_index, port=f"ge-0/0/{if_index}",
                           status="pending")
        self.session.add(sub)
        await self.session.flush()
        if on is not None:
            await self.lifecycle.activate(sub, plan, on)
            await self.session.flush()
        return sub

    async def rollups(self, if_index: int, start: datetime,
                      octets: list[tuple[int, int]]) -> None:
        """Consecutive 5-minute buckets from `start` with (in, out) octet deltas."""
        for n, (i, o) in enumerate(octets):
            self.session.add(InterfaceRollup(
                tenant_id=self.tenant_id, device=self.device_name, if_index=if_index,
                bucket_start=start + timedelta(minutes=5 * n), in_octets_delta=Decimal(i),
                out_octets_delta=Decimal(o), in_errors_delta=Decimal(0),
                out_errors_delta=Decimal(0), in_bps=8 * i / 300, out_bps=8 * o / 300,
                samples=1))
        await self.session.flush()

    async def actions(self, sub: Subscription) -> list[tuple[str, str | None]]:
        """(action, mode) requested for `sub`, in order."""
        query = (select(NetworkAction).where(NetworkAction.subscription_id == sub.id)
                 .order_by(NetworkAction.created_at, NetworkAction.id))
        return [(a.action, a.mode) for a in (await self.session.execute(query)).scalars()]

    async def ledger_sum(self, customer: Customer) -> int:
        """Sum of ledger entries, straight from the table."""
        rows = (await self.session.execute(select(LedgerEntry.amount_minor).where(
            LedgerEntry.customer_id == customer.id))).scalars()
        return sum(rows)

    async def invoices(self, customer: Customer) -> list[Invoice]:
        """The customer's invoices and credit notes by number."""
        query = select(Invoice).where(Invoice.customer_id == customer.id).order_by(
            Invoice.number)
        return list((await self.session.execute(query)).scalars())


async def open_books(hub: Hub, label: str) -> tuple[Books, Account]:
    """A fresh tenant with one device; the Books session stays open until closed."""
    owner = await hub.new_tenant(label)
    site = await hub.post(owner, "/sites", {"name": f"s-{secrets.token_hex(3)}"})
    device = await hub.post(owner, "/devices", {
        "site_id": site["id"], "name": f"d-{secrets.token_hex(3)}",
        "management_address": "192.0.2.10", "profile": "juniper_junos"})
    session = hub.app.state.sessions()
    return Books(session, owner.tenant_id, uuid.UUID(device["id"]), device["name"]), owner


def utc(day: date) -> datetime:
    """Midnight UTC of `day`."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
