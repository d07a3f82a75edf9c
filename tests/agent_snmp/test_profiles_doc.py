"""docs/profiles.md stays true: every shipped family is in the coverage table, the table is
what `scripts/profile_coverage.py` builds now, and each recording left on generic says why."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import firmware_profiles
from scripts.profile_coverage import (
    COVERAGE,
    DOC,
    GENERIC,
    TODO,
    between,
    coverage_table,
    families,
    generic_reasons,
    stale_diff,
)

SHIPPED = sorted(p.parent.name for p in firmware_profiles.root().glob("*/polling.yaml"))


def _table_families() -> list[str]:
    return re.findall(r"^\| `([a-z0-9_]+)` \|", between(DOC.read_text(), COVERAGE), re.M)


@pytest.mark.parametrize("family", SHIPPED)
def test_every_shipped_family_is_in_the_coverage_table(family: str) -> None:
    assert family in _table_families(), (
        f"{family} is missing from {DOC}; run python scripts/profile_coverage.py")


def test_coverage_table_is_current() -> None:
    diff = stale_diff()
    assert diff == "", f"run python scripts/profile_coverage.py, then review:\n{diff}"


def test_table_follows_extends_and_separates_vendor_from_standard_mibs(tmp_path: Path) -> None:
    root = tmp_path / "profiles"
    shutil.copytree(firmware_profiles.root() / "generic", root / "generic")
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("acme_os", "generic", {"scalars": [
            {"metric": "cpu_load_percent", "oid": "1.3.6.1.4.1.99999.1.0",
             "symbol": "ACME-MIB::acmeCpu.0", "kind": "gauge", "unit": "percent"}]}),
        ("acme_edge", "acme_os", {"tables": {"optics": {"index_label": "port", "columns": [
            {"metric": "optical_rx_dbm", "oid": "1.3.6.1.4.1.99999.2.1.3",
             "symbol": "ACME-MIB::acmeRx", "kind": "gauge", "unit": "dbm"}]}}}),
    ]
    for name, parent, polling in cases:
        (root / name).mkdir()
        (root / name / "polling.yaml").write_text(yaml.safe_dump({"extends": parent, **polling}))
        (root / name / "detection.yaml").write_text(yaml.safe_dump({"vendor": "ACME"}))
    rows = {f.name: f for f in families(root)}
    assert rows["acme_edge"].own == {"cpu_load_percent", "optical_rx_dbm"}
    assert "if_hc_in_octets" in rows["acme_edge"].inherited
    line = next(r for r in coverage_table([rows["acme_edge"]]).splitlines() if "acme_edge" in r)
    cells = [c.strip() for c in line.strip("|").split("|")]
    # family, vendor, extends, cpu, memory, temperature, fans, PSUs, optics, wireless, UPS, if
    assert cells[:3] == ["`acme_edge`", "ACME", "acme_os"]
    assert cells[3] == "○" and cells[8] == "○" and cells[11] == "·"
    assert cells[10] == ""  # no UPS metric anywhere in the chain


def test_each_recording_left_on_generic_exists_and_says_why() -> None:
    import snmpsim_data

    data = Path(snmpsim_data.__file__).parent / "data"
    reasons = generic_reasons(DOC.read_text())
    assert reasons, f"the generic table in {DOC} is empty; run --classify --write"
    for recording, reason in reasons.items():
        assert recording.startswith(("network/", "UPS/")), recording
        assert (data / recording).is_file(), f"{recording}: not in snmpsim-data"
        assert reason.strip() and reason != TODO, f"{recording}: write why it stays generic"
    assert GENERIC[0] in DOC.read_text()


def test_profile_authors_are_told_the_whole_path() -> None:
    text = DOC.read_text()
    for step in ("detection.yaml", "polling.yaml", "value_map", "make golden",
                 "scripts/profile_coverage.py", "--classify", "Which profile wins"):
        assert step in text, f"{DOC} no longer explains {step}"


def test_generic_table_keeps_written_reasons_and_marks_new_rows() -> None:
    from scripts.profile_coverage import generic_table, replace_between

    written = replace_between(f"x\n{GENERIC[0]}\n{GENERIC[1]}\ny\n", GENERIC, generic_table(
        ["network/b.snmprec.bz2", "UPS/a.snmprec"], {"UPS/a.snmprec": "rare UPS card"}))
    assert generic_reasons(written) == {"UPS/a.snmprec": "rare UPS card",
                                        "network/b.snmprec.bz2": TODO}
    assert written.startswith("x\n") and written.endswith("\ny\n")


def test_census_covers_every_network_and_ups_recording_under_distinct_communities() -> None:
    from scripts.recording_census import community, recordings, source_root

    names = recordings(source_root())
    assert {n.split("/", 1)[0] for n in names} == {"network", "UPS"}
    assert any(n.endswith(".snmprec") for n in names)
    assert any(n.endswith(".snmprec.bz2") for n in names)
    assert len({community(n) for n in names}) == len(names)
    assert community("network/switch/cisco-c3560.snmprec.bz2") == "network__switch__cisco-c3560"
