"""Backups: secrets scrubbed, volatile lines normalised, unchanged device -> same hash."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from netmiko import ConnectHandler

from edge_agent.executor import Executor, clean_config, load_actions, normalise, scrub
from tests.agent_ssh.conftest import job
from tests.ssh_sim import Simulator

SECRETS = {
    "cisco_ios": ["$1$mERr$hx5rVt7rPNoS4wqbXKX7m0", "0822455D0A16", "N0cR3ad0nly",
                  "Wr1teS3cret", "094F471A1A0A", "$9$nhEmQVczB7dqsO"],
    "juniper_junos": ["$6$Jq9b1$k3yq0sV2", "$6$Xa1b2$P0q9r8", "Jn0sR3ad"],
    "mikrotik_routeros": ["Cu5tPppPass", "R0sC0mmunity"],
}
COMMANDS = {"cisco_ios": "show running-config", "juniper_junos": "show configuration | display set",
            "mikrotik_routeros": "/export"}


@pytest.mark.parametrize("platform", sorted(SECRETS))
def test_scrub_removes_every_secret_from_a_raw_capture(ssh_sim: Simulator, platform: str) -> None:
    dev = ssh_sim.add_device(platform)
    conn = ConnectHandler(device_type=platform, **dev.credentials())
    try:
        if platform == "cisco_ios":
            conn.enable()
        raw = conn.send_command(COMMANDS[platform])  # the full export, secrets included
    finally:
        conn.disconnect()
    spec = load_actions(platform).backup
    assert spec is not None
    assert all(secret in raw for secret in SECRETS[platform]), "capture holds the secrets"
    cleaned = clean_config(dev.name, raw, spec).text
    assert not [s for s in SECRETS[platform] if s in cleaned]
    assert "<removed>" in cleaned


def test_normalise_drops_volatile_lines_and_preamble() -> None:
    raw = ("Building configuration...\r\n\r\nCurrent configuration : 1234 bytes\r\n!\r\n"
           "! Last configuration change at 10:01:02 UTC Mon Mar 1 2021 by admin\r\n"
           "hostname r1   \r\nntp clock-period 36028797\r\nend\r\n")
    volatile = ["^! Last configuration change at ", "^ntp clock-period "]
    assert normalise(raw, volatile, "^(!|version )") == "!\nhostname r1\nend\n"
    assert scrub("snmp-server community S3 RO", [(r"^(snmp-server community) \S+",
                                                 r"\1 <removed>")]) == \
        "snmp-server community <removed> RO"


async def test_unchanged_device_gives_the_same_hash(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    executor = executor_for(dev)
    first = await executor.backup(dev.name)
    # The device's volatile lines move (timestamp, ntp drift) without a real change.
    dev.state.last_change = dev.state.last_change.replace(year=2020)
    second = json.loads((await executor.run(job(dev, "backup_config"))).output)
    assert second["sha256"] == first.sha256 and second["changed"] is False
    assert "! Last configuration change" not in first.text

    await executor.run(job(dev, "suspend_customer", interface="Gi0/1"))
    third = await executor.backup(dev.name)
    assert third.sha256 != first.sha256 and third.changed is True
    assert "interface GigabitEthernet0/1\n switchport mode access\n shutdown" in third.text
