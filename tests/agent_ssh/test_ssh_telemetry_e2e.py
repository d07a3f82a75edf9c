"""`dotmac-agent run` polls SSH-only devices on schedule: real process, real Mosquitto, the
SSH simulator. Counters parsed from `show interfaces` equal the simulator's state and reach
the broker as telemetry samples; a device with a wrong password is reported in health with
auth_failed while its neighbour's samples keep flowing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from protocol import AgentHealth, TelemetryBatch
from tests.agent_delivery.helpers import connect_hub, unique_id
from tests.agent_e2e.harness import Agent, stop_and_read_status, wait_until
from tests.ssh_sim import SimDevice, Simulator

INTERVAL_S = 3
FIELDS = {"if_in_octets": "in_octets", "if_out_octets": "out_octets",
          "if_in_packets": "in_packets", "if_out_packets": "out_packets",
          "if_in_errors": "in_errors", "if_out_errors": "out_errors"}


def ssh_device(dev: SimDevice, password: str | None = None) -> str:
    """A config entry of an SSH-only device (no snmp block at all)."""
    return (f"  - name: {dev.name}\n    host: {dev.host}\n    profile: {dev.platform}\n"
            f"    telemetry: ssh\n    interval_s: {INTERVAL_S}\n"
            f"    ssh: {{username: {dev.username}, password: '{password or dev.password}', "
            f"port: {dev.port}, enable_secret: '{dev.enable_secret}', timeout_s: 5}}\n")


@pytest.fixture
def ssh_pop(tmp_path: Path, mosquitto, ssh_sim: Simulator):  # type: ignore[no-untyped-def]
    """An agent with two SSH-only IOS devices (the second refuses its password), the hub's
    subscription and the simulated devices."""
    good, bad = ssh_sim.add_device("cisco_ios"), ssh_sim.add_device("cisco_ios")
    bad.faults.wrong_password = True
    agent_id = unique_id("ssh")
    creds = mosquitto.add_user(agent_id)
    config = tmp_path / "agent.yaml"
    config.write_text(
        f"agent:\n  id: {agent_id}\n  state_dir: {tmp_path / 'state'}\n"
        f"broker:\n  host: 127.0.0.1\n  port: {mosquitto.port}\n  tls: false\n"
        "health_interval_s: 5\ndevices:\n" + ssh_device(good) + ssh_device(bad))
    hub = connect_hub(mosquitto, f"dm/v1/{agent_id}/up/#", client_id=f"hub-{agent_id}")
    agent = Agent(config, creds.password)
    agent.env.pop("DOTMAC_AGENT_COMMUNITY")  # SSH-only devices need no SNMP community
    yield agent, hub, good, bad
    if agent.proc is not None:
        agent.proc.stop()
    hub.close()


def batches(hub) -> dict[int, TelemetryBatch]:  # type: ignore[no-untyped-def]
    """Telemetry received, by seq (redeliveries collapse)."""
    return {r.message.seq: r.message for r in hub.messages(TelemetryBatch)}


def cycles(hub, device: str) -> list[float]:  # type: ignore[no-untyped-def]
    """Distinct poll times of `device`."""
    return sorted({s.ts.timestamp() for b in batches(hub).values() for s in b.samples
                   if s.device == device})


async def test_ssh_counters_reach_the_broker_and_a_bad_password_is_reported(ssh_pop) -> None:  # type: ignore[no-untyped-def]
    agent, hub, good, bad = ssh_pop
    agent.start()
    await wait_until(lambda: len(cycles(hub, good.name)) >= 3, 60, "three SSH poll cycles")

    def bad_reported() -> bool:
        return any(r.message.device_errors.get(bad.name) == "auth_failed"
                   for r in hub.messages(AgentHealth))

    await wait_until(bad_reported, 30, "health naming the wrong-password device")
    status = await stop_and_read_status(agent)
    produced = status["devices"][good.name]["cycles"]
    await wait_until(lambda: len(cycles(hub, good.name)) == produced, 15,
                     f"all {produced} cycles drained to the broker")

    # The newest published value of each counter is exactly the device's state: every
    # `show interfaces` moves the counters, and the agent's last one was the last shown.
    newest: dict[tuple[str, str], tuple[float, int | float]] = {}
    for batch in batches(hub).values():
        for s in batch.samples:
            assert s.device != bad.name, "the refused device produced no samples"
            key = (s.labels["ifName"], s.metric)
            if s.device == good.name and s.ts.timestamp() >= newest.get(key, (0, 0))[0]:
                newest[key] = (s.ts.timestamp(), s.value)
    assert {k[1] for k in newest} == set(FIELDS)
    assert {k[0] for k in newest} == set(good.state.interfaces)
    for (port, metric), (_ts, value) in newest.items():
        assert value == getattr(good.state.interface(port).counters, FIELDS[metric]), (port,
                                                                                       metric)
    assert good.state.logins == 1, "one SSH session served every poll"
    assert bad.state.logins == 0
    assert status["devices"][good.name]["failures"] == 0
    assert status["devices"][bad.name]["last_error"] == "auth_failed"
    assert status["devices"][bad.name]["failures"] >= 2, "the bad device kept being tried"
    assert f"ssh_poll_failed device={bad.name} error=auth_failed" in agent.log
    assert good.password not in agent.log and bad.password not in agent.log


def test_doctor_logs_in_to_ssh_devices_and_names_a_wrong_password(ssh_pop) -> None:  # type: ignore[no-untyped-def]
    """`dotmac-agent doctor` checks SSH-only devices by logging in (no SNMP check for them)."""
    agent, _hub, good, bad = ssh_pop
    doctor = subprocess.run([str(Path(sys.executable).parent / "dotmac-agent"), "doctor",
                             "--config", str(agent.config), "--json"],
                            env={**os.environ, **agent.env}, capture_output=True, text=True,
                            timeout=120, check=False)
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks[f"device {good.name} ssh"]["verdict"] == "ok"
    assert checks[f"device {bad.name} ssh"]["verdict"] == "fail"
    assert "auth_failed" in checks[f"device {bad.name} ssh"]["detail"]
    assert f"device {good.name}" not in checks  # no SNMP check for telemetry: ssh
    assert doctor.returncode == 1
    assert bad.password not in doctor.stdout and good.password not in doctor.stdout
