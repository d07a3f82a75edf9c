"""Documents of invoices: rendered once when an invoice or credit note is finalized (in the
finalization's transaction, so the PDF exists exactly when the number does), stored with
their SHA-256, never rendered again; drafts are rendered on demand, marked DRAFT.

`on_invoice_finalized` is the handler of `hub.billing.invoicing.InvoiceFinalized` (wired in
`hub.handlers`). It also stages the e-mail to the customer (`billing_document_mails`), which
the mailer sends after the commit.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.documents import content, repository
from hub.billing.documents.models import DocumentMail, InvoiceDocument
from hub.billing.documents.render import render
from hub.billing.documents.repository import stored
from hub.billing.invoicing import InvoiceFinalized
from hub.billing.models import Invoice
from hub.billing.repository import Invoices
from hub.db import utcnow
from hub.errors import NotFoundError

log = logging.getLogger("dotmac.hub.billing.documents")


@dataclass(frozen=True)
class Pdf:
    """A document as served: its download name, bytes and SHA-256 (the ETag)."""

    filename: str
    content: bytes
    sha256: str
    draft: bool


async def on_invoice_finalized(session: AsyncSession, event: InvoiceFinalized) -> None:
    """Render and store the finalized document, and stage its mail to the customer."""
    invoice = await repository.invoice(session, event.invoice_id)
    document = await store(session, invoice)
    customer = await repository.customer(session, invoice.customer_id)
    if not customer.email:
        log.info("billing.documents.no_email invoice=%s number=%s customer=%s hint=set the "
                 "customer's e-mail to have documents mailed", invoice.id, invoice.number,
                 customer.id)
        return
    session.add(DocumentMail(tenant_id=invoice.tenant_id, document_id=document.id,
                             recipient=customer.email, next_attempt_at=utcnow()))


async def store(session: AsyncSession, invoice: Invoice) -> InvoiceDocument:
    """Render the finalized `invoice` as the database holds it now and store the PDF (the
    one already stored, if any: a document is never rendered twice)."""
    found = await stored(session, invoice.id)
    if found is not None:
        return found
    doc = await content.read(session, invoice)
    pdf = render(doc)
    row = InvoiceDocument(tenant_id=invoice.tenant_id, invoice_id=invoice.id, kind=invoice.kind,
                          filename=doc.filename, content=pdf,
                          sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf))
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another request stored it first (a lazily issued old invoice)
        again = await stored(session, invoice.id)
        if again is None:
            raise
        return again
    log.info("billing.documents.issued invoice=%s kind=%s number=%s bytes=%d sha256=%s",
             invoice.id, invoice.kind, invoice.number, len(pdf), row.sha256)
    return row


async def pdf_of(session: AsyncSession, invoice: Invoice) -> Pdf:
    """The PDF of `invoice`: the stored one once finalized, a DRAFT rendering before.

    An invoice finalized before documents existed (revision 0020) is rendered and stored
    on its first request, with the billing profile of that moment."""
    if invoice.status != "finalized":
        doc = await content.read(session, invoice)
        data = render(doc, draft=True)
        return Pdf(doc.filename.replace("-draft", f"-draft-{str(invoice.id)[:8]}"), data,
                   hashlib.sha256(data).hexdigest(), True)
    row = await stored(session, invoice.id)
    if row is None:
        row = await store(session, invoice)
        await session.commit()
    return Pdf(row.filename, row.content, row.sha256, False)


async def tenant_pdf(session: AsyncSession, tenant_id: uuid.UUID, invoice_id: uuid.UUID,
                     kind: str) -> Pdf:
    """A document of the caller's tenant, of `kind` (404 for another tenant's or kind)."""
    invoice = await Invoices(session, tenant_id).get(invoice_id)
    if invoice.kind != kind:
        other = "credit-notes" if invoice.kind == "credit_note" else "invoices"
        raise NotFoundError(f"{kind.replace('_', ' ')} {invoice_id}: this is a "
                            f"{invoice.kind.replace('_', ' ')}; fetch /billing/{other}/"
                            f"{invoice_id}/pdf")
    return await pdf_of(session, invoice)


async def customer_pdf(session: AsyncSession, tenant_id: uuid.UUID,
                       customer_id: uuid.UUID | None, invoice_id: uuid.UUID,
                       staff: bool = False) -> Pdf:
    """A finalized document of the portal caller's own customer account; `staff` (a caller
    bound to no customer that holds billing:read) may fetch any of its tenant's. 404
    otherwise: another customer's, a draft, another tenant's."""
    invoice = await Invoices(session, tenant_id).find(invoice_id)
    mine = invoice is not None and (
        invoice.customer_id == customer_id if customer_id is not None else staff)
    if invoice is None or not mine or invoice.status != "finalized":
        raise NotFoundError(f"invoice {invoice_id}: no such invoice of yours")
    return await pdf_of(session, invoice)
