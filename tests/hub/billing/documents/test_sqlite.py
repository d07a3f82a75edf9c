"""The same document flow on the embedded SQLite database: migration 0020, a PDF issued at
finalization and served, its mail staged and sent (SQLite has one writer: no SKIP LOCKED)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio

from hub.db import utcnow
from tests.hub.alarms.notify.mailserver import smtp_server
from tests.hub.billing.documents.support import (
    ensure_wired,
    get_pdf,
    invoice,
    open_books,
    pdf_text,
    unwire,
)
from tests.hub.billing.documents.test_mail import mailer, stored_pdf
from tests.hub.harness import Hub, hub_settings, running_hub


@pytest_asyncio.fixture(loop_scope="session")
async def sqlite_hub(tmp_path: Path) -> AsyncIterator[Hub]:
    settings = hub_settings(f"sqlite+aiosqlite:///{tmp_path / 'state' / 'hub.sqlite3'}",
                            auto_migrate=None, rate_limit_principal=200)
    async with running_hub(settings, migrate=False) as hub:  # development mode migrates
        added = ensure_wired()  # the app's start wired the process's handlers anew
        yield hub
        if added:
            unwire()


async def test_documents_on_sqlite(sqlite_hub: Hub) -> None:
    hub = sqlite_hub
    books = await open_books(hub, "lite-pdf", email="lite@example.net")
    inv = await invoice(hub, books)
    pdf = await get_pdf(hub, books.owner, f"/billing/invoices/{inv['id']}/pdf")
    assert pdf == await stored_pdf(hub, inv["id"])
    assert f"Invoice number: {inv['number']}" in pdf_text(pdf)
    async with smtp_server() as (box, port):
        assert (await mailer(hub, port).tick(utcnow() + timedelta(seconds=1)))["sent"] == 1
        [mail] = box.to("lite@example.net")
    assert next(mail.message.iter_attachments()).get_content() == pdf
