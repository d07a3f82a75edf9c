"""The dispatcher's broker connection: the hub login, QoS 1, reconnect on the next publish.

It advertises a Maximum Packet Size like the ingest workers: it subscribes to nothing, but
nothing the broker might route to this login can then cost more than that.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from contextlib import AsyncExitStack

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from hub.jobs.settings import JobsSettings
from hub.settings import MAX_PACKET_SIZE


class MqttCommandPublisher:
    """Publishes commands with the dispatcher's broker login (`JobsSettings`)."""

    def __init__(self, host: str, port: int, username: str, password: str,
                 client_id: str, timeout_s: float = 10.0,
                 tls: ssl.SSLContext | None = None,
                 max_packet_size: int = MAX_PACKET_SIZE) -> None:
        self.host, self.port, self.username, self.password = host, port, username, password
        self.client_id, self.timeout_s, self.tls = client_id, timeout_s, tls
        self.max_packet_size = max_packet_size
        self._stack: AsyncExitStack | None = None
        self._client: aiomqtt.Client | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: JobsSettings, suffix: str) -> MqttCommandPublisher:
        """A publisher with the dispatcher's login; `suffix` makes its client id unique."""
        broker = settings.broker
        return cls(broker.address, broker.connect_port, settings.username,
                   settings.password.get_secret_value(), f"{settings.client_id}-{suffix}",
                   timeout_s=broker.timeout, tls=broker.tls_context(),
                   max_packet_size=broker.max_packet_size)

    async def publish(self, topic: str, payload: bytes) -> None:
        """QoS 1 publish; a broken connection is dropped so the next call reconnects."""
        async with self._lock:
            client = await self._connected()
            try:
                await asyncio.wait_for(client.publish(topic, payload, qos=1), self.timeout_s)
            except (aiomqtt.MqttError, TimeoutError):
                await self.close()
                raise

    async def _connected(self) -> aiomqtt.Client:
        if self._client is None:
            stack = AsyncExitStack()
            props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
            props.MaximumPacketSize = self.max_packet_size
            client = aiomqtt.Client(self.host, self.port, username=self.username,
                                    password=self.password or None, identifier=self.client_id,
                                    protocol=aiomqtt.ProtocolVersion.V5, properties=props,
                                    timeout=self.timeout_s, tls_context=self.tls)
            await stack.enter_async_context(client)
            self._stack, self._client = stack, client
        return self._client

    async def close(self) -> None:
        """Disconnect (errors while closing a dead connection are irrelevant)."""
        stack, self._stack, self._client = self._stack, None, None
        if stack is not None:
            with contextlib.suppress(Exception):
                await stack.aclose()
