"""SSH telemetry: parsed counters equal the simulator's state; sessions are reused; a slow
SSH job leaves the event loop free for SNMP polling."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime

from edge_agent.executor import CliPoller, Executor, load_actions, poll_cli
from edge_agent.executor.scheduled import SshTelemetry
from edge_agent.poll import PollErrorCode, poll_device
from edge_agent.profiles import load_profiles
from edge_agent.snmp.target import SnmpTarget, SnmpV2c
from tests.agent_ssh.conftest import job
from tests.services.snmp import Snmpd
from tests.ssh_sim import Simulator

FIELDS = {"if_in_octets": "in_octets", "if_out_octets": "out_octets",
          "if_in_packets": "in_packets", "if_out_packets": "out_packets",
          "if_in_errors": "in_errors", "if_out_errors": "out_errors"}


async def test_counters_parsed_from_show_interfaces_equal_the_device_state(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    dev.state.interface("GigabitEthernet0/1").description = "cust-1001"
    executor = executor_for(dev)
    platform = load_actions("cisco_ios")
    device = executor.config.device(dev.name)
    poller = CliPoller(executor.pool)
    try:
        first = await poll_cli(device, platform, poller, now=datetime.now(UTC))
        second = await poll_cli(device, platform, poller)
    finally:
        poller.close()
    assert not first.errors and not second.errors
    assert poller.logins[dev.name] == 1, "the second poll reused the session"
    assert len(second.samples) == 4 * len(FIELDS)
    for sample in second.samples:
        port = dev.state.interface(sample.labels["ifName"])
        assert sample.value == getattr(port.counters, FIELDS[sample.metric]), sample
        assert sample.kind == "counter"
    moved = {(s.labels["ifName"], s.metric): s.value for s in first.samples}
    assert all(s.value > moved[(s.labels["ifName"], s.metric)]
               for s in second.samples if s.metric == "if_in_octets")
    labels = {s.labels["ifName"]: s.labels.get("ifAlias") for s in second.samples}
    assert labels["GigabitEthernet0/1"] == "cust-1001"


async def test_a_broken_device_does_not_touch_another(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    good, bad = ssh_sim.add_device("cisco_ios"), ssh_sim.add_device("cisco_ios")
    bad.faults.wrong_password = True
    executor = executor_for(good, bad)
    platform = load_actions("cisco_ios")
    poller = CliPoller(executor.pool)
    try:
        results = await asyncio.gather(
            poller.poll(executor.config.device(good.name), platform),
            poller.poll(executor.config.device(bad.name), platform))
    finally:
        poller.close()
    assert results[0].samples and not results[0].errors
    assert [e.code for e in results[1].errors] == [PollErrorCode.AUTH_FAILED]


async def test_slow_ssh_job_does_not_starve_snmp_polling(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], snmpd: Snmpd) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    dev.faults.delay_s = 0.2  # every command answers slowly: the job takes seconds
    executor = executor_for(dev)
    host, port = snmpd.target.rsplit(":", 1)
    target = SnmpTarget(host, int(port), credentials=SnmpV2c(snmpd.community))
    profile = load_profiles().get("generic")
    gaps: list[float] = []
    polls: list[int] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(0.1)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    async def snmp_poller() -> None:
        while not done.is_set():
            result = await poll_device("snmpd", target, profile, with_facts=False)
            polls.append(len(result.samples))

    tasks = [asyncio.create_task(ticker()), asyncio.create_task(snmp_poller())]
    started = time.monotonic()
    result = await executor.run(job(dev, "suspend_customer", interface="Gi0/2"))
    elapsed = time.monotonic() - started
    done.set()
    await asyncio.gather(*tasks)

    assert result.outcome == "succeeded", result.output
    assert elapsed > 1.5, "the job really was slow"
    # starvation would stall the loop for most of the job (> 1.5 s); allow a busy CPU
    assert max(gaps) < 1.0, f"event loop stalled for {max(gaps):.2f}s"
    assert len(polls) >= 3 and all(polls), "SNMP polls kept completing during the job"


async def test_a_hung_device_never_holds_up_another_nor_piles_up_threads(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    good, hung = ssh_sim.add_device("cisco_ios"), ssh_sim.add_device("cisco_ios")
    hung.faults.delay_s = 2.0  # every line answered late: login alone outlasts timeout_s
    config = executor_for(good, hung).config
    ssh = SshTelemetry(workers=2)
    try:
        stuck = asyncio.create_task(ssh.poll(config.device(hung.name), "cisco_ios"))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        fine = await ssh.poll(config.device(good.name), "cisco_ios")
        took = time.monotonic() - started
        again = await ssh.poll(config.device(hung.name), "cisco_ios")
        assert not stuck.done(), "the hung login is still going"
        stuck.cancel()  # what the scheduler's deadline does; the thread ends on its timeouts
    finally:
        ssh.close()
    # under the hung device's 4 s: the good login did not wait for it (busy-CPU margin)
    assert fine.samples and not fine.errors and took < 3.5, (took, fine.errors)
    assert [e.code for e in again.errors] == [PollErrorCode.TIMEOUT]
    assert "still running" in again.errors[0].detail, "failed fast, no second thread"
