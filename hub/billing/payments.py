"""Payments, allocation, credit balance, refunds and the per-customer ledger.

Ledger sign: + the customer owes more (invoice, refund), - in its favour (payment, credit
note). balance = invoiced - paid - credited + refunded = open invoices - unallocated credit.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.idempotency import KeyReusedError, bounded_key
from hub.billing.events import subscription_changed
from hub.billing.lifecycle import Lifecycle
from hub.billing.models import Allocation, Customer, Invoice, LedgerEntry, Payment, Refund
from hub.billing.money import MAX_PAYMENT_MINOR, exponent, from_minor, to_minor
from hub.billing.repository import (
    Payments,
    balance,
    credit_balance,
    lock_customer,
    lock_customer_subscriptions,
    open_invoices,
    unallocated_payments,
)
from hub.billing.webhooks import payment_received, payment_refunded
from hub.errors import ConflictError, InvalidRequestError
from hub.repository import commit_or_conflict


@dataclass(frozen=True)
class ImportResult:
    """Outcome of a CSV import: created payments, duplicates skipped, rejected rows."""

    created: list[Payment]
    duplicates: int
    errors: list[str]


class PaymentService:
    """Money in and out of one tenant's customers."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID, lifecycle: Lifecycle,
                 ) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.lifecycle = lifecycle
        self.payments = Payments(session, tenant_id)

    async def replayed(self, key: str, digest: str) -> Payment | None:
        """The payment an earlier request with this Idempotency-Key made (same body), if any;
        the same key with a different body is the 422 of every reused key (docs/api.md).
        Within 24 h hub.api.idempotency answers first; the payment keeps its key for good."""
        found = await self.payments.by_idempotency_key(bounded_key(key))
        if found is not None and found.request_hash != digest:
            raise KeyReusedError(key)
        return found

    async def record(self, customer: Customer, amount_minor: int, on: date,
                     reference: str | None = None, method: str = "manual",
                     allocations: list[tuple[Invoice, int]] | None = None,
                     idempotency: tuple[str, str] | None = None) -> Payment:
        """Store a payment, allocate it (given invoices first, then oldest first), and
        resume dunning suspensions once nothing is owed. `idempotency` is the request's
        (Idempotency-Key, body hash), kept so a retry finds this payment."""
        if amount_minor <= 0:
            raise InvalidRequestError("amount: must be positive; use a refund to pay money back")
        key, digest = idempotency or (None, None)
        key = bounded_key(key) if key is not None else None
        payment = Payment(tenant_id=self.tenant_id, customer_id=customer.id,
                          amount_minor=amount_minor, currency=customer.currency, method=method,
                          reference=reference, received_on=on, unallocated_minor=amount_minor,
                          idempotency_key=key, request_hash=digest)
        await lock_customer(self.session, customer.id)  # the customer's money takes turns
        await self._insert(payment)
        self._ledger(customer.id, "payment", payment.id, -amount_minor, on)
        for invoice, amount in allocations or []:
            await self.session.refresh(invoice)  # paid as committed once the lock is held
            self._allocate(payment, invoice, amount)
        await self.apply_credit(customer.id)
        payment_received(self.session, payment)
        await self.resume_if_settled(customer.id, on)
        return payment

    async def _insert(self, payment: Payment) -> None:
        """Stage a payment; a reference already recorded is a 409 naming it. One stored by a
        concurrent request since the check rolls the whole transaction back (nothing stored)."""
        taken = (f"payment reference {payment.reference!r}: already recorded"
                 if payment.reference is not None else
                 f"Idempotency-Key {payment.idempotency_key!r}: already used")
        if payment.reference is not None and await self.payments.reference_known(
                payment.reference):
            raise ConflictError(taken)
        self.session.add(payment)
        await commit_or_conflict(self.session, f"{taken} by a concurrent request; nothing was "
                                 "stored", flush_only=True)

    def _ledger(self, customer_id: uuid.UUID, kind: str, ref: uuid.UUID, amount: int,
                on: date) -> None:
        self.session.add(LedgerEntry(tenant_id=self.tenant_id, customer_id=customer_id,
                                     kind=kind, ref_id=ref, amount_minor=amount, on=on))

    def _allocate(self, payment: Payment, invoice: Invoice, amount: int) -> None:
        allocate(self.session, payment, invoice, amount)

    async def apply_credit(self, customer_id: uuid.UUID) -> None:
        """Apply unallocated payments (oldest first) to open invoices (oldest first)."""
        await apply_credit(self.session, customer_id)

    async def refund(self, customer: Customer, amount_minor: int, on: date) -> Refund:
        """Pay back credit balance (newest unallocated payments first)."""
        await lock_customer(self.session, customer.id)
        available = await credit_balance(self.session, customer.id)
        if not 0 < amount_minor <= available:
            raise InvalidRequestError(f"refund: {amount_minor} must be positive and at most the "
                                      f"customer's credit balance {available}")
        left, first = amount_minor, None
        for payment in reversed(await self.payments.of_customer(customer.id)):
            take = min(left, payment.unallocated_minor)
            payment.unallocated_minor -= take
            left -= take
            first = first or (payment.id if take else None)
        refund = Refund(tenant_id=self.tenant_id, customer_id=customer.id, payment_id=first,
                        amount_minor=amount_minor, refunded_on=on)
        self.session.add(refund)
        await self.session.flush()
        self._ledger(customer.id, "refund", refund.id, amount_minor, on)
        payment_refunded(self.session, refund, customer.currency)
        await self.session.flush()
        return refund

    async def resume_if_settled(self, customer_id: uuid.UUID, on: date) -> None:
        """Once the customer owes nothing, resume what dunning suspended."""
        if await balance(self.session, customer_id) > 0:
            return
        # The customer's row is locked (record/refund): dunning waits for it before touching
        # a subscription. Lock every subscription of the customer in id order, then filter on
        # what is committed once the locks are held (see Lifecycle.lock).
        for sub in await lock_customer_subscriptions(self.session, customer_id):
            if (sub.status, sub.suspend_reason) != ("suspended", "dunning"):
                continue
            await self.lifecycle.resume(sub, on)
            await subscription_changed(self.session, sub, "resume", on)
        await self.session.flush()

    async def import_csv(self, text: str, customers: dict[uuid.UUID, Customer],
                         ) -> ImportResult:
        """Rows `customer_id,amount,date,reference`; a known reference is a duplicate."""
        created, duplicates, errors = [], 0, []
        for n, row in _rows(text):
            try:
                customer, minor, on, ref = _parse_row(row, customers)
            except (KeyError, ValueError, InvalidOperation) as exc:
                errors.append(f"line {n}: {exc}")
                continue
            if await self.payments.reference_known(ref):
                duplicates += 1
                continue
            try:
                created.append(await self.record(customer, minor, on, ref, "csv"))
            except ConflictError as exc:  # stored concurrently: all rolled back, say which row
                raise ConflictError(f"line {n}: {exc}; import the file again (references "
                                    "already recorded are skipped)") from exc
        return ImportResult(created, duplicates, errors)

def _rows(text: str) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(line number, row) of a CSV; a file the csv module cannot read at all is one 422.

    Raised before the service commits, so rows already recorded are rolled back with it.
    """
    reader = csv.DictReader(io.StringIO(text))
    try:
        yield from enumerate(reader, start=2)
    except csv.Error as exc:
        raise InvalidRequestError(f"csv: line {reader.line_num}: {exc}; nothing was imported, "
                                  "fix the file and import it again") from exc


def _field(row: dict[str, str | None], name: str) -> str:
    """One cell, stripped; a short row (a missing cell) is that row's error."""
    value = row[name]
    if value is None:
        raise ValueError(f"{name}: missing (the row has fewer cells than the header)")
    return value.strip()


def _amount(text: str, currency: str) -> int:
    """A CSV amount in minor units: a finite decimal, no finer than the currency, in range."""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"amount {text[:40]!r}: not a number") from None
    if not amount.is_finite():  # NaN, sNaN, Infinity: Decimal parses them
        raise ValueError(f"amount {text[:40]!r}: not a finite number")
    if amount.as_tuple().exponent < -exponent(currency):  # type: ignore[operator]
        raise ValueError(f"amount {text[:40]}: more decimals than {currency} has")
    # Compared as a Decimal before any rounding, so 1e999999 is never expanded.
    if amount.copy_abs() > from_minor(MAX_PAYMENT_MINOR, currency):
        raise ValueError(f"amount {text[:40]}: over the largest payment the hub stores "
                         f"({MAX_PAYMENT_MINOR} minor units)")
    return to_minor(amount, currency)


def _parse_row(row: dict[str, str | None], customers: dict[uuid.UUID, Customer],
               ) -> tuple[Customer, int, date, str]:
    customer_id = _field(row, "customer_id")
    customer = customers.get(uuid.UUID(customer_id))
    if customer is None:
        raise ValueError(f"customer {customer_id}: no such customer in this tenant")
    minor = _amount(_field(row, "amount"), customer.currency)
    reference = _field(row, "reference")
    if not reference:
        raise ValueError("reference: required (it makes re-imports idempotent)")
    return customer, minor, date.fromisoformat(_field(row, "date")), reference


def request_hash(body: BaseModel) -> str:
    """Fingerprint of a request body: a replayed Idempotency-Key must come with the same."""
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def allocate(session: AsyncSession, payment: Payment, invoice: Invoice, amount: int) -> None:
    """Apply `amount` of a payment's unallocated money to one open invoice."""
    open_minor = invoice_open(invoice)
    if invoice.customer_id != payment.customer_id or invoice.status != "finalized":
        raise InvalidRequestError(f"allocation: invoice {invoice.id} is not a finalized "
                                  "invoice of this payment's customer")
    if not 0 < amount <= min(open_minor, payment.unallocated_minor):
        raise InvalidRequestError(f"allocation: {amount} must be positive and at most the "
                                  f"invoice's open {open_minor} and the payment's "
                                  f"unallocated {payment.unallocated_minor}")
    session.add(Allocation(tenant_id=payment.tenant_id, payment_id=payment.id,
                           invoice_id=invoice.id, amount_minor=amount))
    invoice.paid_minor += amount
    payment.unallocated_minor -= amount


async def apply_credit(session: AsyncSession, customer_id: uuid.UUID) -> None:
    """Apply unallocated payments (oldest first) to open invoices (oldest first).

    Locks the customer's row first: amounts are read as committed by the transactions
    that held it before, so two concurrent payments never overwrite each other's allocation.
    """
    await session.flush()
    await lock_customer(session, customer_id)
    credits = await unallocated_payments(session, customer_id)
    for invoice in await open_invoices(session, customer_id):
        for payment in credits:
            amount = min(invoice_open(invoice), payment.unallocated_minor)
            if amount > 0:
                allocate(session, payment, invoice, amount)
    await session.flush()


def invoice_open(invoice: Invoice) -> int:
    """What is still owed on an invoice, in minor units."""
    return invoice.total_minor - invoice.paid_minor - invoice.credited_minor
