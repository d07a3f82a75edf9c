"""Analytics API over data stored by the real ingest pipeline.

An agent's messages go through Mosquitto to two ingest workers into PostgreSQL (and
VictoriaMetrics); the API's series, percentile, ranking, availability and health answers
are then checked against values computed here from what was sent.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest_asyncio

from protocol import AgentHealth, Channel, DeviceFacts, InterfaceFacts, Inventory, Sample
from protocol import TelemetryBatch as Batch
from tests.hub.harness import Account, Hub, drop_database, hub_settings, running_hub
from tests.hub.ingest.harness import (
    Publisher,
    Tenancy,
    aligned_start,
    make_workers,
    migrated_database,
    register_agent,
    token,
    wait_for,
)
from tests.services.mosquitto import Broker
from tests.services.postgres import Postgres
from tests.services.victoria import Victoria

# Two polls per 5-minute bucket: a 32-bit error counter read 300 s apart is refused as stale
# (protocol.counters DEFAULT_MAX_AGE_32_S), 150 s apart it is not.
POLLS, STEP_S, IFACES, SPEED = 49, 150, 3, 1_000_000_000


@dataclass
class Scenario:
    """What was sent, and who can read it."""

    owner: Account
    outsider: Account
    device: str
    spare: str
    start: datetime
    readings: list[tuple[datetime, dict[int, tuple[int, int, int]]]]


def _rate(poll: int, index: int) -> int:
    # Bytes per step that vary in a scrambled order, so p95 is not simply the last bucket.
    return 1_000_000 * index + (poll * 7919 % 23) * 40_000


def _readings(start: datetime) -> list[tuple[datetime, dict[int, tuple[int, int, int]]]]:
    values = {i: (5_000 * i, 9_000 * i, 0) for i in range(1, IFACES + 1)}
    out = []
    for poll in range(POLLS):
        if poll:
            values = {i: (v[0] + _rate(poll, i), v[1] + 3 * _rate(poll, i) // 2, v[2] + i)
                      for i, v in values.items()}
        out.append((start + timedelta(seconds=poll * STEP_S), dict(values)))
    return out


def _batch(agent: str, seq: int, device: str, ts: datetime,
           counters: dict[int, tuple[int, int, int]]) -> Batch:
    samples = []
    for index, (octets_in, octets_out, errors) in sorted(counters.items()):
        labels = {"ifIndex": str(index), "ifName": f"xe-{index}"}
        for metric, value in (("if_hc_in_octets", octets_in), ("if_hc_out_octets", octets_out),
                              ("if_in_errors", errors)):
            samples.append(Sample(device=device, metric=metric, value=value, kind="counter",
                                  ts=ts, labels=labels))
    return Batch(agent_id=agent, seq=seq, ts=ts, samples=samples)


def _inventory(agent: str, seq: int, devices: list[str]) -> Inventory:
    interfaces = [InterfaceFacts(if_index=i, name=f"xe-{i}", speed_bps=SPEED, admin_status="up",
                                 oper_status="up") for i in range(1, IFACES + 1)]
    facts = [DeviceFacts(device=d, address="192.0.2.20", profile="juniper_junos", sys_name=d,
                         vendor="Juniper", interfaces=interfaces) for d in devices]
    return Inventory(agent_id=agent, seq=seq, ts=datetime.now(UTC), devices=facts)


def _health(agent: str, seq: int, ts: datetime, errors: dict[str, str]) -> AgentHealth:
    return AgentHealth(agent_id=agent, seq=seq, ts=ts, queue_depth=seq, queue_bytes=100 * seq,
                       oldest_queued_age_s=1.5, dropped_samples=7, poll_duration_p50_s=0.2,
                       poll_duration_p95_s=0.9, devices_total=2, devices_failing=len(errors),
                       device_errors=errors, uptime_s=3600)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def hub(postgres: Postgres) -> AsyncIterator[Hub]:
    """The real API on a private migrated database that the workers also write."""
    url = migrated_database(postgres, "analytics")
    async with running_hub(hub_settings(url), migrate=False) as running:
        yield running
    drop_database(postgres.admin_dsn, url.rsplit("/", 1)[1])


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def scenario(hub: Hub, mosquitto: Broker, victoria: Victoria) -> Scenario:
    """Publish inventory, 25 polls and two health reports through the real pipeline."""
    owner, outsider = await hub.new_tenant("an-a"), await hub.new_tenant("an-b")
    site = await hub.post(owner, "/sites", {"name": token("pop")})
    where = Tenancy(owner.tenant_id, uuid.UUID(site["id"]))
    agent, device, spare = token("agent"), token("mx"), token("mx")
    sessions = hub.app.state.sessions
    await register_agent(sessions, where, agent)
    publisher = Publisher(mosquitto, mosquitto.add_user(agent))
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"))
    await workers.start()
    start, stored = aligned_start(180), 0

    async def send(message: Any, channel: Channel) -> None:
        # One at a time, so each reading is rolled up in order and buckets are exact.
        nonlocal stored
        publisher.send(message, channel)
        stored += 1
        await wait_for(lambda: workers.counter("dotmac_ingest_messages_total",
                                               result="stored") >= stored, 20, f"message {stored}")

    try:
        await send(_inventory(agent, 1, [device, spare]), Channel.INVENTORY)
        readings = _readings(start)
        for seq, (ts, counters) in enumerate(readings, start=2):
            await send(_batch(agent, seq, device, ts, counters), Channel.TELEMETRY)
        await send(_health(agent, 100, start + timedelta(minutes=10), {device: "timeout"}),
                   Channel.HEALTH)
        await send(_health(agent, 101, start + timedelta(minutes=20), {}), Channel.HEALTH)
    finally:
        await workers.stop()
        publisher.close()
    return Scenario(owner, outsider, device, spare, start, readings)


def _expected_buckets(s: Scenario, index: int) -> dict[datetime, tuple[int, int, int]]:
    """Per bucket (the later reading's): in, out and error deltas."""
    out: dict[datetime, tuple[int, int, int]] = {}
    for (_, before), (ts, after) in zip(s.readings, s.readings[1:], strict=False):
        bucket = ts - timedelta(seconds=ts.timestamp() % 300)
        old = out.get(bucket, (0, 0, 0))
        out[bucket] = (old[0] + after[index][0] - before[index][0],
                       old[1] + after[index][1] - before[index][1],
                       old[2] + after[index][2] - before[index][2])
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def _window(start: datetime, end: datetime) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}


async def _get(hub: Hub, who: Account, path: str, **params: Any) -> Any:
    resp = await hub.client.get(path, params=params, headers=who.headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


async def test_traffic_series_equals_the_counters_sent(hub: Hub, scenario: Scenario) -> None:
    s = scenario
    end = s.start + timedelta(hours=3)
    body = await _get(hub, s.owner, f"/analytics/devices/{s.device}/interfaces/2/traffic",
                      **_window(s.start, end))
    expected = _expected_buckets(s, 2)
    assert [datetime.fromisoformat(p["ts"]) for p in body["points"]] == sorted(expected)
    for point in body["points"]:
        d_in, d_out, d_err = expected[datetime.fromisoformat(point["ts"])]
        assert point["in_bps"] == 8 * d_in / 300 and point["out_bps"] == 8 * d_out / 300
        assert point["in_errors"] == d_err > 0
        assert point["in_utilisation_pct"] == 100 * point["in_bps"] / SPEED
    assert body["speed_bps"] == SPEED and body["name"] == "xe-2"


async def test_p95_is_exact_over_full_and_partial_periods(hub: Hub, scenario: Scenario) -> None:
    s = scenario
    expected = _expected_buckets(s, 3)
    for first, last in ((0, 36), (5, 15)):
        start, end = s.start + timedelta(minutes=5 * first), s.start + timedelta(minutes=5 * last)
        inside = [v for ts, v in expected.items() if start <= ts < end]
        body = await _get(hub, s.owner, f"/analytics/devices/{s.device}/interfaces/3/p95",
                          **_window(start, end))
        p_in, p_out = _p95([8 * v[0] / 300 for v in inside]), _p95([8 * v[1] / 300 for v in inside])
        assert body["buckets"] == len(inside)
        assert (body["p95_in_bps"], body["p95_out_bps"]) == (p_in, p_out)
        assert body["billable_bps"] == max(p_in, p_out)
    assert len(expected) == 25 and sorted(expected)[0] == s.start


async def test_top_interfaces_rank_by_utilisation(hub: Hub, scenario: Scenario) -> None:
    s = scenario
    body = await _get(hub, s.owner, "/analytics/interfaces/top", limit="2",
                      **_window(s.start, s.start + timedelta(hours=3)))
    assert [(r["device"], r["if_index"]) for r in body["data"]] == [(s.device, 3), (s.device, 2)]
    outs = [8 * v[1] / 300 for v in _expected_buckets(s, 3).values()]
    top = body["data"][0]
    assert math.isclose(top["avg_out_bps"], sum(outs) / len(outs))
    assert math.isclose(top["utilisation_pct"], 100 * top["avg_out_bps"] / SPEED)


async def test_availability_from_health_transitions(hub: Hub, scenario: Scenario) -> None:
    s = scenario
    window = _window(s.start, s.start + timedelta(hours=1))
    devices = await _get(hub, s.owner, "/analytics/availability/devices", **window)
    by_name = {r["subject"]: r for r in devices["data"]}
    # Down at +10 min, up at +20 min; unknown before +10: 40 of 50 known minutes up.
    assert by_name[s.device]["known_s"] == 3000 and by_name[s.device]["up_s"] == 2400
    assert by_name[s.device]["availability_pct"] == 80.0
    assert by_name[s.spare]["availability_pct"] == 100.0
    sites = await _get(hub, s.owner, "/analytics/availability/sites", **window)
    assert [r["availability_pct"] for r in sites["data"]] == [90.0]


async def test_devices_and_agent_health(hub: Hub, scenario: Scenario) -> None:
    s = scenario
    listed = await _get(hub, s.owner, "/analytics/devices", limit="1")
    assert len(listed["data"]) == 1 and listed["next_cursor"]
    rest = await _get(hub, s.owner, "/analytics/devices", cursor=listed["next_cursor"])
    rows = {r["device"]: r for r in listed["data"] + rest["data"]}
    assert set(rows) == {s.device, s.spare} and rows[s.device]["status"] == "up"
    assert rows[s.device]["last_seen_at"] is not None
    health = (await _get(hub, s.owner, "/analytics/agents/health"))["data"]
    assert len(health) == 1 and health[0]["queue_depth"] == 101
    assert health[0]["dropped_samples"] == 7 and health[0]["lag_s"] > 3600
    assert health[0]["last_seen_at"] is not None


async def test_other_tenants_see_nothing(hub: Hub, scenario: Scenario) -> None:
    s, b = scenario, scenario.outsider
    for tail in ("traffic", "p95"):
        resp = await hub.client.get(f"/analytics/devices/{s.device}/interfaces/1/{tail}",
                                    headers=b.headers)
        assert resp.status_code == 404, resp.text
    window = _window(s.start, s.start + timedelta(hours=3))
    assert (await _get(hub, b, "/analytics/devices"))["data"] == []
    assert (await _get(hub, b, "/analytics/interfaces/top", **window))["data"] == []
    assert (await _get(hub, b, "/analytics/availability/devices", **window))["data"] == []
    assert (await _get(hub, b, "/analytics/agents/health"))["data"] == []


async def test_bad_periods_are_422(hub: Hub, scenario: Scenario) -> None:
    s, path = scenario, f"/analytics/devices/{scenario.device}/interfaces/1/traffic"
    bad = [_window(s.start, s.start + timedelta(days=32)),
           _window(s.start + timedelta(minutes=1), s.start + timedelta(hours=1)),
           _window(s.start, s.start), {"start": "2026-01-01T00:00:00"}]
    for params in bad:
        resp = await hub.client.get(path, params=params, headers=s.owner.headers)
        assert resp.status_code == 422, (params, resp.text)
        assert resp.json()["type"].endswith("/invalid-request")
    ok = await hub.client.get(path, params=_window(s.start, s.start + timedelta(days=31)),
                              headers=s.owner.headers)
    assert ok.status_code == 200
