"""Storm control: the first event of a key at once, its repeats folded into one follow-up
per window, per-source rate limits with counted drops, memory bounded under floods of
distinct events and spoofed sources."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime, timedelta

from edge_agent.events import (
    DeviceEvent,
    EventCatalog,
    Severity,
    StormControl,
    StormSettings,
    SyslogServer,
    SyslogSettings,
)
from tests.agent_events.conftest import source_map, wait_state
from tests.services._proc import free_port

T0 = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def event(source: str = "192.0.2.1", port: str = "Gi0/1", at: float = 0.0) -> DeviceEvent:
    """A link_down from `source` about `port`, received `at` seconds after T0."""
    return DeviceEvent("link_down", Severity.MAJOR, "snmp_trap", source,
                       T0 + timedelta(seconds=at), {"ifName": port})


def test_ten_thousand_identical_events_are_the_first_and_one_follow_up() -> None:
    storm = StormControl(StormSettings(rate_per_s=1, burst=1, window_s=2.0))
    assert storm.offer(event(), now=0.0)
    [first] = storm.due(now=0.0)  # no fold window to wait for: an alarm goes out at once
    assert (first.count, first.received_at, first.last_received_at) == (1, T0, None)
    for n in range(1, 10_000):
        assert storm.offer(event(at=n / 10_000), now=n / 10_000)
    assert storm.due(now=1.9) == [], "repeats wait for the window to close"
    [follow_up] = storm.due(now=2.0)
    assert follow_up.count == 9_999
    assert follow_up.received_at == T0 + timedelta(seconds=0.0001)  # the first repeat
    assert follow_up.last_received_at == T0 + timedelta(seconds=0.9999)
    health = storm.health()
    assert (health.accepted, health.folded, health.dropped) == (1, 9_999, 0)
    assert health.tracked_keys == 1, "the storm may go on: the next window is open"
    assert storm.due(now=4.0) == [] and storm.health().tracked_keys == 0


def test_a_key_seen_once_costs_one_message_and_is_due_at_once() -> None:
    storm = StormControl(StormSettings(window_s=2.0))
    assert storm.next_due() is None
    storm.offer(event(), now=5.0)
    assert storm.next_due() == 5.0, "due now, not after the window"
    [only] = storm.due(now=5.0)
    assert (only.count, only.last_received_at) == (1, None)
    assert storm.next_due() == 7.0  # only the window is left: it closes silently
    assert storm.due(now=7.0) == [] and storm.next_due() is None
    assert storm.health().tracked_keys == 0 and storm.flush() == []


def test_the_same_event_after_the_window_is_a_new_one() -> None:
    storm = StormControl(StormSettings(rate_per_s=1, burst=2, window_s=1.0))
    storm.offer(event(), now=0.0)
    assert [e.count for e in storm.due(now=1.0)] == [1]
    storm.offer(event(at=1.5), now=1.5)  # a new first: due at once, spends a token
    storm.offer(event(at=1.6), now=1.6)
    assert [(e.count, e.received_at) for e in storm.due(now=1.6)] == [
        (1, T0 + timedelta(seconds=1.5))]
    assert [(e.count, e.received_at) for e in storm.due(now=2.5)] == [
        (1, T0 + timedelta(seconds=1.6))]
    assert storm.health().accepted == 2 and storm.health().folded == 1


def test_a_continuous_storm_costs_one_follow_up_per_window_and_loses_no_count() -> None:
    storm = StormControl(StormSettings(rate_per_s=1, burst=1, window_s=2.0))
    out = []
    for n in range(100):  # ten per second for ten seconds
        assert storm.offer(event(at=n / 10), now=n / 10)
        out += storm.due(now=n / 10)
    out += storm.due(now=20.0)
    assert out[0].count == 1 and len(out) == 1 + 5
    assert sum(e.count for e in out) == 100
    assert [e.received_at for e in out] == sorted(e.received_at for e in out)
    assert storm.health().accepted == 1, "one token for the whole storm"


def test_a_repeat_after_an_unserved_window_closes_it_first() -> None:
    """`due()` late (a busy loop): a repeat arriving after the window's end does not join
    the old window; the old repeats leave as their follow-up and a new window starts."""
    storm = StormControl(StormSettings(window_s=2.0))
    storm.offer(event(at=0.0), now=0.0)
    storm.offer(event(at=0.5), now=0.5)
    storm.offer(event(at=2.5), now=2.5)
    assert [(e.count, e.received_at) for e in storm.due(now=2.5)] == [
        (1, T0), (1, T0 + timedelta(seconds=0.5))]
    [late] = storm.due(now=4.5)
    assert (late.count, late.received_at) == (1, T0 + timedelta(seconds=2.5))


def test_a_flapping_port_ends_on_its_last_state() -> None:
    """down, up, down within one window: the first of each is due at once, the repeated
    down follows at the window's end, so the hub's last word is the device's (down)."""
    storm = StormControl(StormSettings(window_s=2.0))
    up = DeviceEvent("link_up", Severity.INFO, "snmp_trap", "192.0.2.1",
                     T0 + timedelta(seconds=0.2), {"ifName": "Gi0/1"})
    storm.offer(event(at=0.0), now=0.0)
    storm.offer(up, now=0.2)
    storm.offer(event(at=0.4), now=0.4)
    assert [e.event_type for e in storm.due(now=0.4)] == ["link_down", "link_up"]
    [last] = storm.due(now=2.0)
    assert (last.event_type, last.count, last.received_at) == (
        "link_down", 1, T0 + timedelta(seconds=0.4))


def test_distinct_events_are_rate_limited_per_source_with_counted_drops() -> None:
    storm = StormControl(StormSettings(rate_per_s=10, burst=5, window_s=1.0))
    noisy = [storm.offer(event("192.0.2.1", f"ge-0/0/{n}"), now=0.0) for n in range(50)]
    quiet = [storm.offer(event("192.0.2.2", f"ge-0/0/{n}"), now=0.0) for n in range(3)]
    assert noisy.count(True) == 5 and quiet == [True] * 3
    health = storm.health()
    assert health.dropped == 45 and health.dropped_by_source == {"192.0.2.1": 45}
    # Tokens come back with time: 0.5 s at 10/s is 5 more.
    later = [storm.offer(event("192.0.2.1", f"xe-0/0/{n}"), now=0.5) for n in range(10)]
    assert later.count(True) == 5
    assert len(storm.due(now=0.5)) == 13  # every first event is due at once


def test_memory_stays_bounded_under_spoofed_sources() -> None:
    settings = StormSettings(rate_per_s=1, burst=3, window_s=60.0, max_keys=100,
                             max_sources=50)
    storm = StormControl(settings)
    released = 0
    for n in range(20_000):
        storm.offer(event(f"10.{n % 251}.{n // 251 % 251}.{n % 7}", f"p{n}"), now=n / 1000)
        if n % 1000 == 999:
            released += len(storm.due(now=n / 1000))
        health = storm.health()
        assert health.tracked_keys <= 100 and health.tracked_sources <= 50
    health = storm.health()
    assert len(health.dropped_by_source) <= settings.max_sources + 1
    assert health.evicted_keys > 0 and health.evicted_sources > 0
    # Every accepted event comes out at once; evicted windows lose nothing (no repeats).
    released += len(storm.flush())
    assert released + health.overflowed == health.accepted
    assert health.accepted + health.folded + health.dropped == 20_000


def test_released_events_waiting_for_due_are_capped() -> None:
    storm = StormControl(StormSettings(rate_per_s=1000, burst=1000, max_keys=10))
    for n in range(100):
        storm.offer(event(port=f"p{n}"), now=0.0)
    assert storm.health().overflowed == 90  # nobody called due(): the oldest waiting go
    assert storm.health().tracked_keys == 10
    assert [e.labels["ifName"] for e in storm.flush()] == [f"p{n}" for n in range(90, 100)]


async def test_a_tcp_flood_of_one_line_folds_end_to_end(catalog: EventCatalog) -> None:
    storm = StormControl(StormSettings(window_s=30.0))
    loop = asyncio.get_running_loop()
    settings = SyslogSettings("127.0.0.1", None, free_port())
    server = SyslogServer(settings, catalog, source_map("cisco_ios"),
                          lambda e: storm.offer(e, loop.time()))
    await server.start()
    try:
        line = b"<187>Mar  4 10:15:02 sw1 %LINK-3-UPDOWN: Interface Gi0/1, changed state to down\n"
        with socket.create_connection(("127.0.0.1", server.tcp_port or 0)) as sock:
            sock.sendall(line * 10_000)
        await wait_state(lambda: server.stats.received.get("tcp") == 10_000, "10,000 lines")
        first, folded = storm.flush()
        assert (first.event_type, first.count, first.labels) == (
            "link_down", 1, {"ifName": "Gi0/1"})
        assert (folded.event_type, folded.count, folded.labels) == (
            "link_down", 9_999, {"ifName": "Gi0/1"})
        assert storm.health().tracked_keys == 0
    finally:
        await server.close()


def test_a_folded_event_as_a_json_record() -> None:
    storm = StormControl(StormSettings(window_s=1.0))
    for n in range(3):
        storm.offer(event(at=n), now=0.0)
    first, folded = storm.due(now=1.0)
    assert (first.count, first.last_received_at) == (1, None)
    record = json.loads(json.dumps(folded.as_record()))
    assert record == {
        "event_type": "link_down", "severity": "major", "origin": "snmp_trap",
        "source": "192.0.2.1", "device_id": None, "device_name": None,
        "labels": {"ifName": "Gi0/1"}, "raw": "", "rule": None, "count": 2,
        "received_at": "2026-03-04T10:00:01+00:00", "device_time": None,
        "last_received_at": "2026-03-04T10:00:02+00:00"}
