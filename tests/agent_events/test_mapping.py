"""events.yaml files: every shipped file validates, every pattern and trap maps as written."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

import firmware_profiles
from edge_agent.events import DeviceRef, EventCatalog, EventsFileError, TrapMessage, load_catalog
from edge_agent.events.classify import (
    SNMP_TRAP_COMMUNITY,
    SNMP_TRAP_OID,
    SYS_UPTIME,
    syslog_event,
    trap_event,
)
from edge_agent.events.mapping import event_files, read_events_file
from edge_agent.events.syslog_parse import parse_line

ROOT = firmware_profiles.root()
SCHEMA = ROOT / "events.schema.json"
NOW = datetime(2026, 3, 4, 10, 15, 3, tzinfo=UTC)
# The OSes issue #18 names; each must ship syslog patterns.
REQUIRED = {"generic", "cisco_ios", "cisco_nxos", "juniper_junos", "mikrotik_routeros",
            "huawei_vrp", "arista_eos"}
EVENT_KINDS = {"link_down", "link_up", "bgp_neighbor_down", "bgp_neighbor_up",
               "ospf_neighbor_down", "ospf_neighbor_up", "login_failure", "config_change"}
HARDWARE = {"power_supply_failure", "fan_failure", "temperature_alarm"}


def _patterns() -> list[tuple[str, dict[str, object]]]:
    out = []
    for path in event_files():
        doc = yaml.safe_load(path.read_text()) or {}
        out += [(path.parent.name, item) for item in doc.get("syslog", [])]
    return out


def _traps() -> list[tuple[str, dict[str, object]]]:
    out = []
    for path in event_files():
        doc = yaml.safe_load(path.read_text()) or {}
        out += [(path.parent.name, item) for item in doc.get("traps", [])]
    return out


@pytest.mark.parametrize("path", event_files(), ids=lambda p: p.parent.name)
def test_every_events_file_validates(path: Path) -> None:
    doc = read_events_file(path, SCHEMA)
    assert doc.get("traps") or doc.get("syslog")


def test_shipped_families_cover_the_issue(catalog: EventCatalog) -> None:
    assert set(catalog.syslog) >= REQUIRED
    for name in REQUIRED - {"generic", "mikrotik_routeros"}:
        kinds = {rule.event_type for rule in catalog.syslog[name]}
        assert kinds >= EVENT_KINDS, f"{name} lacks {EVENT_KINDS - kinds}"
        assert kinds >= HARDWARE, f"{name} lacks {HARDWARE - kinds}"
    generic = {r.symbol for r in catalog.traps.values() if r.profile == "generic"}
    assert {"SNMPv2-MIB::coldStart", "SNMPv2-MIB::warmStart", "IF-MIB::linkDown",
            "IF-MIB::linkUp", "SNMPv2-MIB::authenticationFailure"} <= generic
    vendors = {r.profile for r in catalog.traps.values()}
    assert {"cisco_ios", "juniper_junos", "huawei_vrp", "ups_generic"} <= vendors


@pytest.mark.parametrize(("profile", "pattern"), _patterns(),
                         ids=lambda v: v if isinstance(v, str) else str(v["name"]))
def test_each_pattern_maps_its_documented_sample(catalog: EventCatalog, profile: str,
                                                 pattern: dict[str, object]) -> None:
    line = f"<187>Mar  4 10:15:02 pop1-dev1 {pattern['sample']}"
    device = DeviceRef("dev-1", "pop1-dev1", profile)
    event = syslog_event(catalog, parse_line(line, NOW), "192.0.2.10", device, NOW)
    assert event.rule == f"{profile}.{pattern['name']}", "an earlier pattern shadows this one"
    assert event.event_type == pattern["event"]
    assert event.device_time == datetime(2026, 3, 4, 10, 15, 2, tzinfo=UTC)
    groups = catalog.syslog[profile]
    rule = next(r for r in groups if r.name == pattern["name"])
    found = rule.regex.search(str(pattern["sample"]))
    assert found is not None
    for name, value in found.groupdict().items():
        if value is not None:
            assert event.labels[name] == value and value.strip(), name


@pytest.mark.parametrize(("profile", "trap"), _traps(),
                         ids=lambda v: v if isinstance(v, str) else str(v["symbol"]))
def test_each_trap_maps_its_varbinds(catalog: EventCatalog, profile: str,
                                     trap: dict[str, object]) -> None:
    specs = trap.get("labels", [])
    assert isinstance(specs, list)
    varbinds = {SYS_UPTIME: "12345", SNMP_TRAP_OID: str(trap["oid"])}
    expected: dict[str, str] = {}
    for spec in specs:
        words = {str(k): str(v) for k, v in (spec.get("values") or {}).items()}
        value = varbinds.setdefault(f"{spec['oid']}.7", next(iter(words), "7"))
        if spec["label"] not in expected:  # a label listed twice: the first source wins
            index = spec.get("from") == "index"
            expected[spec["label"]] = "7" if index else words.get(value, value)
    message = TrapMessage("2c", "trap", tuple(varbinds.items()))
    event = trap_event(catalog, message, "192.0.2.10", None, NOW)
    assert (event.event_type, event.rule) == (trap["event"], trap["symbol"])
    assert event.labels == expected


def test_linkdown_of_an_admin_down_port_is_info(catalog: EventCatalog) -> None:
    varbinds = ((SNMP_TRAP_OID, "1.3.6.1.6.3.1.1.5.3"), ("1.3.6.1.2.1.2.2.1.1.9", "9"),
                ("1.3.6.1.2.1.2.2.1.7.9", "2"), ("1.3.6.1.2.1.2.2.1.8.9", "2"))
    event = trap_event(catalog, TrapMessage("2c", "trap", varbinds), "192.0.2.1", None, NOW)
    assert (event.event_type, event.severity) == ("link_down", "info")
    assert event.labels == {"ifIndex": "9", "ifAdminStatus": "down", "ifOperStatus": "down"}


def test_unknown_trap_is_a_generic_event_without_the_community(catalog: EventCatalog) -> None:
    varbinds = ((SYS_UPTIME, "5"), (SNMP_TRAP_OID, "1.3.6.1.4.1.99999.0.1"),
                (SNMP_TRAP_COMMUNITY, "s3cret-community"), ("1.3.6.1.4.1.99999.1.1.0", "hello"))
    event = trap_event(catalog, TrapMessage("1", "trap", varbinds), "192.0.2.1", None, NOW)
    assert event.event_type == "snmp_trap" and event.severity == "warning"
    assert event.labels == {"trap_oid": "1.3.6.1.4.1.99999.0.1"}
    assert "1.3.6.1.4.1.99999.1.1.0=hello" in event.raw
    assert "s3cret-community" not in event.raw and "s3cret-community" not in event.fingerprint


def test_unknown_line_is_a_generic_event_with_its_level(catalog: EventCatalog) -> None:
    line = "<11>Mar  4 10:15:02 pop1-dev1 frobd[77]: widget 4 is wobbling"
    event = syslog_event(catalog, parse_line(line, NOW), "192.0.2.10", None, NOW)
    assert (event.event_type, event.severity, event.rule) == ("syslog", "major", None)
    assert event.labels == {"app": "frobd"} and event.raw == line


def _copy_root(tmp_path: Path, profile: str, text: str) -> Path:
    shutil.copy(SCHEMA, tmp_path / SCHEMA.name)
    (tmp_path / profile).mkdir()
    (tmp_path / profile / "events.yaml").write_text(text)
    return tmp_path


def test_unknown_key_is_refused_naming_file_and_key(tmp_path: Path) -> None:
    root = _copy_root(tmp_path, "acme_os", """
syslog:
  - {name: up, match: 'UP', event: link_up, severity: info, sample: UP, severty: info}
""")
    with pytest.raises(EventsFileError) as err:
        load_catalog(root)
    assert "acme_os/events.yaml: syslog.0" in str(err.value)
    assert "severty" in str(err.value) and "allowed:" in str(err.value)


def test_bad_regex_and_non_numeric_oid_are_refused(tmp_path: Path) -> None:
    root = _copy_root(tmp_path, "acme_os", """
syslog:
  - {name: up, match: '(unclosed', event: link_up, severity: info, sample: x}
""")
    with pytest.raises(EventsFileError, match=r"syslog\.0\.match: bad regular expression"):
        load_catalog(root)
    (root / "acme_os" / "events.yaml").write_text(
        "traps:\n  - {oid: IF-MIB::linkDown, symbol: x, event: link_down, severity: major}\n")
    with pytest.raises(EventsFileError, match=r"traps\.0\.oid"):
        load_catalog(root)


def test_one_trap_oid_means_one_thing(tmp_path: Path) -> None:
    trap = "traps:\n  - {oid: 1.3.6.1.6.3.1.1.5.3, symbol: x, event: link_down, severity: major}\n"
    root = _copy_root(tmp_path, "acme_os", trap)
    (root / "zeta_os").mkdir()
    (root / "zeta_os" / "events.yaml").write_text(trap)
    with pytest.raises(EventsFileError, match="already mapped by profile 'acme_os'"):
        load_catalog(root)
