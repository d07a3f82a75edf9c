"""Issue 8: site.yml really rolls the agent out over SSH to a box in its own namespaces,
enrolling against a served hub and delivering to the TLS broker; reruns change nothing;
an upgrade moves on; an upgrade that fails the health gate leaves the old version running;
state=absent uninstalls without revoking.

Issue 17: the first runs give the box a local device (a standalone box); from the upgrade
on the inventory lists none (the hub pushes them) and agent.yaml holds no `devices`.
Check mode (--check --diff) reports an upgrade and an uninstall without making them.

The tests run in order on one box: each starts from the state the previous one left.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from protocol import Channel, DeviceEventBatch, build
from tests.agent_delivery.helpers import connect_hub
from tests.ansible.conftest import EXTRA_PACKAGES
from tests.ansible.harness import PlayResult, Rollout, ServedHub
from tests.ansible.testhost import PopBox
from tests.services.mosquitto import Broker, Credentials

pytestmark = pytest.mark.services("mosquitto", "postgres")
INSTALL = "/opt/dotmac-agent"
CONFIG = "/etc/dotmac-agent/agent.yaml"
UNIT = "/etc/systemd/system/dotmac-agent.service"
# Nothing answers SNMP here: the gate must pass with a device down.
DOWN_DEVICE = {"name": "tst1-core-sw1", "host": "127.0.0.1", "port": 9, "timeout_s": 0.5,
               "retries": 0, "snmp": {"version": "2c", "community": "tst1-community"}}


Vars = Callable[..., dict[str, object]]
# Issue 18: the upgrade turns device events on, on the standard ports (162, 514).
TRAP_COMMUNITY = "tst1-trap-community"
EVENTS = {"dotmac_edge_agent_events_enabled": True,
          "dotmac_edge_agent_events_trap_communities": [TRAP_COMMUNITY]}


@pytest.fixture
def agent_vars(served_hub: ServedHub, wheels: dict[str, Path], wheelhouse: Path) -> Vars:
    """Extra vars for one run: ``agent_vars(version, **overrides)``."""

    def make(version: str, **more: object) -> dict[str, object]:
        return {"dotmac_edge_agent_version": version,
                "dotmac_edge_agent_wheel": str(wheels[version]),
                "dotmac_edge_agent_hub_url": served_hub.url,
                "dotmac_edge_agent_hub_insecure": True,  # the served hub is http on loopback
                "dotmac_edge_agent_service_manager": "none",
                "dotmac_edge_agent_extra_packages": list(EXTRA_PACKAGES),
                "dotmac_edge_agent_pip_extra_args": f"--no-index --find-links {wheelhouse}",
                "dotmac_edge_agent_health_retries": 30, "dotmac_edge_agent_health_delay": 1,
                "dotmac_edge_agent_restart_sec": 1,
                **more}

    return make


def _config(host: PopBox) -> dict[str, object]:
    import yaml

    data: dict[str, object] = yaml.safe_load(host.read(CONFIG))
    return data


def _agent_id(host: PopBox) -> str:
    agent = _config(host)["agent"]
    assert isinstance(agent, dict)
    return str(agent["id"])


def _current(host: PopBox) -> str:
    return host.run("readlink", f"{INSTALL}/current").stdout.strip()


def _agent_processes(host: PopBox) -> list[tuple[str, str]]:
    """(user, command line) of every `dotmac-agent run` in the box."""
    return [(user, args) for user, args in host.processes() if "dotmac-agent run" in args]


def _doctor(host: PopBox) -> dict[str, str]:
    out = host.run(f"{INSTALL}/current/bin/dotmac-agent", "doctor", "--json", "--config", CONFIG)
    return {c["name"]: c["verdict"] for c in json.loads(out.stdout)["checks"]}


def _ok(result: PlayResult) -> None:
    assert result.rc == 0 and result.failed == 0, result.output[-6000:]


def _standalone(agent_vars: Vars) -> dict[str, object]:
    """Version 1.0.0 with a local device, as a box without hub-managed devices has."""
    return agent_vars("1.0.0", dotmac_edge_agent_devices=[DOWN_DEVICE])


def test_first_rollout_enrolls_the_agent_and_its_birth_reaches_the_broker(
        rollout: Rollout, agent_vars: Vars, mosquitto: Broker,
        pop_box: PopBox) -> None:
    result = rollout.play(**_standalone(agent_vars))
    _ok(result)
    assert rollout.token not in result.output  # vaulted, passed with no_log
    agent_id = _agent_id(pop_box)
    config = _config(pop_box)
    broker = config["broker"]
    assert isinstance(broker, dict) and broker["port"] == mosquitto.tls_port and broker["tls"]
    assert broker["password"] not in result.output
    stat = pop_box.run("stat", "-c", "%a %U", CONFIG).stdout.split()
    assert stat == ["600", "dotmac-agent"]
    assert _current(pop_box) == f"{INSTALL}/1.0.0"
    users = {user for user, _ in _agent_processes(pop_box)}
    assert users == {"dotmac-agent"}, pop_box.processes()  # running, and not as root
    hub = connect_hub(mosquitto, build(agent_id, Channel.STATE))
    try:
        deadline = time.monotonic() + 20
        while not any(s.state == "online" for s in hub.states()):
            assert time.monotonic() < deadline, "no retained online state from the agent"
            time.sleep(0.1)
    finally:
        hub.close()
    doctor = _doctor(pop_box)
    assert doctor["broker"] == "ok" and doctor["agent"] == "ok"
    assert doctor[f"device {DOWN_DEVICE['name']}"] == "fail"  # and yet the gate passed
    verify = pop_box.run("systemd-analyze", "verify", UNIT)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    unit = pop_box.read(UNIT)
    for line in ("User=dotmac-agent", "ProtectSystem=strict", "PrivateTmp=true",
                 "NoNewPrivileges=true", "ProtectHome=true", "Restart=on-failure",
                 "StateDirectory=dotmac-agent", "ReadWritePaths=/var/lib/dotmac-agent"):
        assert line in unit.splitlines(), line


def test_second_run_changes_nothing(rollout: Rollout, agent_vars: Vars) -> None:
    result = rollout.play(**_standalone(agent_vars))
    _ok(result)
    assert result.changed == 0, result.output[-6000:]


def test_check_mode_reports_the_upgrade_without_making_it(
        rollout: Rollout, agent_vars: Vars, pop_box: PopBox) -> None:
    config, running = pop_box.read(CONFIG), _agent_processes(pop_box)
    result = rollout.play("--check", "--diff", **agent_vars("1.1.0"))
    _ok(result)
    assert result.changed > 0, result.output[-6000:]  # new venv, config without devices
    assert "Wait until doctor" not in result.output  # no gate: nothing new runs
    broker = _config(pop_box)["broker"]
    assert isinstance(broker, dict) and broker["password"] not in result.output
    assert _current(pop_box) == f"{INSTALL}/1.0.0"
    assert pop_box.run("test", "-e", f"{INSTALL}/1.1.0").returncode == 1
    assert pop_box.read(CONFIG) == config
    assert _agent_processes(pop_box) == running


def test_upgrade_switches_version_and_keeps_the_enrollment(
        rollout: Rollout, agent_vars: Vars,
        pop_box: PopBox, mosquitto: Broker) -> None:
    agent_id = _agent_id(pop_box)
    result = rollout.play(**agent_vars("1.1.0", **EVENTS))
    _ok(result)
    assert TRAP_COMMUNITY not in result.output  # no_log
    _events_on_standard_ports_without_root(pop_box, mosquitto, agent_id)
    assert _current(pop_box) == f"{INSTALL}/1.1.0"
    assert pop_box.run("test", "-e", f"{INSTALL}/1.0.0").returncode == 1  # pruned
    version = pop_box.run(f"{INSTALL}/current/bin/dotmac-agent", "--version").stdout
    assert version.split() == ["dotmac-agent", "1.1.0"]
    assert _agent_id(pop_box) == agent_id  # not enrolled a second time
    config = _config(pop_box)
    assert "devices" not in config and "broker" in config  # the hub pushes the devices
    doctor = _doctor(pop_box)
    assert doctor["agent"] == "ok"
    assert not any(name.startswith("device ") for name in doctor), doctor


def test_upgrade_failing_the_gate_keeps_the_previous_version_running(
        rollout: Rollout, agent_vars: Vars,
        pop_box: PopBox) -> None:
    result = rollout.play(**agent_vars("1.2.0",
                                  dotmac_edge_agent_health_retries=4))
    assert result.rc != 0 and result.failed == 1, result.output[-6000:]
    assert "health gate failed for dotmac 1.2.0" in result.output
    assert f"Rolled back to {INSTALL}/1.1.0" in result.output
    assert _current(pop_box) == f"{INSTALL}/1.1.0"
    assert pop_box.run("test", "-d", f"{INSTALL}/1.2.0").returncode == 0  # kept to inspect
    deadline = time.monotonic() + 20
    while (doctor := _doctor(pop_box))["agent"] != "ok":
        assert time.monotonic() < deadline, doctor
        time.sleep(1)
    assert doctor["broker"] == "ok"
    assert [cmd for _, cmd in _agent_processes(pop_box)] != []


def test_absent_in_check_mode_removes_nothing(
        rollout: Rollout, agent_vars: Vars, pop_box: PopBox) -> None:
    running = _agent_processes(pop_box)
    result = rollout.play("--check", **agent_vars("1.1.0", dotmac_edge_agent_state="absent"))
    _ok(result)
    assert result.changed > 0, result.output[-6000:]
    assert pop_box.run("test", "-e", f"{INSTALL}/1.1.0/bin/dotmac-agent").returncode == 0
    assert pop_box.run("test", "-e", UNIT).returncode == 0
    assert _agent_processes(pop_box) == running


def test_absent_uninstalls_but_revokes_nothing(
        rollout: Rollout, agent_vars: Vars,
        pop_box: PopBox, mosquitto: Broker) -> None:
    agent_id = _agent_id(pop_box)
    broker = _config(pop_box)["broker"]
    assert isinstance(broker, dict)
    result = rollout.play(**agent_vars("1.1.0", dotmac_edge_agent_state="absent"))
    _ok(result)
    assert f"POST /agents/{agent_id}/revoke" in result.output
    assert pop_box.run("test", "-e", INSTALL).returncode == 1
    assert pop_box.run("test", "-e", UNIT).returncode == 1
    assert _agent_processes(pop_box) == []
    assert _agent_id(pop_box) == agent_id  # config kept
    assert mosquitto.login_ok(Credentials(agent_id, str(broker["password"])))


def _events_on_standard_ports_without_root(pop_box: PopBox, mosquitto: Broker,
                                           agent_id: str) -> None:
    """The agent, not root, holds 162/udp and 514/udp+tcp through CAP_NET_BIND_SERVICE
    alone, and a trap sent to 162 inside the box reaches the broker as device events."""
    unit = pop_box.read(UNIT).splitlines()
    assert "AmbientCapabilities=CAP_NET_BIND_SERVICE" in unit
    assert "CapabilityBoundingSet=CAP_NET_BIND_SERVICE" in unit
    assert {user for user, _ in _agent_processes(pop_box)} == {"dotmac-agent"}
    # Subscribed to everything the agent sends, as the hub is: an up channel no one hears
    # is held in the agent's queue (reason 16), and the events would wait behind it.
    hub = connect_hub(mosquitto, f"dm/v1/{agent_id}/up/#")
    try:
        deadline = time.monotonic() + 60
        while True:  # the supervisor may still be restarting the new version
            sent = pop_box.run("snmptrap", "-m", "", "-M", "/nonexistent", "-v2c", "-c",
                               TRAP_COMMUNITY, "udp:127.0.0.1:162", "",
                               "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.2.1.2.2.1.1.5", "i", "5")
            assert sent.returncode == 0, sent.stderr
            if hub.messages(DeviceEventBatch) or time.monotonic() > deadline:
                break
            time.sleep(3)
        batches = hub.messages(DeviceEventBatch)
        assert batches, "no device events from the box"
    finally:
        hub.close()
    batch = batches[0].message
    assert isinstance(batch, DeviceEventBatch)
    event = batch.events[0]
    assert (event.event_type, event.labels.get("ifIndex")) == ("link_down", "5")
    listening = pop_box.run("ss", "-H", "-lnup").stdout + pop_box.run("ss", "-H", "-lntp").stdout
    for port in (":162 ", ":514 "):
        assert port in listening, listening
    agents = [pid for pid in pop_box.pids()
              if b"dotmac-agent\0run" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert agents, pop_box.processes()
    for pid in agents:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        caps = {line.split()[0]: line.split()[1] for line in status if line.startswith("Cap")}
        assert caps["CapEff:"] == caps["CapBnd:"] == "0000000000000400", caps  # that one
