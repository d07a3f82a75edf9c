"""`telemetry: snmp | ssh | both` in the agent config: validated with fixes a tech can act
on, and `both` publishes the SNMP and the CLI samples of one device in one poll."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_agent.config import ConfigError, load_config
from edge_agent.runtime import AgentRuntime
from tests.services.snmp import Snmpd
from tests.ssh_sim import SimDevice, Simulator

HEAD = """agent: {{id: pop-cfg, state_dir: {state}}}
broker: {{host: 127.0.0.1, password: pw}}
devices:
"""


def write(tmp_path: Path, devices: str) -> Path:
    """An agent config with the given device entries."""
    path = tmp_path / "agent.yaml"
    path.write_text(HEAD.format(state=tmp_path / "state") + devices)
    return path


def ssh_block(dev: SimDevice) -> str:
    """The inline ssh block reaching a simulated device."""
    return (f"{{username: {dev.username}, password: '{dev.password}', port: {dev.port}, "
            f"enable_secret: '{dev.enable_secret}', timeout_s: 5}}")


def test_ssh_only_device_needs_no_snmp_community(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOTMAC_AGENT_COMMUNITY", raising=False)
    cfg = load_config(write(tmp_path, """  - name: olt-1
    host: 10.0.0.9
    profile: cisco_ios
    telemetry: ssh
    ssh: {username: noc, password: pw}
"""))
    device = cfg.devices[0]
    assert (device.snmp, device.polls_snmp, device.polls_ssh) == (None, False, True)
    with pytest.raises(ValueError, match="no SNMP settings"):
        cfg.snmp_target(device)


@pytest.mark.parametrize(("entry", "expected"), [
    ("telemetry: ssh\n    profile: cisco_ios\n", "telemetry: ssh needs an ssh block"),
    ("telemetry: both\n    snmp: {community: c}\n", "telemetry: both needs an ssh block"),
    ("telemetry: ssh\n    ssh: {username: u, password: p}\n", "needs a known profile"),
    ("telemetry: cli\n    snmp: {community: c}\n", "telemetry"),
])
def test_bad_telemetry_settings_name_the_line_and_the_fix(tmp_path: Path, entry: str,
                                                          expected: str) -> None:
    path = write(tmp_path, f"  - name: sw-1\n    host: 10.0.0.9\n    {entry}")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = "\n".join(caught.value.problems)
    assert expected in text and f"{path}:" in text, text


def test_a_profile_without_cli_metrics_is_refused_at_start(tmp_path: Path) -> None:
    path = write(tmp_path, """  - name: nx-1
    host: 10.0.0.9
    profile: cisco_nxos
    telemetry: ssh
    ssh: {username: noc, password: pw}
""")
    with pytest.raises(ConfigError) as caught:
        AgentRuntime(path)
    assert "devices[nx-1].telemetry: ssh" in caught.value.problems[0]
    assert "no cli_metrics" in caught.value.problems[0]


async def test_both_publishes_snmp_and_cli_samples_of_one_device(
        tmp_path: Path, ssh_sim: Simulator, snmpd: Snmpd) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    host, port = snmpd.target.rsplit(":", 1)
    runtime = AgentRuntime(write(tmp_path, f"""  - name: {dev.name}
    host: {host}
    port: {port}
    profile: cisco_ios
    telemetry: both
    snmp: {{community: {snmpd.community}}}
    ssh: {ssh_block(dev)}
"""))
    try:
        result = await runtime.poll(runtime.config.devices[0])
    finally:
        runtime.ssh.close()
    metrics = {s.metric for s in result.samples}
    assert "sys_uptime_ticks" in metrics, "the SNMP side ran"
    cli = [s for s in result.samples if s.labels.get("ifName", "").startswith("Gigabit")]
    assert {s.metric for s in cli} >= {"if_in_octets", "if_out_errors"}, "the SSH side ran"
    assert not [e for e in result.errors if e.detail.startswith("ssh ")], result.errors
    assert dev.state.logins == 1


async def test_reload_drops_the_session_of_a_changed_device(tmp_path: Path,
                                                            ssh_sim: Simulator) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    entry = (f"  - name: {dev.name}\n    host: {dev.host}\n    profile: cisco_ios\n"
             f"    telemetry: ssh\n    interval_s: INTERVAL\n    ssh: {ssh_block(dev)}\n")
    path = write(tmp_path, entry.replace("INTERVAL", "60"))
    runtime = AgentRuntime(path)
    try:
        await runtime.poll(runtime.config.devices[0])
        await runtime.poll(runtime.config.devices[0])
        assert dev.state.logins == 1, "kept between polls"
        write(tmp_path, entry.replace("INTERVAL", "30"))
        runtime.reload()
        result = await runtime.poll(runtime.config.devices[0])
    finally:
        runtime.ssh.close()
    assert runtime.config.devices[0].interval_s == 30
    assert result.samples and not result.errors
    assert dev.state.logins == 2, "the changed device logged in afresh"
