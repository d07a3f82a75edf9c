"""Finalization mails the document to the customer through a real SMTP server (aiosmtpd on
loopback): the attachment is the stored PDF byte for byte, an SMTP server that is down is
retried with backoff, and two mailers (two processes' engines) send each mail once."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from hub.billing.documents.mailer import DocumentMailer
from hub.billing.documents.models import DocumentMail, InvoiceDocument
from hub.billing.documents.settings import DocumentMailSettings
from hub.db import create_engine, session_factory, utcnow
from hub.mail import SmtpSettings
from hub.metrics import Metrics
from tests.hub.alarms.notify.mailserver import free_port, smtp_server
from tests.hub.billing.documents.support import Books, invoice, open_books, pdf_text
from tests.hub.harness import Hub


def mailer(hub: Hub, port: int, sessions: Any = None) -> DocumentMailer:
    """A mailer on this hub's database sending to 127.0.0.1:`port` in clear."""
    values: dict[str, Any] = {"host": "127.0.0.1", "port": port, "tls": "none", "timeout_s": 5,
                              "from_address": "Northwind Billing <invoices@northwind.example>"}
    smtp = SmtpSettings(**values)
    return DocumentMailer(sessions or hub.app.state.sessions, smtp,
                          DocumentMailSettings(backoff_base_s=60, max_attempts=5), Metrics())


async def mails_of(hub: Hub, invoice_id: str) -> list[DocumentMail]:
    async with hub.app.state.sessions() as session:
        query = (select(DocumentMail).join(InvoiceDocument,
                                           InvoiceDocument.id == DocumentMail.document_id)
                 .where(InvoiceDocument.invoice_id == uuid.UUID(invoice_id)))
        return list((await session.execute(query)).scalars())


async def stored_pdf(hub: Hub, invoice_id: str) -> bytes:
    async with hub.app.state.sessions() as session:
        found: bytes = (await session.execute(select(InvoiceDocument.content).where(
            InvoiceDocument.invoice_id == uuid.UUID(invoice_id)))).scalar_one()
        return found


def address(label: str) -> str:
    return f"{label}-{secrets.token_hex(3)}@example.net"


async def test_finalized_invoice_and_credit_note_arrive_with_the_stored_pdf(hub: Hub) -> None:
    to = address("jan")
    books = await open_books(hub, "mail-ok", email=to)
    inv = await invoice(hub, books)
    note = await hub.post(books.owner, f"/billing/invoices/{inv['id']}/credit-notes",
                          {"amount": "3.00", "reason": "router swap"})
    [row] = await mails_of(hub, inv["id"])
    assert (row.status, row.recipient, row.attempts) == ("pending", to, 0)
    async with smtp_server() as (box, port):
        outcomes = await mailer(hub, port).tick(utcnow() + timedelta(seconds=1))
        assert outcomes["sent"] >= 2
        mails = box.to(to)
    assert sorted(m.subject for m in mails) == sorted([
        f"Invoice {inv['number']} from Northwind Fibre B.V.",
        f"Credit note {note['number']} from Northwind Fibre B.V."])
    titles = {f"Invoice {inv['number']} from": inv, f"Credit note {note['number']} from": note}
    pairs = [(m, d) for m in mails for t, d in titles.items() if m.subject.startswith(t)]
    assert len(pairs) == 2
    for mail, doc in pairs:
        [attachment] = list(mail.message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        noun = "invoice" if doc["kind"] == "invoice" else "credit-note"
        assert attachment.get_filename() == f"{noun}-{doc['number']}.pdf"
        assert attachment.get_content() == await stored_pdf(hub, doc["id"])
        assert mail.mail_from == "invoices@northwind.example"
        [reply_to] = mail.message["Reply-To"].addresses
        assert (reply_to.display_name, reply_to.addr_spec) == ("Northwind Fibre B.V.",
                                                              "billing@northwind.example")
        assert f"Account number: {books.customer['account_number']}" in mail.body
    [invoice_mail] = [m for m in mails if m.subject.startswith("Invoice")]
    assert "Payment reference: RF" in invoice_mail.body
    assert f"Invoice {inv['number']}" in pdf_text(
        next(invoice_mail.message.iter_attachments()).get_content())
    [row] = await mails_of(hub, inv["id"])
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None


async def test_smtp_down_is_retried_with_backoff_then_sent(hub: Hub) -> None:
    to = address("down")
    books = await open_books(hub, "mail-down", email=to)
    inv = await invoice(hub, books)
    port = free_port()  # nothing listens there yet
    worker = mailer(hub, port)
    now = utcnow() + timedelta(seconds=1)
    assert (await worker.tick(now))["retry"] >= 1
    [row] = await mails_of(hub, inv["id"])
    assert row.status == "pending" and row.attempts == 1
    assert f"cannot reach SMTP server 127.0.0.1:{port}" in (row.last_error or "")
    wait = (row.next_attempt_at - now).total_seconds()
    assert 0.8 * 60 <= wait <= 1.2 * 60  # base backoff with its jitter
    async with smtp_server(port=port) as (box, _):
        early = await worker.tick(now + timedelta(seconds=30))  # not due yet: nothing sent
        assert early["sent"] == 0 and box.to(to) == []
        later = await worker.tick(row.next_attempt_at + timedelta(seconds=1))
        assert later["sent"] >= 1
        assert len(box.to(to)) == 1
    [row] = await mails_of(hub, inv["id"])
    assert row.status == "sent" and row.attempts == 2 and row.last_error is None


async def test_two_mailers_send_each_document_once(hub: Hub) -> None:
    recipients, made = [], []
    for n in range(3):
        to = address(f"once{n}")
        books: Books = await open_books(hub, f"mail-once{n}", email=to)
        made.append(await invoice(hub, books))
        recipients.append(to)
    engines = [create_engine(hub.settings.database_url) for _ in range(2)]
    try:
        async with smtp_server() as (box, port):
            workers = [mailer(hub, port, session_factory(e)) for e in engines]
            now = utcnow() + timedelta(seconds=1)
            for _ in range(3):  # passes at once, as two hub processes would run them
                await asyncio.gather(*(w.tick(now) for w in workers))
            for to in recipients:
                assert len(box.to(to)) == 1, to
    finally:
        for engine in engines:
            await engine.dispose()
    for inv in made:
        [row] = await mails_of(hub, inv["id"])
        assert row.status == "sent" and row.attempts == 1
