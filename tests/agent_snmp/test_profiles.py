"""Profiles: every shipped file validates; typos give errors naming file, key and fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

import firmware_profiles
from edge_agent.profiles import ProfileError, ProfileSet, load_profiles
from edge_agent.profiles.loader import read_folder

ROOT = firmware_profiles.root()
SCHEMA = ROOT / "profile.schema.json"
FOLDERS = sorted(p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith("_"))
REQUIRED = {"generic", "cisco_ios", "cisco_nxos", "juniper_junos", "arista_eos", "huawei_vrp",
            "mikrotik_routeros", "ubiquiti_airos", "aruba", "linux"}


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_profile_folder_validates(folder: str) -> None:
    doc = read_folder(ROOT / folder, SCHEMA)
    assert doc["detection"]["os"] == folder


def test_shipped_families(profiles: ProfileSet) -> None:
    assert set(profiles.names()) >= REQUIRED
    for profile in profiles:
        if profile.name != "generic":
            assert profile.chain[-1] == "generic", f"{profile.name} must extend generic"


def test_extends_merges_generic_interfaces_and_vendor_tables(profiles: ProfileSet) -> None:
    cisco = profiles.get("cisco_ios")
    assert cisco.chain == ("cisco_ios", "generic")
    names = {m.name for m in cisco.metrics()}
    assert {"if_hc_in_octets", "sys_uptime_ticks", "cpu_load_percent", "mem_used_bytes"} <= names
    cpu = cisco.metric("cpu_load_percent")
    # cisco's own table is listed after the inherited hrProcessor one
    assert any(m.oid == (1, 3, 6, 1, 4, 1, 9, 9, 109, 1, 1, 1, 1, 8) for m in cisco.metrics())
    assert cpu.unit == "percent"
    assert cisco.metric("if_hc_in_octets").bits == 64
    assert cisco.intervals()["if_admin_status"] == 300


def _copy_profiles(tmp_path: Path) -> Path:
    target = tmp_path / "profiles"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def _edit(path: Path, change: callable) -> None:  # type: ignore[valid-type]
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data))


def test_unknown_key_names_file_key_and_suggests_fix(tmp_path: Path) -> None:
    root = _copy_profiles(tmp_path)
    polling = root / "cisco_ios" / "polling.yaml"
    _edit(polling, lambda d: d["tables"]["cpu"]["columns"][0].update(devisor=10))
    with pytest.raises(ProfileError) as caught:
        load_profiles(root)
    message = str(caught.value)
    assert str(polling) in message
    assert "tables.cpu.columns.0.devisor" in message
    assert "did you mean 'divisor'" in message


def test_bad_oid_names_file_and_key(tmp_path: Path) -> None:
    root = _copy_profiles(tmp_path)
    polling = root / "huawei_vrp" / "polling.yaml"
    _edit(polling, lambda d: d["tables"]["entity_state"]["columns"][1].update(
        oid="hwEntityMemUsage"))
    with pytest.raises(ProfileError) as caught:
        load_profiles(root)
    assert caught.value.file == str(polling)
    assert caught.value.key == "tables.entity_state.columns.1.oid"
    assert "not a numeric OID" in str(caught.value)


def test_counter_with_divisor_is_refused(tmp_path: Path) -> None:
    root = _copy_profiles(tmp_path)
    polling = root / "generic" / "polling.yaml"
    _edit(polling, lambda d: d["tables"]["interfaces"]["columns"][0].update(divisor=8))
    with pytest.raises(ProfileError, match=r"generic/polling.yaml: tables.interfaces.columns.0"):
        load_profiles(root)


def test_counter_with_a_value_map_is_refused(tmp_path: Path) -> None:
    """A value map turns states into the common scale; a counter must stay raw for rates."""
    root = _copy_profiles(tmp_path)
    polling = root / "generic" / "polling.yaml"
    _edit(polling, lambda d: d["tables"]["interfaces"]["columns"][0].update(
        value_map={1: 1}))
    with pytest.raises(ProfileError, match=r"generic/polling.yaml: tables.interfaces.columns.0"):
        load_profiles(root)


def test_unknown_parent_and_wrong_os_name(tmp_path: Path) -> None:
    root = _copy_profiles(tmp_path)
    _edit(root / "arista_eos" / "polling.yaml", lambda d: d.update(extends="genric"))
    with pytest.raises(ProfileError, match=r"arista_eos/polling.yaml: extends: unknown profile"):
        load_profiles(root)
    _edit(root / "arista_eos" / "polling.yaml", lambda d: d.update(extends="generic"))
    _edit(root / "linux" / "detection.yaml", lambda d: d.update(os="linx"))
    with pytest.raises(ProfileError, match=r"linux/detection.yaml: os: 'linx' differs"):
        load_profiles(root)


def test_missing_profile_lists_known_ones(profiles: ProfileSet) -> None:
    with pytest.raises(ProfileError, match=r"no profile 'cisco_xr'.*cisco_ios"):
        profiles.get("cisco_xr")


@pytest.mark.parametrize(
    ("oid", "descr", "expected"),
    [
        ("1.3.6.1.4.1.9.1.617", "Cisco IOS Software, C3560 Software", "cisco_ios"),
        ("1.3.6.1.4.1.9.12.3.1.3.1084", "Cisco NX-OS(tm) n5000", "cisco_nxos"),
        ("1.3.6.1.4.1.9.1.1", "Cisco NX-OS(tm) on a classic product id", "cisco_nxos"),
        ("1.3.6.1.4.1.14988.1", "RouterOS RB4011iGS+", "mikrotik_routeros"),
        ("1.3.6.1.4.1.41112.1.5", "EdgeOS v2.0.9", "ubiquiti_edgeos"),
        ("1.3.6.1.4.1.8072.3.2.10", "Linux pop-box 6.1.0 #1 SMP x86_64", "linux"),
        ("1.3.6.1.4.1.2636.1.1.1.2.21", "Juniper Networks, Inc. mx960 internet router, kernel "
         "JUNOS 13.3R9.13", "juniper_mx"),
        ("1.3.6.1.4.1.2636.1.1.1.2.1", "Juniper Networks, Inc. mx204 internet router, kernel "
         "JUNOS 18.2R1", "juniper_mx"),
        ("1.3.6.1.4.1.2636.1.1.1.2.31", "Juniper Networks, Inc. ex4200-48t Ethernet Switch, "
         "kernel JUNOS 12.3R6.6", "juniper_junos"),
        ("1.3.6.1.4.1.2636.1.1.1.2.41", "Juniper Networks, Inc. srx3600 internet router, "
         "kernel JUNOS 12.3X48", "juniper_junos"),
        ("1.3.6.1.4.1.9.1.1069", "Cisco Controller", "cisco_wlc"),
        ("1.3.6.1.4.1.6339.1.1.2.29", "DCRS-5980-28T-DC Device, Compiled Mar 27 2015", "dcn"),
        ("1.3.6.1.4.1.30803", "Vyatta unknown-version", "vyatta"),
    ],
)
def test_pure_detection(profiles: ProfileSet, oid: str, descr: str, expected: str) -> None:
    found = profiles.detect(oid, descr, {})
    assert found is not None
    assert found.profile == expected


def test_most_specific_family_wins_and_says_why(profiles: ProfileSet) -> None:
    mx = profiles.detect("1.3.6.1.4.1.2636.1.1.1.2.21", "Juniper Networks, Inc. mx960", {})
    assert mx is not None and mx.profile == "juniper_mx"
    assert "juniper_junos (juniper_mx extends juniper_junos)" in mx.reason
    model = "1.3.6.1.4.1.14179.1.1.1.3.0"  # AIRESPACE-SWITCHING-MIB agentInventoryMachineModel
    assert model in profiles.snmpget_oids()
    wlc = profiles.detect("1.3.6.1.4.1.9.1.1279", "Cisco Controller", {model: "AIR-CT2504-K9"})
    assert wlc is not None and wlc.profile == "cisco_wlc"
    assert "regex ^AIR-" in wlc.reason  # cisco_ios leaves "Cisco Controller" out
    ups = "1.3.6.1.4.1.2011.6.174.1.1.1.2.0"  # HUAWEI-UPS-MIB hwUpsSystemType
    rfc1628 = "1.3.6.1.2.1.33.1.1.1.0"
    huawei = profiles.detect("1.3.6.1.4.1.8072.3.2.10", "Linux GSE200M 2.6.27",
                             {ups: "UPS5000-E", rfc1628: "HUAWEI"})
    assert huawei is not None and huawei.profile == "huawei_power"
    assert "ups_generic (huawei_power extends ups_generic)" in huawei.reason


def test_snmpget_rule_and_exception(profiles: ProfileSet) -> None:
    product = "1.2.840.10036.3.1.2.1.2.5"
    assert product in profiles.snmpget_oids()
    old_airos = profiles.detect(
        "1.3.6.1.4.1.10002.1", "Linux 2.6.32", {product: "Ubiquiti Networks"}
    )
    assert old_airos is not None and old_airos.profile == "ubiquiti_airos"
    assert "snmpget 1.2.840.10036.3.1.2.1.2.5 regex ^Ubiquiti" in old_airos.reason
    plain = profiles.detect("1.3.6.1.4.1.10002.1", "Linux 2.6.32", {product: None})
    assert plain is None
    asa = profiles.detect("1.3.6.1.4.1.9.1.2114", "Cisco Adaptive Security Appliance", {})
    assert asa is None  # the cisco_ios exception keeps ASAs out; generic takes them
