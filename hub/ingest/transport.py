"""MQTT for ingest: paho-mqtt 2 with manual acknowledgement (the only MQTT code here).

paho is used instead of aiomqtt because aiomqtt 2.5 acknowledges QoS 1 messages itself
before the application has stored them. paho runs its network loop (and reconnects) in
its own thread and hands messages to the event loop; `ack` sends the PUBACK later.

The session is persistent (clean_start False + session expiry) and the subscription is
shared, so workers split the load and what arrives while a worker is away waits for it.
Receive Maximum bounds the unacknowledged messages the broker sends us: when storage is
down and nothing is acknowledged, the broker stops sending and holds the rest.
Maximum Packet Size bounds what one message may cost us: the broker drops a bigger one
(an agent's oversized publish) instead of sending it, and the session carries on.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from hub.settings import MAX_PACKET_SIZE

log = logging.getLogger("dotmac.hub.ingest.mqtt")

FAIL_LOG_EVERY_S = 60.0  # a repeated connect failure is logged again after this long


@dataclass(frozen=True, slots=True)
class Delivery:
    """One received message and what is needed to acknowledge it."""

    topic: str
    payload: bytes
    mid: int
    qos: int
    generation: int


@dataclass(frozen=True)
class MqttOptions:
    """Broker address, credentials and session parameters of one worker."""

    host: str
    port: int
    username: str
    password: str = field(repr=False)
    client_id: str
    subscription: str
    session_expiry_s: int = 3600
    receive_maximum: int = 100
    keepalive_s: int = 30
    tls: ssl.SSLContext | None = None  # verifying context; None: plain MQTT
    max_packet_size: int = MAX_PACKET_SIZE  # bytes; bigger messages the broker never sends


class MqttSource:
    """A persistent-session shared subscriber delivering into an asyncio queue."""

    def __init__(self, options: MqttOptions, loop: asyncio.AbstractEventLoop,
                 queue: asyncio.Queue[Delivery]) -> None:
        self.options, self._loop, self._queue = options, loop, queue
        self._generation = 0
        self._lock = threading.Lock()
        self.connected = threading.Event()
        self._last_failure = ("", 0.0)  # reason and time of the last connect failure logged
        self._client = self._build()

    def _build(self) -> mqtt.Client:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.options.client_id,
                             protocol=mqtt.MQTTv5, manual_ack=True)
        client.username_pw_set(self.options.username, self.options.password)
        if self.options.tls is not None:
            client.tls_set_context(self.options.tls)
        client.reconnect_delay_set(min_delay=1, max_delay=5)
        client.on_connect = self._on_connect
        client.on_connect_fail = self._on_connect_fail
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        return client

    def start(self) -> None:
        """Connect in the background; paho's thread keeps reconnecting until `stop`."""
        props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        props.SessionExpiryInterval = self.options.session_expiry_s
        props.ReceiveMaximum = self.options.receive_maximum
        props.MaximumPacketSize = self.options.max_packet_size
        # Never clean: paho would also clean its automatic reconnects and lose the
        # messages the broker kept for this worker.
        self._client.connect_async(self.options.host, self.options.port,
                                   keepalive=self.options.keepalive_s, clean_start=False,
                                   properties=props)
        self._client.loop_start()

    def stop(self) -> None:
        """Disconnect (the session and its unacknowledged messages stay at the broker)."""
        self._client.disconnect()
        self._client.loop_stop()

    def ack(self, delivery: Delivery) -> bool:
        """Send the PUBACK; False when the connection it came on is gone (the broker
        redelivers it on the new connection and the redelivery is acknowledged instead)."""
        with self._lock:
            if delivery.generation != self._generation or delivery.qos == 0:
                return False
            return self._client.ack(delivery.mid, delivery.qos) == mqtt.MQTT_ERR_SUCCESS

    def _on_connect(self, client: mqtt.Client, _u: Any, flags: mqtt.ConnectFlags,
                    reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.warning("ingest.mqtt.refused client_id=%s reason=%s", self.options.client_id,
                        reason)
            return
        with self._lock:
            self._generation += 1
        log.info("ingest.mqtt.connected client_id=%s session_present=%s",
                 self.options.client_id, flags.session_present)
        # Always (re)subscribe: Mosquitto 2.0 restores a persisted session after a broker
        # restart without its shared subscription (docs/ingest.md, known limits).
        client.subscribe(self.options.subscription, qos=1)
        self.connected.set()

    def _on_connect_fail(self, _c: mqtt.Client, _u: Any) -> None:
        # paho calls this inside its `except OSError` around the connect: the exception in
        # flight is the reason (refused, unreachable, certificate not trusted...).
        reason = repr(sys.exc_info()[1])
        now = time.monotonic()
        if reason == self._last_failure[0] and now - self._last_failure[1] < FAIL_LOG_EVERY_S:
            return  # paho retries every few seconds; say it again once a minute
        self._last_failure = (reason, now)
        log.warning("ingest.mqtt.connect_failed client_id=%s broker=%s:%d tls=%s reason=%s",
                    self.options.client_id, self.options.host, self.options.port,
                    self.options.tls is not None, reason)

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.connected.clear()
        log.warning("ingest.mqtt.disconnected client_id=%s reason=%s", self.options.client_id,
                    reason)

    def _on_message(self, _c: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        with self._lock:
            generation = self._generation
        delivery = Delivery(msg.topic, bytes(msg.payload), msg.mid, msg.qos, generation)
        # Any exception here would kill paho's network thread, so just hand it over.
        self._loop.call_soon_threadsafe(self._queue.put_nowait, delivery)
