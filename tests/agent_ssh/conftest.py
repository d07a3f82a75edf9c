"""Fixtures for the SSH executor tests: the simulator, agent configs and job requests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from edge_agent.config import AgentConfig
from edge_agent.executor import Executor
from protocol import JobRequest
from tests.ssh_sim import SimDevice

AGENT_ID = "pop-ssh-test"


def config_for(devices: list[SimDevice], state_dir: Path) -> AgentConfig:
    """An agent config whose devices are the simulator's (credentials in the ssh block)."""
    return AgentConfig.model_validate({
        "agent": {"id": AGENT_ID, "state_dir": str(state_dir)},
        "broker": {"host": "127.0.0.1", "password": "unused-here"},
        "polling": {"ssh_workers": 4},
        "devices": [{
            "name": d.name, "host": d.host, "profile": d.platform,
            "snmp": {"community": "public"},
            "ssh": {"username": d.username, "password": d.password, "port": d.port,
                    "enable_secret": d.enable_secret, "timeout_s": 3},
        } for d in devices],
    })


def job(device: SimDevice | str, action: str, *, key: str | None = None,
        dry_run: bool = False, deadline_s: float = 60, **params: Any) -> JobRequest:
    """A job request as the hub would send it."""
    name = device if isinstance(device, str) else device.name
    return JobRequest(agent_id=AGENT_ID, seq=1, ts=datetime.now(UTC), job_id=uuid.uuid4(),
                      device=name, action=action, params=params,
                      idempotency_key=key or uuid.uuid4().hex,
                      deadline=datetime.now(UTC) + timedelta(seconds=deadline_s),
                      dry_run=dry_run)


@pytest.fixture
def executor_for(tmp_path: Path) -> Iterator[Callable[..., Executor]]:
    """Build executors over the given simulated devices; closed after the test."""
    made: list[Executor] = []

    def build(*devices: SimDevice, state_dir: Path | None = None) -> Executor:
        executor = Executor(config_for(list(devices), state_dir or tmp_path / "state"))
        made.append(executor)
        return executor

    yield build
    for executor in made:
        executor.pool.shutdown(wait=True)
        executor.store.close()
