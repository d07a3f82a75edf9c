"""Pure formatting of samples as InfluxDB line protocol (no I/O, tested directly).

One measurement per metric name with one field `value` (VictoriaMetrics names the series
`<metric>_value`); tenant, site, agent and device are tags, sample labels become tags too.
A sample label named like one of our own tags is renamed `label_<key>` so an agent can
never move its data into another tenant's series; an agent label already named
`label_<key>` would then give a point the same tag twice (InfluxDB refuses the whole
write), so the renamed reserved one wins and the agent's own is dropped (`clashing_labels`
says which, so ingest can count them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

RESERVED_TAGS = ("tenant", "site", "agent", "device")
FIELD = "value"


class SeriesTags(NamedTuple):
    """The identity tags every point of one agent's message carries (from the registry)."""

    tenant: str
    site: str
    agent: str


class Point(NamedTuple):
    """One sample ready for the store (a NamedTuple: one per sample, cheap to make)."""

    metric: str
    tags: SeriesTags
    device: str
    labels: Mapping[str, str]
    value: float
    ts: datetime


# Line protocol: commas, equals signs and spaces are escaped in tag keys and values.
_ESCAPES = str.maketrans({"\\": "\\\\", ",": "\\,", "=": "\\=", " ": "\\ ", "\n": "\\n"})


def _escape_tag(text: str) -> str:
    return text.translate(_ESCAPES)


def clashing_labels(labels: Mapping[str, str]) -> list[str]:
    """Agent labels dropped because a renamed reserved label takes their tag key: a label
    `label_tenant` beside a label `tenant` (which becomes `label_tenant`)."""
    reserved = [key for key in RESERVED_TAGS if key in labels]  # 4 look-ups per sample
    return [f"label_{key}" for key in reserved if f"label_{key}" in labels] if reserved else []


def _tag_pairs(point: Point) -> list[tuple[str, str]]:
    pairs = [("tenant", point.tags.tenant), ("site", point.tags.site),
             ("agent", point.tags.agent), ("device", point.device)]
    dropped = clashing_labels(point.labels) if len(point.labels) > 1 else ()
    for key, value in point.labels.items():
        if value == "" or key in dropped:
            continue  # an empty tag value is invalid line protocol
        pairs.append((f"label_{key}" if key in RESERVED_TAGS else key, value))
    return sorted(pairs)


_PAIRS: dict[tuple[str, str], str] = {}  # `key=value`, escaped: values repeat a lot


def _pair(key: str, value: str) -> str:
    text = _PAIRS.get((key, value))
    if text is None:
        if len(_PAIRS) >= MAX_CACHED_SERIES:
            _PAIRS.clear()
        text = _PAIRS[(key, value)] = f"{_escape_tag(key)}={_escape_tag(value)}"
    return text


def _series(point: Point) -> str:
    tags = ",".join([_pair(k, v) for k, v in _tag_pairs(point)])
    return f"{_escape_tag(point.metric)},{tags} {FIELD}="


# Series repeat every poll: their escaped `metric,tags value=` head is formatted once.
_HEADS: dict[tuple[object, ...], str] = {}
MAX_CACHED_SERIES = 500_000


def _head(point: Point) -> str:
    key = (point.metric, point.tags, point.device, *point.labels.items())
    head = _HEADS.get(key)
    if head is None:
        if len(_HEADS) >= MAX_CACHED_SERIES:
            _HEADS.clear()
        head = _HEADS[key] = _series(point)
    return head


def format_line(point: Point) -> str:
    """One line: `metric,tag=v,... value=<float> <ms>` (millisecond precision)."""
    millis = int(point.ts.timestamp() * 1000)
    # Always a float field: InfluxDB refuses a field that changes type between int and float.
    return f"{_head(point)}{float(point.value)!r} {millis}"


def format_lines(points: Iterable[Point]) -> str:
    """The request body for a batch of points."""
    stamps: dict[datetime, int] = {}  # a batch has few distinct timestamps
    lines = []
    for point in points:
        millis = stamps.get(point.ts)
        if millis is None:
            millis = stamps[point.ts] = int(point.ts.timestamp() * 1000)
        lines.append(f"{_head(point)}{float(point.value)!r} {millis}")
    return "\n".join(lines)
