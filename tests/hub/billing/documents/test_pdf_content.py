"""The text pdftotext reads back from each rendered PDF matches the document's data: issuer
(billing profile), customer, number, dates, period, every line, the tax breakdown, totals
and the payment reference; a credit note names the invoice it corrects. Documents are
issued once, at finalization: a later profile change leaves them as they were."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from hub.billing.charges import Charge
from hub.billing.documents.content import Document, Line, Party, TaxRow
from hub.billing.documents.models import InvoiceDocument
from hub.billing.documents.render import render
from hub.billing.invoicing import Invoicing
from hub.billing.models import Customer
from tests.hub.billing.documents.support import (
    PROFILE,
    Books,
    folded,
    get_pdf,
    invoice,
    open_books,
    pdf_text,
)
from tests.hub.harness import Hub


def eur(minor: int) -> str:
    """How the test expects an amount printed (written here, not taken from the module)."""
    return f"{Decimal(minor) / 100:,.2f} EUR"


def qty(value: str) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def valid_rf(reference: str) -> bool:
    """ISO 11649 check: move 'RFcc' to the end, letters to numbers, mod 97 == 1."""
    compact = reference.replace(" ", "")
    moved = compact[4:] + compact[:4]
    return compact.startswith("RF") and int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def assert_issuer_and_customer(text: str, books: Books) -> None:
    for expected in (PROFILE["legal_name"], *PROFILE["address_lines"],
                     f"Tax ID: {PROFILE['tax_id']}", PROFILE["email"],
                     PROFILE["payment_details"], "Bill to", books.customer["name"],
                     "Keizersgracht 100", "1015 CX Amsterdam",
                     f"Account number: {books.customer['account_number']}",
                     books.customer["email"]):
        assert folded(str(expected)) in text, f"{expected!r} not in {text!r}"


def assert_lines(text: str, doc: dict[str, Any], rate: str) -> None:
    assert "Description Quantity Unit price Tax rate Amount" in text
    for line in doc["lines"]:
        row = (f"{folded(line['description'])} {qty(line['quantity'])} "
               f"{Decimal(line['unit_price']):,.2f} EUR {rate} {eur(line['amount_minor'])}")
        assert row in text, f"line {row!r} not in {text!r}"


async def test_invoice_pdf_text_matches_the_invoice(hub: Hub) -> None:
    books = await open_books(hub, "pdf-inv")
    inv = await invoice(hub, books)
    assert {x["kind"] for x in inv["lines"]} == {"proration", "setup"}
    text = pdf_text(await get_pdf(hub, books.owner, f"/billing/invoices/{inv['id']}/pdf"))
    assert_issuer_and_customer(text, books)
    number = inv["number"]
    for expected in (f"Invoice {number}", f"Invoice number: {number}",
                     "Issue date: 2026-03-01", "Due date: 2026-03-15",
                     "Period: 2026-03-01 to 2026-03-31", "Currency: EUR"):
        assert expected in text, f"{expected!r} not in {text!r}"
    assert_lines(text, inv, "21 %")
    jurisdiction = books.tax["jurisdiction"]
    assert (f"VAT ({jurisdiction}) 21 % {eur(inv['subtotal_minor'])} {eur(inv['tax_minor'])}"
            in text)
    assert f"Subtotal {eur(inv['subtotal_minor'])}" in text
    assert f"Tax {eur(inv['tax_minor'])}" in text
    assert f"Total {eur(inv['total_minor'])}" in text
    assert inv["subtotal_minor"] + inv["tax_minor"] == inv["total_minor"]
    reference = text.split("Payment reference: ")[1][:len("RFcc 0000 0000")]
    assert valid_rf(reference) and reference.replace(" ", "").endswith(f"{number:08d}")
    assert f"Please pay {eur(inv['total_minor'])} by 2026-03-15" in text


async def test_credit_note_pdf_names_the_invoice_it_corrects(hub: Hub) -> None:
    books = await open_books(hub, "pdf-cn")
    inv = await invoice(hub, books)
    note = await hub.post(books.owner, f"/billing/invoices/{inv['id']}/credit-notes",
                          {"amount": "5.00", "reason": "Outage credit, 14 March"})
    text = pdf_text(await get_pdf(hub, books.owner, f"/billing/credit-notes/{note['id']}/pdf"))
    assert_issuer_and_customer(text, books)
    for expected in (f"Credit note {note['number']}", f"Credit note number: {note['number']}",
                     f"Credits invoice: {inv['number']}", f"Issue date: {note['issued_on']}",
                     "Outage credit, 14 March 1 5.00 EUR 21 % 5.00 EUR",
                     f"VAT ({books.tax['jurisdiction']}) 21 % 5.00 EUR 1.05 EUR",
                     "Subtotal 5.00 EUR", "Tax 1.05 EUR", "Total 6.05 EUR",
                     f"This credit note reduces invoice {inv['number']} by 6.05 EUR"):
        assert expected in text, f"{expected!r} not in {text!r}"
    assert note["total_minor"] == 605
    assert "Payment reference" not in text and "Due date" not in text


def test_two_tax_rates_are_broken_down_per_rate() -> None:
    """A document whose lines carry two rates: each line shows its rate and the breakdown
    has one row per rate (an invoice holds one rate today: its jurisdiction's)."""
    doc = Document(
        kind="invoice", number=7, issuer=Party("Northwind Fibre B.V.", ["Havenstraat 12"],
                                               "NL859123456B01"),
        customer=Party("Jan de Vries", ["Keizersgracht 100"], account="ACC-1"),
        issued_on=date(2026, 3, 1), due_on=date(2026, 3, 15),
        period=(date(2026, 3, 1), date(2026, 4, 1)), currency="EUR",
        lines=[Line("Fibre 500", "1", "45.00 EUR", "21 %", "45.00 EUR"),
               Line("TV package", "2", "5.50 EUR", "9 %", "11.00 EUR")],
        taxes=[TaxRow("VAT high", "21 %", "45.00 EUR", "9.45 EUR"),
               TaxRow("VAT low", "9 %", "11.00 EUR", "0.99 EUR")],
        subtotal="56.00 EUR", tax="10.44 EUR", total="66.44 EUR",
        payment_reference="RF18 0000 0007")
    text = pdf_text(render(doc))
    for expected in ("Fibre 500 1 45.00 EUR 21 % 45.00 EUR", "TV package 2 5.50 EUR 9 % 11.00 EUR",
                     "VAT high 21 % 45.00 EUR 9.45 EUR", "VAT low 9 % 11.00 EUR 0.99 EUR",
                     "Subtotal 56.00 EUR", "Tax 10.44 EUR", "Total 66.44 EUR",
                     "Payment reference: RF18 0000 0007", "Invoice 7"):
        assert expected in text, f"{expected!r} not in {text!r}"
    assert render(doc) == render(doc)  # deterministic: same document, same bytes


async def test_issued_pdf_is_stored_once_and_survives_a_profile_change(hub: Hub) -> None:
    books = await open_books(hub, "pdf-imm")
    inv = await invoice(hub, books)
    path = f"/billing/invoices/{inv['id']}/pdf"
    first = await hub.client.get(path, headers=books.owner.headers)
    assert first.status_code == 200
    async with hub.app.state.sessions() as session:
        [stored] = (await session.execute(select(InvoiceDocument).where(
            InvoiceDocument.invoice_id == inv["id"]))).scalars().all()
    assert stored.content == first.content  # rendered at finalization, served as stored
    assert stored.sha256 == hashlib.sha256(first.content).hexdigest()
    assert first.headers["etag"] == f'"{stored.sha256}"'
    assert first.headers["content-disposition"] == f'inline; filename="invoice-{inv["number"]}.pdf"'
    changed = PROFILE | {"legal_name": "Southwind Networks Ltd", "tax_id": "GB123456789",
                         "logo_base64": None}
    resp = await hub.client.put("/billing/profile", json=changed, headers=books.owner.headers)
    assert resp.status_code == 200 and resp.json()["logo_bytes"] == 0
    again = await hub.client.get(path, headers=books.owner.headers)
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert "Northwind Fibre B.V." in pdf_text(again.content)
    later = await invoice(hub, books, activate_on="2026-04-02", period="2026-04-01")
    text = pdf_text(await get_pdf(hub, books.owner, f"/billing/invoices/{later['id']}/pdf"))
    assert "Southwind Networks Ltd" in text and "Tax ID: GB123456789" in text
    assert "Northwind" not in text
    unchanged = await hub.client.get(path, headers={**books.owner.headers,
                                                    "If-None-Match": first.headers["etag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""


async def test_a_draft_is_rendered_on_demand_marked_draft_and_not_stored(hub: Hub) -> None:
    books = await open_books(hub, "pdf-draft")
    async with hub.app.state.sessions() as session:
        customer = await session.get_one(Customer, books.customer["id"])
        draft = await Invoicing(session, books.owner.tenant_id).manual(customer, [
            Charge("setup", "Installation visit", Decimal(1), Decimal("80.00"),
                   Decimal("80.00"))])
        await session.commit()
        draft_id = draft.id
    resp = await hub.client.get(f"/billing/invoices/{draft_id}/pdf",
                                headers=books.owner.headers)
    assert resp.status_code == 200 and resp.headers["cache-control"] == "no-store"
    text = pdf_text(resp.content)
    for expected in ("DRAFT", "Invoice (draft)", "Invoice number: not issued",
                     "Installation visit 1 80.00 EUR 21 % 80.00 EUR", "Total 96.80 EUR"):
        assert expected in text, f"{expected!r} not in {text!r}"
    assert "Payment reference" not in text
    assert f"invoice-draft-{str(draft_id)[:8]}.pdf" in resp.headers["content-disposition"]
    async with hub.app.state.sessions() as session:
        assert (await session.execute(select(InvoiceDocument).where(
            InvoiceDocument.invoice_id == draft_id))).first() is None
