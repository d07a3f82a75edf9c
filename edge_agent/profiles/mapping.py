"""Pure mapping from walked varbinds to `protocol.Sample`s, driven by a profile.

No I/O here: the poller hands in what it read (scalars by OID, walked columns by root)
and gets samples back, so every rule (labels, skip values, scaling, 32-bit fallbacks,
row filters) is testable without a network.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from datetime import datetime

from edge_agent.profiles.model import Metric, Profile, Table
from edge_agent.snmp import ber
from edge_agent.snmp.ber import Oid, Value, Varbind
from protocol import Sample

Index = tuple[int, ...]
Cell = tuple[int, Value]  # (tag, value)
Column = dict[Index, Cell]
Number = int | float

SYS_UPTIME = (1, 3, 6, 1, 2, 1, 1, 3, 0)
ALWAYS = frozenset({"sys_uptime_ticks", "if_counter_discontinuity_ticks"})
MAX_LABEL = 256


def column(root: Oid, varbinds: list[Varbind]) -> Column:
    """Rows of one walked column keyed by index (the OID suffix after `root`)."""
    cut = len(root)
    return {oid[cut:]: (tag, value) for oid, tag, value in varbinds if oid[:cut] == root}


def text(tag: int, value: Value) -> str:
    """A varbind value as label/fact text (IP addresses dotted, OIDs dotted)."""
    if isinstance(value, bytes):
        if tag == ber.IP_ADDRESS and len(value) == 4:
            return ".".join(map(str, value))
        return value.decode("utf-8", "replace").rstrip("\x00").strip()[:MAX_LABEL]
    if isinstance(value, tuple):
        return ber.oid_str(value)
    return "" if value is None else str(value)


def number(tag: int, value: Value) -> Number | None:
    """A numeric varbind value; numeric strings (UCD laLoad style) are parsed."""
    if tag in ber.EXCEPTIONS or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, bytes):
        try:
            return float(value.decode("ascii").strip())
        except (UnicodeDecodeError, ValueError):
            return None
    return None


def _skipped(metric: Metric, tag: int, value: Value) -> bool:
    if not metric.skip:
        return False
    return value in metric.skip or text(tag, value) in metric.skip


def scale(metric: Metric, raw: Number, factor: Number | None = None, exponent: int = 0) -> Number:
    """Apply the profile's scaling to a gauge; counters stay raw for the hub's rates.

    `factor` comes from the row's `multiply_by_column`, `exponent` (a power of ten) from
    its scale and precision columns."""
    if metric.kind == "counter":
        return raw
    if metric.value_map:
        mapped = dict(metric.value_map).get(int(raw), 0)  # unlisted: 0, unknown
        return int(mapped) if float(mapped).is_integer() else mapped
    value: Number = raw
    if factor is not None:
        value *= factor
    if metric.multiplier is not None:
        whole = float(metric.multiplier).is_integer()  # keep integers exact (x1024 KB)
        value *= int(metric.multiplier) if whole else metric.multiplier
    if metric.divisor is not None:
        value /= metric.divisor
    # Dividing by an exact power of ten keeps 229 / 10 at 22.9 (x 0.1 would not).
    if exponent > 0:
        value *= 10**exponent
    elif exponent < 0:
        value /= 10**-exponent
    return value


# Unit of the scaled value -> milliwatts per unit.
_MILLIWATTS = {"watts_to_dbm": 1000.0, "milliwatts_to_dbm": 1.0}


def converted(metric: Metric, value: Number) -> Number | None:
    """The scaled value in the metric's target unit; None when it has no such value.

    A power level becomes dBm, rounded to 0.01 dB (what optics report); zero or a
    negative level has no dBm value (no light), so no sample is sent."""
    if metric.convert is None:
        return value
    milliwatts = value * _MILLIWATTS[metric.convert]
    if milliwatts <= 0:
        return None
    return round(10 * math.log10(milliwatts), 2) + 0.0  # + 0.0: no -0.0 for 0.999 mW


def _sample(
    metric: Metric, device: str, value: Number, labels: dict[str, str], ts: datetime
) -> Sample:
    return Sample(
        device=device, metric=metric.name, labels=labels, value=value, kind=metric.kind,
        ts=ts, unit=metric.unit,
    )


def scalar_samples(
    metrics: Collection[Metric], values: Mapping[Oid, Cell], device: str, ts: datetime
) -> list[Sample]:
    """Samples for scalar metrics from a GET result."""
    out: list[Sample] = []
    for metric in metrics:
        tag, value = values.get(metric.oid, (ber.NO_SUCH_OBJECT, None))
        raw = number(tag, value)
        if raw is None or _skipped(metric, tag, value):
            continue
        final = converted(metric, scale(metric, raw))
        if final is not None:
            out.append(_sample(metric, device, final, {}, ts))
    return out


def _extract(pattern: str | None, value: str) -> str | None:
    if pattern is None:
        return value
    found = re.search(pattern, value)
    if found is None:
        return None
    return found.group(1) if found.re.groups else found.group(0)


def _labels(table: Table, index: Index, columns: Mapping[Oid, Column]) -> dict[str, str]:
    labels = {table.index_label: ".".join(map(str, index))}
    for label in table.labels:
        cell = columns.get(label.oid, {}).get(index)
        if cell is not None and cell[0] not in ber.EXCEPTIONS:
            value = _extract(label.regex, text(*cell))
            if value is not None:
                labels[label.name] = value
    return labels


def _cell_number(columns: Mapping[Oid, Column], oid: Oid | None, index: Index) -> Number | None:
    cell = columns.get(oid, {}).get(index) if oid is not None else None
    return number(*cell) if cell is not None else None


def _row_exponent(metric: Metric, index: Index, columns: Mapping[Oid, Column]) -> int | None:
    """Power of ten from the row's scale and precision columns (None: one is missing)."""
    exponent = 0
    if metric.scale_column is not None:
        code = _cell_number(columns, metric.scale_column, index)
        if code is None:
            return None
        exponent += 3 * (int(code) - 9)  # SI prefix code: 9 units, 8 milli, 10 kilo
    if metric.precision_column is not None:
        places = _cell_number(columns, metric.precision_column, index)
        if places is None:
            return None
        exponent -= int(places)
    return exponent


def _metric_rows(metric: Metric, columns: Mapping[Oid, Column]) -> dict[Index, Number]:
    rows: dict[Index, Number] = {}
    for index, (tag, value) in columns.get(metric.oid, {}).items():
        raw = number(tag, value)
        if raw is None or _skipped(metric, tag, value):
            continue
        factor = _cell_number(columns, metric.multiply_by_column, index)
        exponent = _row_exponent(metric, index, columns)
        if (metric.multiply_by_column and factor is None) or exponent is None:
            continue
        final = converted(metric, scale(metric, raw, factor, exponent))
        if final is not None:
            rows[index] = final
    return rows


def _row_selected(table: Table, index: Index, columns: Mapping[Oid, Column]) -> bool:
    """The table's `where`: the row's column holds the wanted value (rows without it go)."""
    if table.where is None:
        return True
    oid, wanted = table.where
    cell = columns.get(oid, {}).get(index)
    if cell is None or cell[0] in ber.EXCEPTIONS:
        return False
    return cell[1] == wanted or text(*cell) == str(wanted)


def _row_allowed(table: Table, labels: dict[str, str]) -> bool:
    if table.row_filter is None:
        return True
    label, pattern = table.row_filter
    return label in labels and re.search(pattern, labels[label]) is not None


def table_samples(
    table: Table, columns: Mapping[Oid, Column], device: str, ts: datetime,
    wanted: Collection[str] | None = None,
) -> list[Sample]:
    """Samples of one table: a sample per (metric, row), metrics in profile order."""
    selected = {i for m in table.metrics for i in columns.get(m.oid, {})
                if _row_selected(table, i, columns)}
    rows = {
        m.name: {i: v for i, v in _metric_rows(m, columns).items() if i in selected}
        for m in table.metrics
    }
    labels: dict[Index, dict[str, str]] = {}
    out: list[Sample] = []
    for metric in table.metrics:
        if wanted is not None and metric.name not in wanted and metric.name not in ALWAYS:
            continue
        present = rows.get(metric.only_without or "", {})
        for index in sorted(rows[metric.name]):
            if metric.only_without and index in present:
                continue
            if index not in labels:
                labels[index] = _labels(table, index, columns)
            row_labels = labels[index]
            if _row_allowed(table, row_labels):
                out.append(_sample(metric, device, rows[metric.name][index], row_labels, ts))
    return out


def profile_samples(
    profile: Profile, scalars: Mapping[Oid, Cell], columns: Mapping[Oid, Column],
    device: str, ts: datetime, wanted: Collection[str] | None = None,
) -> list[Sample]:
    """Every sample of a poll: scalars first, then each table in profile order."""
    chosen = [
        m for m in profile.scalars if wanted is None or m.name in wanted or m.name in ALWAYS
    ]
    out = scalar_samples(chosen, scalars, device, ts)
    for table in profile.tables:
        out.extend(table_samples(table, columns, device, ts, wanted))
    return out
