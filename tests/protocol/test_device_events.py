"""Device events (since 1.3): round trips, limits and hostile batches on ``up/events``."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from protocol import (
    EXAMPLES,
    MAX_MESSAGE_BYTES,
    AgentHealth,
    Channel,
    DecodeReason,
    DeviceEventBatch,
    EventRecord,
    ProtocolError,
    build,
    channel_for,
    decode,
    decode_for_topic,
    encode,
)
from protocol.messages import MAX_EVENTS, MAX_LABELS, MAX_RAW_CHARS

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def wire() -> dict[str, Any]:
    """The device_events example as a mutable JSON document."""
    document: dict[str, Any] = json.loads(encode(EXAMPLES["device_events"]))
    return document


def record(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "event_id": str(uuid.uuid4()), "event_type": "link_down", "severity": "major",
        "origin": "snmp_trap", "source": "192.0.2.7", "received_at": "2025-03-01T12:00:00Z"}
    return base | changes


def refusal(document: dict[str, Any]) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        decode(json.dumps(document).encode())
    return info.value


def test_example_round_trips_on_its_own_channel() -> None:
    example = EXAMPLES["device_events"]
    assert isinstance(example, DeviceEventBatch)
    assert channel_for(example) is Channel.EVENTS and Channel.EVENTS.value == "up/events"
    topic = build(example.agent_id, Channel.EVENTS)
    decoded = decode_for_topic(topic, encode(example))
    assert decoded == example
    assert isinstance(decoded, DeviceEventBatch)
    folded = decoded.events[1]
    assert folded.count == 3 and folded.last_received_at is not None
    assert folded.labels == {"neighbor": "196.223.14.1"}


def test_minimal_record_gets_its_defaults() -> None:
    document = wire() | {"events": [record()]}
    batch = decode(json.dumps(document).encode())
    assert isinstance(batch, DeviceEventBatch)
    event = batch.events[0]
    assert (event.count, event.raw, event.labels, event.rule) == (1, "", {}, None)
    assert event.device_id is None and event.device_time is None


def test_times_are_normalised_to_utc() -> None:
    lagos = timezone(timedelta(hours=1))
    event = EventRecord(event_id=uuid.uuid4(), event_type="cold_start", severity="info",
                        origin="syslog", source="2001:db8::5",
                        received_at=datetime(2025, 3, 1, 13, 0, tzinfo=lagos),
                        device_time=datetime(2025, 3, 1, 12, 59, tzinfo=lagos))
    assert event.received_at == T0 and event.received_at.tzinfo is UTC
    assert event.device_time is not None and event.device_time.tzinfo is UTC


def test_a_full_batch_at_the_limits_is_accepted_when_it_fits() -> None:
    events = [record(raw="x" * 200) for _ in range(MAX_EVENTS - 1)]
    events.append(record(raw="x" * MAX_RAW_CHARS, labels={f"l{i}": "v" * 256
                                                          for i in range(MAX_LABELS)}))
    document = wire() | {"events": events}
    payload = json.dumps(document, separators=(",", ":")).encode()
    assert len(payload) <= MAX_MESSAGE_BYTES
    batch = decode(payload)
    assert isinstance(batch, DeviceEventBatch) and len(batch.events) == MAX_EVENTS


def test_too_many_events_refused() -> None:
    error = refusal(wire() | {"events": [record() for _ in range(MAX_EVENTS + 1)]})
    assert error.reason is DecodeReason.SCHEMA_VIOLATION
    assert error.path == "events"


def test_empty_batch_refused() -> None:
    error = refusal(wire() | {"events": []})
    assert error.reason is DecodeReason.SCHEMA_VIOLATION and error.path == "events"


def test_duplicate_event_ids_in_one_batch_refused() -> None:
    twin = record()
    error = refusal(wire() | {"events": [twin, dict(twin)]})
    assert error.reason is DecodeReason.SCHEMA_VIOLATION
    assert "unique" in error.detail


def test_an_oversized_batch_is_refused_before_parsing() -> None:
    events = [record(raw="x" * MAX_RAW_CHARS,
                     labels={f"l{i}": "v" * 256 for i in range(MAX_LABELS)})
              for _ in range(MAX_EVENTS)]
    payload = json.dumps(wire() | {"events": events}).encode()
    with pytest.raises(ProtocolError) as info:
        decode(payload)
    assert info.value.reason is DecodeReason.OVERSIZE


@pytest.mark.parametrize(("field", "value", "path"), [
    ("event_type", "Link_Down", "events.0.event_type"),
    ("event_type", "link down", "events.0.event_type"),
    ("event_type", "l" * 65, "events.0.event_type"),
    ("event_type", "", "events.0.event_type"),
    ("event_type", 5, "events.0.event_type"),
    ("severity", "emergency", "events.0.severity"),
    ("origin", "netflow", "events.0.origin"),
    ("source", "not-an-address", "events.0.source"),
    ("source", "10.0.0.1:162", "events.0.source"),
    ("source", "", "events.0.source"),
    ("event_id", "not-a-uuid", "events.0.event_id"),
    ("count", 0, "events.0.count"),
    ("count", -3, "events.0.count"),
    ("count", "2", "events.0.count"),
    ("raw", "x" * (MAX_RAW_CHARS + 1), "events.0.raw"),
    ("labels", {f"l{i}": "v" for i in range(MAX_LABELS + 1)}, "events.0.labels"),
    ("labels", {"bad key": "v"}, "events.0.labels.bad key.[key]"),
    ("labels", {"ifIndex": "v" * 257}, "events.0.labels.ifIndex"),
    ("labels", {"ifIndex": 2}, "events.0.labels.ifIndex"),
    ("device_id", "", "events.0.device_id"),
    ("device_name", "n" * 257, "events.0.device_name"),
    ("received_at", "2025-03-01T12:00:00", "events.0.received_at"),
    ("device_time", "2025-03-01T12:00:00", "events.0.device_time"),
    ("last_received_at", "2025-03-01 12:00", "events.0.last_received_at"),
    ("received_at", 1740830400, "events.0.received_at"),
    ("extra", "field", "events.0.extra"),
])
def test_hostile_records_refused(field: str, value: Any, path: str) -> None:
    error = refusal(wire() | {"events": [record(**{field: value})]})
    assert error.reason is DecodeReason.SCHEMA_VIOLATION
    assert error.path == path


def test_wrong_type_on_the_events_channel_is_a_topic_mismatch() -> None:
    health = EXAMPLES["health"]
    with pytest.raises(ProtocolError) as info:
        decode_for_topic(build(health.agent_id, Channel.EVENTS), encode(health))
    assert info.value.reason is DecodeReason.TOPIC_MISMATCH
    events = EXAMPLES["device_events"]
    with pytest.raises(ProtocolError) as info:
        decode_for_topic(build(events.agent_id, Channel.TELEMETRY), encode(events))
    assert info.value.reason is DecodeReason.TOPIC_MISMATCH


def test_naive_datetimes_refused_in_python_too() -> None:
    with pytest.raises(ValueError, match="timezone"):
        EventRecord(event_id=uuid.uuid4(), event_type="link_up", severity="info",
                    origin="snmp_trap", source="192.0.2.1", received_at=datetime(2025, 3, 1))


@pytest.mark.parametrize(("field", "value"), [
    ("received", -1), ("accepted", 2**63), ("folded", "1"), ("dropped", 1.5), ("refused", None),
])
def test_hostile_event_counters_refused(field: str, value: Any) -> None:
    document: dict[str, Any] = json.loads(encode(EXAMPLES["health"]))
    document["events"][field] = value
    error = refusal(document)
    assert error.reason is DecodeReason.SCHEMA_VIOLATION
    assert error.path == f"events.{field}"


def test_event_counters_need_every_field() -> None:
    document: dict[str, Any] = json.loads(encode(EXAMPLES["health"]))
    del document["events"]["folded"]
    error = refusal(document)
    assert error.path == "events.folded"
    assert isinstance(EXAMPLES["health"], AgentHealth)
