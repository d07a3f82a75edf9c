"""Operating a running agent: reload, status, doctor, and refusing bad config."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.agent_e2e.harness import cycle_times, wait_until

BIN = Path(sys.executable).parent


def agent_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `dotmac-agent` with the given environment additions."""
    return subprocess.run([str(BIN / "dotmac-agent"), *args], capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, **(env or {})})


async def test_sighup_reloads_devices_without_disturbing_others(pop) -> None:  # type: ignore[no-untyped-def]
    agent, hub = pop
    agent.start()
    await wait_until(lambda: len(cycle_times(hub, "pop-linux")) >= 1, 30, "first cycle")
    text = agent.config.read_text()
    # Rename the cisco device: the old name must stop, the new one start, linux continue.
    agent.config.write_text(text.replace("name: pop-cisco", "name: pop-cisco-renamed"))
    assert agent.proc is not None
    agent.proc.signal(signal.SIGHUP)
    await wait_until(lambda: len(cycle_times(hub, "pop-cisco-renamed")) >= 1, 40,
                     "the renamed device polled after SIGHUP")
    linux_before = len(cycle_times(hub, "pop-linux"))
    await wait_until(lambda: len(cycle_times(hub, "pop-linux")) > linux_before, 20,
                     "linux keeps polling")
    assert "config.reloaded" in agent.log
    # A broken file on reload is refused with its reason and the running config is kept.
    agent.config.write_text(text.replace("interval_s: 2", "interval_s: soon"))
    agent.proc.signal(signal.SIGHUP)
    await wait_until(lambda: "config.reload_refused" in agent.log, 10, "refused reload")
    assert agent.proc.alive()


async def test_status_and_doctor_of_a_running_agent(pop) -> None:  # type: ignore[no-untyped-def]
    agent, hub = pop
    agent.start()
    await wait_until(lambda: len(cycle_times(hub, "pop-linux")) >= 1, 30, "first cycle")
    status_file = agent.config.parent / "state" / "status.json"
    await wait_until(lambda: status_file.exists() and
                     json.loads(status_file.read_text())["delivery"].get("connected"), 15,
                     "status says connected")
    status = agent_cli("status", "--config", str(agent.config), "--json", env=agent.env)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["queue"]["dropped_samples"] == 0

    doctor = agent_cli("doctor", "--config", str(agent.config), "--json", env=agent.env)
    report = json.loads(doctor.stdout)
    verdicts = {c["name"]: c["verdict"] for c in report["checks"]}
    assert verdicts["broker"] == "ok"
    assert verdicts["device pop-linux"] == "ok" and verdicts["device pop-cisco"] == "ok"
    assert verdicts["device pop-dead"] == "fail"  # the dead device is named, with its cause
    assert verdicts["agent"] == "ok" and verdicts["config"] == "ok"
    assert doctor.returncode == 1 and report["healthy"] is False
    assert agent.env["DOTMAC_AGENT_BROKER_PASSWORD"] not in doctor.stdout


def test_doctor_names_a_wrong_broker_password(pop) -> None:  # type: ignore[no-untyped-def]
    agent, _hub = pop
    env = {**agent.env, "DOTMAC_AGENT_BROKER_PASSWORD": "wrong-password"}
    doctor = agent_cli("doctor", "--config", str(agent.config), "--json", env=env)
    broker = next(c for c in json.loads(doctor.stdout)["checks"] if c["name"] == "broker")
    assert broker["verdict"] == "fail" and "re-enroll" in broker["fix"]
    assert "wrong-password" not in doctor.stdout


def test_run_refuses_unknown_profile_and_typos(tmp_path: Path) -> None:
    config = tmp_path / "agent.yaml"
    config.write_text(
        "agent:\n  id: bad-config\n  state_dir: " + str(tmp_path) + "\n"
        "broker:\n  host: 127.0.0.1\n  password: x\n"
        "devices:\n  - name: r1\n    host: 10.0.0.1\n    profile: cisco_iox\n"
        "    snmp: {community: public}\n")
    out = agent_cli("run", "--config", str(config))
    assert out.returncode == 2
    assert "cisco_iox" in out.stderr and "cisco_ios" in out.stderr  # names the valid choices
    config.write_text(config.read_text().replace("host: 10.0.0.1", "hots: 10.0.0.1"))
    out = agent_cli("run", "--config", str(config))
    assert out.returncode == 2
    assert "hots" in out.stderr and "host" in out.stderr and "agent.yaml:" in out.stderr
