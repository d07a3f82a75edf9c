"""Every profile with `cli_metrics` parses its family's interface counters, read from the
simulator over real SSH, into samples equal to the simulator's state."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from edge_agent.executor import CliPoller, Executor, load_actions, load_all_actions, poll_cli
from tests.ssh_sim import Simulator

FIELDS = {"if_in_octets": "in_octets", "if_out_octets": "out_octets",
          "if_in_packets": "in_packets", "if_out_packets": "out_packets",
          "if_in_errors": "in_errors", "if_out_errors": "out_errors"}
CUSTOMER_PORT = {"cisco_ios": "GigabitEthernet0/2", "juniper_junos": "ge-0/0/2",
                 "mikrotik_routeros": "ether3"}


def test_the_families_the_simulator_speaks_all_have_cli_metrics() -> None:
    with_metrics = {os for os, p in load_all_actions().items() if p.cli_metrics}
    assert set(CUSTOMER_PORT) <= with_metrics


@pytest.mark.parametrize("platform", sorted(CUSTOMER_PORT))
async def test_counters_equal_the_device_state(
        platform: str, ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device(platform)
    dev.state.interface(CUSTOMER_PORT[platform]).description = "cust-2002"
    executor = executor_for(dev)
    device = executor.config.device(dev.name)
    actions = load_actions(platform)
    poller = CliPoller(executor.pool)
    try:
        first = await poll_cli(device, actions, poller)
        second = await poll_cli(device, actions, poller)
    finally:
        poller.close()

    assert not first.errors and not second.errors, second.errors
    assert poller.logins[dev.name] == 1, "the second poll reused the session"
    textfsm_samples = [s for s in second.samples if s.metric in FIELDS]
    assert len(textfsm_samples) == len(dev.state.interfaces) * len(FIELDS)
    for sample in textfsm_samples:
        port = dev.state.interface(sample.labels["ifName"])
        assert sample.value == getattr(port.counters, FIELDS[sample.metric]), sample
        assert sample.kind == "counter" and sample.device == dev.name
    before = {(s.labels["ifName"], s.metric): s.value for s in first.samples}
    assert all(s.value > before[(s.labels["ifName"], s.metric)]
               for s in textfsm_samples if s.metric == "if_in_octets"), "counters moved"
    aliases = {s.labels["ifName"]: s.labels.get("ifAlias") for s in textfsm_samples}
    assert aliases[CUSTOMER_PORT[platform]] == "cust-2002"
    assert list(aliases.values()).count("cust-2002") == 1, "a label never leaks to a neighbour"
