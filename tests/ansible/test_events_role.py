"""Issue 18: the role turns device events on. agent.yaml gets an `events:` section the agent
accepts; with a port below 1024 the systemd unit (and the supervisor used without systemd)
grant CAP_NET_BIND_SERVICE and nothing else, so the agent binds 162/514 without root;
with events off, or on high ports only, the unit keeps its empty capability sets.

The templates are rendered by ansible-playbook itself (connection local) with the role's
defaults and vars, as the role would render them on a POP box.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import yaml

from edge_agent.config import load_config
from tests.ansible.harness import ANSIBLE, BIN

ROLE = ANSIBLE / "roles" / "dotmac_edge_agent"
TEMPLATES = ("agent.yaml.j2", "dotmac-agent.service.j2", "dotmac-agent-supervise.sh.j2")
COMMUNITY = "tst1-trap-community"
USER = {"user": "noc-traps", "auth_proto": "SHA", "auth_key": "auth-pass-2026",
        "priv_proto": "AES", "priv_key": "priv-pass-2026", "engine_ids": ["8000000001020304"]}


def _render(tmp_path: Path, **overrides: object) -> dict[str, str]:
    """Every template of the role, rendered with its defaults and vars plus `overrides`."""
    enrolled = {"agent": {"id": "tst1-agent"},
                "broker": {"host": "mqtt.example.net", "password": "p" * 24}}
    tasks = [{"name": f"Render {name}", "ansible.builtin.template": {
        "src": str(ROLE / "templates" / name), "dest": str(tmp_path / name.removesuffix(".j2")),
        "mode": "0600"}} for name in TEMPLATES]
    play = tmp_path / "render.yml"
    play.write_text(yaml.safe_dump([{"name": "Render", "hosts": "localhost",
                                     "gather_facts": False, "tasks": tasks}]))
    variables = {**yaml.safe_load((ROLE / "defaults" / "main.yml").read_text()),
                 **yaml.safe_load((ROLE / "vars" / "main.yml").read_text()),
                 "dotmac_edge_agent_enrolled": enrolled, **overrides}
    varfile = tmp_path / "vars.json"
    varfile.write_text(json.dumps(variables))
    env = {**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"),
           "ANSIBLE_HOME": str(tmp_path / "home"),
           "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
    out = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(play),
         "-e", f"@{varfile}", "-e", f"ansible_python_interpreter={BIN / 'python'}"],
        capture_output=True, text=True, timeout=240, cwd=tmp_path, env=env, check=False)
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    return {name: (tmp_path / name.removesuffix(".j2")).read_text() for name in TEMPLATES}


def _unit_lines(rendered: dict[str, str]) -> list[str]:
    return rendered["dotmac-agent.service.j2"].splitlines()


def test_events_off_by_default_no_section_and_no_capability(tmp_path: Path) -> None:
    rendered = _render(tmp_path)
    assert "events" not in yaml.safe_load(rendered["agent.yaml.j2"])
    lines = _unit_lines(rendered)
    assert "CapabilityBoundingSet=" in lines and "AmbientCapabilities=" in lines
    assert "--ambient-caps" not in rendered["dotmac-agent-supervise.sh.j2"]


def test_events_on_standard_ports_render_a_valid_section_and_only_the_bind_capability(
        tmp_path: Path) -> None:
    rendered = _render(tmp_path, dotmac_edge_agent_events_enabled=True,
                       dotmac_edge_agent_events_trap_communities=[COMMUNITY],
                       dotmac_edge_agent_events_trap_users=[USER],
                       dotmac_edge_agent_events_storm={"rate_per_s": 100})
    events = yaml.safe_load(rendered["agent.yaml.j2"])["events"]
    assert events["traps"]["port"] == 162 and events["traps"]["communities"] == [COMMUNITY]
    assert events["syslog"] == {"listen": "0.0.0.0", "udp_port": 514, "tcp_port": 514}
    assert events["storm"] == {"rate_per_s": 100}
    # What the role's validate step runs: the agent itself accepts the file.
    config = load_config(tmp_path / "agent.yaml")
    assert config.events is not None and config.events.traps is not None
    assert config.events.traps.users[0].engine_ids == ("8000000001020304",)
    lines = _unit_lines(rendered)
    assert "CapabilityBoundingSet=CAP_NET_BIND_SERVICE" in lines
    assert "AmbientCapabilities=CAP_NET_BIND_SERVICE" in lines
    assert "CapabilityBoundingSet=" not in lines and "NoNewPrivileges=true" in lines
    assert "User=dotmac-agent" in lines  # still not root
    verify = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "dotmac-agent.service")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert "CapabilityBoundingSet" not in verify.stderr and "Ambient" not in verify.stderr
    supervise = rendered["dotmac-agent-supervise.sh.j2"]
    assert "--ambient-caps=+net_bind_service" in supervise
    assert "--bounding-set=-all,+net_bind_service" in supervise


def test_events_on_high_ports_only_need_no_capability(tmp_path: Path) -> None:
    rendered = _render(tmp_path, dotmac_edge_agent_events_enabled=True,
                       dotmac_edge_agent_events_trap_communities=[COMMUNITY],
                       dotmac_edge_agent_events_trap_port=1162,
                       dotmac_edge_agent_events_syslog_udp_port=1514,
                       dotmac_edge_agent_events_syslog_tcp_port=0)
    events = yaml.safe_load(rendered["agent.yaml.j2"])["events"]
    assert events["syslog"]["udp_port"] == 1514 and events["syslog"]["tcp_port"] is None
    assert load_config(tmp_path / "agent.yaml").events is not None
    lines = _unit_lines(rendered)
    assert "AmbientCapabilities=" in lines and "CapabilityBoundingSet=" in lines


def test_ansible_reads_the_argument_specs_and_they_describe_every_default() -> None:
    out = subprocess.run([str(BIN / "ansible-doc"), "-t", "role", "-r", str(ROLE.parent),
                          ROLE.name, "--json"], capture_output=True, text=True, timeout=120,
                         check=False, env={**os.environ, "ANSIBLE_NOCOLOR": "1"})
    assert out.returncode == 0, out.stderr[-3000:]
    options = json.loads(out.stdout)[ROLE.name]["entry_points"]["main"]["options"]
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    assert set(defaults) <= set(options), set(defaults) - set(options)
    for name, value in defaults.items():
        if name.startswith("dotmac_edge_agent_events_"):
            assert options[name]["default"] == value, name
    assert options["dotmac_edge_agent_events_trap_users"]["no_log"] is True
