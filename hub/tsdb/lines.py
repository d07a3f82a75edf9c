"""Pure formatting of samples as InfluxDB line protocol (no I/O, tested directly).

One measurement per metric name with one field `value` (VictoriaMetrics names the series
`<metric>_value`); tenant, site, agent and device are tags, sample labels become tags too.
A sample label named like one of our own tags is renamed `label_<key>` so an agent can
never move its data into another tenant's series.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

RESERVED_TAGS = ("tenant", "site", "agent", "device")
FIELD = "value"


@dataclass(frozen=True, slots=True)
class SeriesTags:
    """The identity tags every point of one agent's message carries (from the registry)."""

    tenant: str
    site: str
    agent: str


@dataclass(frozen=True, slots=True)
class Point:
    """One sample ready for the store."""

    metric: str
    tags: SeriesTags
    device: str
    labels: Mapping[str, str]
    value: float
    ts: datetime


def _escape_tag(text: str) -> str:
    # Line protocol: commas, equals signs and spaces are escaped in tag keys and values.
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")
            .replace(" ", "\\ ").replace("\n", "\\n"))


def _tag_pairs(point: Point) -> list[tuple[str, str]]:
    pairs = [("tenant", point.tags.tenant), ("site", point.tags.site),
             ("agent", point.tags.agent), ("device", point.device)]
    for key, value in point.labels.items():
        if value == "":
            continue  # an empty tag value is invalid line protocol
        pairs.append((f"label_{key}" if key in RESERVED_TAGS else key, value))
    return sorted(pairs)


def format_line(point: Point) -> str:
    """One line: `metric,tag=v,... value=<float> <ms>` (millisecond precision)."""
    tags = ",".join(f"{_escape_tag(k)}={_escape_tag(v)}" for k, v in _tag_pairs(point))
    millis = int(point.ts.timestamp() * 1000)
    # Always a float field: InfluxDB refuses a field that changes type between int and float.
    return f"{_escape_tag(point.metric)},{tags} {FIELD}={float(point.value)!r} {millis}"


def format_lines(points: Iterable[Point]) -> str:
    """The request body for a batch of points."""
    return "\n".join(format_line(p) for p in points)
