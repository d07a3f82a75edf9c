"""Suspend / resume / change plan through the executor, verified on the simulator's state."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from edge_agent.executor import Executor
from protocol import JobProgress
from tests.agent_ssh.conftest import job
from tests.ssh_sim import Simulator

PORTS = {"cisco_ios": "GigabitEthernet0/2", "juniper_junos": "ge-0/0/2",
         "mikrotik_routeros": "ether2", "arista_eos": "Ethernet2", "cisco_nxos": "Ethernet1/2",
         "huawei_vrp": "GigabitEthernet0/0/2", "ubiquiti_edgeos": "eth2"}


@pytest.mark.parametrize("platform", sorted(PORTS))
async def test_suspend_then_resume_changes_the_port_and_verifies(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], platform: str) -> None:
    dev = ssh_sim.add_device(platform)
    executor = executor_for(dev)
    port = PORTS[platform]
    steps: list[JobProgress] = []

    suspended = await executor.run(job(dev, "suspend_customer", interface=port), steps.append)
    assert suspended.outcome == "succeeded", suspended.output
    assert dev.state.interface(port).admin_up is False
    assert {"connecting", "applying", "verifying", "done"} <= {p.step for p in steps}

    resumed = await executor.run(job(dev, "resume_customer", interface=port))
    assert resumed.outcome == "succeeded", resumed.output
    assert dev.state.interface(port).admin_up is True


@pytest.mark.parametrize("platform", sorted(PORTS))
async def test_change_plan_sets_the_new_rate(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], platform: str) -> None:
    dev = ssh_sim.add_device(platform)
    executor = executor_for(dev)
    port = PORTS[platform]
    first = await executor.run(job(dev, "change_plan", interface=port, rate_kbps=10_000,
                                   plan="silver"))
    second = await executor.run(job(dev, "change_plan", interface=port, rate_kbps=50_000,
                                    plan="gold"))
    assert (first.outcome, second.outcome) == ("succeeded", "succeeded"), second.output
    assert dev.state.interface(port).rate_in_bps == 50_000_000


async def test_get_facts_and_approved_show(ssh_sim: Simulator,
                                           executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    executor = executor_for(dev)
    facts = await executor.run(job(dev, "get_facts"))
    shown = await executor.run(job(dev, "run_show", command="show ip interface brief"))
    refused = await executor.run(job(dev, "run_show", command="reload"))
    got = json.loads(facts.output)  # napalm get_facts (the ios driver is installed)
    assert got["source"] == "napalm"
    assert {k: got["facts"][k] for k in ("hostname", "model", "serial", "fqdn", "interfaces")
            } == {"hostname": dev.name, "model": "WS-C2960-24TT-L", "serial": dev.state.serial,
                  "fqdn": f"{dev.name}.{dev.state.domain}",
                  "interfaces": list(dev.state.interfaces)}
    assert "15.2(7)E4" in got["facts"]["os_version"]
    assert got["facts"]["uptime_s"] > 0
    assert "GigabitEthernet0/3" in shown.output
    assert (refused.outcome, refused.error_code) == ("failed", "command_rejected")
    assert "reload" not in dev.state.commands


async def test_dry_run_renders_without_logging_in(ssh_sim: Simulator,
                                                  executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("juniper_junos")
    result = await executor_for(dev).run(job(dev, "set_port_speed", dry_run=True,
                                             interface="ge-0/0/1", rate_kbps=20_000))
    rendered = json.loads(result.output)
    assert result.outcome == "succeeded"
    assert "set firewall policer dm-ge-0-0-1 if-exceeding bandwidth-limit 20000k" in \
        rendered["commands"]
    assert rendered["rollback"] == ["delete interfaces ge-0/0/1 unit 0 family inet policer "
                                    "input dm-ge-0-0-1", "delete firewall policer dm-ge-0-0-1"]
    assert (dev.state.connections, dev.state.logins) == (0, 0)


async def test_a_private_key_logs_in_without_a_password(
        ssh_sim: Simulator, tmp_path: Path) -> None:
    """An SSH credential set with only a private key (pushed by the hub): the executor logs
    in with the key (netmiko and napalm both), offers no password, and the key never lands
    in the job output."""
    from edge_agent.config import AgentConfig

    dev = ssh_sim.add_device("cisco_ios")
    key = dev.authorize_new_key()
    config = AgentConfig.model_validate({
        "agent": {"id": "pop-ssh-test", "state_dir": str(tmp_path / "state")},
        "broker": {"host": "127.0.0.1", "password": "unused-here"},
        "devices": [{"name": dev.name, "host": dev.host, "profile": dev.platform,
                     "snmp": {"community": "public"},
                     "ssh": {"username": dev.username, "private_key": key, "port": dev.port,
                             "enable_secret": dev.enable_secret, "timeout_s": 3}}]})
    executor = Executor(config)
    try:
        shown = await executor.run(job(dev, "run_show", command="show version"))
        facts = await executor.run(job(dev, "get_facts"))
    finally:
        executor.pool.shutdown(wait=True)
        executor.store.close()
    assert shown.outcome == "succeeded", shown.output
    assert facts.outcome == "succeeded", facts.output
    assert dev.state.key_logins >= 2 and dev.state.password_attempts == 0
    assert "PRIVATE KEY" not in shown.output + facts.output


# Platforms whose get_facts parses `show version` (no napalm driver over SSH fits them).
FACTS = {"arista_eos": {"model": "DCS-7050TX-64-R", "os_version": "4.28.3M"},
         "cisco_nxos": {"model": "Nexus9000 C93180YC-EX", "os_version": "9.3(8)"},
         "huawei_vrp": {"model": "CE6850-48T4Q-EI", "os_version": "8.180"},
         "ubiquiti_edgeos": {"model": "EdgeRouter 4", "os_version": "v2.0.9-hotfix.7"}}
SHOWS = {"arista_eos": "show interfaces status", "cisco_nxos": "show interface status",
         "huawei_vrp": "display interface brief", "ubiquiti_edgeos": "show ip route"}
# What the approved show prints (when not "connected"); the config line naming the host.
SHOWN = {"huawei_vrp": "InUti/OutUti"}
NAME_LINE = {"huawei_vrp": "sysname", "ubiquiti_edgeos": "set system host-name"}
SAVE = {"huawei_vrp": "save", "ubiquiti_edgeos": "save"}
VLAN_PORTS = {"arista_eos": "Ethernet3", "cisco_nxos": "Ethernet1/3",
              "huawei_vrp": "GigabitEthernet0/0/3", "ubiquiti_edgeos": "eth3"}
# What the simulated running-configs hold that a backup must never keep.
SECRETS = ["N0cR3ad0nly", "Wr1teS3cret", "$6$", "$5$", "0x7e5a1f3b", "0x1a2b3c4d"]


@pytest.mark.parametrize("platform", sorted(FACTS))
async def test_facts_shows_and_backup_on_cli_parsed_platforms(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], platform: str) -> None:
    dev = ssh_sim.add_device(platform)
    executor = executor_for(dev)
    facts = await executor.run(job(dev, "get_facts"))
    shown = await executor.run(job(dev, "run_show", command=SHOWS[platform]))
    refused = await executor.run(job(dev, "run_show", command="show running-config"))
    backup = await executor.run(job(dev, "backup_config"))
    assert facts.outcome == "succeeded", facts.output
    got = json.loads(facts.output)["facts"]
    assert {k: got[k] for k in FACTS[platform]} == FACTS[platform]
    assert got["serial"] == dev.state.serial
    assert got.get("hostname", dev.state.hostname) == dev.state.hostname
    assert shown.outcome == "succeeded" and SHOWN.get(platform, "connected") in shown.output, \
        shown.output
    assert (refused.outcome, refused.error_code) == ("failed", "command_rejected")
    assert backup.outcome == "succeeded", backup.output
    config = json.loads(backup.output)
    text = json.dumps(config)
    assert [s for s in SECRETS if s in text] == [], "secrets are scrubbed"
    assert f"{NAME_LINE.get(platform, 'hostname')} {dev.state.hostname}" in text


@pytest.mark.parametrize("platform", sorted(FACTS))
async def test_set_port_speed_twice_then_bounce(
        ssh_sim: Simulator, executor_for: Callable[..., Executor], platform: str) -> None:
    dev = ssh_sim.add_device(platform)
    executor = executor_for(dev)
    port = dev.state.interface(VLAN_PORTS[platform])
    speed = await executor.run(job(dev, "set_port_speed", interface=port.name,
                                   rate_kbps=25_000))
    again = await executor.run(job(dev, "set_port_speed", interface=port.name,
                                   rate_kbps=5_000))
    bounce = await executor.run(job(dev, "bounce_port", interface=port.name))
    assert (speed.outcome, again.outcome, bounce.outcome) == ("succeeded",) * 3, again.output
    assert (port.rate_in_bps, port.admin_up) == (5_000_000, True)
    assert SAVE.get(platform, "copy running-config startup-config") in dev.state.commands
