"""The agent reads `event_sources` the hub pushes (protocol 1.3): they map senders to the
hub's device (id and label), win over those of the agent.yaml device it shadows, and a
push without them leaves the agent.yaml ones in place."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
import zlib

from edge_agent.config import DeviceConfig, PollingSection
from edge_agent.events import DeviceRef
from edge_agent.events.configured import source_map
from edge_agent.hub_config import to_devices
from protocol.edge_config import unpack

ROUTER = uuid.UUID("3c1d9a52-7e0b-4b8f-9a41-6f2e8d5c7b10")
SWITCH = uuid.UUID("3c1d9a52-7e0b-4b8f-9a41-6f2e8d5c7b11")


def _pushed(*devices: dict[str, object]) -> bytes:
    return json.dumps({"devices": list(devices)}).encode()


def _twin(name: str, host: str, *sources: str) -> DeviceConfig:
    return DeviceConfig.model_validate({"name": name, "host": host, "event_sources": list(sources),
                                        "snmp": {"community": "c"}})


def test_pushed_event_sources_map_senders_to_the_hub_device() -> None:
    raw = _pushed(
        {"id": str(ROUTER), "name": "core-rtr", "host": "192.0.2.1", "profile": "cisco_ios",
         "event_sources": ["10.255.0.1", "::ffff:10.255.0.2"]},
        {"id": str(SWITCH), "name": "access-sw", "host": "192.0.2.2", "profile": "cisco_ios"})
    config = unpack(base64.b64encode(zlib.compress(raw)).decode(),
                    hashlib.sha256(raw).hexdigest())
    twins = [_twin("core-rtr", "192.0.2.1", "10.255.9.9"),   # the hub's list wins
             _twin("access-sw", "192.0.2.2", "10.255.0.3")]  # none pushed: kept
    devices = to_devices(config, PollingSection(), twins)
    assert [d.event_sources for d in devices] == [("10.255.0.1", "10.255.0.2"), ("10.255.0.3",)]
    sources = source_map(devices, lambda d: d.profile)
    router = DeviceRef(str(ROUTER), "core-rtr", "cisco_ios")
    assert sources.device("10.255.0.1") == router
    assert sources.device("::ffff:10.255.0.2") == router
    assert sources.device("192.0.2.1") == router  # the polled host still maps
    assert sources.device("10.255.9.9") is None  # the shadowed agent.yaml list is replaced
    assert sources.device("10.255.0.3") == DeviceRef(str(SWITCH), "access-sw", "cisco_ios")
