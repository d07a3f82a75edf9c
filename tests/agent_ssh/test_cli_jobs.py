"""`dotmac-agent job run` / `backup` through the real CLI app against the simulator."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml
from typer.testing import CliRunner

from edge_agent import cli_jobs
from tests.ssh_sim import SimDevice, Simulator


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test root."""

    cli_jobs.register(app)
    return app


def _config(tmp_path: Path, dev: SimDevice) -> Path:
    path = tmp_path / "agent.yaml"
    path.write_text(yaml.safe_dump({
        "agent": {"id": "pop-cli", "state_dir": str(tmp_path / "state")},
        "broker": {"host": "127.0.0.1", "password": "x"},
        "devices": [{"name": dev.name, "host": dev.host, "profile": dev.platform,
                     "snmp": {"community": "public"},
                     "ssh": {"username": dev.username, "port": dev.port, "timeout_s": 3}}],
    }))
    return path


def test_job_run_applies_and_dry_run_does_not_connect(
        ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("mikrotik_routeros")
    config = _config(tmp_path, dev)
    env = {"DOTMAC_AGENT_SSH_PASSWORD": dev.password}  # the secret stays out of the file
    runner = CliRunner()
    dry = runner.invoke(_app(), ["job", "run", dev.name, "suspend_customer", "-p",
                                 "interface=ether2", "--dry-run", "--config", str(config),
                                 "--json"], env=env)
    assert dry.exit_code == 0, dry.output
    assert json.loads(json.loads(dry.stdout)["output"])["commands"] == [
        "/interface ethernet disable ether2"]
    assert dev.state.connections == 0

    real = runner.invoke(_app(), ["job", "run", dev.name, "suspend_customer", "-p",
                                  "interface=ether2", "--config", str(config)], env=env)
    assert real.exit_code == 0, real.output
    assert "succeeded" in real.stdout
    assert dev.state.interface("ether2").admin_up is False

    hostile = runner.invoke(_app(), ["job", "run", dev.name, "suspend_customer", "-p",
                                     "interface=ether2;/system reboot", "--config",
                                     str(config)], env=env)
    assert hostile.exit_code == 1 and "command_rejected" in hostile.stdout


def test_backup_prints_the_hash_and_writes_the_scrubbed_config(
        ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    config = _config(tmp_path, dev)
    env = {"DOTMAC_AGENT_SSH_PASSWORD": dev.password,
           "DOTMAC_AGENT_SSH_ENABLE_SECRET": dev.enable_secret}
    out = tmp_path / "r1.cfg"
    result = CliRunner().invoke(_app(), ["backup", dev.name, "--config", str(config),
                                         "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "first backup" in result.stdout
    saved = out.read_text()
    assert f"hostname {dev.name}" in saved and "Wr1teS3cret" not in saved
