"""Version acceptance: every minor of major 1 up to the current one in, everything else out."""

from __future__ import annotations

import json
from typing import Any

import pytest

from protocol import (
    CURRENT_VERSION,
    EXAMPLES,
    MESSAGE_TYPES,
    SUPPORTED_VERSIONS,
    AgentHealth,
    AgentState,
    DecodeReason,
    ProtocolError,
    TelemetryBatch,
    decode,
    encode,
)


def as_v1_0(name: str) -> dict[str, Any]:
    """The example of ``name`` as a 1.0 sender would write it (no 1.1-only fields)."""
    document: dict[str, Any] = json.loads(encode(EXAMPLES[name]))
    document["v"] = "1.0"
    if name == "state":
        document.pop("reason", None)
    if name == "health":
        document.pop("devices_failing", None)
        document.pop("events", None)
    if name == "telemetry":
        for sample in document["samples"]:
            sample.pop("unit", None)
    if name == "job_request":
        document.pop("device_name", None)
    return document


def test_supported_versions() -> None:
    assert CURRENT_VERSION == "1.3"
    assert SUPPORTED_VERSIONS == ("1.3", "1.2", "1.1", "1.0")
    assert all(message.v == CURRENT_VERSION for message in EXAMPLES.values())


# Types added in 1.2 did not exist before (and config_push changed shape with them).
_SINCE_1_2 = {"config_push", "config_ack", "discovery_report"}
_SINCE_1_3 = {"device_events"}
_OLDER_TYPES = sorted(set(MESSAGE_TYPES) - _SINCE_1_2 - _SINCE_1_3)


@pytest.mark.parametrize("name", _OLDER_TYPES)
def test_previous_minor_accepted(name: str) -> None:
    message = decode(json.dumps(as_v1_0(name)).encode())
    assert type(message) is MESSAGE_TYPES[name]
    assert message.v == "1.0"
    # Apart from the version and the 1.1 additions, nothing changed.
    assert message.model_copy(update={"v": CURRENT_VERSION}) == EXAMPLES[name].model_copy(
        update=_v11_fields_cleared(name)
    )


def _v11_fields_cleared(name: str) -> dict[str, Any]:
    example = EXAMPLES[name]
    if isinstance(example, AgentState):
        return {"reason": None}
    if isinstance(example, AgentHealth):
        return {"devices_failing": None, "events": None}
    if isinstance(example, TelemetryBatch):
        return {"samples": [s.model_copy(update={"unit": None}) for s in example.samples]}
    return {}


def test_v1_0_messages_lack_the_new_fields() -> None:
    state = decode(json.dumps(as_v1_0("state")).encode())
    health = decode(json.dumps(as_v1_0("health")).encode())
    batch = decode(json.dumps(as_v1_0("telemetry")).encode())
    assert isinstance(state, AgentState) and state.reason is None
    assert isinstance(health, AgentHealth) and health.devices_failing is None
    assert isinstance(batch, TelemetryBatch)
    assert all(sample.unit is None for sample in batch.samples)


@pytest.mark.parametrize("version", ["1.4", "2.0", "0.9", "abc", "1", "1.1.0", "", " 1.1", 1.1, 1])
@pytest.mark.parametrize("name", sorted(MESSAGE_TYPES))
def test_other_versions_refused(name: str, version: object) -> None:
    document: dict[str, Any] = json.loads(encode(EXAMPLES[name]))
    document["v"] = version
    with pytest.raises(ProtocolError) as info:
        decode(json.dumps(document).encode())
    assert info.value.reason is DecodeReason.UNKNOWN_VERSION
    assert info.value.path == "v"


@pytest.mark.parametrize("name", sorted(MESSAGE_TYPES))
def test_missing_version_refused(name: str) -> None:
    document: dict[str, Any] = json.loads(encode(EXAMPLES[name]))
    del document["v"]
    with pytest.raises(ProtocolError) as info:
        decode(json.dumps(document).encode())
    assert info.value.reason is DecodeReason.UNKNOWN_VERSION


def test_unknown_type_is_reported_before_version() -> None:
    with pytest.raises(ProtocolError) as info:
        decode(b'{"type": "telemetry_v2", "v": "2.0"}')
    assert info.value.reason is DecodeReason.UNKNOWN_TYPE


@pytest.mark.parametrize("name", sorted(_SINCE_1_2 | _SINCE_1_3))
def test_new_types_validate_at_the_current_version(name: str) -> None:
    document: dict[str, Any] = json.loads(encode(EXAMPLES[name]))
    assert document["v"] == "1.3"
    assert decode(json.dumps(document).encode()) == EXAMPLES[name]


def test_a_1_2_health_message_lacks_the_event_counters() -> None:
    document: dict[str, Any] = json.loads(encode(EXAMPLES["health"]))
    document["v"] = "1.2"
    del document["events"]
    health = decode(json.dumps(document).encode())
    assert isinstance(health, AgentHealth)
    assert health.v == "1.2" and health.events is None
    assert health.devices_failing == 1  # the 1.1 addition is still there


def test_a_1_3_health_message_carries_the_event_counters() -> None:
    health = decode(encode(EXAMPLES["health"]))
    assert isinstance(health, AgentHealth) and health.events is not None
    assert health.events.received == 1843 and health.events.refused == 12
