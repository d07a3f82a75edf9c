"""napalm getters over real SSH to the simulator: the get_facts job action, and a napalm
getter as a `cli_metrics` source sharing one session with TextFSM commands."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import firmware_profiles
from edge_agent.executor import ActionError, CliPoller, Executor, load_actions
from edge_agent.executor.runner import run_action
from edge_agent.executor.session import NetmikoSession, ssh_target
from tests.agent_ssh.conftest import job
from tests.ssh_sim import Simulator

NAPALM_METRIC = """
  - napalm: get_interfaces_counters
    interval: 300
    labels: {ifName: INTERFACE}
    metrics:
      - {field: RX_OCTETS, metric: napalm_if_in_octets, kind: counter, unit: bytes}
      - {field: TX_OCTETS, metric: napalm_if_out_octets, kind: counter, unit: bytes}
      - {field: RX_ERRORS, metric: napalm_if_in_errors, kind: counter, unit: packets}
      - {field: RX_DISCARDS, metric: napalm_if_in_discards, kind: counter, unit: packets}
"""


def profile_with_napalm_metric(root: Path) -> Path:
    """A copy of the shipped cisco_ios profile with a napalm getter added to cli_metrics."""
    folder = root / "cisco_ios"
    shutil.copytree(firmware_profiles.root() / "cisco_ios", folder)
    text = (folder / "actions.yaml").read_text()
    (folder / "actions.yaml").write_text(text.replace("\nactions:\n", NAPALM_METRIC +
                                                      "\nactions:\n", 1))
    return root


async def test_napalm_metric_shares_the_session_and_honours_its_interval(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    platform = load_actions("cisco_ios", profile_with_napalm_metric(tmp_path / "profiles"))
    executor = executor_for(dev)
    device = executor.config.device(dev.name)
    poller = CliPoller(executor.pool)
    try:
        first = await poller.poll(device, platform, scheduled=True)
        after_first = {n: dataclasses.replace(i.counters) for n, i in dev.state.interfaces.items()}
        second = await poller.poll(device, platform, scheduled=True)
    finally:
        poller.close()

    assert not first.errors and not second.errors, first.errors
    assert poller.logins[dev.name] == 1, "napalm and TextFSM metrics used one login"
    napalm = [s for s in first.samples if s.metric.startswith("napalm_")]
    assert {s.metric for s in napalm} == {"napalm_if_in_octets", "napalm_if_out_octets",
                                          "napalm_if_in_errors"}, "-1 (unsupported) is no sample"
    assert len(napalm) == 3 * len(dev.state.interfaces)
    for sample in napalm:  # the getter ran last in the first poll: its state then
        counters = after_first[sample.labels["ifName"]]
        field = {"napalm_if_in_octets": "in_octets", "napalm_if_out_octets": "out_octets",
                 "napalm_if_in_errors": "in_errors"}[sample.metric]
        assert sample.value == getattr(counters, field), sample
    assert {s.metric for s in first.samples} > {s.metric for s in second.samples}
    assert not [s for s in second.samples if s.metric.startswith("napalm_")], \
        "interval 300: the getter is not read again on the next poll"
    assert [s for s in second.samples if s.metric == "if_in_octets"]


def test_a_napalm_metric_needs_a_napalm_driver(tmp_path: Path) -> None:
    root = profile_with_napalm_metric(tmp_path / "profiles")
    actions = root / "cisco_ios" / "actions.yaml"
    actions.write_text(actions.read_text().replace("napalm_driver: ios\n", ""))
    with pytest.raises(ActionError, match="napalm getter without a napalm_driver"):
        load_actions("cisco_ios", root)


def test_a_napalm_metric_with_a_command_is_refused_by_the_schema(tmp_path: Path) -> None:
    root = profile_with_napalm_metric(tmp_path / "profiles")
    actions = root / "cisco_ios" / "actions.yaml"
    actions.write_text(actions.read_text().replace(
        "  - napalm: get_interfaces_counters\n",
        "  - napalm: get_interfaces_counters\n    command: show interfaces\n"))
    with pytest.raises(ActionError, match="cli_metrics"):
        load_actions("cisco_ios", root)


async def test_get_facts_job_uses_napalm_and_its_wrong_password_is_auth_failed(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    good, bad = ssh_sim.add_device("cisco_ios"), ssh_sim.add_device("cisco_ios")
    bad.faults.wrong_password = True
    executor = executor_for(good, bad)
    ok = await executor.run(job(good, "get_facts"))
    refused = await executor.run(job(bad, "get_facts"))
    facts = json.loads(ok.output)
    assert (ok.outcome, facts["source"]) == ("succeeded", "napalm"), ok.output
    assert facts["facts"]["serial"] == good.state.serial
    assert facts["facts"]["hostname"] == good.name
    assert (refused.outcome, refused.error_code) == ("failed", "auth_failed"), refused.output
    assert bad.password not in refused.output


def test_get_facts_without_napalm_parses_show_version(ssh_sim: Simulator,
                                                      executor_for: Callable[..., Executor]
                                                      ) -> None:
    """The CLI fallback an agent without the napalm extra runs."""
    dev = ssh_sim.add_device("cisco_ios")
    device = executor_for(dev).config.device(dev.name)
    platform = load_actions("cisco_ios")
    outcome = run_action(ssh_target(device, platform), platform, platform.action("get_facts"),
                         {}, NetmikoSession, lambda *_: None)
    assert outcome.outcome == "succeeded", outcome.output
    assert json.loads(outcome.output)["facts"] == {
        "hostname": dev.name, "os_version": "15.2(7)E4", "model": "WS-C2960-24TT-L",
        "serial": dev.state.serial, "uptime": "2 weeks, 3 days, 4 hours, 5 minutes"}
