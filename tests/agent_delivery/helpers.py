"""Test helpers: a hub-side MQTT subscriber, a fake clock, sample factories, waiting."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from protocol import AgentState, Message, ProtocolError, Sample, TelemetryBatch, decode_for_topic


def unique_id(prefix: str) -> str:
    """An agent id nobody else in this session uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Clock:
    """A settable epoch-seconds clock for the age bound."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def sample(device: str, value: int, metric: str = "if_hc_in_octets", **labels: str) -> Sample:
    """One counter sample."""
    return Sample(device=device, metric=metric, labels=labels, value=value, kind="counter",
                  ts=datetime.now(UTC))


@dataclass
class Received:
    """One message the hub got."""

    topic: str
    message: Message
    retain: bool


@dataclass
class Hub:
    """The hub's side: a paho MQTT v5 subscriber with a persistent session that reconnects
    by itself (paho's own loop), so it keeps receiving across broker restarts."""

    client: mqtt.Client
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    subscribed: threading.Event = field(default_factory=threading.Event)
    undecodable: list[str] = field(default_factory=list)

    def messages(self, kind: type | None = None) -> list[Received]:
        """Everything received so far (optionally of one message class)."""
        with self.lock:
            return [r for r in self.received if kind is None or isinstance(r.message, kind)]

    def telemetry_seqs(self) -> list[int]:
        """Seq of every telemetry batch received, duplicates included, in arrival order."""
        return [r.message.seq for r in self.messages(TelemetryBatch)]

    def states(self) -> list[AgentState]:
        """Every state message received."""
        return [r.message for r in self.messages(AgentState)]  # type: ignore[misc]

    def close(self) -> None:
        """Disconnect and stop paho's thread; every message must have been valid protocol."""
        self.client.disconnect()
        self.client.loop_stop()
        assert not self.undecodable, self.undecodable


def connect_hub(broker, topic_filter: str, client_id: str | None = None) -> Hub:  # type: ignore[no-untyped-def]
    """Subscribe as the hub (QoS 1, persistent session) and wait for the SUBACK."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id or unique_id("hub"),
                         protocol=mqtt.MQTTv5)
    client.username_pw_set(broker.hub.username, broker.hub.password)
    client.reconnect_delay_set(min_delay=0.1, max_delay=0.5)
    hub = Hub(client)

    def on_connect(c: mqtt.Client, _u: object, flags: mqtt.ConnectFlags, rc: object,
                   _p: object) -> None:
        if not flags.session_present:  # a resumed session keeps its subscription
            c.subscribe(topic_filter, qos=1)

    def on_message(_c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        try:
            decoded = decode_for_topic(msg.topic, msg.payload)
        except ProtocolError as exc:  # an exception here would kill paho's network thread
            hub.undecodable.append(f"{msg.topic}: {exc}")
            return
        with hub.lock:
            hub.received.append(Received(msg.topic, decoded, bool(msg.retain)))

    client.on_connect = on_connect
    client.on_subscribe = lambda *_args: hub.subscribed.set()
    client.on_message = on_message
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = 600
    # Never clean: paho's "clean on first connect only" also cleans its automatic reconnects,
    # which would lose what the broker queued for the hub during a restart.
    client.connect(broker.host, broker.port, keepalive=10, clean_start=False,
                   properties=properties)
    client.loop_start()
    if not hub.subscribed.wait(10):
        hub.close()
        raise TimeoutError(f"hub subscription to {topic_filter} not acknowledged")
    return hub


async def wait_for(check: Callable[[], bool], within_s: float, what: str) -> None:
    """Poll ``check`` on the event loop until true; fail the test naming ``what``."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out after {within_s}s waiting for {what}")


def first_occurrences(seqs: list[int]) -> list[int]:
    """Seqs in arrival order with redeliveries removed (what the hub's dedupe keeps)."""
    seen: set[int] = set()
    result = []
    for seq in seqs:
        if seq not in seen:
            seen.add(seq)
            result.append(seq)
    return result
