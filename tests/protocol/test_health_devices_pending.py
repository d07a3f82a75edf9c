"""``AgentHealth.devices_pending`` (optional, 1.3): the devices a (re)started agent has not
finished a poll of yet, so the hub leaves their state alone instead of calling them up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from protocol import EXAMPLES, AgentHealth, DecodeReason, ProtocolError, decode, encode

SCHEMA = Path(__file__).resolve().parents[2] / "protocol" / "schema" / "health.schema.json"


def health(**changes: Any) -> dict[str, Any]:
    """The health example as a JSON document, with changes."""
    document: dict[str, Any] = json.loads(encode(EXAMPLES["health"]))
    document.update(changes)
    return document


def test_pending_devices_round_trip() -> None:
    document = health(devices_pending=["core-sw-01", "lag-acc-09"])
    message = decode(json.dumps(document).encode())
    assert isinstance(message, AgentHealth)
    assert message.devices_pending == ["core-sw-01", "lag-acc-09"]
    assert decode(encode(message)) == message


def test_left_out_when_none_so_older_readers_see_the_message_they_know() -> None:
    message = EXAMPLES["health"]
    assert isinstance(message, AgentHealth) and message.devices_pending is None
    assert "devices_pending" not in json.loads(encode(message))
    for version in ("1.2", "1.3"):  # a 1.2 agent, a 1.3 agent from before the field
        document = health(v=version)
        if version == "1.2":
            del document["events"]
        decoded = decode(json.dumps(document).encode())
        assert isinstance(decoded, AgentHealth) and decoded.devices_pending is None


@pytest.mark.parametrize("pending, why", [
    (["a"] * 15, "more devices than devices_total"),  # the example has 14 devices
    ([""], "an empty device id"),
    (["x" * 129], "a device id over 128 characters"),
    ("core-sw-01", "a string, not a list"),
])
def test_invalid_pending_lists_are_refused(pending: object, why: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode(json.dumps(health(devices_pending=pending)).encode())
    assert caught.value.reason is DecodeReason.SCHEMA_VIOLATION, why


def test_the_published_schema_lists_the_field_as_optional() -> None:
    schema = json.loads(SCHEMA.read_text())
    assert "devices_pending" in schema["properties"]
    assert "devices_pending" not in schema["required"]
    assert "Since 1.3" in schema["properties"]["devices_pending"]["description"]
