"""Customers and their money: the ledger, balances and payments."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import Customer, LedgerEntry, Payment, Subscription
from hub.pagination import PageParams
from hub.repository import TenantScopedRepository

SEARCHED = (Customer.name, Customer.email, Customer.account_number, Customer.service_address,
            Customer.phone)


def _like(text: str) -> str:
    """`text` as a LIKE pattern matching it anywhere (its wildcards escaped with `\\`)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Customers(TenantScopedRepository[Customer]):
    """Customers of the caller's tenant."""

    model, noun = Customer, "customer"

    async def all(self) -> list[Customer]:
        """Every customer of the tenant."""
        return list((await self.session.execute(self.select())).scalars())

    async def search(self, params: PageParams, q: str | None, include_archived: bool,
                     ) -> tuple[list[Customer], str | None]:
        """One keyset page of the tenant's customers (not archived unless asked) whose name,
        e-mail, account number, service address or phone contains `q`, ignoring case."""
        query: Select[tuple[Customer]] = self.select()
        if not include_archived:
            query = query.where(Customer.archived_at.is_(None))
        if q:
            pattern = _like(q)
            query = query.where(or_(*(func.lower(c).like(pattern, escape="\\")
                                      for c in SEARCHED)))
        return await self.page(params, query)

    async def open_subscriptions(self, customer_id: uuid.UUID) -> int:
        """How many subscriptions of the customer are pending, active or suspended."""
        query = select(func.count()).select_from(Subscription).where(
            Subscription.customer_id == customer_id,
            Subscription.status.in_(("pending", "active", "suspended")))
        return int((await self.session.execute(query)).scalar_one())

    async def in_jurisdiction(self, jurisdiction: str) -> int:
        """How many customers of the tenant, not archived, are taxed in `jurisdiction`."""
        query = select(func.count()).select_from(Customer).where(
            Customer.tenant_id == self.tenant_id, Customer.tax_jurisdiction == jurisdiction,
            Customer.archived_at.is_(None))
        return int((await self.session.execute(query)).scalar_one())

    async def ledger(self, customer_id: uuid.UUID) -> list[LedgerEntry]:
        """Every ledger entry of one customer, oldest first."""
        query = (select(LedgerEntry).where(LedgerEntry.customer_id == customer_id)
                 .order_by(LedgerEntry.at, LedgerEntry.id))
        return list((await self.session.execute(query)).scalars())


class Payments(TenantScopedRepository[Payment]):
    """Payments of the caller's tenant."""

    model, noun = Payment, "payment"

    async def reference_known(self, reference: str) -> bool:
        """Whether a payment with this reference is already recorded in the tenant."""
        query = select(Payment.id).where(Payment.tenant_id == self.tenant_id,
                                         Payment.reference == reference)
        return (await self.session.execute(query)).first() is not None

    async def by_idempotency_key(self, key: str) -> Payment | None:
        """The payment recorded with this Idempotency-Key in the tenant, if any."""
        query = self.select().where(Payment.idempotency_key == key)
        found: Payment | None = (await self.session.execute(query)).scalars().first()
        return found

    async def of_customer(self, customer_id: uuid.UUID) -> list[Payment]:
        """Every payment of one customer, oldest first, as committed now."""
        query = (select(Payment).where(Payment.customer_id == customer_id)
                 .order_by(Payment.received_on, Payment.id)
                 .execution_options(populate_existing=True))
        return list((await self.session.execute(query)).scalars())


async def unallocated_payments(session: AsyncSession, customer_id: uuid.UUID,
                               ) -> list[Payment]:
    """Payments of the customer with money not yet applied, oldest first, as committed now."""
    query = (select(Payment).where(Payment.customer_id == customer_id,
                                   Payment.unallocated_minor > 0)
             .order_by(Payment.received_on, Payment.id)
             .execution_options(populate_existing=True))
    return list((await session.execute(query)).scalars())


async def balance(session: AsyncSession, customer_id: uuid.UUID) -> int:
    """Ledger balance: positive means the customer owes money."""
    query = select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(
        LedgerEntry.customer_id == customer_id)
    return int((await session.execute(query)).scalar_one())


async def credit_balance(session: AsyncSession, customer_id: uuid.UUID) -> int:
    """Money received and not yet applied to any invoice."""
    query = select(func.coalesce(func.sum(Payment.unallocated_minor), 0)).where(
        Payment.customer_id == customer_id)
    return int((await session.execute(query)).scalar_one())


async def customer_of(session: AsyncSession, customer_id: uuid.UUID) -> Customer:
    """A customer already referenced by a row of the caller's tenant (a subscription)."""
    return await session.get_one(Customer, customer_id)
