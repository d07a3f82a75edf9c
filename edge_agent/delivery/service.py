"""The one place where the agent talks to the broker: connect, reconnect, publish, drain.

aiomqtt neither reconnects nor buffers; :class:`Delivery` does both. The queue is the
buffer: an item leaves it only after the broker's PUBACK accepted it *and* said somebody
(the hub's ingest) was subscribed, so a crash, a WAN outage, a broker restart or a hub
that is not subscribed yet at worst re-sends items (same seq, deduplicated by the hub),
never loses them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from pydantic import ValidationError

from edge_agent.delivery.backoff import Backoff
from edge_agent.delivery.client import AckingClient
from edge_agent.delivery.reports import (
    DeliveryMetrics,
    HealthSource,
    PollHealth,
    QueueHealth,
    build_health,
    build_state,
)
from edge_agent.delivery.settings import BrokerSettings, DeliverySettings
from edge_agent.queue import BatchQueue, QueuedItem, SeqCounter
from protocol import Channel, agent_command_filter, build, encode, validate_agent_id

__all__ = ["Delivery"]

log = logging.getLogger("edge_agent.delivery")

NO_MATCHING_SUBSCRIBERS = 16
NO_SUBSCRIBERS_FIX = ("the hub's ingest is not subscribed: is it running? (the items stay "
                      "queued and are retried with backoff)")
CommandHandler = Callable[[str, bytes], None]
Verdict = Literal["delivered", "refused", "unheard"]
CLOSING_TIMEOUT_S = 5.0


def _now() -> datetime:
    return datetime.now(UTC)


class Delivery:
    """Publishes the queue to the broker over a persistent MQTT v5 session.

    ``await run()`` until ``await stop()``; ``wake()`` after enqueueing cuts latency.
    ``metrics`` feeds ``status``/``doctor``.
    """

    def __init__(
        self,
        agent_id: str,
        broker: BrokerSettings,
        queue: BatchQueue,
        seq: SeqCounter,
        *,
        settings: DeliverySettings | None = None,
        health: HealthSource | None = None,
        started_at: datetime | None = None,
        rng: random.Random | None = None,
        on_command: CommandHandler | None = None,
        on_subscribed: Callable[[], None] | None = None,
    ) -> None:
        self.agent_id = validate_agent_id(agent_id)
        self.broker = broker
        self.settings = settings or DeliverySettings()
        self.metrics = DeliveryMetrics()
        self.started_at = started_at or _now()
        self._queue = queue
        self._seq = seq
        self._health = health
        self._on_command = on_command
        self._on_subscribed = on_subscribed  # after every (re)subscribe to cmd/#
        self._t0 = time.monotonic()
        s = self.settings
        self._backoff = Backoff(s.backoff_initial_s, s.backoff_cap_s, rng)
        self._refusal_backoff = Backoff(s.backoff_initial_s, s.backoff_cap_s, rng)
        # Every channel, not only "up": an item queued for a channel the broker ACL refuses
        # must be refused by the broker (counted, kept), not crash the publish loop.
        self._topics = {channel: build(agent_id, channel) for channel in Channel}
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._done = asyncio.Event()
        self._running = False
        self._drain_until = math.inf
        self._refusal_pending = False
        # One item in flight until a PUBACK shows the hub listens (each connection starts so,
        # and every "no matching subscribers" episode): whatever got 16 goes out again first,
        # so a subscriber that appears mid-window never sees newer items before older ones.
        self._probing = True
        self._unheard_since: float | None = None  # monotonic start of a no-subscriber episode

    # ---- lifecycle -------------------------------------------------------------------

    async def run(self) -> None:
        """Connect, publish and reconnect (backoff + full jitter) until :meth:`stop`."""
        self._running = True
        self._done.clear()
        try:
            while not self._stopping.is_set():
                await self._connect_once()
                if not self._stopping.is_set():
                    await self._pause(self._backoff.next())
        finally:
            self.metrics.connected = False
            self._running = False
            self._done.set()

    async def stop(self, deadline_s: float | None = None) -> None:
        """Flush what fits in ``deadline_s`` (default ``drain_deadline_s``), say offline,
        disconnect. Whatever is left stays in the queue for the next start."""
        deadline = self.settings.drain_deadline_s if deadline_s is None else deadline_s
        self._drain_until = time.monotonic() + deadline
        self._stopping.set()
        self._wake.set()
        if self._running:
            await self._done.wait()

    def wake(self) -> None:
        """Tell an idle publish loop that the queue has new items."""
        self._wake.set()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _past_deadline(self) -> bool:
        return self._stopping.is_set() and time.monotonic() >= self._drain_until

    # ---- connection ------------------------------------------------------------------

    async def _connect_once(self) -> None:
        try:
            client = await self._new_client()
            async with client:
                self._on_connected()
                try:
                    await self._session(client)
                except asyncio.CancelledError:
                    client.disconnect_with_will()
                    raise
        except aiomqtt.MqttError as exc:
            self._on_lost(exc)

    async def _new_client(self) -> AckingClient:
        b = self.broker
        death = build_state(self.agent_id, await self._seq.take(), _now(), self.started_at,
                            "offline", reason="lwt")
        will = aiomqtt.Will(self._topics[Channel.STATE], encode(death), qos=1, retain=True)
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = b.session_expiry_s
        tls = None
        if b.tls or b.tls_ca_file:
            ca = str(b.tls_ca_file) if b.tls_ca_file else None
            tls = aiomqtt.TLSParameters(ca_certs=ca)
        return AckingClient(
            b.host, b.port, username=b.username or self.agent_id, password=b.password,
            identifier=self.agent_id, protocol=aiomqtt.ProtocolVersion.V5, will=will,
            clean_start=False, properties=properties, keepalive=b.keepalive_s,
            timeout=b.connect_timeout_s, max_inflight_messages=self.settings.window,
            tls_params=tls,
        )

    def _on_connected(self) -> None:
        self.metrics.connected = True
        self.metrics.connects += 1
        self._backoff.reset()
        log.info("mqtt.connected host=%s port=%d client_id=%s",
                 self.broker.host, self.broker.port, self.agent_id)

    def _on_lost(self, exc: aiomqtt.MqttError) -> None:
        self.metrics.connected = False
        if self._stopping.is_set():
            return
        self.metrics.reconnects += 1
        self.metrics.last_connect_error = str(exc)
        log.warning("mqtt.connection_failed host=%s port=%d error=%r retry_ceiling_s=%.1f",
                    self.broker.host, self.broker.port, str(exc), self._backoff.ceiling())

    async def _session(self, client: AckingClient) -> None:
        await self._publish_state(client, "online", None)
        tasks = [
            asyncio.create_task(self._publish_loop(client)),
            asyncio.create_task(self._health_loop(client)),
            asyncio.create_task(client.wait_disconnected()),
        ]
        if self._on_command is not None:
            tasks.append(asyncio.create_task(self._command_loop(client, self._on_command)))
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for task in done:
            task.result()
        # The publish loop only returns once stopping: leave a clean "offline" behind.
        await self._publish_state(client, "offline", "shutdown", wait_s=CLOSING_TIMEOUT_S)

    # ---- publishing ------------------------------------------------------------------

    async def _publish_loop(self, client: AckingClient) -> None:
        inflight: dict[int, asyncio.Task[None]] = {}
        self._probing, self._refusal_pending = True, False
        try:
            while True:
                self._wake.clear()
                items = await self._queue.peek(1 if self._probing else self.settings.window)
                if self._stopping.is_set() and (not items or self._past_deadline()):
                    return
                for queued in items:
                    if queued.id not in inflight:
                        inflight[queued.id] = asyncio.create_task(
                            self._publish_item(client, queued)
                        )
                await self._wait_progress(inflight)
                _reap(inflight)
                if self._refusal_pending:
                    await _settle(inflight)
                    if self._stopping.is_set():
                        return
                    await self._pause(self._refusal_backoff.next())
                    self._refusal_pending = False
        finally:
            for task in inflight.values():
                task.cancel()
            await asyncio.gather(*inflight.values(), return_exceptions=True)

    async def _wait_progress(self, inflight: dict[int, asyncio.Task[None]]) -> None:
        timeout = self.settings.idle_poll_s
        if self._stopping.is_set():
            timeout = max(0.0, min(timeout, self._drain_until - time.monotonic()))
        wake = asyncio.create_task(self._wake.wait())
        try:
            await asyncio.wait(
                {wake, *inflight.values()}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            wake.cancel()

    async def _publish_item(self, client: AckingClient, queued: QueuedItem) -> None:
        item = queued.item
        code = await client.publish_acked(
            self._topics[item.channel], item.payload, retain=item.channel.retained,
            ack_wait_s=self.settings.publish_timeout_s,
        )
        verdict = self._verdict(code, item.channel, item.seq)
        if verdict != "unheard":
            self._probing = False  # the broker routes; a refusal must not block the queue
        if verdict != "delivered":
            self._refusal_pending = True
            return
        await self._queue.ack([queued.id])
        self.metrics.published += 1
        self._heard()
        if not self._refusal_pending:
            self._refusal_backoff.reset()

    def _verdict(self, code: ReasonCode, channel: Channel, seq: int) -> Verdict:
        """What a PUBACK means for the item: delivered (ack it), refused or unheard (keep)."""
        if code.is_failure:
            self.metrics.refused[code.value] += 1
            log.error(
                "mqtt.refused topic=%s seq=%d reason_code=%d reason=%r fix=%r",
                self._topics[channel], seq, code.value, str(code),
                "check the broker ACL/quota for this agent; the item stays queued",
            )
            return "refused"
        if code.value != NO_MATCHING_SUBSCRIBERS:
            return "delivered"
        self.metrics.no_subscribers += 1
        if channel.retained:
            return "delivered"  # kept by the broker for whoever subscribes later
        self._unheard(channel, seq)
        return "unheard"

    def _unheard(self, channel: Channel, seq: int) -> None:
        """Nobody got a queued item (the broker dropped it): keep it, log once per episode."""
        self._probing = True
        self.metrics.held_no_subscribers += 1
        if self._unheard_since is not None:
            return
        self._unheard_since = time.monotonic()
        self.metrics.waiting_for_subscribers = True
        log.warning("mqtt.no_subscribers topic=%s seq=%d reason_code=%d fix=%r",
                    self._topics[channel], seq, NO_MATCHING_SUBSCRIBERS, NO_SUBSCRIBERS_FIX)

    def _heard(self) -> None:
        """A queued item reached a subscriber: a no-subscriber episode, if any, is over."""
        if self._unheard_since is None:
            return
        log.info("mqtt.subscribers_back waited_s=%.1f held_total=%d",
                 time.monotonic() - self._unheard_since, self.metrics.held_no_subscribers)
        self._unheard_since = None
        self.metrics.waiting_for_subscribers = False

    async def _publish_direct(
        self, client: AckingClient, channel: Channel, payload: bytes, seq: int, wait_s: float
    ) -> None:
        # Not queued: state is retained, health is sent again; "unheard" only counts here.
        code = await client.publish_acked(
            self._topics[channel], payload, retain=channel.retained, ack_wait_s=wait_s
        )
        if code.is_failure:
            self._verdict(code, channel, seq)
        elif code.value == NO_MATCHING_SUBSCRIBERS:
            self.metrics.no_subscribers += 1

    async def _publish_state(
        self,
        client: AckingClient,
        state: Literal["online", "offline"],
        reason: str | None,
        wait_s: float | None = None,
    ) -> None:
        seq = await self._seq.take()
        message = build_state(self.agent_id, seq, _now(), self.started_at, state, reason)
        await self._publish_direct(client, Channel.STATE, encode(message), seq,
                                   wait_s or self.settings.publish_timeout_s)

    # ---- commands --------------------------------------------------------------------

    async def _command_loop(self, client: AckingClient, handler: CommandHandler) -> None:
        """Receive `dm/v1/<id>/cmd/#` on this persistent session and hand each over.

        The handler must return quickly (queue the work): the broker's QoS 1 redelivery is
        bounded by the session, and the durable job store makes redeliveries harmless.
        """
        await client.subscribe(agent_command_filter(self.agent_id), qos=1)
        if self._on_subscribed is not None:
            self._on_subscribed()
        async for message in client.messages:
            payload = message.payload
            data = payload if isinstance(payload, bytes) else str(payload).encode()
            try:
                handler(str(message.topic), data)
            except Exception:  # a bad command must never take the connection down
                log.exception("command.handler_failed topic=%s", message.topic)

    # ---- health ----------------------------------------------------------------------

    async def _health_loop(self, client: AckingClient) -> None:
        while True:
            await self._publish_health(client)
            await asyncio.sleep(self.settings.health_interval_s)

    async def queue_health(self) -> QueueHealth:
        """Current queue figures (also used by ``status``)."""
        q = self._queue
        return QueueHealth(await q.depth(), await q.bytes(), await q.oldest_age(),
                           await q.dropped_samples())

    async def _publish_health(self, client: AckingClient) -> None:
        poll = self._health.poll_health() if self._health is not None else PollHealth()
        queue = await self.queue_health()
        seq = await self._seq.take()
        try:
            message = build_health(self.agent_id, seq, _now(), queue, poll,
                                   time.monotonic() - self._t0)
        except ValidationError as exc:
            log.error("health.invalid error=%r fix=%r", str(exc).splitlines()[0],
                      "device error codes must be snake_case")
            return
        await self._publish_direct(client, Channel.HEALTH, encode(message), seq,
                                   self.settings.publish_timeout_s)


def _reap(inflight: dict[int, asyncio.Task[None]]) -> None:
    """Forget finished publishes; re-raise the first failure (a lost connection)."""
    for item_id, task in list(inflight.items()):
        if task.done():
            del inflight[item_id]
            task.result()


async def _settle(inflight: dict[int, asyncio.Task[None]]) -> None:
    """Wait for every publish in flight (after a refusal, before backing off)."""
    if inflight:
        await asyncio.wait(inflight.values())
    _reap(inflight)
