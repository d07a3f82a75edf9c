"""Each failure class ends in its stable code, with rollback when something was applied."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from edge_agent.executor import Executor
from tests.agent_ssh.conftest import job
from tests.ssh_sim import SimDevice, Simulator

# The Cisco-style platforms: a customer port, the regex that refuses the first line of a
# change, the regex that refuses only the new rate line of change_plan (after the description
# was applied), and the config line count after which the session drops mid-change_plan.
PORT = {"cisco_ios": "GigabitEthernet0/1", "arista_eos": "Ethernet1", "cisco_nxos": "Ethernet1/1"}
# Jobs may name PORT abbreviated, as operators type it.
ALIAS = {"cisco_ios": "Gi0/1", "arista_eos": "Et1", "cisco_nxos": "Eth1/1"}
PORT_2 = {"cisco_ios": "GigabitEthernet0/2", "arista_eos": "Ethernet2",
          "cisco_nxos": "Ethernet1/2"}
PORT_3 = {"cisco_ios": "GigabitEthernet0/3", "arista_eos": "Ethernet3",
          "cisco_nxos": "Ethernet1/3"}
REJECT_FIRST = {"cisco_ios": r"^interface ", "arista_eos": r"^policy-map |^interface ",
                "cisco_nxos": r"^policy-map |^interface "}
REJECT_NEW_RATE = {"cisco_ios": r"^rate-limit input 90000000 ",
                   "arista_eos": r"^service-policy type qos input dm-90000k$",
                   "cisco_nxos": r"^service-policy type qos input dm-90000k$"}
# IOS: interface, description, no rate-limit, then gone. EOS/NX-OS: policy-map, class,
# police, interface, description, no service-policy, then gone.
DROP_AFTER = {"cisco_ios": 3, "arista_eos": 6, "cisco_nxos": 6}
CISCO_STYLE = sorted(PORT)


def preset_rate(dev: SimDevice, port: str, bps: int) -> None:
    """Give `port` an ingress rate limit as if configured before the test."""
    iface = dev.state.interface(port)
    iface.rate_in_bps = bps
    if dev.platform != "cisco_ios":  # a QoS policy-map attached to the port
        name = f"dm-{bps // 1000}k"
        dev.state.policers[name] = bps
        iface.in_policy = name


@pytest.mark.parametrize("platform", CISCO_STYLE)
async def test_wrong_password_is_auth_failed(ssh_sim: Simulator,
                                             executor_for: Callable[..., Executor],
                                             platform: str) -> None:
    dev = ssh_sim.add_device(platform)
    dev.faults.wrong_password = True
    result = await executor_for(dev).run(job(dev, "suspend_customer", interface=ALIAS[platform]))
    assert (result.outcome, result.error_code) == ("failed", "auth_failed")
    assert "ssh username/password" in result.output
    assert dev.state.logins == 0


async def test_unreachable_device(ssh_sim: Simulator,
                                  executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    dev.port = 1  # nothing listens there
    result = await executor_for(dev).run(job(dev, "get_facts"))
    assert (result.outcome, result.error_code) == ("failed", "unreachable")


@pytest.mark.parametrize("platform", CISCO_STYLE)
async def test_rejected_first_line_fails_without_rollback(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], platform: str) -> None:
    dev = ssh_sim.add_device(platform)
    dev.faults.reject = [REJECT_FIRST[platform]]
    result = await executor_for(dev).run(job(dev, "suspend_customer", interface=ALIAS[platform]))
    assert (result.outcome, result.error_code) == ("failed", "command_rejected")
    assert "rollback" not in result.output
    assert dev.state.interface(PORT[platform]).admin_up is True


@pytest.mark.parametrize("platform", CISCO_STYLE)
async def test_rejected_after_partial_apply_rolls_back(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], platform: str) -> None:
    dev = ssh_sim.add_device(platform)
    executor = executor_for(dev)
    port = dev.state.interface(PORT_2[platform])
    assert (await executor.run(job(dev, "change_plan", interface=port.name, rate_kbps=10_000,
                                   plan="silver"))).outcome == "succeeded"
    dev.faults.reject = [REJECT_NEW_RATE[platform]]  # the new rate line only

    result = await executor.run(job(dev, "change_plan", interface=port.name,
                                    rate_kbps=90_000, plan="platinum"))

    assert (result.outcome, result.error_code) == ("rolled_back", "command_rejected")
    assert "rollback after command_rejected" in result.output
    assert (port.rate_in_bps, port.description) == (10_000_000, "plan:silver")


@pytest.mark.parametrize("platform", CISCO_STYLE)
async def test_connection_dropped_mid_change_rolls_back_on_a_new_session(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], platform: str) -> None:
    dev = ssh_sim.add_device(platform)
    executor = executor_for(dev)
    port = dev.state.interface(PORT_3[platform])
    preset_rate(dev, port.name, 10_000_000)
    dev.faults.drop_after_config_lines = DROP_AFTER[platform]  # mid-change: then gone
    logins = dev.state.logins

    result = await executor.run(job(dev, "change_plan", interface=port.name, rate_kbps=20_000,
                                    plan="gold"))

    assert result.outcome == "rolled_back", result.output
    assert result.error_code == "unreachable"
    assert "closed the SSH session" in result.output
    assert dev.state.logins == logins + 2, "rollback ran on a fresh login"
    assert (port.rate_in_bps, port.description) == (10_000_000, "")


async def test_junos_rejected_line_discards_the_candidate(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("juniper_junos")
    dev.faults.reject = [r"then discard"]
    result = await executor_for(dev).run(job(dev, "set_port_speed", interface="ge-0/0/1",
                                             rate_kbps=30_000))
    assert (result.outcome, result.error_code) == ("rolled_back", "command_rejected")
    assert "rollback 0" in dev.state.commands
    assert dev.state.interface("ge-0/0/1").rate_in_bps is None
    assert not any("dm-ge-0-0-1" in line for line in dev.state.junos_lines)


async def test_verify_failure_rolls_back(ssh_sim: Simulator,
                                         executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("mikrotik_routeros")
    dev.faults.ignore = [r"^/interface ethernet disable ether4$"]  # accepted, no effect
    result = await executor_for(dev).run(job(dev, "suspend_customer", interface="ether4"))
    assert (result.outcome, result.error_code) == ("rolled_back", "verify_failed")
    assert "/interface ethernet enable ether4" in dev.state.commands
    assert dev.state.interface("ether4").admin_up is True


@pytest.mark.parametrize("platform", CISCO_STYLE)
async def test_same_job_twice_is_applied_once(ssh_sim: Simulator,
                                              executor_for: Callable[..., Executor],
                                              platform: str) -> None:
    dev = ssh_sim.add_device(platform)
    executor = executor_for(dev)
    request = job(dev, "suspend_customer", interface=ALIAS[platform], key="suspend-cust-1")
    first = await executor.run(request)
    applied = dev.state.config_commands
    again = await executor.run(request)
    assert first.outcome == "succeeded"
    assert again == first
    assert dev.state.config_commands == applied


async def test_restarted_executor_remembers_results(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], tmp_path: Path) -> None:
    dev = ssh_sim.add_device("mikrotik_routeros")
    state = tmp_path / "shared-state"
    request = job(dev, "set_port_speed", interface="ether3", rate_kbps=8_000, key="plan-77")
    first = await executor_for(dev, state_dir=state).run(request)
    logins = dev.state.logins

    restarted = executor_for(dev, state_dir=state)  # a new instance on the same state dir
    again = await restarted.run(request)

    assert first.outcome == "succeeded"
    assert again.job_id == first.job_id and again.outcome == "succeeded"
    assert dev.state.logins == logins, "the device was not touched again"


@pytest.mark.parametrize("platform", CISCO_STYLE)
async def test_job_claimed_by_a_dead_agent_ends_definite(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], tmp_path: Path,
        platform: str) -> None:
    dev = ssh_sim.add_device(platform)
    state = tmp_path / "crashed"
    request = job(dev, "bounce_port", interface=ALIAS[platform], key="bounce-1")
    crashed = executor_for(dev, state_dir=state)
    crashed.store.claim("bounce-1", str(request.job_id), dev.name, "bounce_port")  # then killed

    result = await executor_for(dev, state_dir=state).run(request)
    assert (result.outcome, result.error_code) == ("failed", "internal")
    assert "restarted while this job was running" in result.output
    assert crashed.store.get("bounce-1").state == "done"


async def test_past_deadline_is_expired_without_connecting(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    started = time.monotonic()
    result = await executor_for(dev).run(job(dev, "suspend_customer", interface="Gi0/1",
                                             deadline_s=-1))
    assert (result.outcome, result.error_code) == ("failed", "expired")
    assert dev.state.connections == 0
    assert time.monotonic() - started < 1
