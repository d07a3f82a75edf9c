"""The statements of invoice documents: the rows a document is read from (invoice, customer,
tenant, tax rate, billing profile), the stored PDFs and the mail queue.

Every query of `hub.billing.documents` lives here; the content reader, the issuer and the
mailer call these functions inside their caller's transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.documents.models import BillingProfile, DocumentMail, InvoiceDocument
from hub.billing.models import Customer, Invoice, TaxRate
from hub.tenants.models import Tenant


async def tenant(session: AsyncSession, tenant_id: uuid.UUID) -> Tenant:
    """The tenant issuing a document (it exists: the invoice references it)."""
    return await session.get_one(Tenant, tenant_id)


async def customer(session: AsyncSession, customer_id: uuid.UUID) -> Customer:
    """The customer a document is addressed to (it exists: the invoice references it)."""
    return await session.get_one(Customer, customer_id)


async def invoice(session: AsyncSession, invoice_id: uuid.UUID) -> Invoice:
    """An invoice by id, across tenants (a finalized event's or a stored document's)."""
    return await session.get_one(Invoice, invoice_id)


async def tax_name(session: AsyncSession, tenant_id: uuid.UUID,
                   jurisdiction: str) -> str | None:
    """The name the tenant gives the tax rate of `jurisdiction`, None without one."""
    query = select(TaxRate.name).where(TaxRate.tenant_id == tenant_id,
                                       TaxRate.jurisdiction == jurisdiction)
    name: str | None = (await session.execute(query)).scalar_one_or_none()
    return name


async def profile_of(session: AsyncSession, tenant_id: uuid.UUID) -> BillingProfile | None:
    """The tenant's billing profile, None before one is set."""
    query = select(BillingProfile).where(BillingProfile.tenant_id == tenant_id)
    found: BillingProfile | None = (await session.execute(query)).scalar_one_or_none()
    return found


async def stored(session: AsyncSession, invoice_id: uuid.UUID) -> InvoiceDocument | None:
    """The stored document of an invoice, None before it is issued."""
    query = select(InvoiceDocument).where(InvoiceDocument.invoice_id == invoice_id)
    found: InvoiceDocument | None = (await session.execute(query)).scalar_one_or_none()
    return found


async def document(session: AsyncSession, document_id: uuid.UUID) -> InvoiceDocument:
    """A stored document by id (a claimed mail's: the foreign key keeps it)."""
    return await session.get_one(InvoiceDocument, document_id)


async def due_mails(session: AsyncSession, now: datetime, limit: int) -> list[DocumentMail]:
    """Up to `limit` pending mails due at `now`, oldest first, locked for this transaction
    (`FOR UPDATE SKIP LOCKED`: rows another process holds are skipped)."""
    query = (select(DocumentMail)
             .where(DocumentMail.status == "pending", DocumentMail.next_attempt_at <= now)
             .order_by(DocumentMail.next_attempt_at, DocumentMail.id)
             .limit(limit).with_for_update(skip_locked=True))
    return list((await session.execute(query)).scalars())


async def record_mail(session: AsyncSession, mail_id: uuid.UUID, lease: datetime,
                      values: dict[str, object]) -> bool:
    """Write `values` to a pending mail while it still holds `lease`; False when the lease
    passed to another claim (or the mail is no longer pending)."""
    done = await session.execute(
        update(DocumentMail)
        .where(DocumentMail.id == mail_id, DocumentMail.next_attempt_at == lease,
               DocumentMail.status == "pending")
        .values(**values).returning(DocumentMail.id)
        .execution_options(synchronize_session=False))
    return done.first() is not None
