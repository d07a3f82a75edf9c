"""Document tests run on the hub fixtures (one PostgreSQL database per module), with the
finalization handler wired the way hub.handlers wires it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hub.billing.documents.issue import on_invoice_finalized
from hub.billing.invoicing import InvoiceFinalized
from hub.domain_events import bus
from tests.hub.conftest import hub, pg_url

__all__ = ["hub", "pg_url"]


@pytest.fixture(autouse=True)
def documents_wired() -> Iterator[None]:
    """Make sure finalization issues documents in this process (hub.handlers.wire does it
    once the composition root subscribes the handler; then this adds nothing)."""
    added = on_invoice_finalized not in bus.handlers(InvoiceFinalized)
    if added:
        bus.subscribe(InvoiceFinalized, on_invoice_finalized)
    yield
    if added:
        handlers = [h for h in bus.handlers(InvoiceFinalized) if h is not on_invoice_finalized]
        bus._handlers[InvoiceFinalized] = handlers  # back to what the process had
