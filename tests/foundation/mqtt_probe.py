"""A blocking MQTT v5 client for tests that must see PUBACK/SUBACK reason codes.

aiomqtt 2.x drops the PUBACK reason code, so broker-policy tests use paho directly.
"""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.reasoncodes import ReasonCode


@dataclass
class Probe:
    """A connected MQTT v5 client that records acks and received messages."""

    client: mqtt.Client
    acks: dict[int, ReasonCode] = field(default_factory=dict)
    subacks: dict[int, list[ReasonCode]] = field(default_factory=dict)
    inbox: queue.Queue[tuple[str, bytes]] = field(default_factory=queue.Queue)

    def publish(self, topic: str, payload: bytes, timeout: float = 5.0) -> ReasonCode:
        """Publish QoS 1 and return the broker's PUBACK reason code."""
        info = self.client.publish(topic, payload, qos=1)
        return self._wait(lambda: self.acks.get(info.mid), timeout, f"PUBACK for {topic}")

    def publish_many(self, topic: str, payloads: list[bytes], timeout: float = 30.0) -> list[int]:
        """Publish QoS 1 without waiting in between; return every PUBACK reason code in order."""
        mids = [self.client.publish(topic, p, qos=1).mid for p in payloads]
        self._wait(lambda: True if all(m in self.acks for m in mids) else None, timeout, "PUBACKs")
        return [self.acks[m].value for m in mids]

    def subscribe(self, topic: str, timeout: float = 5.0) -> ReasonCode:
        """Subscribe QoS 1 and return the SUBACK reason code of the filter."""
        _rc, mid = self.client.subscribe(topic, qos=1)
        codes = self._wait(lambda: self.subacks.get(mid), timeout, f"SUBACK for {topic}")
        return codes[0]

    def _wait(self, get: Any, timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = get()
            if value is not None:
                return value
            time.sleep(0.02)
        raise TimeoutError(what)

    def close(self) -> None:
        """Disconnect and stop the network thread."""
        self.client.disconnect()
        self.client.loop_stop()


def connect(port: int, username: str, password: str, client_id: str = "") -> Probe:
    """Connect with MQTT v5 and wait for a successful CONNACK."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5)
    client.username_pw_set(username, password)
    probe = Probe(client)
    connected: list[ReasonCode] = []
    client.on_connect = lambda _c, _u, _f, rc, _p: connected.append(rc)
    client.on_publish = lambda _c, _u, mid, rc, _p: probe.acks.__setitem__(mid, rc)
    client.on_subscribe = lambda _c, _u, mid, rcs, _p: probe.subacks.__setitem__(mid, list(rcs))
    client.on_message = lambda _c, _u, msg: probe.inbox.put((msg.topic, msg.payload))
    client.connect("127.0.0.1", port, keepalive=30)
    client.loop_start()
    probe._wait(lambda: connected[0] if connected else None, 5, "CONNACK")
    if connected[0].is_failure:
        probe.close()
        raise PermissionError(f"broker refused {username}: {connected[0]}")
    return probe
