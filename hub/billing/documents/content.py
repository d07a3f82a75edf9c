"""What an invoice or credit-note document says: pure data read from the invoice, its lines,
its customer and the tenant's billing profile, with every amount already formatted.

Amounts come from the stored integer minor units (never recomputed): the document shows
what the books hold. Tax is broken down per rate; an invoice holds one rate today (the
customer's jurisdiction, docs/billing.md), so its breakdown has one row, the invoice's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.documents import repository
from hub.billing.documents.models import BillingProfile
from hub.billing.documents.repository import profile_of
from hub.billing.models import Customer, Invoice
from hub.billing.money import exponent, from_minor
from hub.billing.repository import invoice_lines
from hub.tenants.models import Tenant


def money(minor: int, currency: str) -> str:
    """Integer minor units as printed: `1,234.50 EUR` (the currency's own exponent)."""
    places = exponent(currency)
    return f"{from_minor(minor, currency):,.{places}f} {currency}"


def number_text(value: Decimal) -> str:
    """A quantity or unit price without trailing zeros (`1`, `0.5`, `12.345`)."""
    text = f"{value.normalize():f}"
    return text if "." not in text else text.rstrip("0").rstrip(".")


def rate_text(rate: Decimal | None) -> str:
    """A tax rate as a percentage (`21 %`, `5.5 %`; `0 %` without one)."""
    return f"{number_text((rate or Decimal(0)) * 100)} %"


def payment_reference(number: int) -> str:
    """The ISO 11649 structured creditor reference ("RF" + check digits) of an invoice
    number, grouped by four as banks print it: the customer quotes it with the transfer."""
    body = f"{number:08d}"
    digits = "".join(str(int(c, 36)) for c in body + "RF00")
    ref = f"RF{98 - int(digits) % 97:02d}{body}"
    return " ".join(ref[i:i + 4] for i in range(0, len(ref), 4))


@dataclass(frozen=True)
class Party:
    """Issuer or customer as printed."""

    name: str
    address: list[str] = field(default_factory=list)
    tax_id: str = ""
    email: str = ""
    account: str = ""


@dataclass(frozen=True)
class Line:
    """One invoice line as printed."""

    description: str
    quantity: str
    unit_price: str
    tax_rate: str
    amount: str


@dataclass(frozen=True)
class TaxRow:
    """Tax of one rate: its name, the rate, the amount it applies to and the tax."""

    name: str
    rate: str
    base: str
    tax: str


@dataclass(frozen=True)
class Document:
    """Everything a rendered invoice or credit note shows."""

    kind: str  # invoice | credit_note
    number: int | None  # None: a draft
    issuer: Party
    customer: Party
    issued_on: date | None
    due_on: date | None
    period: tuple[date, date] | None
    currency: str
    lines: list[Line]
    taxes: list[TaxRow]
    subtotal: str
    tax: str
    total: str
    payment_reference: str | None
    credits_number: int | None = None  # a credit note: the invoice it corrects
    payment_details: str = ""
    logo: bytes | None = None

    @property
    def title(self) -> str:
        """`Invoice 42`, `Credit note 43`, `Invoice (draft)`."""
        noun = "Credit note" if self.kind == "credit_note" else "Invoice"
        return f"{noun} {self.number}" if self.number is not None else f"{noun} (draft)"

    @property
    def filename(self) -> str:
        """The download name: `invoice-42.pdf`, `credit-note-43.pdf`, `invoice-draft.pdf`."""
        noun = "credit-note" if self.kind == "credit_note" else "invoice"
        return f"{noun}-{self.number if self.number is not None else 'draft'}.pdf"


def issuer_of(tenant: Tenant, profile: BillingProfile | None) -> Party:
    """The tenant as the issuer: its billing profile, or its name alone without one."""
    if profile is None:
        return Party(tenant.name)
    return Party(profile.legal_name or tenant.name, list(profile.address_lines),
                 profile.tax_id, profile.email)


def customer_party(customer: Customer) -> Party:
    """The customer as printed; without an account number its id stands for one."""
    account = customer.account_number or str(customer.id)
    address = [x.strip() for x in customer.service_address.splitlines() if x.strip()]
    return Party(customer.name, address, email=customer.email, account=account)


async def read(session: AsyncSession, invoice: Invoice) -> Document:
    """The document of `invoice` as the database holds it now (the caller's transaction)."""
    tenant = await repository.tenant(session, invoice.tenant_id)
    profile = await profile_of(session, invoice.tenant_id)
    customer = await repository.customer(session, invoice.customer_id)
    cur = invoice.currency
    lines = [Line(x.description, number_text(x.quantity), money_rate(x.unit_price, cur),
                  rate_text(invoice.tax_rate), money(x.amount_minor, cur))
             for x in await invoice_lines(session, invoice.id)]
    credits = (await repository.invoice(session, invoice.credits_invoice_id)
               if invoice.credits_invoice_id else None)
    period = ((invoice.period_start, invoice.period_end)
              if invoice.period_start and invoice.period_end else None)
    return Document(
        kind=invoice.kind, number=invoice.number, issuer=issuer_of(tenant, profile),
        customer=customer_party(customer), issued_on=invoice.issued_on, due_on=invoice.due_on,
        period=period, currency=cur, lines=lines,
        taxes=[TaxRow(await _tax_name(session, invoice), rate_text(invoice.tax_rate),
                      money(invoice.subtotal_minor, cur), money(invoice.tax_minor, cur))],
        subtotal=money(invoice.subtotal_minor, cur), tax=money(invoice.tax_minor, cur),
        total=money(invoice.total_minor, cur),
        payment_reference=(payment_reference(invoice.number)
                           if invoice.kind == "invoice" and invoice.number is not None
                           else None),
        credits_number=credits.number if credits is not None else None,
        payment_details=profile.payment_details if profile is not None else "",
        logo=profile.logo if profile is not None else None)


def money_rate(value: Decimal, currency: str) -> str:
    """A unit price: at least the currency's places, more when the price has them."""
    places = max(exponent(currency), -int(value.normalize().as_tuple().exponent))
    return f"{value:,.{places}f} {currency}"


async def _tax_name(session: AsyncSession, invoice: Invoice) -> str:
    if invoice.tax_jurisdiction is None:
        return "Tax"
    name = await repository.tax_name(session, invoice.tenant_id, invoice.tax_jurisdiction)
    return f"{name or 'Tax'} ({invoice.tax_jurisdiction})"

