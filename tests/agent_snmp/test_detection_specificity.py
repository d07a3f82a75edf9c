"""Several profiles match one device: the most specific wins, whatever the file order, and says why.

Profiles are written as YAML folders in a temporary root (next to a copy of the shipped
generic/), loaded by the real loader and schema; one test drives `dotmac-agent detect --json`
against the real snmpsim.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import firmware_profiles
from edge_agent.profiles import ProfileSet, load_profiles
from edge_agent.profiles.detection import DetectResult, detect
from tests.services.snmp import Snmpsim

ACME = "1.3.6.1.4.1.99999"
ACME_EDGE = ACME + ".1.7"
DEVICE = ACME_EDGE + ".42"  # an ACME edge router's sysObjectID
UPS_MANUFACTURER = "1.3.6.1.2.1.33.1.1.1.0"


def _profile(root: Path, name: str, rules: list[dict[str, Any]], priority: int = 50,
             extends: str = "generic") -> None:
    folder = root / name
    folder.mkdir()
    detection = {"os": name, "vendor": "ACME", "text": f"ACME {name}", "priority": priority,
                 "rules": rules}
    (folder / "detection.yaml").write_text(yaml.safe_dump(detection))
    (folder / "polling.yaml").write_text(yaml.safe_dump({"extends": extends}))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A profile root holding only a copy of the shipped generic profile."""
    target = tmp_path / "profiles"
    target.mkdir()
    shutil.copytree(firmware_profiles.root() / "generic", target / "generic")
    return target


def _both_orders(profiles: ProfileSet, oid: str, descr: str = "",
                 values: dict[str, str | int | None] | None = None) -> DetectResult:
    """Detect with the profiles in load order and reversed; both must agree."""
    forward = detect(list(profiles), oid, descr, values or {})
    backward = detect(list(reversed(list(profiles))), oid, descr, values or {})
    assert forward is not None
    assert forward == backward
    return forward


@pytest.mark.parametrize("child", ["acme_edge", "a_acme_edge", "zz_acme_edge"])
def test_child_with_longer_prefix_beats_its_parent_in_any_file_order(
    root: Path, child: str
) -> None:
    _profile(root, "acme_os", [{"sys_object_id": [ACME]}])
    _profile(root, child, [{"sys_object_id": [ACME_EDGE]}], extends="acme_os")
    found = _both_orders(load_profiles(root), DEVICE)
    assert found.profile == child
    assert found.reason == (
        f"ACME {child}: sysObjectID {DEVICE} is under {ACME_EDGE}; "
        f"preferred over acme_os ({child} extends acme_os)"
    )
    assert [(r.profile, r.why) for r in found.preferred_over] == [
        ("acme_os", f"{child} extends acme_os")]


def test_child_wins_over_its_parent_even_with_a_lower_priority(root: Path) -> None:
    """`extends` says the child is the parent's special case; priority ranks unrelated ones."""
    _profile(root, "acme_os", [{"sys_object_id": [ACME]}], priority=60)
    _profile(root, "acme_edge", [{"sys_descr": ["^ACME Edge"]}], priority=40, extends="acme_os")
    found = _both_orders(load_profiles(root), DEVICE, "ACME Edge 7 router")
    assert found.profile == "acme_edge"
    assert "preferred over acme_os (acme_edge extends acme_os)" in found.reason


def test_longer_sysobjectid_prefix_wins_between_unrelated_profiles(root: Path) -> None:
    _profile(root, "acme_any", [{"sys_object_id": [ACME]}])
    _profile(root, "acme_edge", [{"sys_object_id": [ACME_EDGE]}])
    found = _both_orders(load_profiles(root), DEVICE)
    assert found.profile == "acme_edge"
    assert found.reason.endswith(
        f"preferred over acme_any (sysObjectID prefix {ACME} is less specific)")


def test_tie_is_broken_by_name_and_the_reason_names_the_loser(root: Path) -> None:
    for name in ("acme_zeta", "acme_alpha"):
        _profile(root, name, [{"sys_object_id": [ACME_EDGE]}])
    found = _both_orders(load_profiles(root), DEVICE)
    assert found.profile == "acme_alpha"
    assert found.reason == (
        f"ACME acme_alpha: sysObjectID {DEVICE} is under {ACME_EDGE}; "
        "preferred over acme_zeta (same priority and evidence, the name sorts later)"
    )


def test_priority_ranks_before_evidence(root: Path) -> None:
    _profile(root, "acme_edge", [{"sys_object_id": [ACME_EDGE]}], priority=50)
    _profile(root, "acme_core", [{"sys_descr": ["ACME"]}], priority=55)
    found = _both_orders(load_profiles(root), DEVICE, "ACME Edge 7")
    assert found.profile == "acme_core"
    assert "preferred over acme_edge (priority 50 is lower than 55)" in found.reason


def test_same_prefix_then_snmpget_checks_then_sysdescr_decide(root: Path) -> None:
    check = {"oid": "1.3.6.1.4.1.99999.2.1.0", "symbol": "ACME-MIB::acmeModel.0", "op": "exists"}
    _profile(root, "acme_plain", [{"sys_object_id": [ACME_EDGE]}])
    _profile(root, "acme_named", [{"sys_object_id": [ACME_EDGE], "sys_descr": ["^ACME"]}])
    _profile(root, "acme_probed", [{"sys_object_id": [ACME_EDGE], "snmpget": [check]}])
    profiles = load_profiles(root)
    found = _both_orders(profiles, DEVICE, "ACME Edge 7", {check["oid"]: "E7"})
    assert found.profile == "acme_probed"
    assert [(r.profile, r.why) for r in found.preferred_over] == [
        ("acme_named", "same priority, 0 snmpget check(s) held against 1"),
        ("acme_plain", "same priority, 0 snmpget check(s) held against 1"),
    ]
    without_probe = _both_orders(profiles, DEVICE, "ACME Edge 7", {check["oid"]: None})
    assert without_probe.profile == "acme_named"
    assert [(r.profile, r.why) for r in without_probe.preferred_over] == [
        ("acme_plain", "same priority, no sysDescr regex matched")]


def test_a_profile_reports_its_most_specific_matching_rule(root: Path) -> None:
    _profile(root, "acme_os", [{"sys_object_id": [ACME]}, {"sys_object_id": [ACME, ACME_EDGE]}])
    found = _both_orders(load_profiles(root), DEVICE)
    assert found.reason == f"ACME acme_os: sysObjectID {DEVICE} is under {ACME_EDGE}"
    assert found.preferred_over == ()


def test_sole_match_reason_is_unchanged_and_names_no_rival(root: Path) -> None:
    _profile(root, "acme_os", [{"sys_object_id": [ACME]}])
    found = _both_orders(load_profiles(root), "1.3.6.1.4.1.99999")
    assert found.reason == "ACME acme_os: sysObjectID 1.3.6.1.4.1.99999 is under 1.3.6.1.4.1.99999"
    assert found.preferred_over == ()


def test_net_snmp_ups_card_is_a_ups_not_a_linux_box(profiles: ProfileSet) -> None:
    """Shipped profiles: net-snmp's sysObjectID names the agent, UPS-MIB names the product."""
    found = _both_orders(profiles, "1.3.6.1.4.1.8072.3.2.10", "Linux ups-card 2.6",
                         {UPS_MANUFACTURER: "Santak"})
    assert found.profile == "ups_generic"
    assert "preferred over linux (priority 10 is lower than 20)" in found.reason


def test_edgeos_on_a_net_snmp_sysobjectid_is_edgeos_not_linux(profiles: ProfileSet) -> None:
    """Old EdgeOS firmware reports net-snmp's Linux sysObjectID; ubiquiti_edgeos extends linux."""
    assert profiles.get("ubiquiti_edgeos").chain[1] == "linux"
    found = _both_orders(profiles, "1.3.6.1.4.1.8072.3.2.10", "EdgeOS v1.10.11")
    assert found.profile == "ubiquiti_edgeos"
    assert found.reason.endswith("preferred over linux (ubiquiti_edgeos extends linux)")


def test_detect_json_names_the_beaten_profile(snmpsim: Snmpsim) -> None:
    """The Eaton card also serves UPS-MIB: `detect --json` says why XUPS-MIB won."""
    binary = Path(sys.executable).parent / "dotmac-agent"
    out = subprocess.run(
        [str(binary), "detect", snmpsim.target, "--timeout", "10", "--json"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "DOTMAC_AGENT_COMMUNITY": snmpsim.communities["eaton-xups"]},
    )
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert found["profile"] == "eaton_xups"
    assert found["preferred_over"] == [
        {"profile": "ups_generic", "why": "priority 20 is lower than 55"}]
    assert found["reason"].endswith("; preferred over ups_generic (priority 20 is lower than 55)")
