"""Detection and golden polls of real device recordings served by the real snmpsim."""

from __future__ import annotations

import difflib
import os
import subprocess
from pathlib import Path

import pytest

from edge_agent.poll import detect, poll_device
from edge_agent.profiles import ProfileSet
from edge_agent.record import dump, golden_document
from tests.agent_snmp.conftest import sim_target, snmpd_target
from tests.services.snmp import Snmpd, Snmpsim

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = {
    "cisco-ios": "cisco_ios",
    "cisco-nxos": "cisco_nxos",
    "juniper-junos": "juniper_mx",  # an MX960: the MX profile extends juniper_junos
    "arista-eos": "arista_eos",
    "huawei-vrp": "huawei_vrp",
    "ubiquiti-airos": "ubiquiti_airos",
    "aruba": "aruba",
    # Issue #21: UPS and power, then switch families of small ISPs' racks.
    "ups-generic": "ups_generic",
    "eaton-xups": "eaton_xups",
    "eaton-xups-9px": "eaton_xups",
    "vertiv-power": "vertiv_power",
    "h3c-comware": "h3c_comware",
    "h3c-comware-v5": "h3c_comware",
    "hpe-procurve": "hpe_procurve",
    "zte-zxr10": "zte_zxr10",
    "dlink-des": "dlink_des",
    "dlink-des3038": "dlink_des",
    "ruijie": "ruijie",
    "brocade-icx": "brocade_icx",
    "bdcom": "bdcom",
    "maipu": "maipu",
    "fortinet-fortigate": "fortinet_fortigate",
    "paloalto-panos": "paloalto_panos",
    "ruckus-wireless": "ruckus_wireless",
    "dcn": "dcn",
    "dcn-dcs3726": "dcn",
    "cisco-wlc": "cisco_wlc",
    "huawei-power": "huawei_power",
    "vyatta": "vyatta",
    "apc-powernet": "apc_powernet",
    # Hand-written from the MIBs (tests/agent_snmp/recordings): snmpsim-data has none.
    "mikrotik-routeros": "mikrotik_routeros",
    "ubiquiti-edgeos": "ubiquiti_edgeos",
}
IF_HC_IN_OCTETS = "1.3.6.1.2.1.31.1.1.1.6"
# The AireOS agent returns its ENTITY-MIB rows out of order (cisco-controller recording, from
# line 4172): the poll reports it and skips the rest of that table, as on the real controller.
AGENT_BUGS = {"cisco-wlc": {"oid_not_increasing"}}


@pytest.mark.parametrize(("family", "profile"), sorted(EXPECTED.items()))
async def test_detects_each_recording(
    snmpsim: Snmpsim, profiles: ProfileSet, family: str, profile: str
) -> None:
    found = await detect(sim_target(snmpsim, family), profiles)
    assert found.profile == profile
    assert found.vendor == profiles.get(profile).vendor
    # Why it matched: the sysObjectID or sysDescr rule, or an object only that MIB has.
    assert any(why in found.reason for why in ("sysObjectID", "sysDescr", "snmpget"))


async def test_detects_real_snmpd_as_linux(snmpd: Snmpd, profiles: ProfileSet) -> None:
    found = await detect(snmpd_target(snmpd), profiles)
    assert (found.profile, found.vendor) == ("linux", "Linux")
    assert found.reason == (
        "Linux (net-snmp): sysObjectID 1.3.6.1.4.1.8072.3.2.10 is under 1.3.6.1.4.1.8072.3.2.10"
    )


@pytest.mark.parametrize("family", sorted(EXPECTED))
async def test_poll_matches_golden(snmpsim: Snmpsim, profiles: ProfileSet, family: str) -> None:
    target = sim_target(snmpsim, family)
    detected = await detect(target, profiles)
    result = await poll_device(family, target, profiles.get(detected.profile))
    assert {e.code for e in result.errors} <= AGENT_BUGS.get(family, set()), result.errors
    # aruba's and the partial Eaton card's recordings hold no sysUpTime.
    assert {s.metric for s in result.samples} >= {"sys_uptime_ticks"} or family in {
        "aruba", "eaton-xups-9px"}
    polled = dump(golden_document(result, detected))
    expected = (GOLDEN / f"{family}.json").read_text()
    if polled != expected:
        diff = "\n".join(list(difflib.unified_diff(
            expected.splitlines(), polled.splitlines(), "golden", "polled", lineterm=""))[:40])
        pytest.fail(f"{family} drifted from its golden; review, then run "
                    f"`python scripts/golden.py --update`:\n{diff}")


def snmpbulkwalk(target: str, community: str, oid: str) -> dict[str, int]:
    """`snmpbulkwalk -On` output as {instance OID: counter value}."""
    out = subprocess.run(
        ["snmpbulkwalk", "-m", "", "-On", "-v2c", "-c", community, target, oid],
        capture_output=True, text=True, check=True, env={**os.environ, "MIBS": ""},
    ).stdout
    values: dict[str, int] = {}
    for line in out.splitlines():
        name, _, rest = line.partition(" = ")
        if rest.startswith("Counter64: "):
            values[name.lstrip(".")] = int(rest.split()[-1])
    return values


def _hc_in(result_samples: list) -> dict[str, int]:
    return {
        f"{IF_HC_IN_OCTETS}.{s.labels['ifIndex']}": s.value
        for s in result_samples if s.metric == "if_hc_in_octets"
    }


async def test_counters_equal_snmpbulkwalk_on_recording(
    snmpsim: Snmpsim, profiles: ProfileSet
) -> None:
    community = snmpsim.communities["cisco-ios"]
    expected = snmpbulkwalk(snmpsim.target, community, IF_HC_IN_OCTETS)
    result = await poll_device("c3560", sim_target(snmpsim, "cisco-ios"), profiles.get("cisco_ios"),
                               metrics={"if_hc_in_octets"}, with_facts=False)
    assert len(expected) == 56
    assert _hc_in(result.samples) == expected


async def test_counters_equal_snmpbulkwalk_on_real_snmpd(
    snmpd: Snmpd, profiles: ProfileSet
) -> None:
    # Live counters move (our own SNMP traffic crosses lo), so bracket the poll between two
    # snmpbulkwalk reads: every value must lie between them, and equal them where still.
    before = snmpbulkwalk(snmpd.target, snmpd.community, IF_HC_IN_OCTETS)
    result = await poll_device("snmpd", snmpd_target(snmpd), profiles.get("linux"),
                               metrics={"if_hc_in_octets"}, with_facts=False)
    after = snmpbulkwalk(snmpd.target, snmpd.community, IF_HC_IN_OCTETS)
    ours = _hc_in(result.samples)
    assert set(ours) == set(before) == set(after) and ours
    for oid, value in ours.items():
        assert before[oid] <= value <= after[oid]
        if before[oid] == after[oid]:
            assert value == before[oid]
    assert any(before[o] == after[o] for o in ours), "no still counter to compare exactly"
