"""EdgeOS specifics the cross-platform tables do not ask: the commit model (commit, save in
configuration mode, discard), the address-group suspend mode, vif ports, and why
walled_garden_vlan is refused."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import firmware_profiles
from edge_agent.executor import Executor
from firmware_profiles.actions import ActionError, load_actions, render_text
from tests.agent_ssh.conftest import job
from tests.ssh_sim import SimDevice, Simulator
from tests.ssh_sim.personalities import initial_state
from tests.ssh_sim.personalities.edgeos import EdgeOsShell, sync

OS = "ubiquiti_edgeos"


def profiles_with(tmp_path: Path, suspend_mode: str) -> Path:
    """A profiles root holding the EdgeOS actions with another suspend_mode."""
    folder = tmp_path / "profiles" / OS
    folder.mkdir(parents=True)
    doc = yaml.safe_load((firmware_profiles.root() / OS / "actions.yaml").read_text())
    doc["suspend_mode"] = suspend_mode
    (folder / "actions.yaml").write_text(yaml.safe_dump(doc))
    return folder.parent


def committed(dev: SimDevice, needle: str) -> list[str]:
    """The committed `set` lines containing `needle`."""
    with dev.state.lock:
        return [line for line in dev.state.edgeos_lines if needle in line]


async def test_a_change_is_committed_then_saved_in_configuration_mode(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device(OS)
    result = await executor_for(dev).run(job(dev, "change_plan", interface="eth3",
                                             rate_kbps=40_000, plan="gold"))
    assert result.outcome == "succeeded", result.output
    sent = dev.state.commands
    configure = max(i for i, line in enumerate(sent) if line == "configure")
    assert sent.index("commit") < sent.index("save"), "saved only what was committed"
    assert configure < sent.index("save"), "save is a configuration-mode command"
    assert committed(dev, "dm-eth3") == [
        "set interfaces ethernet eth3 traffic-policy in dm-eth3",
        "set traffic-policy limiter dm-eth3 default bandwidth 40000kbit",
        "set traffic-policy limiter dm-eth3 default burst 500k"]
    assert dev.state.edgeos_saved == dev.state.edgeos_lines, "the boot config holds it"
    assert dev.state.interface("eth3").description == "plan:gold"


async def test_a_refused_commit_discards_the_candidate_and_saves_nothing(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device(OS)
    dev.faults.ignore = [r"^set traffic-policy limiter "]  # accepted, never in the candidate
    before = list(dev.state.edgeos_lines)

    result = await executor_for(dev).run(job(dev, "set_port_speed", interface="eth4",
                                             rate_kbps=8_000))

    assert (result.outcome, result.error_code) == ("rolled_back", "command_rejected")
    assert "Commit failed" in result.output
    assert "traffic-policy in dm-eth4" in result.output, "the refusal names the node"
    assert "discard" in dev.state.commands and "save" not in dev.state.commands
    assert dev.state.edgeos_lines == before
    assert dev.state.interface("eth4").rate_in_bps is None


async def test_address_group_suspend_then_resume(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], tmp_path: Path) -> None:
    dev = ssh_sim.add_device(OS)
    executor = Executor(executor_for(dev).config, state_dir=tmp_path / "garden",
                        profiles_root=profiles_with(tmp_path, "address_list"))
    try:
        suspended = await executor.run(job(dev, "suspend_customer", address="100.64.7.23"))
        held = set(dev.state.address_lists.get("dm-suspended", set()))
        resumed = await executor.run(job(dev, "resume_customer", address="100.64.7.23"))
    finally:
        executor.pool.shutdown(wait=True)
        executor.store.close()
    assert suspended.outcome == "succeeded", suspended.output
    assert held == {"100.64.7.23"}
    assert resumed.outcome == "succeeded", resumed.output
    assert "100.64.7.23" not in dev.state.address_lists.get("dm-suspended", set())
    # The group and the firewall rule that sends it to the walled garden stay.
    assert committed(dev, "source group address-group dm-suspended")
    assert all(dev.state.interface(p).admin_up for p in dev.state.interfaces)


def test_walled_garden_vlan_is_refused_and_says_so(tmp_path: Path) -> None:
    with pytest.raises(ActionError, match="no variant for suspend_mode walled_garden_vlan"):
        load_actions(OS, profiles_with(tmp_path, "walled_garden_vlan"))
    header = (firmware_profiles.root() / OS / "actions.yaml").read_text()
    assert "walled_garden_vlan is not offered" in header, "the profile says why"


async def test_a_vif_is_suspended_without_touching_its_parent_port(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device(OS)
    executor = executor_for(dev)
    planned = await executor.run(job(dev, "set_port_speed", dry_run=True,
                                     interface="eth2.100", rate_kbps=20_000))
    plan = await executor.run(job(dev, "change_plan", interface="eth2.100", rate_kbps=20_000,
                                  plan="gold"))
    suspended = await executor.run(job(dev, "suspend_customer", interface="eth2.100"))
    assert "set interfaces ethernet eth2 vif 100 traffic-policy in dm-eth2-100" in \
        json.loads(planned.output)["commands"]
    assert plan.outcome == "succeeded", plan.output
    assert committed(dev, "vif 100 description") == [
        "set interfaces ethernet eth2 vif 100 description plan:gold"]
    assert suspended.outcome == "succeeded", suspended.output
    assert committed(dev, " disable") == ["set interfaces ethernet eth2 vif 100 disable"]
    assert dev.state.interface("eth2").admin_up is True


async def test_a_description_with_shell_syntax_is_never_sent_back(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    """EdgeOS configuration mode is a shell: a captured description is restored inside
    quotes only when it cannot break out of them; otherwise rollback clears it."""
    dev = ssh_sim.add_device(OS)
    with dev.state.lock:
        dev.state.edgeos_lines.append(
            "set interfaces ethernet eth3 description 'x'\"'\"'$(reboot)'")
        sync(dev.state)
    dev.faults.reject = [r"default bandwidth 90000kbit$"]  # after the description line

    result = await executor_for(dev).run(job(dev, "change_plan", interface="eth3",
                                             rate_kbps=90_000, plan="gold"))

    assert (result.outcome, result.error_code) == ("rolled_back", "command_rejected")
    with dev.state.lock:
        sent = [line for line in dev.state.commands if "reboot" in line]
    assert sent == []


def test_seed_rate_writes_what_change_plan_captures() -> None:
    """The fault table presets rates with seed_rate: the lines must be the ones
    change_plan's capture reads back (same limiter name, units and burst)."""
    action = load_actions(OS).action("change_plan")
    assert action.capture is not None
    seeded = initial_state(OS, "r1")
    EdgeOsShell.seed_rate(seeded, "eth2", 10_000_000)
    text = "\n".join(seeded.edgeos_lines)
    fields = {name: re.search(render_text(regex, {"interface": "eth2"}), text, re.M)
              for name, regex in action.capture.fields.items()}
    assert {k: v.group(1) for k, v in fields.items() if v} == {"rate": "10000kbit",
                                                               "burst": "125k"}
    assert seeded.interface("eth2").rate_in_bps == 10_000_000
