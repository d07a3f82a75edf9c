"""Threat: an attacker on the POP's management network answers at a device's address.

Without host-key checking the agent logs in to whatever answers and hands it the shared SSH
and enable passwords. The agent trusts a device's key on first use; a changed key fails the
job (and SSH telemetry polls) with `host_key_changed` before any password is sent, is
reported in health, and only `dotmac-agent ssh-trust DEVICE` (after a tech checked the
device) lets logins resume. The impostor here is the SSH simulator with a new host key.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from edge_agent.cli import app as agent_cli
from edge_agent.executor import Executor
from edge_agent.executor.host_keys import KnownHosts
from edge_agent.executor.telemetry import CliPoller
from edge_agent.poll import PollErrorCode
from edge_agent.runtime import AgentRuntime
from edge_agent.scheduler import Scheduler
from firmware_profiles.actions import load_actions
from protocol import JobErrorCode
from tests.agent_ssh.conftest import config_for, job
from tests.ssh_sim import SimDevice, Simulator

PORT = "GigabitEthernet0/2"


@pytest.fixture
def executor(ssh_sim: Simulator, tmp_path: Path) -> Iterator[tuple[Executor, SimDevice]]:
    dev = ssh_sim.add_device("cisco_ios")
    made = Executor(config_for([dev], tmp_path / "state"))
    yield made, dev
    made.pool.shutdown(wait=True)
    made.store.close()


def _config_file(tmp_path: Path, dev: SimDevice) -> Path:
    path = tmp_path / "agent.yaml"
    path.write_text(yaml.safe_dump({
        "agent": {"id": "pop-ssh-test", "state_dir": str(tmp_path / "state")},
        "broker": {"host": "127.0.0.1", "password": "x"},
        "devices": [{"name": dev.name, "host": dev.host, "profile": dev.platform,
                     "snmp": {"community": "public"},
                     "ssh": {"username": dev.username, "password": "never-sent-by-ssh-trust",
                             "port": dev.port, "timeout_s": 3}}],
    }))
    return path


async def test_changed_key_fails_the_job_before_the_password_until_ssh_trust(
        executor: tuple[Executor, SimDevice], tmp_path: Path) -> None:
    agent, dev = executor
    first = await agent.run(job(dev, "suspend_customer", interface=PORT))
    assert first.outcome == "succeeded", first.output
    trusted = KnownHosts.in_state_dir(tmp_path / "state").trusted(dev.name, dev.host, dev.port)
    assert trusted is not None  # trusted on first use

    dev.replace_host_key()
    offered_before = dev.state.password_attempts
    spoofed = await agent.run(job(dev, "resume_customer", interface=PORT))
    assert (spoofed.outcome, spoofed.error_code) == ("failed", JobErrorCode.HOST_KEY_CHANGED)
    assert "ssh-trust" in spoofed.output
    assert dev.state.password_attempts == offered_before, "the impostor got the password"
    assert dev.state.interface(PORT).admin_up is False
    store = KnownHosts.in_state_dir(tmp_path / "state")
    assert store.changed_devices() == {dev.name}  # what the health report names

    trust = CliRunner().invoke(agent_cli, ["ssh-trust", dev.name, "--yes", "--config",
                                        str(_config_file(tmp_path, dev))])
    assert trust.exit_code == 0, trust.output
    assert trusted.fingerprint in trust.stdout  # the old fingerprint beside the new one
    new = store.trusted(dev.name, dev.host, dev.port)
    assert new is not None and new.fingerprint != trusted.fingerprint
    assert new.fingerprint in trust.stdout
    assert store.changed_devices() == set()

    resumed = await agent.run(job(dev, "resume_customer", interface=PORT))
    assert resumed.outcome == "succeeded", resumed.output
    assert dev.state.interface(PORT).admin_up is True


async def test_napalm_getter_and_ssh_telemetry_refuse_a_changed_key(
        executor: tuple[Executor, SimDevice]) -> None:
    agent, dev = executor
    facts = await agent.run(job(dev, "get_facts"))  # napalm's ios driver, via netmiko
    assert facts.outcome == "succeeded", facts.output

    dev.replace_host_key()
    offered_before = dev.state.password_attempts
    spoofed = await agent.run(job(dev, "get_facts"))
    assert spoofed.error_code == JobErrorCode.HOST_KEY_CHANGED, spoofed.output

    poller = CliPoller(agent.pool, known_hosts=agent.known_hosts)
    try:
        polled = await poller.poll(agent.config.device(dev.name), load_actions("cisco_ios"))
    finally:
        poller.close()
    assert [e.code for e in polled.errors] == [PollErrorCode.HOST_KEY_CHANGED]
    assert dev.state.password_attempts == offered_before


def test_ssh_trust_shows_both_fingerprints_and_asks(
        ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    config = _config_file(tmp_path, dev)
    runner = CliRunner()
    first = runner.invoke(agent_cli, ["ssh-trust", dev.name, "--config", str(config)], input="y\n")
    assert first.exit_code == 0, first.output
    assert "none (no login yet)" in first.stdout
    store = KnownHosts.in_state_dir(tmp_path / "state")
    old = store.trusted(dev.name, dev.host, dev.port)
    assert old is not None

    dev.replace_host_key()
    declined = runner.invoke(agent_cli, ["ssh-trust", dev.name, "--config", str(config)],
                             input="n\n")
    assert declined.exit_code == 1
    assert old.fingerprint in declined.stdout
    assert store.trusted(dev.name, dev.host, dev.port) == old  # nothing changed
    assert dev.state.password_attempts == 0  # reading a key never logs in

    unknown = runner.invoke(agent_cli, ["ssh-trust", "nope", "--config", str(config)])
    assert unknown.exit_code == 2
    assert dev.name in unknown.output


async def test_the_running_agents_ssh_polls_refuse_and_health_names_the_device(
        ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    path = tmp_path / "agent.yaml"
    path.write_text(yaml.safe_dump({
        "agent": {"id": "pop-ssh-test", "state_dir": str(tmp_path / "state")},
        "broker": {"host": "127.0.0.1", "password": "x"},
        "devices": [{"name": dev.name, "host": dev.host, "profile": dev.platform,
                     "telemetry": "ssh",
                     "ssh": {"username": dev.username, "password": dev.password,
                             "port": dev.port, "timeout_s": 3}}],
    }))
    runtime = AgentRuntime(path)
    device = runtime.config.devices[0]
    try:
        first = await runtime.poll(device)
        assert first.samples and not first.errors, first.errors
        dev.replace_host_key()
        runtime.ssh.poller.forget(dev.name)  # the next poll logs in afresh
        offered_before = dev.state.password_attempts
        spoofed = await runtime.poll(device)
    finally:
        runtime.ssh.close()
    assert [e.code for e in spoofed.errors] == [PollErrorCode.HOST_KEY_CHANGED], spoofed.errors
    assert dev.state.password_attempts == offered_before
    runtime.scheduler = Scheduler(runtime.config.devices, runtime.poll, runtime.sink, 1)
    assert runtime.poll_health().device_errors == {dev.name: "host_key_changed"}
