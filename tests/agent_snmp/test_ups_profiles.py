"""UPS and power profiles (ups_generic, apc_powernet, eaton_xups, vertiv_power, huawei_power)
against the real snmpsim-data recordings, and the specificity order between them.

The suite's shared snmpsim serves one APC recording (apc-7902b, golden in test_recordings);
all three plain `.snmprec` APC recordings get a private snmpsim responder here, with the other
UPS/ recordings that must pass unchanged (no vendor profile of their own).
"""

from __future__ import annotations

import bz2
import difflib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from edge_agent.poll import detect, poll_device
from edge_agent.profiles import ProfileSet
from edge_agent.profiles.detection import detect as detect_pure
from edge_agent.profiles.detection import match_rule
from edge_agent.record import dump, golden_document
from edge_agent.snmp import SnmpTarget, SnmpV2c
from tests.agent_snmp.conftest import sim_target
from tests.services._proc import (
    ManagedProcess,
    free_port,
    is_root,
    require_venv_script,
    wait_until,
)
from tests.services.snmp import Snmpsim, snmpget_ok

GOLDEN = Path(__file__).parent / "golden"
# family in tests/services/snmp.py RECORDINGS -> the profile it must get
EXPECTED = {
    "ups-generic": "ups_generic",
    "eaton-xups": "eaton_xups",
    "eaton-xups-9px": "eaton_xups",
    "vertiv-power": "vertiv_power",
    "huawei-power": "huawei_power",
}
UPS_MANUFACTURER = "1.3.6.1.2.1.33.1.1.1.0"
XUPS_MODEL = "1.3.6.1.4.1.534.1.1.2.0"
UPS_CHARGE = "1.3.6.1.2.1.33.1.2.4.0"  # UPS-MIB::upsEstimatedChargeRemaining.0
UPS_INPUT_VOLTAGE = "1.3.6.1.2.1.33.1.3.3.1.3.1"  # UPS-MIB::upsInputVoltage.1
HW_CAPACITY_LEFT = "1.3.6.1.4.1.2011.6.174.1.6.100.1.3.1"  # HUAWEI-UPS-MIB, rack 1
HW_BACKUP_TIME = "1.3.6.1.4.1.2011.6.174.1.6.100.1.4.1"
APC_RECORDINGS = ("apc-7902b", "apc-8641", "apc-8932")
# Other recordings under UPS/ and the profile they get without a vendor profile of their own.
OTHER_POWER = {
    "ingrasys-power-switch": "ups_generic",   # Santak Array-3A3 card: UPS-MIB only
    "eastpower-istars-swv053": "ups_generic",  # East EA9080: UPS-MIB only
    # Emerson Network Power (enterprise 13400) UPS card without UPS-MIB: no public MIB.
    "emerson-network-power": "generic",
}


@pytest.mark.parametrize(("family", "profile"), sorted(EXPECTED.items()))
async def test_detects_each_power_recording(
    snmpsim: Snmpsim, profiles: ProfileSet, family: str, profile: str
) -> None:
    found = await detect(sim_target(snmpsim, family), profiles)
    assert (found.profile, found.vendor) == (profile, profiles.get(profile).vendor)
    assert found.reason.startswith(profiles.get(profile).detection.text)


@pytest.mark.parametrize("family", sorted(EXPECTED))
async def test_power_poll_matches_golden(
    snmpsim: Snmpsim, profiles: ProfileSet, family: str
) -> None:
    target = sim_target(snmpsim, family)
    detected = await detect(target, profiles)
    result = await poll_device(family, target, profiles.get(detected.profile))
    assert result.errors == []
    polled = dump(golden_document(result, detected))
    expected = (GOLDEN / f"{family}.json").read_text()
    if polled != expected:
        diff = "\n".join(list(difflib.unified_diff(
            expected.splitlines(), polled.splitlines(), "golden", "polled", lineterm=""))[:40])
        pytest.fail(f"{family} drifted from its golden; review, then run "
                    f"`python scripts/golden.py --update`:\n{diff}")


async def test_eaton_93e_speaks_ups_mib_too_but_gets_the_vendor_profile(
    snmpsim: Snmpsim, profiles: ProfileSet
) -> None:
    # The 93E card serves both UPS-MIB and XUPS-MIB: both rules hold, priority decides.
    community = snmpsim.communities["eaton-xups"]
    assert snmpget_ok(snmpsim.target, community, UPS_MANUFACTURER)
    values = {UPS_MANUFACTURER: "EATON", XUPS_MODEL: "EATON 93E 80"}
    generic_rule = profiles.get("ups_generic").detection.rules[0]
    assert match_rule(generic_rule, "1.3.6.1.4.1.705.1", "EATON 93E 80", values) is not None
    found = await detect(sim_target(snmpsim, "eaton-xups"), profiles)
    assert found.profile == "eaton_xups"
    assert "vendor MIB preferred over the generic RFC 1628 UPS-MIB" in found.reason


async def test_huawei_card_reads_battery_from_its_mib_and_scales_its_ups_mib_volts(
    snmpsim: Snmpsim, profiles: ProfileSet
) -> None:
    # The GSE200M card answers RFC 1628 with -1 for the battery figures and tenths of a volt
    # for the line voltages; the profile takes HUAWEI-UPS-MIB's battery rows instead.
    community = snmpsim.communities["huawei-power"]
    raw = {oid: snmpget_int(snmpsim.target, community, oid) for oid in (
        UPS_CHARGE, UPS_INPUT_VOLTAGE, HW_CAPACITY_LEFT, HW_BACKUP_TIME)}
    assert raw[UPS_CHARGE] == -1
    target = sim_target(snmpsim, "huawei-power")
    found = await detect(target, profiles)
    result = await poll_device("huawei-power", target, profiles.get(found.profile))
    polled = {s.metric: s.value for s in result.samples}
    assert polled["ups_battery_charge_percent"] == raw[HW_CAPACITY_LEFT]
    assert polled["ups_battery_runtime_seconds"] == raw[HW_BACKUP_TIME]
    assert polled["ups_input_voltage_volts"] == raw[UPS_INPUT_VOLTAGE] / 10
    assert 200 < polled["ups_input_voltage_volts"] < 260


def test_vendor_ups_profiles_rank_above_generic_ups_and_generic_ups_above_linux(
    profiles: ProfileSet,
) -> None:
    generic = profiles.get("ups_generic").detection.priority
    for vendor in ("apc_powernet", "eaton_xups", "vertiv_power", "huawei_power"):
        assert profiles.get(vendor).detection.priority > generic
    assert generic > profiles.get("linux").detection.priority


@pytest.mark.parametrize(
    ("sys_object_id", "values", "profile"),
    [
        # An APC Smart-UPS card serving UPS-MIB as well: the vendor profile wins.
        ("1.3.6.1.4.1.318.1.1.1", {UPS_MANUFACTURER: "APC"}, "apc_powernet"),
        # A Liebert GXT card serving UPS-MIB as well.
        ("1.3.6.1.4.1.476.1.42", {UPS_MANUFACTURER: "Liebert"}, "vertiv_power"),
        # A net-snmp based UPS card with only UPS-MIB: the UPS, not a Linux box.
        ("1.3.6.1.4.1.8072.3.2.10", {UPS_MANUFACTURER: "Santak"}, "ups_generic"),
        # A Linux server without UPS-MIB stays linux.
        ("1.3.6.1.4.1.8072.3.2.10", {}, "linux"),
    ],
)
def test_most_specific_profile_wins(
    profiles: ProfileSet, sys_object_id: str, values: dict[str, str], profile: str
) -> None:
    found = detect_pure(profiles, sys_object_id, "", values)
    assert found is not None and found.profile == profile


def snmpget_int(target: str, community: str, oid: str) -> int:
    """One integer read with net-snmp's snmpget (the reference, not our poller)."""
    argv = ["snmpget", "-m", "", "-Oqv", "-v2c", "-c", community, target, oid]
    out = subprocess.run(argv, capture_output=True, text=True, check=True,
                         env={**os.environ, "MIBS": ""})
    return int(out.stdout.split()[0])


# --- APC (plain .snmprec) and the other UPS/ recordings on a private snmpsim ------------


@pytest.fixture(scope="module")
def power_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SnmpTarget]:
    import snmpsim_data

    work = tmp_path_factory.mktemp("apc-snmpsim")
    data = work / "data"
    data.mkdir()
    source = Path(snmpsim_data.__file__).parent / "data" / "UPS"
    for name in APC_RECORDINGS:
        shutil.copy(source / f"{name}.snmprec", data / f"{name}.snmprec")
    for name in OTHER_POWER:
        plain = bz2.decompress((source / f"{name}.snmprec.bz2").read_bytes())
        (data / f"{name}.snmprec").write_bytes(plain)
    served = (*APC_RECORDINGS, *OTHER_POWER)
    port = free_port(kind=2)
    argv = [require_venv_script("snmpsim-command-responder", "snmpsim"),
            f"--data-dir={data}", f"--cache-dir={work / 'index'}",
            f"--agent-udpv4-endpoint=127.0.0.1:{port}", "--log-level=error",
            f"--logging-method=file:{work / 'snmpsim.log'}"]
    if is_root():
        argv += ["--process-user=root", "--process-group=root"]
    process = ManagedProcess(argv, work / "snmpsim.stdout",
                             env={"SNMPSIM_ALLOW_ROOT": "true"}).start()
    try:
        def serving() -> bool:
            return all(snmpget_ok(f"127.0.0.1:{port}", name) for name in served)

        wait_until(serving, 120, "snmpsim (UPS/ recordings)", work / "snmpsim.stdout")
        yield SnmpTarget("127.0.0.1", port, credentials=SnmpV2c("-"), timeout=10.0, retries=0)
    finally:
        process.stop()


def _at(target: SnmpTarget, name: str) -> SnmpTarget:
    return SnmpTarget(target.host, target.port, credentials=SnmpV2c(name),
                      timeout=10.0, retries=0)


@pytest.mark.parametrize("name", APC_RECORDINGS)
async def test_detects_apc_recordings(
    power_sim: SnmpTarget, profiles: ProfileSet, name: str
) -> None:
    found = await detect(_at(power_sim, name), profiles)
    assert (found.profile, found.vendor) == ("apc_powernet", "APC")
    assert "sysObjectID 1.3.6.1.4.1.318.1.3.4." in found.reason


async def test_apc_8641_rack_pdu_poll(power_sim: SnmpTarget, profiles: ProfileSet) -> None:
    result = await poll_device("apc-8641", _at(power_sim, "apc-8641"), profiles.get("apc_powernet"))
    assert result.errors == []
    power = {(s.metric, tuple(sorted(s.labels.items()))): s.value for s in result.samples
             if s.metric.startswith(("pdu_", "ups_", "temperature_"))}
    # rPDU2PhaseStatus row 1: 65 tenths of A, 201 V, 122 hundredths of kW.
    assert power == {
        ("pdu_current_amps", (("phase", "1"),)): 6.5,
        ("pdu_voltage_volts", (("phase", "1"),)): 201,
        ("pdu_power_watts", (("phase", "1"),)): 1220,
    }
    assert result.facts is not None
    assert (result.facts.model, result.facts.serial, result.facts.os_version) == (
        "AP8641", "3F3452A52295", "6.7.2")


async def test_apc_7902b_sends_no_placeholder_voltage(
    power_sim: SnmpTarget, profiles: ProfileSet
) -> None:
    # The AP7902B does not measure voltage or power (-1): nothing is sent for them.
    result = await poll_device("apc-7902b", _at(power_sim, "apc-7902b"),
                               profiles.get("apc_powernet"))
    assert result.errors == []
    pdu = {s.metric: s.value for s in result.samples if s.metric.startswith("pdu_")}
    assert pdu == {"pdu_current_amps": 1.6}


@pytest.mark.parametrize(("name", "profile"), sorted(OTHER_POWER.items()))
async def test_other_power_recordings_pass_unchanged(
    power_sim: SnmpTarget, profiles: ProfileSet, name: str, profile: str
) -> None:
    target = _at(power_sim, name)
    found = await detect(target, profiles)
    assert found.profile == profile
    result = await poll_device(name, target, profiles.get(found.profile))
    assert result.errors == []
    charge = [s.value for s in result.samples if s.metric == "ups_battery_charge_percent"]
    assert charge == ([100] if profile == "ups_generic" else [])
