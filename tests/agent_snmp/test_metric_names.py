"""One metric vocabulary across vendors: every golden poll names CPU, memory, temperature,
fans, power supplies, optics and UPS metrics with the normalized names and units.

Reads whatever golden files exist, so a new profile's golden is checked as soon as
`python scripts/golden.py --update` writes it. A dashboard panel or an alarm rule written
against `temperature_celsius` must work on every vendor; a new name for an existing
quantity (`cpu_usage`, `temp_c`, `sfp_rx_power`) fails here with the name to use instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).parent / "golden"
GOLDENS = sorted(GOLDEN.glob("*.json"))

# family -> (what a metric of that family looks like, the names it may use)
FAMILIES: dict[str, tuple[str, frozenset[str]]] = {
    "cpu": (r"cpu", frozenset({"cpu_load_percent"})),
    # mem_used_percent: for agents that only give a percentage (Huawei hwEntityMemUsage,
    # Junos jnxOperatingBuffer, Comware hh3cEntityExtMemUsage); bytes whenever the agent has them.
    "memory": (r"^mem_|memory", frozenset(
        {"mem_used_bytes", "mem_free_bytes", "mem_total_bytes", "mem_used_percent"})),
    "temperature": (r"temp", frozenset({"temperature_celsius", "optical_temperature_celsius"})),
    "fan": (r"fan", frozenset({"fan_state"})),
    "power supply": (r"psu|power_?supply", frozenset({"psu_state"})),
    # Radio levels (`wireless_signal_dbm`, `radio_tx_power_dbm`) are their own family.
    "optics": (r"^optical_|sfp|xcvr|transceiver|laser|^(?!wireless_|radio_).*_dbm$",
               frozenset({"optical_tx_dbm", "optical_rx_dbm", "optical_temperature_celsius"})),
    "ups": (r"^ups_|battery", frozenset({
        "ups_on_battery", "ups_battery_charge_percent", "ups_battery_runtime_seconds",
        "ups_input_voltage_volts", "ups_output_voltage_volts", "ups_load_percent",
        # Also measured by RFC 1628 and kept: seconds since the switch to battery.
        "ups_time_on_battery_seconds",
        # Battery condition as a state (RFC 1628 upsBatteryStatus through a value_map); raw
        # vendor enums (upsOutputSource, upsBatteryStatus) are mapped in the profile, never sent.
        "ups_battery_state",
    })),
}

# A unit suffix in the name means that unit on the sample.
SUFFIX_UNITS = {
    "_percent": "percent", "_celsius": "celsius", "_bytes": "bytes", "_dbm": "dbm",
    "_volts": "volts", "_seconds": "seconds", "_ticks": "ticks", "_mhz": "mhz", "_bps": "bps",
}

# Gauges with a fixed set of values.
STATES = {
    "fan_state": {0, 1, 2, 3},  # 1 ok, 2 warning/degraded, 3 failed, 0 unknown
    "psu_state": {0, 1, 2, 3},
    "ups_on_battery": {0, 1},
    "ups_battery_state": {0, 1, 2, 3},
}
PERCENT_MAX_100 = {"cpu_load_percent", "mem_used_percent", "ups_battery_charge_percent"}


def samples(path: Path) -> list[dict[str, Any]]:
    """The samples of one golden file."""
    document = json.loads(path.read_text())
    found: list[dict[str, Any]] = document["samples"]
    return found


def family_of(metric: str) -> str | None:
    """The normalized family a metric name belongs to, if any."""
    for family, (pattern, _names) in FAMILIES.items():
        if re.search(pattern, metric):
            return family
    return None


def test_goldens_exist() -> None:
    assert len(GOLDENS) >= 7, f"expected the golden polls in {GOLDEN}"


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: p.stem)
def test_family_metrics_use_the_normalized_names(path: Path) -> None:
    wrong = set()
    for sample in samples(path):
        metric = sample["metric"]
        family = family_of(metric)
        if family is not None and metric not in FAMILIES[family][1]:
            wrong.add(f"{metric} ({family}: use one of {sorted(FAMILIES[family][1])})")
    assert not wrong, f"{path.name}: non-normalized metric names: {sorted(wrong)}"


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: p.stem)
def test_unit_suffix_matches_the_unit(path: Path) -> None:
    wrong = set()
    for sample in samples(path):
        metric, unit = sample["metric"], sample.get("unit")
        for suffix, expected in SUFFIX_UNITS.items():
            if metric.endswith(suffix) and unit != expected:
                wrong.add(f"{metric}: unit {unit!r}, expected {expected!r}")
    assert not wrong, f"{path.name}: {sorted(wrong)}"


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: p.stem)
def test_family_metrics_are_gauges_in_range(path: Path) -> None:
    wrong = set()
    for sample in samples(path):
        metric, value = sample["metric"], sample["value"]
        if family_of(metric) is None:
            continue
        if sample["kind"] != "gauge":
            wrong.add(f"{metric}: kind {sample['kind']}, expected gauge")
        if metric in STATES and value not in STATES[metric]:
            wrong.add(f"{metric}={value}: expected one of {sorted(STATES[metric])}")
        if metric in PERCENT_MAX_100 and not 0 <= value <= 100:
            wrong.add(f"{metric}={value}: outside 0..100")
    assert not wrong, f"{path.name}: {sorted(wrong)}"


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: p.stem)
def test_optics_name_their_port(path: Path) -> None:
    # An optical level is useless to the NOC without the port (or module) it belongs to.
    unnamed = {
        s["metric"] for s in samples(path)
        if family_of(s["metric"]) == "optics"
        and not {"ifName", "entPhysicalName"} & set(s["labels"])
    }
    assert not unnamed, f"{path.name}: optics without ifName/entPhysicalName: {sorted(unnamed)}"


@pytest.mark.parametrize(("metric", "family"), [
    ("cpu_usage", "cpu"), ("hrProcessorLoad_cpu", "cpu"), ("memory_used", "memory"),
    ("temp_c", "temperature"), ("fan_speed_rpm", "fan"), ("power_supply_status", "power supply"),
    ("sfp_rx_power", "optics"), ("rx_power_dbm", "optics"), ("battery_voltage", "ups"),
    ("ups_output_source", "ups"), ("ups_battery_status", "ups"),
])
def test_misnamed_metrics_are_caught(metric: str, family: str) -> None:
    assert family_of(metric) == family
    assert metric not in FAMILIES[family][1]


@pytest.mark.parametrize("metric", [
    "if_hc_in_octets", "storage_used_bytes", "sensor_value", "wireless_signal_dbm",
    "radio_tx_power_dbm", "sys_uptime_ticks", "ap_status",
])
def test_other_metrics_are_left_alone(metric: str) -> None:
    assert family_of(metric) is None
