"""One alarm stack per test module (hub, workers, broker, agent process, SMTP, webhooks)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.hub.alarms.e2e.harness import Stack, alarm_stack, new_address
from tests.services.postgres import Postgres
from tests.services.snmp import Snmpd


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack(postgres: Postgres, snmpd: Snmpd,
                tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    """The module's stack, the agent running and heard from by the hub."""
    async with alarm_stack(postgres, snmpd, tmp_path_factory.mktemp("alarms-e2e"),
                           new_address("noc")) as running:
        yield running
