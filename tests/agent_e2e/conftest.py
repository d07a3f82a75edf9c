"""The `pop` fixture: a configured agent (not started) and the hub's view of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.agent_delivery.helpers import connect_hub, unique_id
from tests.agent_e2e.harness import Agent, write_config


@pytest.fixture
def pop(tmp_path: Path, mosquitto, snmpd, snmpsim):  # type: ignore[no-untyped-def]
    """A configured agent (not started) and the hub's subscription to it."""
    agent_id = unique_id("e2e")
    creds = mosquitto.add_user(agent_id)
    write_config(tmp_path / "agent.yaml", agent_id, mosquitto, snmpd, snmpsim)
    hub = connect_hub(mosquitto, f"dm/v1/{agent_id}/up/#", client_id=f"hub-{agent_id}")
    agent = Agent(tmp_path / "agent.yaml", creds.password)
    yield agent, hub
    if agent.proc is not None:
        agent.proc.stop()
    hub.close()
