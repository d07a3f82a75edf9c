"""Helpers of the document tests: reading a PDF back with pdftotext, a small PNG logo, and
a tenant with a profile, a taxed customer and an invoice made through the API."""

from __future__ import annotations

import base64
import secrets
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass
from typing import Any

import pytest

from hub.billing.documents.issue import on_invoice_finalized
from hub.billing.invoicing import InvoiceFinalized
from hub.domain_events import bus
from tests.hub.harness import Account, Hub


def ensure_wired() -> bool:
    """Subscribe the document handler unless the process's wiring did (True: added here).
    Call it after the app started: `hub.handlers.wire()` starts from an empty registry."""
    if on_invoice_finalized in bus.handlers(InvoiceFinalized):
        return False
    bus.subscribe(InvoiceFinalized, on_invoice_finalized)
    return True


def unwire() -> None:
    """Take back what ensure_wired added (the process's registry as it was)."""
    kept = [h for h in bus.handlers(InvoiceFinalized) if h is not on_invoice_finalized]
    bus._handlers[InvoiceFinalized] = kept


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it (content order), whitespace folded
    to single spaces so wrapped cells compare as one line."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext not found: the PDF tests read documents back with poppler; "
                    "install it with `sudo apt-get install -y poppler-utils` "
                    "(or `make system-deps-test`)")
    out = subprocess.run([tool, "-raw", "-enc", "UTF-8", "-", "-"], input=pdf,
                         capture_output=True, check=True, timeout=60)
    return " ".join(out.stdout.decode("utf-8").split())


def folded(text: str) -> str:
    """`text` with whitespace folded like pdf_text's."""
    return " ".join(text.split())


def png(width: int = 40, height: int = 20) -> bytes:
    """A small opaque PNG (a red bar), written by hand: no imaging library needed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\x00" + b"\xc0\x10\x10" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


PROFILE = {"legal_name": "Northwind Fibre B.V.",
           "address_lines": ["Havenstraat 12", "1011 AB Amsterdam", "Netherlands"],
           "tax_id": "NL859123456B01", "email": "billing@northwind.example",
           "payment_details": "IBAN NL91 ABNA 0417 1643 00, BIC ABNANL2A",
           "logo_base64": base64.b64encode(png()).decode()}


@dataclass
class Books:
    """A tenant with a profile and one taxed customer, through the API."""

    owner: Account
    customer: dict[str, Any]
    tax: dict[str, Any]


async def open_books(hub: Hub, label: str, email: str = "") -> Books:
    """Tenant, billing profile, a 21 % tax rate and a customer in it."""
    owner = await hub.new_tenant(label)
    resp = await hub.client.put("/billing/profile", json=PROFILE, headers=owner.headers)
    assert resp.status_code == 200, resp.text
    jurisdiction = f"NL{secrets.token_hex(2)}"
    tax = await hub.post(owner, "/billing/tax-rates", {"jurisdiction": jurisdiction,
                                                       "name": "VAT", "rate": "0.21"})
    customer = await hub.post(owner, "/billing/customers", {
        "name": "Jan de Vries", "email": email or f"jan-{secrets.token_hex(3)}@example.net",
        "service_address": "Keizersgracht 100\n1015 CX Amsterdam", "currency": "EUR",
        "account_number": f"ACC-{secrets.token_hex(3).upper()}",
        "tax_jurisdiction": jurisdiction})
    return Books(owner, customer, tax)


async def invoice(hub: Hub, books: Books, activate_on: str = "2026-03-11",
                  period: str = "2026-03-01") -> dict[str, Any]:
    """A finalized invoice of a new subscription: a prorated month and a setup fee."""
    owner = books.owner
    plan = await hub.post(owner, "/billing/plans", {
        "name": f"Fibre 500 {secrets.token_hex(2)}", "currency": "EUR", "down_kbps": 500_000,
        "up_kbps": 100_000, "price_minor": 4500, "setup_fee_minor": 2500})
    sub = await hub.post(owner, "/billing/subscriptions", {
        "customer_id": books.customer["id"], "plan_id": plan["id"]})
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "activate", "on": activate_on})
    made = await hub.post(owner, "/billing/runs", {"period": period, "today": period})
    [one] = [i for i in made["created"] if i["subscription_id"] == sub["id"]]
    resp = await hub.client.get(f"/billing/invoices/{one['id']}", headers=owner.headers)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def get_pdf(hub: Hub, account: Account, path: str) -> bytes:
    """GET a PDF route that must answer one."""
    resp = await hub.client.get(path, headers=account.headers)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/pdf"
    return resp.content
