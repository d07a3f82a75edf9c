"""Each failure class ends in its stable code, with rollback when something was applied.

The fault tests run once per platform from one table (`CASES`); the few tests that do not
depend on the platform (unreachable, past deadline, restarted executor) follow it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

import pytest

from edge_agent.executor import Executor
from firmware_profiles.actions import load_actions, render, render_rollback
from tests.agent_ssh.conftest import job
from tests.ssh_sim import DeviceState, SimDevice, Simulator
from tests.ssh_sim.personalities.edgeos import EdgeOsShell
from tests.ssh_sim.personalities.eos import EosShell
from tests.ssh_sim.personalities.huawei import HuaweiShell
from tests.ssh_sim.personalities.ios import IosShell
from tests.ssh_sim.personalities.junos import JunosShell
from tests.ssh_sim.personalities.nxos import NxosShell
from tests.ssh_sim.personalities.routeros import RouterOsShell


class PortView(NamedTuple):
    """What the fault tests assert about a port, read from the simulator's state."""

    rate_in_bps: int | None
    description: str
    admin_up: bool


def read_interface(dev: SimDevice, port: str) -> PortView:
    """The port as every current personality keeps it (`DeviceState.interfaces`)."""
    with dev.state.lock:
        iface = dev.state.interface(port)
        return PortView(iface.rate_in_bps, iface.description, iface.admin_up)


@dataclass(frozen=True)
class FaultCase:
    """One platform's answers to the questions every fault test asks."""

    platform: str
    port: str  # a customer port (not the uplink), as the device names it
    alias: str  # the same port as operators type it in a job (may equal `port`)
    reject_first: str  # regex refusing the first config line of suspend_customer
    # regex refusing only the new 90_000 kbps rate line of change_plan, once earlier lines
    # of the same change were accepted
    reject_new_rate: str
    drop_after: int  # config lines of change_plan accepted before the session drops
    # configures a rate on the simulated device before the test: (state, port, bps)
    preset_rate: Callable[[DeviceState, str, int], None]
    # "immediate": each line takes effect when sent; "candidate": lines edit a candidate
    # that only `commit` applies, and the profile's discard_command throws it away
    commit_model: Literal["immediate", "candidate"] = "immediate"
    read_port: Callable[[SimDevice, str], PortView] = read_interface

    def __str__(self) -> str:
        return self.platform


# One row per platform. Adding a platform to every fault test = adding one FaultCase row
# here (its personality's `seed_rate` is the preset; override `read_port` only when the
# simulator keeps the port somewhere other than `DeviceState.interfaces`).
CASES = [
    # interface, description, no rate-limit, then gone
    FaultCase("cisco_ios", "GigabitEthernet0/1", "Gi0/1", r"^interface ",
              r"^rate-limit input 90000000 ", 3, IosShell.seed_rate),
    # policy-map, class, police, interface, description, no service-policy, then gone
    FaultCase("arista_eos", "Ethernet2", "Et2", r"^policy-map |^interface ",
              r"^service-policy type qos input dm-90000k$", 6, EosShell.seed_rate),
    FaultCase("cisco_nxos", "Ethernet1/2", "Eth1/2", r"^policy-map |^interface ",
              r"^service-policy type qos input dm-90000k$", 6, NxosShell.seed_rate),
    # the whole policer and its binding in the candidate, gone before the description
    FaultCase("juniper_junos", "ge-0/0/1", "ge-0/0/1", r"^set interfaces ",
              r"bandwidth-limit 90000k$", 5, JunosShell.seed_rate, commit_model="candidate"),
    # old queue removed, gone before the new one is added
    FaultCase("mikrotik_routeros", "ether2", "ether2", r"^/interface ethernet disable ",
              r"max-limit=90000k/", 1, RouterOsShell.seed_rate),
    # interface and description in the candidate, gone before the inbound line rate
    FaultCase("huawei_vrp", "GigabitEthernet0/0/2", "Gi0/0/2", r"^interface ",
              r"^qos lr inbound cir 90000$", 2, HuaweiShell.seed_rate,
              commit_model="candidate"),
    # description and the limiter's rate in the candidate, gone before its burst
    FaultCase("ubiquiti_edgeos", "eth2", "eth2", r"^set interfaces ethernet ",
              r"default bandwidth 90000kbit$", 2, EdgeOsShell.seed_rate,
              commit_model="candidate"),
]


def discarded_uncommitted(case: FaultCase, dev: SimDevice) -> bool:
    """On candidate platforms, whether the uncommitted change was thrown away (the profile's
    discard command reached the device); immediate platforms have nothing to discard."""
    if case.commit_model == "immediate":
        return True
    discard = load_actions(case.platform).discard_command
    with dev.state.lock:
        return discard is not None and discard in dev.state.commands


def test_every_case_states_its_profiles_commit_model() -> None:
    for case in CASES:
        profile = load_actions(case.platform)
        assert (case.commit_model == "candidate") == profile.commit, case
        assert bool(profile.discard_command) == profile.commit, case


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_wrong_password_is_auth_failed(ssh_sim: Simulator,
                                             executor_for: Callable[..., Executor],
                                             case: FaultCase) -> None:
    dev = ssh_sim.add_device(case.platform)
    dev.faults.wrong_password = True
    result = await executor_for(dev).run(job(dev, "suspend_customer", interface=case.alias))
    assert (result.outcome, result.error_code) == ("failed", "auth_failed")
    assert "ssh username/password" in result.output
    assert dev.state.logins == 0
    assert dev.state.password_attempts >= 1


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_rejected_first_line_fails_without_rollback(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], case: FaultCase) -> None:
    dev = ssh_sim.add_device(case.platform)
    dev.faults.reject = [case.reject_first]
    result = await executor_for(dev).run(job(dev, "suspend_customer", interface=case.alias))
    assert (result.outcome, result.error_code) == ("failed", "command_rejected")
    assert "rollback" not in result.output
    assert case.read_port(dev, case.port).admin_up is True
    assert discarded_uncommitted(case, dev)


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_rejected_after_partial_apply_rolls_back(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], case: FaultCase) -> None:
    dev = ssh_sim.add_device(case.platform)
    executor = executor_for(dev)
    assert (await executor.run(job(dev, "change_plan", interface=case.port, rate_kbps=10_000,
                                   plan="silver"))).outcome == "succeeded"
    dev.faults.reject = [case.reject_new_rate]  # the new rate line only
    before = case.read_port(dev, case.port)
    assert before == (10_000_000, "plan:silver", True)
    applied = dev.state.config_commands

    result = await executor.run(job(dev, "change_plan", interface=case.port,
                                    rate_kbps=90_000, plan="platinum"))

    assert (result.outcome, result.error_code) == ("rolled_back", "command_rejected")
    assert "rollback after command_rejected" in result.output
    assert dev.state.config_commands > applied, "lines before the refused one were accepted"
    assert case.read_port(dev, case.port) == before
    assert discarded_uncommitted(case, dev)


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_connection_dropped_mid_change_rolls_back_on_a_new_session(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], case: FaultCase) -> None:
    dev = ssh_sim.add_device(case.platform)
    executor = executor_for(dev)
    case.preset_rate(dev.state, case.port, 10_000_000)
    before = case.read_port(dev, case.port)
    assert before == (10_000_000, "", True)
    dev.faults.drop_after_config_lines = case.drop_after  # mid-change: then gone
    logins = dev.state.logins

    result = await executor.run(job(dev, "change_plan", interface=case.port, rate_kbps=20_000,
                                    plan="gold"))

    assert result.outcome == "rolled_back", result.output
    assert result.error_code == "unreachable"
    assert "closed the SSH session" in result.output
    assert dev.faults.drop_after_config_lines is None, "the drop fired"
    assert dev.state.logins == logins + 2, "rollback ran on a fresh login"
    assert case.read_port(dev, case.port) == before
    assert discarded_uncommitted(case, dev)


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_verify_failure_rolls_back(ssh_sim: Simulator,
                                         executor_for: Callable[..., Executor],
                                         case: FaultCase) -> None:
    dev = ssh_sim.add_device(case.platform)
    action = load_actions(case.platform).action("suspend_customer")
    params = {"interface": case.alias}
    suspend, undo = render(action, params)[-1], render_rollback(action, params)[-1]
    dev.faults.ignore = [f"^{re.escape(suspend)}$"]  # accepted, no effect

    result = await executor_for(dev).run(job(dev, "suspend_customer", interface=case.alias))

    assert (result.outcome, result.error_code) == ("rolled_back", "verify_failed")
    with dev.state.lock:
        sent = list(dev.state.commands)
    assert undo in sent[sent.index(suspend) + 1:], "the rollback was sent after the change"
    assert case.read_port(dev, case.port).admin_up is True
    assert discarded_uncommitted(case, dev)


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_same_job_twice_is_applied_once(ssh_sim: Simulator,
                                              executor_for: Callable[..., Executor],
                                              case: FaultCase) -> None:
    dev = ssh_sim.add_device(case.platform)
    executor = executor_for(dev)
    request = job(dev, "suspend_customer", interface=case.alias, key="suspend-cust-1")
    first = await executor.run(request)
    applied, logins = dev.state.config_commands, dev.state.logins
    again = await executor.run(request)
    assert first.outcome == "succeeded", first.output
    assert case.read_port(dev, case.port).admin_up is False
    assert again == first
    assert (dev.state.config_commands, dev.state.logins) == (applied, logins)


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_job_claimed_by_a_dead_agent_ends_definite(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], tmp_path: Path,
        case: FaultCase) -> None:
    dev = ssh_sim.add_device(case.platform)
    state = tmp_path / "crashed"
    request = job(dev, "bounce_port", interface=case.alias, key="bounce-1")
    crashed = executor_for(dev, state_dir=state)
    crashed.store.claim("bounce-1", str(request.job_id), dev.name, "bounce_port")  # then killed

    result = await executor_for(dev, state_dir=state).run(request)
    assert (result.outcome, result.error_code) == ("failed", "internal")
    assert "restarted while this job was running" in result.output
    remembered = crashed.store.get("bounce-1")
    assert remembered is not None and remembered.state == "done"


async def test_unreachable_device(ssh_sim: Simulator,
                                  executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    dev.port = 1  # nothing listens there
    result = await executor_for(dev).run(job(dev, "get_facts"))
    assert (result.outcome, result.error_code) == ("failed", "unreachable")


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


async def test_past_deadline_is_expired_without_connecting(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    started = time.monotonic()
    result = await executor_for(dev).run(job(dev, "suspend_customer", interface="Gi0/1",
                                             deadline_s=-1))
    assert (result.outcome, result.error_code) == ("failed", "expired")
    assert dev.state.connections == 0
    assert time.monotonic() - started < 1


async def test_junos_rollback_after_a_committed_change_restores_the_burst_size(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    # A committed change_plan whose verify fails is undone line by line: the earlier
    # burst-size-limit must come back with the earlier bandwidth-limit, or the customer keeps
    # the new plan's burst on the old rate.
    dev = ssh_sim.add_device("juniper_junos")
    JunosShell.seed_rate(dev.state, "ge-0/0/1", 10_000_000)
    policer = sorted(line for line in dev.state.junos_lines if "dm-ge-0-0-1 if-exceeding" in line)
    dev.faults.ignore = [r'^set interfaces ge-0/0/1 description "plan:']  # verify fails

    result = await executor_for(dev).run(job(dev, "change_plan", interface="ge-0/0/1",
                                             rate_kbps=90_000, plan="platinum"))

    assert (result.outcome, result.error_code) == ("rolled_back", "verify_failed")
    assert sorted(line for line in dev.state.junos_lines
                  if "dm-ge-0-0-1 if-exceeding" in line) == policer


async def test_routeros_rollback_after_a_failed_verify_restores_the_plan_comment(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    # change_plan writes the plan into the port comment after the queue; when its verify fails
    # the rollback must bring back the earlier comment too, not only the earlier queue, or the
    # port names a plan the customer does not have.
    dev = ssh_sim.add_device("mikrotik_routeros")
    executor = executor_for(dev)
    assert (await executor.run(job(dev, "change_plan", interface="ether2", rate_kbps=10_000,
                                   plan="silver"))).outcome == "succeeded"
    dev.faults.ignore = [r"^/queue simple add .*max-limit=90000k/"]  # accepted, no effect

    result = await executor.run(job(dev, "change_plan", interface="ether2", rate_kbps=90_000,
                                    plan="platinum"))

    assert (result.outcome, result.error_code) == ("rolled_back", "verify_failed")
    port = dev.state.interface("ether2")
    assert (port.description, port.rate_in_bps) == ("plan:silver", 10_000_000)
