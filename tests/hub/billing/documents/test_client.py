"""The generated client fetches documents as bytes from a live hub over HTTP (a portal back
end's way) and sets the billing profile."""

from __future__ import annotations

import uuid

from dotmac_hub_client import AuthenticatedClient
from dotmac_hub_client.api.billing import billing_invoices_pdf, billing_profile_set
from dotmac_hub_client.models import BillingProfileBody, BillingProfilePublic, Problem
from dotmac_hub_client.types import File

from tests.clients.conftest import LiveHub, live_hub
from tests.hub.billing.documents.support import PROFILE, invoice, open_books, pdf_text

__all__ = ["live_hub"]


async def test_client_reads_the_stored_pdf(live_hub: LiveHub) -> None:
    books = await open_books(live_hub.hub, "client-pdf")
    inv = await invoice(live_hub.hub, books)
    async with AuthenticatedClient(base_url=live_hub.url, token=books.owner.access) as hub:
        profile = await billing_profile_set.asyncio(client=hub, body=BillingProfileBody(
            legal_name="Northwind Fibre B.V.", address_lines=list(PROFILE["address_lines"])))
        assert isinstance(profile, BillingProfilePublic) and profile.logo_bytes == 0
        pdf = await billing_invoices_pdf.asyncio(client=hub, invoice_id=uuid.UUID(inv["id"]))
        missing = await billing_invoices_pdf.asyncio(client=hub, invoice_id=uuid.uuid4())
    assert isinstance(pdf, File)
    text = pdf_text(pdf.payload.read())
    assert f"Invoice number: {inv['number']}" in text and "Jan de Vries" in text
    assert isinstance(missing, Problem) and missing.status == 404
