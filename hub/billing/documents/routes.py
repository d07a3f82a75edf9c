"""Endpoints of billing documents: the PDFs of invoices and credit notes, and the billing
profile printed on them. (The portal's own PDFs are served by hub.support.routes.)"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Response

from hub.api.deps import RequirePermission, SessionDep
from hub.billing.documents.issue import Pdf, tenant_pdf
from hub.billing.documents.profile import get_profile, set_profile
from hub.billing.documents.schemas import BillingProfileBody, BillingProfilePublic
from hub.errors import error_docs
from hub.principal import Principal

router = APIRouter(prefix="/billing", tags=["billing"])
READ, WRITE = error_docs(401, 403, 422, 429), error_docs(401, 403, 409, 422, 429)
ONE = error_docs(401, 403, 404, 422, 429)
BillingRead = Annotated[Principal, RequirePermission("billing:read")]
BillingWrite = Annotated[Principal, RequirePermission("billing:write")]
IfNoneMatch = Annotated[str | None, Header(alias="If-None-Match")]
PDF_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
          "description": "The PDF; ETag is its SHA-256"},
    304: {"description": "Unchanged (If-None-Match named its ETag)"}, **ONE}


def pdf_response(pdf: Pdf, if_none_match: str | None = None) -> Response:
    """The PDF with its download name and ETag (issued ones never change: cacheable)."""
    etag = f'"{pdf.sha256}"'
    headers = {"ETag": etag, "Content-Disposition": f'inline; filename="{pdf.filename}"',
               "Cache-Control": "no-store" if pdf.draft else "private, max-age=86400"}
    if if_none_match is not None and etag in [x.strip() for x in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(pdf.content, media_type="application/pdf", headers=headers)


@router.get("/invoices/{invoice_id}/pdf", operation_id="billing_invoices_pdf",
            response_class=Response, responses=PDF_RESPONSES)
async def invoice_pdf(invoice_id: uuid.UUID, session: SessionDep, p: BillingRead,
                      if_none_match: IfNoneMatch = None) -> Response:
    """The invoice's PDF: the one issued at finalization, or a DRAFT rendering before."""
    return pdf_response(await tenant_pdf(session, p.tenant_id, invoice_id, "invoice"),
                        if_none_match)


@router.get("/credit-notes/{credit_note_id}/pdf", operation_id="billing_credit_notes_pdf",
            response_class=Response, responses=PDF_RESPONSES)
async def credit_note_pdf(credit_note_id: uuid.UUID, session: SessionDep, p: BillingRead,
                          if_none_match: IfNoneMatch = None) -> Response:
    """The credit note's PDF, issued when it was made."""
    return pdf_response(await tenant_pdf(session, p.tenant_id, credit_note_id, "credit_note"),
                        if_none_match)


@router.get("/profile", operation_id="billing_profile_get", response_model=BillingProfilePublic,
            responses=READ)
async def read_profile(session: SessionDep, p: BillingRead) -> BillingProfilePublic:
    """Who issues the tenant's invoices, as printed on them."""
    return await get_profile(session, p.tenant_id)


@router.put("/profile", operation_id="billing_profile_set", response_model=BillingProfilePublic,
            responses=WRITE)
async def replace_profile(body: BillingProfileBody, session: SessionDep, p: BillingWrite,
                          ) -> BillingProfilePublic:
    """Replace the billing profile; documents issued before keep what they printed."""
    return await set_profile(session, p.tenant_id, body)
