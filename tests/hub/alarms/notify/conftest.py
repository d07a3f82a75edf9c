"""Notification tests run on the hub fixtures (one PostgreSQL database per module)."""

from collections.abc import Iterator

import pytest

from tests.hub.events.support import LOOPBACK


@pytest.fixture(autouse=True)
def loopback_receivers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Webhook receivers listen on 127.0.0.1: allowed as an operator allows a network."""
    monkeypatch.setenv("DOTMAC_HUB_WEBHOOK_ALLOW_PRIVATE_NETS", LOOPBACK)
    yield
