"""`PushedDevice.event_sources` (since 1.3): the extra addresses a device sends traps and
syslog from. Canonical IP text, at most 32, each once; left out of the document when empty
so a 1.2 agent, which refuses unknown fields, still reads every push that does not use it."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import pytest
from pydantic import ValidationError

from protocol.edge_config import (
    MAX_EVENT_SOURCES,
    ConfigDocumentError,
    ConfigErrorCode,
    EdgeConfig,
    PushedDevice,
    canonical_json,
    pack,
    unpack,
)
from tests.protocol.test_edge_config import _blob

# Every key a 1.2 PushedDevice has (extra="forbid" on the 1.2 agent refuses any other).
KEYS_OF_1_2 = {"id", "name", "host", "snmp_port", "ssh_port", "profile", "telemetry",
               "interval_s", "timeout_s", "retries", "maintenance", "snmp_credential",
               "ssh_credential"}
DEVICE_ID = uuid.UUID("0b9f7c8e-5a8e-4f55-9f57-3a3c2b1d0e01")


def _device(**more: Any) -> dict[str, Any]:
    return {"id": str(DEVICE_ID), "name": "core-rtr", "host": "192.0.2.1", **more}


def _unpack_json(document: dict[str, Any]) -> EdgeConfig:
    raw = json.dumps(document).encode()
    return unpack(_blob(raw), hashlib.sha256(raw).hexdigest())


def test_addresses_are_read_in_canonical_form_and_travel_packed() -> None:
    config = _unpack_json({"devices": [_device(event_sources=[
        " 10.255.0.1", "::ffff:10.255.0.2", "2001:DB8:0:0::1", "fe80::1"])]})
    (device,) = config.devices
    assert device.event_sources == ["10.255.0.1", "10.255.0.2", "2001:db8::1", "fe80::1"]
    blob, digest = pack(config)
    assert unpack(blob, digest) == config
    assert json.loads(canonical_json(config))["devices"][0]["event_sources"] == \
        device.event_sources


def test_a_device_without_event_sources_is_written_as_a_1_2_agent_reads_it() -> None:
    plain = EdgeConfig(devices=[PushedDevice(id=DEVICE_ID, name="core-rtr", host="192.0.2.1")])
    (written,) = json.loads(canonical_json(plain))["devices"]
    assert set(written) == KEYS_OF_1_2
    with_sources = plain.model_copy(update={"devices": [
        plain.devices[0].model_copy(update={"event_sources": ["10.255.0.1"]})]})
    (written,) = json.loads(canonical_json(with_sources))["devices"]
    assert set(written) == KEYS_OF_1_2 | {"event_sources"}
    # Old documents (no key) are read as "none".
    assert _unpack_json({"devices": [_device()]}).devices[0].event_sources == []


@pytest.mark.parametrize(("sources", "where", "why"), [
    (["lo0"], "devices.0.event_sources.0", "'lo0' is not an IP address"),
    (["10.0.0.0/24"], "devices.0.event_sources.0", "is not an IP address"),
    (["10.0.0.1", "::ffff:10.0.0.1"], "devices.0.event_sources",
     "10.0.0.1 listed more than once"),
    ([f"10.0.1.{n}" for n in range(MAX_EVENT_SOURCES + 1)], "devices.0.event_sources",
     "at most 32 items"),
    ("10.0.0.1", "devices.0.event_sources", "valid list"),
])
def test_a_push_with_bad_event_sources_is_refused_naming_the_field(
        sources: Any, where: str, why: str) -> None:
    with pytest.raises(ConfigDocumentError) as caught:
        _unpack_json({"devices": [_device(event_sources=sources)]})
    assert caught.value.code == ConfigErrorCode.INVALID
    assert caught.value.detail.startswith(f"{where}: "), caught.value.detail
    assert why in caught.value.detail


def test_thirty_two_distinct_addresses_pass_and_the_model_checks_on_construction() -> None:
    most = [f"2001:db8::{n + 1:x}" for n in range(MAX_EVENT_SOURCES)]
    device = PushedDevice(id=DEVICE_ID, name="r", host="h", event_sources=most)
    assert device.event_sources == most
    with pytest.raises(ValidationError, match="not an IP address"):
        PushedDevice(id=DEVICE_ID, name="r", host="h", event_sources=["router.example.net"])
