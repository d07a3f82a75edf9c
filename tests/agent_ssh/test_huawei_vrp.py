"""Huawei VRP8 specifics: the candidate and `commit`, the walled garden, `save` answered.

The shared tables (test_executor_jobs, test_executor_faults) run the common flows for
huawei_vrp; these tests pin what only the VRP8 commit model and CLI make true.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import netmiko
import yaml

import firmware_profiles
from edge_agent.executor import Executor
from tests.agent_ssh.conftest import config_for, job
from tests.ssh_sim import SimDevice, Simulator

PORT = "GigabitEthernet0/0/3"


def _commands(dev: SimDevice) -> list[str]:
    with dev.state.lock:
        return [c.strip() for c in dev.state.commands if c.strip()]


def test_a_line_reaches_the_running_config_only_on_commit(ssh_sim: Simulator) -> None:
    dev = ssh_sim.add_device("huawei_vrp")
    conn = netmiko.ConnectHandler(device_type="huawei_vrpv8", fast_cli=True, timeout=5,
                                  **dev.credentials())
    try:
        conn.config_mode()
        conn.send_config_set([f"interface {PORT}", "shutdown"], enter_config_mode=False)
        uncommitted = conn.find_prompt()
        running = str(conn.send_command(f"display current-configuration interface {PORT}"))
        assert dev.state.interface(PORT).admin_up is True
        refused = conn.send_config_set(["shutdown now"], enter_config_mode=False)
        conn.commit()
        committed = str(conn.send_command(f"display current-configuration interface {PORT}"))
    finally:
        conn.disconnect()
    assert uncommitted == f"[*{dev.state.hostname}-{PORT}]"
    assert " shutdown" not in running.splitlines()
    assert "Error: Too many parameters found at '^' position." in refused
    assert dev.state.interface(PORT).admin_up is False
    assert " shutdown" in committed.splitlines()


async def test_refused_line_rolls_back_with_the_candidate_cleared_first(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("huawei_vrp")
    dev.faults.reject = [r"^qos lr outbound "]  # after the inbound line was accepted
    result = await executor_for(dev).run(job(dev, "set_port_speed", interface="Gi0/0/3",
                                             rate_kbps=30_000))
    assert (result.outcome, result.error_code) == ("rolled_back", "command_rejected")
    assert "Error: Unrecognized command found at '^' position." in result.output
    sent = _commands(dev)
    refused = sent.index("qos lr outbound cir 30000")
    assert sent[refused + 1:refused + 3] == ["clear configuration candidate",
                                             "interface Gi0/0/3"]
    assert "commit" not in sent[:refused], "nothing of the refused change was committed"
    port = dev.state.interface(PORT)
    assert (port.rate_in_bps, port.rate_out_bps) == (None, None)


async def test_bounce_commits_the_shutdown_before_undoing_it_and_save_is_answered(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("huawei_vrp")
    result = await executor_for(dev).run(job(dev, "bounce_port", interface=PORT))
    assert result.outcome == "succeeded", result.output
    sent = _commands(dev)
    start = sent.index(f"interface {PORT}")
    assert sent[start:start + 5] == [f"interface {PORT}", "shutdown", "commit",
                                     "undo shutdown", "commit"]
    # The answer goes to the question, not to the shell (the simulator does not log it).
    assert "save" in sent[start + 5:]
    assert "Are you sure to continue?[Y/N]" in result.output
    assert "Save the configuration successfully" in result.output
    assert dev.state.interface(PORT).admin_up is True


async def test_walled_garden_suspend_and_resume_move_the_access_vlan(
        ssh_sim: Simulator, tmp_path: Path) -> None:
    root = tmp_path / "profiles"
    (root / "huawei_vrp").mkdir(parents=True)
    doc = yaml.safe_load((firmware_profiles.root() / "huawei_vrp" / "actions.yaml").read_text())
    doc["suspend_mode"] = "walled_garden_vlan"
    (root / "huawei_vrp" / "actions.yaml").write_text(yaml.safe_dump(doc))
    dev = ssh_sim.add_device("huawei_vrp")
    dev.state.interface(PORT).access_vlan = 120
    executor = Executor(config_for([dev], tmp_path / "state"), profiles_root=root)
    try:
        suspended = await executor.run(job(dev, "suspend_customer", interface=PORT, vlan=999))
        garden = dev.state.interface(PORT).access_vlan
        resumed = await executor.run(job(dev, "resume_customer", interface=PORT, vlan=120))
    finally:
        await executor.close()
    assert (suspended.outcome, resumed.outcome) == ("succeeded", "succeeded"), resumed.output
    assert garden == 999
    assert dev.state.interface(PORT).access_vlan == 120
    assert "port default vlan 999" in _commands(dev)


async def test_backup_is_scrubbed_and_its_hash_moves_only_with_a_real_change(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("huawei_vrp")
    executor = executor_for(dev)
    first = await executor.backup(dev.name)
    dev.state.last_change = dev.state.last_change.replace(year=2020)  # a volatile header line
    second = json.loads((await executor.run(job(dev, "backup_config"))).output)
    await executor.run(job(dev, "suspend_customer", interface=PORT))
    third = await executor.backup(dev.name)
    assert second["sha256"] == first.sha256 and second["changed"] is False
    assert "!Last configuration was updated" not in first.text
    assert [s for s in ("N0cR3ad0nly", "Wr1teS3cret", "0x7e5a1f3b", "$1c$")
            if s in first.text] == []
    assert f"sysname {dev.state.hostname}" in first.text
    assert third.sha256 != first.sha256 and third.changed is True
    assert f"interface {PORT}\n shutdown\n port link-type access" in third.text
