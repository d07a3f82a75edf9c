"""Sensor tables as data: rows picked by a column value, per-row SI scale and precision,
power levels in dBm and labels cut out of a description, without any network."""

from __future__ import annotations

import math
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

import firmware_profiles
from edge_agent.poll import plan_poll
from edge_agent.profiles import ProfileError, ProfileSet, load_profiles
from edge_agent.profiles.mapping import Column, column, table_samples
from edge_agent.profiles.model import Label, Metric, Table
from edge_agent.snmp import ber
from edge_agent.snmp.ber import Oid, Value

TS = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
SENSOR = (1, 3, 6, 1, 2, 1, 99, 1, 1, 1)  # ENTITY-SENSOR-MIB entPhySensorEntry
TYPE, SCALE, PRECISION, VALUE = ((*SENSOR, n) for n in (1, 2, 3, 4))
DESCR = (1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1, 2)
CELSIUS, WATTS = 8, 6
UNITS, MILLI = 9, 8


def _columns(rows: dict[int, dict[Oid, tuple[int, Value]]]) -> dict[Oid, Column]:
    """Walked columns from {index: {column: (tag, value)}}."""
    by_column: dict[Oid, list[tuple[Oid, int, Value]]] = {}
    for index, cells in rows.items():
        for oid, (tag, value) in cells.items():
            by_column.setdefault(oid, []).append(((*oid, index), tag, value))
    return {oid: column(oid, varbinds) for oid, varbinds in by_column.items()}


def _sensor(kind: int, scale: int, precision: int, value: int, descr: str = "") -> dict[
        Oid, tuple[int, Value]]:
    return {
        TYPE: (ber.INTEGER, kind), SCALE: (ber.INTEGER, scale),
        PRECISION: (ber.INTEGER, precision), VALUE: (ber.INTEGER, value),
        DESCR: (ber.OCTET_STRING, descr.encode()),
    }


def _metric(name: str, unit: str, **extra: object) -> Metric:
    return Metric(name, VALUE, "ENTITY-SENSOR-MIB::entPhySensorValue", "gauge", unit=unit,
                  scale_column=SCALE, precision_column=PRECISION, **extra)  # type: ignore[arg-type]


def _values(table: Table, columns: dict[Oid, Column]) -> dict[str, float]:
    return {s.labels["entPhysicalIndex"]: s.value for s in table_samples(table, columns, "d", TS)}


def test_rows_are_picked_by_type_and_scaled_per_row() -> None:
    table = Table("temps", "entPhysicalIndex", (), (_metric("temperature_celsius", "celsius"),),
                  where=(TYPE, CELSIUS))
    columns = _columns({
        1: _sensor(CELSIUS, UNITS, 1, 229),       # 22.9 C (EOS: one decimal)
        2: _sensor(CELSIUS, MILLI, 0, 52394),     # 52.394 C (NX-OS: milli-degrees)
        3: _sensor(CELSIUS, UNITS, 0, 40),        # 40 C, stays an integer
        4: _sensor(WATTS, MILLI, 4, 6015),        # another type: not a temperature
    })
    assert _values(table, columns) == {"1": 22.9, "2": 52.394, "3": 40}
    assert isinstance(_values(table, columns)["3"], int)


def test_a_row_without_its_scale_or_type_is_not_guessed() -> None:
    table = Table("temps", "entPhysicalIndex", (), (_metric("temperature_celsius", "celsius"),),
                  where=(TYPE, CELSIUS))
    columns = _columns({1: _sensor(CELSIUS, UNITS, 1, 229), 2: _sensor(CELSIUS, UNITS, 1, 300)})
    del columns[SCALE][(2,)]
    assert _values(table, columns) == {"1": 22.9}
    del columns[TYPE][(1,)]
    assert _values(table, columns) == {}


def test_power_in_watts_becomes_dbm_and_darkness_sends_nothing() -> None:
    table = Table("rx", "entPhysicalIndex", (), (
        _metric("optical_rx_dbm", "dbm", convert="watts_to_dbm"),), where=(TYPE, WATTS))
    columns = _columns({
        1: _sensor(WATTS, MILLI, 4, 6015),   # 0.6015 mW
        2: _sensor(WATTS, MILLI, 4, 4),      # 0.0004 mW, a dark fibre still reads something
        3: _sensor(WATTS, MILLI, 4, 9990),   # 0.999 mW: 0.0 dBm, never -0.0
        4: _sensor(WATTS, MILLI, 4, 0),      # no light: no dBm value at all
    })
    values = _values(table, columns)
    assert values == {"1": -2.21, "2": -33.98, "3": 0.0}
    assert math.copysign(1, values["3"]) == 1


def test_hundredths_of_a_milliwatt_become_dbm() -> None:
    metric = Metric("optical_tx_dbm", VALUE, "X-MIB::txPower", "gauge", unit="dbm",
                    divisor=100, convert="milliwatts_to_dbm")
    table = Table("tx", "entPhysicalIndex", (), (metric,))
    columns = _columns({1: {VALUE: (ber.INTEGER, 100)}, 2: {VALUE: (ber.INTEGER, 50)}})
    assert _values(table, columns) == {"1": 0.0, "2": -3.01}


def test_where_compares_object_identifier_values_as_dotted_text() -> None:
    sensor_kind = (1, 3, 6, 1, 4, 1, 11, 2, 14, 11, 1, 2, 6, 1, 2)
    status = (1, 3, 6, 1, 4, 1, 11, 2, 14, 11, 1, 2, 6, 1, 4)
    fan = (1, 3, 6, 1, 4, 1, 11, 2, 3, 7, 8, 3, 2)
    supply = (1, 3, 6, 1, 4, 1, 11, 2, 3, 7, 8, 3, 1)
    table = Table(
        "fans", "idx", (),
        (Metric("fan_state", status, "X::status", "gauge", value_map=((2, 3), (4, 1))),),
        where=(sensor_kind, ".".join(map(str, fan))),
    )
    columns = _columns({
        1: {sensor_kind: (ber.OBJECT_ID, fan), status: (ber.INTEGER, 4)},
        2: {sensor_kind: (ber.OBJECT_ID, supply), status: (ber.INTEGER, 2)},
        3: {sensor_kind: (ber.OBJECT_ID, fan), status: (ber.INTEGER, 2)},
    })
    samples = table_samples(table, columns, "sw", TS)
    assert [(s.labels["idx"], s.value) for s in samples] == [("1", 1), ("3", 3)]


def test_label_regex_keeps_the_group_and_drops_the_label_when_it_does_not_match() -> None:
    labels = (
        Label("ifName", DESCR, "ENTITY-MIB::entPhysicalDescr", r"^DOM .* Sensor for (\S+)$"),
        Label("kind", DESCR, "ENTITY-MIB::entPhysicalDescr", r"TX|RX"),
    )
    table = Table("tx", "entPhysicalIndex", labels, (_metric("v", "celsius"),))
    columns = _columns({
        1: _sensor(WATTS, UNITS, 0, 1, "DOM TX Power Sensor for Ethernet5"),
        2: _sensor(WATTS, UNITS, 0, 1, "Fan Tray 1"),
    })
    samples = table_samples(table, columns, "d", TS)
    by_row = {s.labels["entPhysicalIndex"]: s.labels for s in samples}
    assert by_row["1"] == {"entPhysicalIndex": "1", "ifName": "Ethernet5", "kind": "TX"}
    assert by_row["2"] == {"entPhysicalIndex": "2"}


def test_the_poller_walks_the_columns_that_select_and_scale(profiles: ProfileSet) -> None:
    arista = profiles.get("arista_eos")
    _gets, walks = plan_poll(arista, {"optical_rx_dbm"}, with_facts=False)
    assert {TYPE, SCALE, PRECISION, VALUE, DESCR} <= set(walks)
    table = next(t for t in arista.tables if t.name == "optics_rx")
    assert table.where == (TYPE, WATTS)
    assert table.metrics[0].convert == "watts_to_dbm"


def _copy_profiles(tmp_path: Path) -> Path:
    target = tmp_path / "profiles"
    shutil.copytree(firmware_profiles.root(), target,
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def _edit_generic_table(root: Path, table: str, change: dict[str, object]) -> Path:
    polling = root / "generic" / "polling.yaml"
    data = yaml.safe_load(polling.read_text())
    data["tables"][table].update(change)
    polling.write_text(yaml.safe_dump(data))
    return polling


def test_a_counter_cannot_be_scaled_per_row(tmp_path: Path) -> None:
    root = _copy_profiles(tmp_path)
    polling = root / "generic" / "polling.yaml"
    data = yaml.safe_load(polling.read_text())
    data["tables"]["interfaces"]["columns"][0]["scale_column"] = {
        "oid": "1.3.6.1.2.1.99.1.1.1.2", "symbol": "ENTITY-SENSOR-MIB::entPhySensorScale"}
    polling.write_text(yaml.safe_dump(data))
    with pytest.raises(ProfileError, match=r"generic/polling.yaml: tables.interfaces.columns.0"):
        load_profiles(root)


def test_unknown_keys_in_where_are_rejected(tmp_path: Path) -> None:
    root = _copy_profiles(tmp_path)
    _edit_generic_table(root, "entity_temperatures", {"where": {
        "oid": "1.3.6.1.2.1.99.1.1.1.1", "symbol": "ENTITY-SENSOR-MIB::entPhySensorType",
        "equal": 8}})
    with pytest.raises(ProfileError, match=r"tables.entity_temperatures.where"):
        load_profiles(root)


def test_a_bad_label_regex_names_file_and_key(tmp_path: Path) -> None:
    root = _copy_profiles(tmp_path)
    polling = root / "generic" / "polling.yaml"
    data = yaml.safe_load(polling.read_text())
    data["tables"]["entity_fans"]["labels"][0]["regex"] = "for (\\S+"
    polling.write_text(yaml.safe_dump(data))
    with pytest.raises(ProfileError) as caught:
        load_profiles(root)
    assert caught.value.file == str(polling)
    assert caught.value.key == "tables.entity_fans.labels.0.regex"
    assert "bad regular expression" in str(caught.value)
