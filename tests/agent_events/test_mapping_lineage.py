"""A device of a profile that extends another (juniper_mx extends juniper_junos, EdgeOS
extends linux) has its syslog read by its own patterns, then its parent's, then generic's,
before any other OS's: a line another OS happens to match too must not win over the
family's own reading."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml

import firmware_profiles
from edge_agent.events import DeviceRef, EventCatalog, load_catalog
from edge_agent.events.classify import syslog_event
from edge_agent.events.syslog_parse import parse_line

ROOT = firmware_profiles.root()
NOW = datetime(2026, 3, 4, 10, 20, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalog() -> EventCatalog:
    return load_catalog()


def _extending() -> list[tuple[str, str]]:
    pairs = []
    for name in firmware_profiles.names(ROOT):
        polling = ROOT / name / "polling.yaml"
        parent = (yaml.safe_load(polling.read_text()) or {}).get("extends") \
            if polling.exists() else None
        events = ROOT / str(parent) / "events.yaml"
        if parent and parent != "generic" and events.exists() \
                and (yaml.safe_load(events.read_text()) or {}).get("syslog"):
            pairs.append((name, parent))
    return pairs


def test_some_shipped_profile_extends_one_with_syslog_patterns() -> None:
    assert ("juniper_mx", "juniper_junos") in _extending()


def test_lineage_is_the_profile_its_parents_then_generic(catalog: EventCatalog) -> None:
    assert catalog.lineage("juniper_mx") == ["juniper_mx", "juniper_junos", "generic"]
    assert catalog.lineage(None) == ["generic"]
    assert catalog.lineage("generic") == ["generic"]


@pytest.mark.parametrize(("child", "parent"), _extending())
def test_a_child_device_reads_its_parents_lines_by_the_parents_patterns(
        catalog: EventCatalog, child: str, parent: str) -> None:
    patterns = yaml.safe_load((ROOT / parent / "events.yaml").read_text())["syslog"]
    device = DeviceRef("dev-1", "pop1-mx1", child)
    for pattern in patterns:
        line = f"<187>Mar  4 10:15:02 pop1-mx1 {pattern['sample']}"
        event = syslog_event(catalog, parse_line(line, NOW), "192.0.2.10", device, NOW)
        # The family's own pattern may read it first; never another OS's.
        assert str(event.rule).split(".")[0] in (child, parent), (
            f"{child} device: {pattern['name']!r} read by {event.rule}, not by {parent}")
        assert event.event_type == pattern["event"], (child, pattern["name"], event.rule)
