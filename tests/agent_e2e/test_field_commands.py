"""The field tech's one-shot commands against real SNMP agents: detect, poll, discover."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.services.snmp import SNMP_ENV

BIN = Path(sys.executable).parent


def agent(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed `dotmac-agent` console script."""
    return subprocess.run([str(BIN / "dotmac-agent"), *args], capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, **(env or {})})


def bulkwalk(target: str, community: str, oid: str) -> dict[str, int]:
    """ifIndex -> value as net-snmp's snmpbulkwalk reads it."""
    out = subprocess.run(["snmpbulkwalk", "-m", "", "-On", "-Oe", "-v2c", "-c", community, target,
                          oid], capture_output=True, text=True, check=True, timeout=60,
                         env={**os.environ, **SNMP_ENV}).stdout
    values = {}
    for line in out.splitlines():
        name, _, rest = line.partition(" = ")
        values[name.rsplit(".", 1)[1]] = int(rest.split(":", 1)[1])
    return values


def test_detect_json_names_profile_and_reason(snmpsim) -> None:  # type: ignore[no-untyped-def]
    out = agent("detect", snmpsim.target, "--community", snmpsim.communities["juniper-junos"],
                "--timeout", "10", "--json")
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    # An MX960: juniper_mx extends juniper_junos, so the child wins and says so.
    assert found["profile"] == "juniper_mx"
    assert found["vendor"].lower().startswith("juniper")
    assert "2636" in found["reason"]  # matched on Juniper's enterprise number
    assert {"profile": "juniper_junos", "why": "juniper_mx extends juniper_junos"} in found[
        "preferred_over"]


def test_poll_json_counters_equal_snmpbulkwalk(snmpd) -> None:  # type: ignore[no-untyped-def]
    """`poll --json` counters lie between two snmpbulkwalks taken around it."""
    hc_in = "1.3.6.1.2.1.31.1.1.1.6"
    before = bulkwalk(snmpd.target, snmpd.community, hc_in)
    out = agent("poll", snmpd.target, "--json", env={"DOTMAC_AGENT_COMMUNITY": snmpd.community})
    after = bulkwalk(snmpd.target, snmpd.community, hc_in)
    assert out.returncode == 0, out.stderr
    polled = json.loads(out.stdout)
    assert polled["profile"] == "linux"
    ours = {s["labels"]["ifIndex"]: s["value"] for s in polled["samples"]
            if s["metric"] == "if_hc_in_octets"}
    assert set(ours) == set(before) and ours
    for index, value in ours.items():
        assert before[index] <= value <= after[index], (index, before[index], value, after[index])
    sample = next(s for s in polled["samples"] if s["metric"] == "if_hc_in_octets")
    assert sample["kind"] == "counter" and "ifName" in sample["labels"]
    assert snmpd.community not in out.stdout  # secrets never in --json output


def test_poll_v3_and_wrong_key(snmpd) -> None:  # type: ignore[no-untyped-def]
    u = snmpd.v3
    args = ["poll", snmpd.target, "--v3-user", u.name, "--auth-proto", "SHA-256",
            "--priv-proto", "AES", "--priv-key", u.priv_key, "--json"]
    good = agent(*args, "--auth-key", u.auth_key)
    assert good.returncode == 0, good.stderr
    assert any(s["metric"] == "sys_uptime_ticks" for s in json.loads(good.stdout)["samples"])
    bad = agent(*args, "--auth-key", "not-the-right-key")
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["error"] == "auth_failed"
    assert "not-the-right-key" not in bad.stdout + bad.stderr


def test_poll_unreachable_is_a_clear_error() -> None:
    out = agent("poll", "127.0.0.1:9", "-c", "public", "--timeout", "0.3", "--retries", "0",
                "--json")
    assert out.returncode == 1
    assert json.loads(out.stdout)["error"] == "timeout"


def test_poll_without_community_names_the_fix() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DOTMAC_AGENT_COMMUNITY"}
    out = subprocess.run([str(BIN / "dotmac-agent"), "poll", "127.0.0.1"], capture_output=True,
                         text=True, timeout=60, check=False, env=env)
    assert out.returncode == 2
    assert "DOTMAC_AGENT_COMMUNITY" in out.stderr


def test_discover_finds_snmpd_on_loopback_and_writes_config(snmpd, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "agent.yaml"
    config.write_text(
        "agent:\n  id: discover-test\n  state_dir: " + str(tmp_path / "state") + "\n"
        "broker:\n  host: 127.0.0.1\n  port: 1883\n  tls: false\n  password: x-unused\n"
        "defaults:\n  snmp:\n    community: ${DISCOVER_COMMUNITY}\n"
        "devices: []\n")
    out = agent("discover", "127.0.0.0/30", "--port", str(snmpd.port), "-c", snmpd.community,
                "--timeout", "0.5", "--json", "--write", str(config),
                env={"DISCOVER_COMMUNITY": snmpd.community})
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert [f["host"] for f in found] == ["127.0.0.1"]
    assert found[0]["profile"] == "linux"
    written = config.read_text()
    assert "host: 127.0.0.1" in written and f"port: {snmpd.port}" in written
    assert snmpd.community not in written  # credentials stay in defaults/env


def test_record_writes_scrubbed_snmprec_and_golden(snmpd, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = agent("record", snmpd.target, "--name", "lab-linux", "--out", str(tmp_path),
                env={"DOTMAC_AGENT_COMMUNITY": snmpd.community})
    assert out.returncode == 0, out.stderr
    snmprec = (tmp_path / "lab-linux.snmprec").read_text()
    golden = json.loads((tmp_path / "lab-linux.golden.json").read_text())
    assert "1.3.6.1.2.1.1.5.0|4|" in snmprec  # sysName recorded
    # Scrubbed: the real location (snmpd's "test-pop") and the community never leave the box.
    assert "1.3.6.1.2.1.1.6.0|4|scrubbed-location\n" in snmprec
    assert snmpd.community not in snmprec
    assert golden["detect"]["profile"] == "linux"
    assert any(s["metric"] == "if_hc_in_octets" for s in golden["samples"])
