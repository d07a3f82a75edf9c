"""Document tests run on the hub fixtures (one PostgreSQL database per module), with the
finalization handler wired the way hub.handlers wires it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hub.billing.documents.support import ensure_wired, unwire
from tests.hub.conftest import hub, pg_url

__all__ = ["hub", "pg_url"]


@pytest.fixture(autouse=True)
def documents_wired() -> Iterator[None]:
    """Make sure finalization issues documents in this process (hub.handlers.wire does it
    once the composition root subscribes the handler; then this adds nothing)."""
    added = ensure_wired()
    yield
    if added:
        unwire()
