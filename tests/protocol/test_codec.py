"""Round trips and rejections of protocol.codec."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from protocol import (
    EXAMPLES,
    MAX_MESSAGE_BYTES,
    MESSAGE_TYPES,
    AgentHealth,
    AgentState,
    DecodeReason,
    Envelope,
    JobRequest,
    ProtocolError,
    Sample,
    TelemetryBatch,
    decode,
    encode,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def wire(name: str) -> dict[str, Any]:
    """The example of type ``name`` as a mutable JSON document."""
    document: dict[str, Any] = json.loads(encode(EXAMPLES[name]))
    return document


def reason_of(payload: bytes | dict[str, Any], **kwargs: Any) -> ProtocolError:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    with pytest.raises(ProtocolError) as info:
        decode(data, **kwargs)
    return info.value


def batch(*values: int | float, kind: str = "counter") -> TelemetryBatch:
    samples = [
        Sample(device="r1", metric="if_hc_in_octets", value=v, kind=kind, ts=T0)  # type: ignore[arg-type]
        for v in values
    ]
    return TelemetryBatch(agent_id="pop-1", seq=1, ts=T0, samples=samples)


def test_examples_cover_every_type() -> None:
    assert set(EXAMPLES) == set(MESSAGE_TYPES)
    for name, message in EXAMPLES.items():
        assert message.type == name
        assert isinstance(message, MESSAGE_TYPES[name])


@pytest.mark.parametrize("name", sorted(MESSAGE_TYPES))
def test_round_trip_every_type(name: str) -> None:
    message = EXAMPLES[name]
    data = encode(message)
    assert decode(data) == message
    compact = json.dumps(json.loads(data), separators=(",", ":"), ensure_ascii=False)
    assert data == compact.encode()
    assert encode(decode(data)) == data


def test_big_counter_and_float_gauge_keep_their_types() -> None:
    message = batch(2**64 - 1, 0, -(2**63))
    gauges = batch(1.0, 0.1, -3.5e-7, kind="gauge")
    for original in (message, gauges):
        decoded = decode(encode(original))
        assert isinstance(decoded, TelemetryBatch)
        for got, want in zip(decoded.samples, original.samples, strict=True):
            assert got.value == want.value
            assert type(got.value) is type(want.value)
    assert b'"value":18446744073709551615' in encode(message)
    assert b'"value":1.0' in encode(gauges)


def test_timestamps_normalised_to_utc() -> None:
    plus_one = timezone(timedelta(hours=1))
    state = AgentState(
        agent_id="pop-1",
        seq=0,
        ts=datetime(2025, 3, 1, 13, 0, tzinfo=plus_one),
        state="online",
        agent_version="1",
        started_at=T0,
    )
    assert state.ts == T0
    assert state.ts.tzinfo is UTC
    assert b'"ts":"2025-03-01T12:00:00Z"' in encode(state)


def test_none_optionals_are_omitted_on_the_wire() -> None:
    state = AgentState(
        agent_id="pop-1", seq=0, ts=T0, state="offline", agent_version="1", started_at=T0
    )
    assert b"reason" not in encode(state)


def test_encode_refuses_oversize() -> None:
    huge = JobRequest.model_validate(
        {**wire("job_request"), "params": {"blob": "x" * MAX_MESSAGE_BYTES}}, strict=False
    )
    with pytest.raises(ProtocolError) as info:
        encode(huge)
    assert info.value.reason is DecodeReason.OVERSIZE


def test_encode_refuses_non_messages() -> None:
    with pytest.raises(TypeError):
        encode(Sample(device="r1", metric="m", value=1, kind="gauge", ts=T0))  # type: ignore[arg-type]


def test_oversize_is_checked_before_parsing() -> None:
    error = reason_of(b"\xff" + b"garbage" * (300 * 1024 // 7))
    assert error.reason is DecodeReason.OVERSIZE
    valid = encode(EXAMPLES["telemetry"])
    assert reason_of(valid, max_bytes=len(valid) - 1).reason is DecodeReason.OVERSIZE
    assert decode(valid, max_bytes=len(valid)) == EXAMPLES["telemetry"]


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"not json",
        b"\xff\xfe{}",
        b'{"type": "state"',
        b"[1, 2]",
        b'"state"',
        b"null",
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": 1e999}',
        b'{"type": "state", "type": "health"}',
        "{}".encode("utf-16"),
        b"[" * 100_000,
    ],
)
def test_not_json(payload: bytes) -> None:
    assert reason_of(payload).reason is DecodeReason.NOT_JSON


def test_lone_surrogate_is_not_json() -> None:
    document = wire("config_push")
    document["config"] = {"name": "\ud800"}
    assert reason_of(document).reason is DecodeReason.NOT_JSON


@pytest.mark.parametrize("kind", [None, "", "State", "telemetry_batch", 1, ["state"]])
def test_unknown_type(kind: object) -> None:
    document = wire("state")
    document["type"] = kind
    error = reason_of(document)
    assert error.reason is DecodeReason.UNKNOWN_TYPE
    assert error.path == "type"
    del document["type"]
    assert reason_of(document).reason is DecodeReason.UNKNOWN_TYPE


def test_expected_restricts_types() -> None:
    data = encode(EXAMPLES["health"])
    assert isinstance(decode(data, expected=AgentHealth), AgentHealth)
    assert isinstance(decode(data, expected=(AgentState, AgentHealth)), AgentHealth)
    assert decode(data, expected=Envelope) == EXAMPLES["health"]
    with pytest.raises(ProtocolError) as info:
        decode(data, expected=(AgentState, TelemetryBatch))
    assert info.value.reason is DecodeReason.UNKNOWN_TYPE


def set_path(document: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target: Any = document
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


@pytest.mark.parametrize(
    ("name", "path", "value", "expected_path"),
    [
        ("state", "seq", -1, "seq"),
        ("state", "seq", "5", "seq"),
        ("state", "ts", "2025-03-01T12:00:00", "ts"),
        ("state", "started_at", 1740830400, "started_at"),
        ("state", "agent_id", "Pop-1", "agent_id"),
        ("state", "state", "sleeping", "state"),
        ("state", "surprise", 1, "surprise"),
        ("telemetry", "samples.2.value", "NaN", "samples.2.value"),
        ("telemetry", "samples.1.value", 2**64, "samples.1.value"),
        ("telemetry", "samples.1.value", True, "samples.1.value"),
        ("telemetry", "samples.0.metric", "ifHCInOctets", "samples.0.metric"),
        ("telemetry", "samples.0.kind", "histogram", "samples.0.kind"),
        ("telemetry", "samples.0.labels", {"if-index": "1"}, "samples.0.labels.if-index.[key]"),
        ("telemetry", "samples", [], "samples"),
        ("health", "queue_depth", 1.5, "queue_depth"),
        ("health", "device_errors", {"r1": "Timed Out"}, "device_errors.r1"),
        ("inventory", "devices.0.interfaces.0.if_index", 0, "devices.0.interfaces.0.if_index"),
        ("inventory", "devices.0.interfaces.0.mac", "00-1E-49", "devices.0.interfaces.0.mac"),
        ("job_request", "job_id", "not-a-uuid", "job_id"),
        ("job_request", "dry_run", "yes", "dry_run"),
        ("job_request", "idempotency_key", "", "idempotency_key"),
        ("job_request", "params", {"enable_password": "x"}, "params"),
        ("job_request", "params", {"opts": [{"SNMP_Community": "x"}]}, "params"),
        ("job_request", "params", {"api_token": "x"}, "params"),
        ("job_progress", "percent", 101, "percent"),
        ("job_result", "error_code", "disk_full", "error_code"),
        ("job_result", "output", "x" * (256 * 1024 + 1), "output"),
        ("config_push", "config_version", 0, "config_version"),
    ],
)
def test_schema_violation_names_the_path(
    name: str, path: str, value: Any, expected_path: str
) -> None:
    document = wire(name)
    set_path(document, path, value)
    error = reason_of(document, max_bytes=1 << 20)
    assert error.reason is DecodeReason.SCHEMA_VIOLATION, error
    assert error.path == expected_path
    assert expected_path in str(error)


def test_naive_datetime_message() -> None:
    document = wire("state")
    document["ts"] = "2025-03-01T12:00:00"
    error = reason_of(document)
    assert "timezone" in error.detail


def test_secret_key_error_names_the_key() -> None:
    document = wire("job_request")
    document["params"] = {"auth": {"Enable_Secret": "x"}}
    error = reason_of(document)
    assert "auth.Enable_Secret" in error.detail


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"outcome": "succeeded"}, "no error_code"),
        ({"error_code": None}, "needs an error_code"),
        ({"finished_at": "2025-03-01T11:00:00Z"}, "before started_at"),
    ],
)
def test_job_result_consistency(changes: dict[str, Any], fragment: str) -> None:
    document = {**wire("job_result"), **changes}
    error = reason_of(document)
    assert error.reason is DecodeReason.SCHEMA_VIOLATION
    assert fragment in error.detail


def test_health_failing_cannot_exceed_total() -> None:
    document = {**wire("health"), "devices_failing": 15, "devices_total": 14}
    assert reason_of(document).reason is DecodeReason.SCHEMA_VIOLATION


def test_error_string_is_one_readable_line() -> None:
    document = wire("telemetry")
    document["samples"][3:] = [dict(document["samples"][0], value=float("nan"))]
    error = reason_of(json.dumps(document, allow_nan=True).encode())
    assert error.reason is DecodeReason.NOT_JSON
    text = str(ProtocolError(DecodeReason.SCHEMA_VIOLATION, "bad\nvalue", "samples.3.value"))
    assert "\n" not in text
    assert text.startswith("schema_violation at samples.3.value: bad value (hint: ")


def test_non_bytes_payload_is_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        decode("{}")  # type: ignore[arg-type]
