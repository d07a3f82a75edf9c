"""The two console scripts install, answer --help/--version, and the hub really serves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.services._proc import ManagedProcess, free_port, tcp_open, wait_until

BIN = Path(sys.executable).parent


def _run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / argv[0]), *argv[1:]], capture_output=True, text=True,
                          timeout=60, env={**os.environ, **(env or {})}, check=False)


@pytest.mark.parametrize("command", ["dotmac-agent", "dotmac-hub"])
def test_help_and_version(command: str) -> None:
    help_out = _run(command, "--help")
    assert help_out.returncode == 0 and "Examples" in help_out.stdout
    version = _run(command, "--version")
    assert version.returncode == 0
    assert version.stdout.strip() == f"{command} 0.1.0"


def test_agent_topics_lists_its_prefix_and_acl() -> None:
    out = _run("dotmac-agent", "topics", "pop-ams1-01", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["topics"]["telemetry"] == "dm/v1/pop-ams1-01/up/telemetry"
    assert data["topics"]["job"] == "dm/v1/pop-ams1-01/cmd/job"
    assert "pattern write dm/v1/%u/up/#" in data["acl"]


@pytest.mark.parametrize("hostile", ["+", "#", "a/b", "", "x" * 64])
def test_agent_topics_refuses_hostile_ids(hostile: str) -> None:
    out = _run("dotmac-agent", "topics", hostile)
    assert out.returncode == 2
    assert "agent id refused" in out.stderr


def test_hub_serves_health_and_readiness(tmp_path: Path) -> None:
    port = free_port()
    env = {"DOTMAC_HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}",
           "DOTMAC_HUB_PORT": str(port), "DOTMAC_HUB_INGEST_EMBEDDED": "false"}
    hub = ManagedProcess([str(BIN / "dotmac-hub"), "serve"], tmp_path / "hub.log",
                         env=env, cwd=tmp_path).start()
    try:
        wait_until(lambda: tcp_open(port), 30, "dotmac-hub serve", tmp_path / "hub.log")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
            assert json.load(resp) == {"status": "ok", "version": "0.1.0"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as resp:
            ready = json.load(resp)
        assert ready["database"] == "ok" and ready["broker"] == "not configured"
    finally:
        hub.stop()
    assert (tmp_path / "hub.db").exists()


def test_hub_production_mode_refuses_embedded_database(tmp_path: Path) -> None:
    started = time.monotonic()
    out = _run("dotmac-hub", "serve", env={"DOTMAC_HUB_MODE": "production"})
    assert out.returncode == 2
    assert "DOTMAC_HUB_DATABASE_URL" in out.stderr
    assert time.monotonic() - started < 30
