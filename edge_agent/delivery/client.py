"""An aiomqtt client that reports the broker's PUBACK reason code.

aiomqtt 2.5's ``_on_publish`` ignores the reason code, so a refusal (135 Not authorized,
151 Quota exceeded, 153 Payload format invalid) would look like success and the agent
would delete data the broker threw away. :meth:`AckingClient.publish_acked` keeps one
future per message id, resolved with the PUBACK's reason code, and fails when the
connection drops first. It relies on aiomqtt internals (``_client``, ``_disconnected``,
``_loop``), pinned by ``aiomqtt>=2.3,<3`` and exercised by tests/agent_delivery.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiomqtt
import paho.mqtt.client as paho
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

__all__ = ["AckingClient"]


class AckingClient(aiomqtt.Client):
    """aiomqtt client whose QoS 1 publish returns the PUBACK reason code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._acks: dict[int, asyncio.Future[ReasonCode]] = {}

    def _on_publish(
        self,
        client: paho.Client,
        userdata: Any,
        mid: int,
        reason_code: ReasonCode,
        properties: Properties,
    ) -> None:
        waiter = self._acks.pop(mid, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(reason_code)
        super()._on_publish(client, userdata, mid, reason_code, properties)

    async def publish_acked(
        self, topic: str, payload: bytes, *, retain: bool = False, ack_wait_s: float = 30.0
    ) -> ReasonCode:
        """Publish QoS 1 and return the PUBACK reason code (``is_failure`` = refused).

        Raises ``aiomqtt.MqttError`` when the message cannot be sent, the connection is
        lost before the PUBACK, or no PUBACK arrives within ``ack_wait_s`` seconds.
        """
        info = self._client.publish(topic, payload, qos=1, retain=retain)
        if info.rc != paho.MQTT_ERR_SUCCESS:
            raise aiomqtt.MqttCodeError(info.rc, f"cannot publish to {topic}")
        waiter: asyncio.Future[ReasonCode] = self._loop.create_future()
        self._acks[info.mid] = waiter
        try:
            return await self._await_ack(waiter, ack_wait_s)
        finally:
            self._acks.pop(info.mid, None)

    async def _await_ack(self, waiter: asyncio.Future[ReasonCode], wait_s: float) -> ReasonCode:
        lost = self._disconnected
        watched: set[asyncio.Future[Any]] = {waiter, lost}
        done, _ = await asyncio.wait(watched, timeout=wait_s, return_when=asyncio.FIRST_COMPLETED)
        if waiter in done:
            return waiter.result()
        if lost in done:
            raise aiomqtt.MqttError("connection lost before PUBACK")
        raise aiomqtt.MqttError(f"no PUBACK within {wait_s:.0f}s")

    async def wait_disconnected(self) -> None:
        """Wait until the connection is gone, then raise ``MqttError`` saying why."""
        # shield: cancelling this waiter must not cancel aiomqtt's own future.
        lost = self._disconnected
        try:
            await asyncio.shield(lost)
        except aiomqtt.MqttError:
            raise
        except Exception as exc:  # paho socket errors (BrokenPipe...) land here too
            raise aiomqtt.MqttError(f"connection lost: {exc}") from exc
        raise aiomqtt.MqttError("disconnected")

    def disconnect_with_will(self) -> None:
        """Close abruptly but politely: MQTT v5 DISCONNECT reason 4 makes the broker send
        the Last Will, so a cancelled agent still shows up offline on the hub."""
        reason = ReasonCode(PacketTypes.DISCONNECT, "Disconnect with will message")
        self._client.disconnect(reasoncode=reason)
