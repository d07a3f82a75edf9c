"""Typed, merged view of a firmware profile (what the poller reads, never YAML)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

from edge_agent.snmp.ber import Oid

Kind = Literal["counter", "gauge"]
Convert = Literal["watts_to_dbm", "milliwatts_to_dbm"]


@dataclass(frozen=True)
class Metric:
    """One polled value: a scalar instance or a table column."""

    name: str
    oid: Oid
    symbol: str
    kind: Kind
    unit: str | None = None
    bits: int | None = None
    divisor: float | None = None
    multiplier: float | None = None
    multiply_by_column: Oid | None = None
    # Enumerated vendor value -> normalized number (sorted pairs: hashable); unlisted -> 0.
    value_map: tuple[tuple[int, float], ...] = ()
    interval: int = 60
    skip: frozenset[int | str] = frozenset()
    only_without: str | None = None
    # Per-row scaling read from other columns of the same row (ENTITY-SENSOR style):
    # an SI prefix code (9 units, 8 milli, 10 kilo: x 1000^(code - 9)) and a count of
    # decimal places (/ 10^precision).
    scale_column: Oid | None = None
    precision_column: Oid | None = None
    # A power level converted to dBm after scaling (non-positive levels send nothing).
    convert: Convert | None = None

    def columns(self) -> tuple[Oid, ...]:
        """Every column this metric reads: its own and the ones that scale it."""
        extra = (self.multiply_by_column, self.scale_column, self.precision_column)
        return (self.oid, *(oid for oid in extra if oid is not None))


@dataclass(frozen=True)
class Label:
    """A label taken from a column that shares the table's index."""

    name: str
    oid: Oid
    symbol: str
    regex: str | None = None  # keep the first group (or the match); no match, no label


@dataclass(frozen=True)
class Table:
    """A conceptual table: its index label, label columns and metric columns."""

    name: str
    index_label: str
    labels: tuple[Label, ...]
    metrics: tuple[Metric, ...]
    row_filter: tuple[str, str] | None = None  # (label, regex): keep matching rows only
    where: tuple[Oid, int | str] | None = None  # (column, value): keep rows holding it

    def columns(self, metrics: Collection[Metric] | None = None) -> list[Oid]:
        """Columns to walk for `metrics` of this table (all of them by default)."""
        chosen = self.metrics if metrics is None else metrics
        oids = [label.oid for label in self.labels]
        if self.where is not None:
            oids.append(self.where[0])
        for metric in chosen:
            oids.extend(metric.columns())
        return oids


@dataclass(frozen=True)
class Source:
    """Where an inventory fact comes from: an instance, a column walk, or sysDescr."""

    oid: Oid | None = None
    walk: Oid | None = None
    where: tuple[Oid, int | str] | None = None
    sys_descr: str | None = None
    regex: str | None = None


@dataclass(frozen=True)
class InterfaceColumns:
    """IF-MIB columns behind `protocol.InterfaceFacts`."""

    name: Oid
    admin_status: Oid
    oper_status: Oid
    descr: Oid | None = None
    alias: Oid | None = None
    speed_mbps: Oid | None = None
    speed_bps: Oid | None = None
    mac: Oid | None = None


@dataclass(frozen=True)
class Inventory:
    """Sources of device facts, tried in order until one yields a value."""

    model: tuple[Source, ...] = ()
    serial: tuple[Source, ...] = ()
    version: tuple[Source, ...] = ()
    interfaces: InterfaceColumns | None = None


@dataclass(frozen=True)
class Check:
    """An snmpget detection check."""

    oid: str
    op: Literal["exists", "equals", "regex"]
    value: str | int | None = None


@dataclass(frozen=True)
class Rule:
    """One detection alternative: every present condition must hold, no exception may."""

    sys_object_id: tuple[str, ...] = ()
    sys_object_id_except: tuple[str, ...] = ()
    sys_descr: tuple[str, ...] = ()
    sys_descr_except: tuple[str, ...] = ()
    snmpget: tuple[Check, ...] = ()
    snmpget_except: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Detection:
    """How to recognise a device family."""

    vendor: str
    text: str
    priority: int
    rules: tuple[Rule, ...]
    fallback: bool = False


@dataclass(frozen=True)
class Profile:
    """A firmware profile with its `extends` chain already merged in."""

    name: str
    detection: Detection
    interval: int
    scalars: tuple[Metric, ...]
    tables: tuple[Table, ...]
    inventory: Inventory
    chain: tuple[str, ...] = field(default=())

    @property
    def vendor(self) -> str:
        """Vendor name from the detection file."""
        return self.detection.vendor

    def metrics(self) -> tuple[Metric, ...]:
        """Every metric of the profile (scalars first, then tables in order)."""
        return self.scalars + tuple(m for t in self.tables for m in t.metrics)

    def metric(self, name: str) -> Metric:
        """The metric called `name` (KeyError when the profile has none)."""
        for metric in self.metrics():
            if metric.name == name:
                return metric
        raise KeyError(f"profile {self.name} has no metric {name!r}")

    def intervals(self) -> dict[str, int]:
        """Metric name -> poll interval in seconds (for the scheduler)."""
        return {m.name: m.interval for m in self.metrics()}
