"""`make demo` headless: every printed command works and shows live data.

The demo runs as a real process (scripts/demo.py) with its own state folder; the test
executes each printed command in one bash session, exactly as printed, then stops the
demo with SIGINT (Ctrl-C) and checks nothing it started is left running.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.services._proc import ManagedProcess, free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
MARK = "### DEMO-STEP"


def run_commands(cmds: list[dict[str, str]]) -> list[tuple[int, str]]:
    """Run every command in one bash (the login step exports $TOKEN); (rc, output) each."""
    script = []
    for i, c in enumerate(cmds):
        script += [f"echo '{MARK} {i} start'", c["cmd"], f"echo; echo '{MARK} {i} rc='$?"]
    out = subprocess.run(["bash", "-c", "\n".join(script)], capture_output=True, text=True,
                         timeout=180, check=False).stdout
    results: list[tuple[int, str]] = []
    for i in range(len(cmds)):
        body = out.split(f"{MARK} {i} start\n", 1)[1].split(f"{MARK} {i} rc=", 1)
        results.append((int(body[1].split()[0]), body[0].strip()))
    return results


def counters(poll_output: str) -> dict[str, int]:
    """ifHCInOctets by ifIndex from `dotmac-agent poll --json` output."""
    samples = json.loads(poll_output)["samples"]
    return {s["labels"]["ifIndex"]: s["value"] for s in samples
            if s["metric"] == "if_hc_in_octets"}


def _port_line(by_what: dict[str, str], step: str) -> str:
    """The GigabitEthernet0/2 line of a printed `show ip interface brief` step."""
    show = next(v for k, v in by_what.items() if k.startswith(step))
    return next(line for line in show.splitlines() if "GigabitEthernet0/2" in line)


def _has_traffic(cmds: list[dict[str, str]]) -> bool:
    """Whether the printed login + traffic commands already show rollup points."""
    wanted = [c for c in cmds if c["what"].startswith(("log in as the NOC", "traffic of"))]
    (rc_login, _), (rc, out) = run_commands(wanted)
    return rc_login == 0 and rc == 0 and bool(json.loads(out)["points"])


@pytest.fixture(params=["victoria", "none"])
def demo(tmp_path: Path, request):  # type: ignore[no-untyped-def]
    """The demo process (its own broker, POP, hub and agent) with state in tmp_path; once
    with VictoriaMetrics and once as on a machine without it (hub SQL rollups only)."""
    env = {"DOTMAC_DEMO_STATE": str(tmp_path / "demo"), "DOTMAC_DEMO_TSDB": request.param}
    argv = [sys.executable, str(ROOT / "scripts" / "demo.py"), "--port", str(free_port()),
            "--duration", "300"]
    proc = ManagedProcess(argv, tmp_path / "demo.log", env=env).start()
    commands = tmp_path / "demo" / "commands.json"
    wait_until(lambda: commands.exists() or not proc.alive(), 240, "the demo to come up",
               tmp_path / "demo.log")
    assert commands.exists(), (tmp_path / "demo.log").read_text()[-3000:]
    yield proc, json.loads(commands.read_text()), tmp_path
    proc.stop()


def test_every_printed_command_works_and_traffic_moves(demo) -> None:  # type: ignore[no-untyped-def]
    proc, cmds, tmp_path = demo
    wait_until(lambda: _has_traffic(cmds), 60, "agent polls to reach the hub's rollups",
               tmp_path / "demo.log")
    first = run_commands(cmds)
    for (rc, output), c in zip(first, cmds, strict=True):
        assert rc == 0, (c["what"], output[-500:])
    by_what = {c["what"]: out for c, (_rc, out) in zip(cmds, first, strict=True)}
    devices = json.loads(next(v for k, v in by_what.items() if k.startswith("list devices")))
    ids = {d["name"]: d["id"] for d in devices["data"]}
    assert set(ids) >= {"ams1-access-sw1", "ams1-agg-sw2"}
    # The hub is the source of truth: agent.yaml holds identity and broker, no devices...
    agent_yaml = (tmp_path / "demo" / "agent" / "agent.yaml").read_text()
    assert "devices" not in agent_yaml and "community" not in agent_yaml, agent_yaml
    config = json.loads(next(v for k, v in by_what.items() if k.startswith("the agent's config")))
    assert config["in_sync"] and config["applied_version"] >= 1, config
    assert config["devices"] == len(ids), config
    # ...and telemetry arrives keyed by the hub's device ids.
    live = json.loads(next(v for k, v in by_what.items() if k.startswith("devices with")))
    assert {d["device"] for d in live["data"]} >= {ids["ams1-access-sw1"]}
    observed = json.loads(next(v for k, v in by_what.items() if k.startswith("what the agent")))
    assert observed["observed"] is not None and observed["observed"]["interfaces"], observed
    traffic = json.loads(next(v for k, v in by_what.items() if k.startswith("traffic of")))
    assert traffic["points"], traffic
    suspended = json.loads(next(v for k, v in by_what.items() if k.startswith("suspend")))
    assert suspended["status"] == "suspended" and suspended["out_of_sync"], suspended
    job = json.loads(next(v for k, v in by_what.items() if k.startswith("watch the job")
                          ).splitlines()[-1])
    assert (job["state"], job["action"]) == ("succeeded", "suspend_customer"), job
    assert job["params"]["interface"] == "GigabitEthernet0/2", job
    down = _port_line(by_what, "the simulated switch:")
    assert down.split()[4:] == ["administratively", "down", "down"], down
    resumed = json.loads(next(v for k, v in by_what.items() if k.startswith("watch the sub")
                              ).splitlines()[-1])
    assert (resumed["status"], resumed["network_state"]) == ("active", "active"), resumed
    assert resumed["out_of_sync"] is False and resumed["network_problem"] is None, resumed
    up = _port_line(by_what, "the simulated switch again")
    assert up.split()[4:] == ["up", "up"], up  # status and protocol
    invoices = json.loads(next(v for k, v in by_what.items() if k.startswith("generate")))
    assert len(invoices["created"]) == 3  # one per demo subscription
    poll = next(v for k, v in by_what.items() if k.startswith("poll one"))
    time.sleep(12)  # at least one more agent poll
    second = dict(zip([c["what"] for c in cmds], run_commands(cmds), strict=True))
    assert [what for what, (rc, _out) in second.items() if rc != 0] == []  # suspend/resume again
    # Live counters: the simulated POP's octets grow between two reads...
    before, after = counters(poll), counters(second[next(k for k in second
                                                         if k.startswith("poll one"))][1])
    assert any(after[i] > before[i] for i in before)
    # ...and the hub's rate for the current bucket changes as polls accumulate.
    again = json.loads(second[next(k for k in second if k.startswith("traffic of"))][1])
    assert again["points"] != traffic["points"]
    rerun = json.loads(second[next(k for k in second if k.startswith("generate"))][1])
    assert rerun["created"] == []  # the billing run is idempotent

    proc.signal(signal.SIGINT)  # Ctrl-C
    assert proc.proc is not None and proc.proc.wait(timeout=60) == 0
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path / "demo")], capture_output=True,
                               text=True, check=False).stdout.split()
    assert [p for p in leftovers if int(p) != os.getpid()] == []
