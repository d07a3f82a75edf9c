"""The `events:` section of agent.yaml and what the runtime builds from it: settings with
the secrets revealed only into the receivers, the source map, the health counters, and
`DeviceEventBatch` messages of at most 500 events on the durable queue."""

from __future__ import annotations

import socket
import textwrap
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from edge_agent.batching import Batcher
from edge_agent.config import ConfigError, DeviceConfig, PollingSection, load_config
from edge_agent.events import DeviceEvent, DeviceRef, Severity
from edge_agent.events.configured import (
    event_counters,
    event_settings,
    kernel_drops,
    source_map,
)
from edge_agent.hub_config import to_devices
from edge_agent.queue import MemoryQueue, MemorySeqCounter
from protocol import Channel, DeviceEventBatch, decode
from protocol.edge_config import EdgeConfig

HEAD = """\
agent:
  id: pop-test-01
broker:
  host: 127.0.0.1
  password: broker-pw-s3cret
"""
EVENTS = """\
events:
  traps:
    port: 1162
    communities: [trap-s3cret-1, trap-s3cret-2]
    engine_id: 0x80001F8880C0FFEE01
    users:
      - user: noc-traps
        auth_proto: sha256
        auth_key: ${TEST_TRAP_AUTH}
        priv_proto: aes256
        priv_key: priv-s3cret-key
        engine_ids: ["0x8000000001020304"]
  syslog: {udp_port: 1514, tcp_port: null}
  storm: {rate_per_s: 20, burst: 40}
devices:
  - name: core1
    host: 10.0.0.1
    event_sources: [10.255.0.1, "::ffff:10.255.0.2", 2001:DB8::1]
    snmp: {community: c}
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "agent.yaml"
    path.write_text(HEAD + textwrap.dedent(body))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.problems


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DOTMAC_AGENT_TRAP_COMMUNITIES", "DOTMAC_AGENT_TRAP_AUTH_KEY",
                 "DOTMAC_AGENT_TRAP_PRIV_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEST_TRAP_AUTH", "auth-s3cret-key")


def test_a_full_events_section_loads_normalised_with_its_secrets_hidden(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, EVENTS))
    events = config.events
    assert events is not None and events.enabled and events.traps and events.syslog
    assert events.traps.listen == "0.0.0.0" and events.traps.port == 1162
    assert events.traps.engine_id == "80001f8880c0ffee01"
    user = events.traps.users[0]
    assert (user.auth_proto, user.priv_proto) == ("SHA-256", "AES-256")
    assert user.engine_ids == ("8000000001020304",)
    assert (events.syslog.udp_port, events.syslog.tcp_port) == (1514, None)
    assert config.devices[0].event_sources == ("10.255.0.1", "10.255.0.2", "2001:db8::1")
    shown = config.model_dump_json() + repr(config)
    for secret in ("trap-s3cret-1", "trap-s3cret-2", "auth-s3cret-key", "priv-s3cret-key"):
        assert secret not in shown
    settings = event_settings(events)
    assert settings.traps is not None and settings.syslog is not None
    assert settings.traps.communities == ("trap-s3cret-1", "trap-s3cret-2")
    assert settings.traps.users[0].credentials.auth_key == "auth-s3cret-key"
    assert "s3cret" not in repr(settings)
    assert (settings.storm.rate_per_s, settings.storm.burst) == (20, 40)
    assert settings.syslog.tcp_port is None


def test_secrets_come_from_the_environment_when_left_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOTMAC_AGENT_TRAP_COMMUNITIES", "env-one, env-two")
    monkeypatch.setenv("DOTMAC_AGENT_TRAP_AUTH_KEY", "env-auth-key")
    monkeypatch.setenv("DOTMAC_AGENT_TRAP_PRIV_KEY", "env-priv-key")
    config = load_config(write(tmp_path, """\
        events:
          traps:
            users: [{user: u1, auth_proto: SHA, priv_proto: AES}]
        """))
    assert config.events is not None and config.events.traps is not None
    traps = event_settings(config.events).traps
    assert traps is not None and traps.communities == ("env-one", "env-two")
    creds = traps.users[0].credentials
    assert (creds.auth_key, creds.priv_key) == ("env-auth-key", "env-priv-key")
    assert config.events.syslog is None  # a receiver left out is off


@pytest.mark.parametrize(("body", "expected"), [
    ("events:\n  traps: {port: 162}\n",
     "agent.yaml:7 events.traps: no communities and no users: every trap would be refused; "
     "list communities (or set DOTMAC_AGENT_TRAP_COMMUNITIES) or SNMPv3 users"),
    ("events:\n  traps:\n    communities: [c]\n    users: [{user: u, auth_proto: SHA}]\n",
     "events.traps.users[0]: auth_key: missing; set it or DOTMAC_AGENT_TRAP_AUTH_KEY"),
    ("events:\n  traps: {communities: [c], engine_id: xyz}\n",
     "events.traps.engine_id: engine id 'xyz': must be 5 to 32 octets of hex"),
    ("events:\n  traps: {communities: [c], listen: pop-box}\n",
     "events.traps.listen: 'pop-box' is not an IP address"),
    ("events:\n  syslog: {udp_port: null, tcp_port: null}\n",
     "events.syslog: udp_port and tcp_port are both null: nothing would listen"),
    ("events:\n  traps: {communities: [c], prot: 162}\n",
     "events.traps.prot: unknown key; did you mean 'port'?"),
    ("events:\n  traps: {communities: [c], port: 70000}\n",
     "events.traps.port: Input should be less than or equal to 65535"),
    ("events:\n  traps: {communities: [c], port: 1514}\n  syslog: {udp_port: 1514}\n",
     "events: syslog.udp_port and traps.port are both 1514 on the same address"),
    ("devices:\n  - {name: a, host: 10.0.0.1, snmp: {community: c}, event_sources: [lo0]}\n",
     "devices[0].event_sources[0]: 'lo0' is not an IP address"),
    ("devices:\n  - {name: a, host: 10.0.0.1, snmp: {community: c}, event_sources: [10.9.0.1]}\n"
     "  - {name: b, host: 10.0.0.2, snmp: {community: c}, event_sources: [10.9.0.1]}\n",
     "event source 10.9.0.1 is listed by devices[0] (a) and devices[1] (b); keep it under "
     "the device that sends from it"),
])
def test_mistakes_name_the_key_the_cause_and_the_fix(
        tmp_path: Path, body: str, expected: str) -> None:
    found = problems(write(tmp_path, body))
    assert any(expected in problem for problem in found), found


def _device(name: str, host: str, *sources: str, label: str | None = None,
            profile: str = "auto") -> DeviceConfig:
    return DeviceConfig.model_validate({"name": name, "host": host, "label": label,
                                        "profile": profile, "event_sources": list(sources),
                                        "snmp": {"community": "c"}})


def test_source_map_polled_hosts_event_sources_and_ambiguous_hosts() -> None:
    devices = [_device("core1", "10.0.0.1", "10.255.0.1", profile="cisco_ios"),
               _device("7f3c", "10.0.0.2", label="edge1"),
               _device("sim-a", "10.0.0.9"), _device("sim-b", "10.0.0.9"),
               _device("named", "sw1.pop.example.net"),
               _device("nat", "10.0.0.5"), _device("behind-nat", "10.0.0.6", "10.0.0.5")]
    detected = {"7f3c": "juniper_junos"}
    sources = source_map(devices, lambda d: d.profile if d.profile != "auto"
                         else detected.get(d.name))
    assert sources.device("10.255.0.1") == DeviceRef("core1", "core1", "cisco_ios")
    assert sources.device("::ffff:10.0.0.1") == DeviceRef("core1", "core1", "cisco_ios")
    # A hub device: its id is the device id, its hub name the name; detected profile used.
    assert sources.device("10.0.0.2") == DeviceRef("7f3c", "edge1", "juniper_junos")
    assert sources.device("10.0.0.9") is None  # two devices polled there: neither
    assert sources.device("10.0.0.5") == DeviceRef("behind-nat", "behind-nat", None)
    assert len(sources) == 5  # 10.0.0.1, 10.255.0.1, 10.0.0.2, 10.0.0.5, 10.0.0.6


def test_hub_pushed_device_keeps_the_event_sources_of_its_agent_yaml_twin() -> None:
    twin = _device("edge1", "10.0.0.2", "10.255.0.7")
    pushed = EdgeConfig.model_validate({
        "devices": [{"id": uuid.UUID("5f0e3c1e-8c1b-4a36-9d8e-2f1d7c6b5a40"), "name": "edge1",
                     "host": "10.0.0.2", "profile": "cisco_ios"}]})
    (device,) = to_devices(pushed, PollingSection(), [twin])
    assert device.event_sources == ("10.255.0.7",)
    assert device.name == "5f0e3c1e-8c1b-4a36-9d8e-2f1d7c6b5a40" and device.label == "edge1"


def test_health_counters_from_receivers_and_storm_control() -> None:
    health = {"storm": {"accepted": 40, "folded": 900, "dropped": 60, "overflowed": 2},
              "traps": {"received": {"v2c_trap": 990, "v3_inform": 3},
                        "rejected": {"unknown_community": 5, "malformed_ber": 1}},
              "syslog": {"received": {"udp": 10, "tcp": 2}, "oversized": 1,
                         "invalid_utf8": 1, "refused_connections": 0, "framing_errors": 0}}
    assert event_counters(health) == {"received": 990 + 3 + 6 + 12, "accepted": 40,
                                      "folded": 900, "dropped": 62, "refused": 8}


def _event(n: int, **more: object) -> DeviceEvent:
    at = datetime(2026, 12, 5, 8, 0, 0, tzinfo=UTC) + timedelta(seconds=n)
    fields: dict[str, object] = {
        "event_type": "link_down", "severity": Severity.MAJOR, "origin": "syslog",
        "source": "10.0.0.1", "received_at": at, "labels": {"ifIndex": str(n)},
        "device": DeviceRef("core1", "core1", "cisco_ios"),
        "device_time": at - timedelta(seconds=30), "raw": f"line {n}", **more}
    return DeviceEvent(**fields)  # type: ignore[arg-type]


async def test_add_events_queues_batches_of_at_most_500_in_order_with_times_kept() -> None:
    queue = MemoryQueue()
    batcher = Batcher("pop-test-01", queue, MemorySeqCounter())
    events = [_event(n) for n in range(1201)]
    events.append(_event(9999, labels={"bad key": "x", "ifDescr": "d" * 400},
                         device=None, count=3, last_received_at=events[0].received_at))
    events.append(_event(10_000, source="not-an-address"))  # cannot be a record
    queued = await batcher.add_events(events)
    assert all(q.item.channel is Channel.EVENTS for q in queued)
    batches = [_batch(q.item.payload) for q in queued]
    sizes = [len(b.events) for b in batches]
    assert max(sizes) <= 500 and sum(sizes) == 1202
    records = [e for b in batches for e in b.events]
    assert [r.labels.get("ifIndex") for r in records[:1201]] == [str(n) for n in range(1201)]
    assert len({r.event_id for r in records}) == 1202
    first = records[0]
    assert first.received_at == events[0].received_at
    assert first.device_time == events[0].device_time
    assert (first.device_id, first.device_name, first.rule) == ("core1", "core1", None)
    odd = records[-1]
    assert odd.labels == {"ifDescr": "d" * 256}  # a key the protocol refuses goes; cut
    assert (odd.device_id, odd.count) == (None, 3)
    assert batcher.unsendable_events == 1
    assert [b.seq for b in batches] == sorted(b.seq for b in batches)


def _batch(payload: bytes) -> DeviceEventBatch:
    message = decode(payload)
    assert isinstance(message, DeviceEventBatch)
    return message


EXAMPLE = Path(__file__).resolve().parents[2] / "edge_agent" / "example-config.yaml"


def test_the_example_configs_events_block_loads_once_uncommented(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = EXAMPLE.read_text()
    start = text.index("# events:\n")
    end = text.index("\n\n", start)
    block = "\n".join(line.removeprefix("# ") for line in text[start:end].splitlines())
    path = tmp_path / "agent.yaml"
    path.write_text(text[:start] + block + text[end:])
    for name, value in {"DOTMAC_AGENT_BROKER_PASSWORD": "b", "DOTMAC_AGENT_COMMUNITY": "c",
                        "AMS1_RTR_AUTH_KEY": "auth-key-1", "AMS1_RTR_PRIV_KEY": "priv-key-1",
                        "DOTMAC_AGENT_TRAP_COMMUNITIES": "t1,t2",
                        "DOTMAC_AGENT_TRAP_AUTH_KEY": "trap-auth-1",
                        "DOTMAC_AGENT_TRAP_PRIV_KEY": "trap-priv-1"}.items():
        monkeypatch.setenv(name, value)
    config = load_config(path)
    assert config.events is not None and config.events.traps is not None
    assert config.events.syslog is not None and config.events.storm.window_s == 2
    assert config.device("ams1-edge-rtr1").event_sources == ("10.255.0.1",)
    settings = event_settings(config.events)
    assert settings.traps is not None and settings.traps.communities == ("t1", "t2")


def test_kernel_drops_counts_what_a_full_socket_buffer_lost() -> None:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fills after a few
    receiver.bind(("127.0.0.1", 0))
    port = receiver.getsockname()[1]
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        assert kernel_drops([port]) == 0
        for _ in range(500):  # nobody reads: the kernel drops most of them
            sender.sendto(b"x" * 200, ("127.0.0.1", port))
        assert kernel_drops([port]) > 100
        assert kernel_drops([port + 1 if port < 65535 else port - 1]) == 0
    finally:
        sender.close()
        receiver.close()
