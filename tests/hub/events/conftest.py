"""Event tests run on the hub fixtures (one PostgreSQL database per module)."""

from collections.abc import Iterator

import pytest

from tests.hub.conftest import hub, pg_url
from tests.hub.events.support import LOOPBACK

__all__ = ["hub", "pg_url"]


@pytest.fixture(autouse=True)
def loopback_receivers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Test receivers listen on 127.0.0.1: allowed the way an operator allows a network (for
    endpoint URLs saved through the API and for embedded or standalone workers)."""
    monkeypatch.setenv("DOTMAC_HUB_WEBHOOK_ALLOW_PRIVATE_NETS", LOOPBACK)
    yield
