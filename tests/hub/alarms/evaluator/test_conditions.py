"""The condition functions alone (pure: rows in, conditions out), for the cases the database
tests do not reach: hostile label text, memory pools, error shares, agent restarts, revoked
and offline agents, a broken uplink pattern."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hub.alarms.conditions import (
    AgentRow,
    DeviceRow,
    DropMark,
    GaugeRow,
    InterfaceRow,
    RollupRow,
    Snapshot,
    evaluate,
)
from hub.alarms.conditions.base import label
from hub.alarms.conditions.devices import memory_percent
from hub.alarms.rules import Rule, shipped_rules

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
TENANT, SITE, AGENT, DEVICE_ID = (uuid.uuid4() for _ in range(4))


def rule(key: str, **params: object) -> Rule:
    shipped = shipped_rules()[key]
    return Rule(key, shipped.source, True, shipped.severity, {**shipped.params, **params})


def device(**fields: object) -> DeviceRow:
    values: dict[str, object] = {"name": "sw1", "site_id": SITE, "agent_id": AGENT,
                                 "status": "up", "last_seen_at": NOW, "device_id": DEVICE_ID}
    values.update(fields)
    return DeviceRow(**values)  # type: ignore[arg-type]


def agent(**fields: object) -> AgentRow:
    values: dict[str, object] = {"agent_id": AGENT, "site_id": SITE, "name": "pop1-agent",
                                 "state": "online", "state_since": NOW - timedelta(hours=1),
                                 "last_seen_at": NOW, "health_ts": NOW, "lag_s": 0.5}
    values.update(fields)
    return AgentRow(**values)  # type: ignore[arg-type]


def test_a_label_inside_free_text_is_not_taken_for_the_real_one() -> None:
    assert label("ifAlias=,ifDescr=Gi0/1,ifIndex=3,ifName=Gi0/1", "ifIndex") == "3"
    assert label("ifAlias=x,ifIndex=9,ifDescr=Gi0/1,ifIndex=3,ifName=Gi0/1", "ifIndex") is None
    assert label("ifAlias=a,b", "ifName") is None


@pytest.mark.parametrize(("values", "percent"), [
    ({"mem_used_percent": 93.0}, 93.0),
    ({"mem_used_bytes": 30.0, "mem_free_bytes": 70.0}, 30.0),
    ({"mem_total_bytes": 200.0, "mem_free_bytes": 20.0}, 90.0),
    ({"mem_total_bytes": 400.0, "mem_used_bytes": 100.0}, 25.0),
])
def test_memory_percent_from_whatever_the_profile_sends(values: dict[str, float],
                                                        percent: float) -> None:
    rows = [GaugeRow("sw1", metric, "pool=main", value, NOW) for metric, value in values.items()]
    assert memory_percent(rows) == [("pool=main", percent, NOW)]
    assert memory_percent([GaugeRow("sw1", "mem_total_bytes", "", 10.0, NOW)]) == []


def test_error_share_needs_enough_errors_and_traffic_bounds_it() -> None:
    start = NOW - timedelta(minutes=2)
    snapshot = Snapshot(TENANT, devices=(device(),), rollups=(
        RollupRow("sw1", 1, start, in_errors=3),  # 3 errors on an idle port: noise
        RollupRow("sw1", 2, start, in_errors=500, in_octets=1_000_000_000),  # tiny share
        RollupRow("sw1", 3, start, in_errors=400, in_octets=1_000_000),  # >= 2.5 % of frames
    ))
    found = evaluate(snapshot, rule("interface.errors"), NOW)
    assert [c.if_index for c in found.active] == [3]
    assert found.active[0].at == start


def test_a_quiet_device_leaves_its_error_alarms_alone() -> None:
    quiet = device(last_seen_at=NOW - timedelta(hours=1))
    snapshot = Snapshot(TENANT, devices=(quiet,),
                        interfaces=(InterfaceRow("sw1", 4, "Gi0/4"),))
    found = evaluate(snapshot, rule("interface.errors"), NOW)
    assert found.active == [] and found.unknown == {f"interface.errors|{DEVICE_ID}|4"}


def test_unreachable_waits_for_its_polls_and_skips_disabled_devices() -> None:
    snapshot = Snapshot(TENANT, devices=(
        device(status="down", status_since=NOW - timedelta(seconds=100)),
        device(name="sw2", device_id=None, status="down",
               status_since=NOW - timedelta(hours=1), enabled=False)))
    found = evaluate(snapshot, rule("device.unreachable"), NOW)
    assert found.active == [] and found.unknown == {f"device.unreachable|{DEVICE_ID}|"}


def test_a_broken_uplink_pattern_leaves_the_customer_ports() -> None:
    snapshot = Snapshot(TENANT, devices=(device(),), bound_ports=frozenset({(DEVICE_ID, 1)}),
                        interfaces=(InterfaceRow("sw1", 1, "Gi0/1", oper_status="down",
                                                 updated_at=NOW),
                                    InterfaceRow("sw1", 2, "Gi0/2", alias="uplink",
                                                 oper_status="down", updated_at=NOW)))
    found = evaluate(snapshot, rule("interface.down", uplink_pattern="(unclosed"), NOW)
    assert [c.if_index for c in found.active] == [1]


def test_revoked_and_never_seen_agents_raise_nothing() -> None:
    snapshot = Snapshot(TENANT, agents=(
        agent(state="offline", state_since=NOW - timedelta(hours=1), revoked=True),
        agent(agent_id=uuid.uuid4(), state="unknown", last_seen_at=None)))
    assert evaluate(snapshot, rule("agent.offline"), NOW).active == []


def test_storm_drops_count_from_zero_after_a_restart() -> None:
    restarted = agent(state_since=NOW - timedelta(minutes=1), events_dropped=40)
    mark = DropMark(5000, (NOW - timedelta(hours=2)).isoformat(),
                    (NOW - timedelta(minutes=5)).isoformat())
    snapshot = Snapshot(TENANT, agents=(restarted,), drop_marks={AGENT: mark})
    [condition] = evaluate(snapshot, rule("agent.events_dropped"), NOW).active
    assert condition.details["new"] == 40


def test_ingest_lag_counts_only_agents_reporting_now() -> None:
    snapshot = Snapshot(TENANT, agents=(
        agent(lag_s=5.0),
        agent(agent_id=uuid.uuid4(), name="gone", state="offline", lag_s=900.0)))
    found = evaluate(snapshot, rule("hub.ingest_lag"), NOW)
    assert found.active == [] and "hub.ingest_lag|hub|" in found.ended
