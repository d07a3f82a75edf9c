"""Pure varbind -> sample mapping, without any network."""

from __future__ import annotations

from datetime import UTC, datetime

from edge_agent.profiles import ProfileSet
from edge_agent.profiles.mapping import column, profile_samples, table_samples
from edge_agent.profiles.model import Label, Metric, Table
from edge_agent.snmp import ber

TS = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
IF_HC_IN = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6)
IF_IN = (1, 3, 6, 1, 2, 1, 2, 2, 1, 10)
IF_NAME = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1)
IF_DESCR = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2)


def test_interface_counters_raw_with_labels_and_32bit_fallback(profiles: ProfileSet) -> None:
    generic = profiles.get("generic")
    columns = {
        IF_HC_IN: column(IF_HC_IN, [((*IF_HC_IN, 1), ber.COUNTER64, 2**63 + 5)]),
        IF_IN: column(IF_IN, [((*IF_IN, 1), ber.COUNTER32, 7), ((*IF_IN, 2), ber.COUNTER32, 9)]),
        IF_NAME: column(IF_NAME, [((*IF_NAME, 1), ber.OCTET_STRING, b"Gi0/1")]),
        IF_DESCR: column(IF_DESCR, [((*IF_DESCR, 2), ber.OCTET_STRING, b"old\x00")]),
    }
    samples = profile_samples(generic, {}, columns, "sw1", TS)
    by_metric = {(s.metric, s.labels["ifIndex"]): s for s in samples}
    hc = by_metric[("if_hc_in_octets", "1")]
    assert hc.value == 2**63 + 5 and hc.kind == "counter" and hc.unit == "bytes"
    assert hc.labels == {"ifIndex": "1", "ifName": "Gi0/1"} and hc.ts == TS
    # ifIndex 1 has the HC counter, so its 32-bit counter is not sent; ifIndex 2 has none
    assert ("if_in_octets", "1") not in by_metric
    assert by_metric[("if_in_octets", "2")].value == 9
    assert by_metric[("if_in_octets", "2")].labels["ifDescr"] == "old"


def test_gauge_scaling_skip_and_row_filter() -> None:
    descr = (1, 3, 6, 1, 4, 1, 1, 1)
    load = (1, 3, 6, 1, 4, 1, 1, 2)
    units = (1, 3, 6, 1, 4, 1, 1, 3)
    table = Table(
        "t", "idx", (Label("name", descr, "X-MIB::name"),),
        (
            Metric("load", load, "X-MIB::load", "gauge", divisor=100, skip=frozenset({0})),
            Metric("size_bytes", units, "X-MIB::size", "gauge", multiply_by_column=load),
        ),
        row_filter=("name", "^Routing"),
    )
    columns = {
        descr: column(descr, [((*descr, 1), 4, b"Routing Engine 0"), ((*descr, 2), 4, b"Fan")]),
        load: column(load, [((*load, 1), 2, 250), ((*load, 2), 2, 0)]),
        units: column(units, [((*units, 1), 2, 4), ((*units, 2), 2, 4)]),
    }
    samples = table_samples(table, columns, "r1", TS)
    assert [(s.metric, s.value, s.labels["idx"]) for s in samples] == [
        ("load", 2.5, "1"),
        ("size_bytes", 1000, "1"),  # 4 * raw load column 250
    ]


def test_value_map_normalizes_vendor_states() -> None:
    """A status column mapped to the common scale (1 ok, 2 warning, 3 failed); a value the
    map does not list is 0 (unknown), never the vendor's raw code."""
    state = (1, 3, 6, 1, 4, 1, 1, 9)
    table = Table("fans", "idx", (), (
        Metric("fan_state", state, "X-MIB::fanStatus", "gauge",
               value_map=((1, 1), (2, 3), (3, 2))),))
    columns = {state: column(state, [((*state, 1), 2, 1), ((*state, 2), 2, 2),
                                     ((*state, 3), 2, 3), ((*state, 4), 2, 77)])}
    samples = table_samples(table, columns, "sw1", TS)
    assert [(s.labels["idx"], s.value) for s in samples] == [
        ("1", 1), ("2", 3), ("3", 2), ("4", 0)]


def test_numeric_strings_and_exceptions_are_handled(profiles: ProfileSet) -> None:
    linux = profiles.get("linux")
    la = (1, 3, 6, 1, 4, 1, 2021, 10, 1, 5)
    rows = [((*la, 1), ber.INTEGER, 37), ((*la, 2), ber.NO_SUCH_INSTANCE, None)]
    columns = {la: column(la, rows)}
    scalars = {(1, 3, 6, 1, 2, 1, 1, 3, 0): (ber.TIMETICKS, 123)}
    samples = profile_samples(linux, scalars, columns, "box", TS, wanted={"load_average"})
    assert [(s.metric, s.value) for s in samples] == [
        ("sys_uptime_ticks", 123), ("load_average", 0.37)
    ]
