"""Pack samples (and inventory) into protocol messages that fit the size limit, then enqueue.

The splitting is pure (:func:`split_to_fit`, :func:`plan_telemetry`) so it is tested without
any I/O; :class:`Batcher` only adds sequence numbers and the queue. Nothing is ever dropped:
a chunk that does not fit is split again until it does.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from edge_agent.queue import BatchQueue, QueuedItem, QueueItem, SeqCounter
from protocol import (
    MAX_MESSAGE_BYTES,
    Channel,
    ConfigAck,
    DecodeReason,
    DeviceEventBatch,
    DeviceFacts,
    DiscoveryReport,
    Envelope,
    EventRecord,
    Inventory,
    ProtocolError,
    Sample,
    TelemetryBatch,
    channel_for,
    encode,
)
from protocol.messages import MAX_EVENTS, MAX_LABELS, MAX_SAMPLES, SEQ_MAX

__all__ = ["Batcher", "event_record", "plan_events", "plan_inventory", "plan_telemetry",
           "split_to_fit"]

log = logging.getLogger(__name__)

Part = TypeVar("Part", bound=BaseModel)
# Worst-case envelope while planning: the longest seq and a timestamp with microseconds.
_PLAN_SEQ = SEQ_MAX
_PLAN_TS = datetime(2000, 1, 1, 0, 0, 0, 999_999, tzinfo=UTC)


def _fits(message: Envelope, max_bytes: int) -> bool:
    try:
        return len(encode(message)) <= max_bytes
    except ProtocolError as exc:
        if exc.reason is DecodeReason.OVERSIZE:
            return False
        raise


def _greedy(sizes: Sequence[int], overhead: int, max_bytes: int, max_count: int) -> list[range]:
    """Consecutive index ranges whose estimated encoded size stays within ``max_bytes``."""
    ranges: list[range] = []
    start, used = 0, overhead
    for index, size in enumerate(sizes):
        full = index - start >= max_count or used + size + 1 > max_bytes
        if full and index > start:
            ranges.append(range(start, index))
            start, used = index, overhead
        used += size + 1  # +1 for the comma between list elements
    if start < len(sizes):
        ranges.append(range(start, len(sizes)))
    return ranges


def split_to_fit(
    parts: Sequence[Part],
    build: Callable[[list[Part]], Envelope],
    max_bytes: int = MAX_MESSAGE_BYTES,
    max_count: int = MAX_SAMPLES,
) -> list[list[Part]]:
    """Split ``parts`` into ordered chunks so ``encode(build(chunk))`` fits ``max_bytes``.

    Sizes are estimated from each part's JSON, then every chunk is encoded to check; a chunk
    that still does not fit is halved. Raises ``ValueError`` only if one part alone is too
    big, which the protocol's field limits make impossible at the real limit.
    """
    if not parts:
        return []
    sizes = [len(part.model_dump_json(exclude_none=True)) for part in parts]
    overhead = len(encode_unchecked(build([parts[0]]))) - sizes[0]
    chunks: list[list[Part]] = []
    for span in _greedy(sizes, overhead, max_bytes, max_count):
        chunks.extend(_verified([parts[i] for i in span], build, max_bytes))
    return chunks


def encode_unchecked(message: Envelope) -> bytes:
    """The message's wire JSON without the size check (for size planning only)."""
    return message.model_dump_json(exclude_none=True).encode("utf-8")


def _verified(
    chunk: list[Part], build: Callable[[list[Part]], Envelope], max_bytes: int
) -> list[list[Part]]:
    if _fits(build(chunk), max_bytes):
        return [chunk]
    if len(chunk) == 1:
        raise ValueError(f"one part alone encodes to more than {max_bytes} bytes")
    half = len(chunk) // 2
    return _verified(chunk[:half], build, max_bytes) + _verified(chunk[half:], build, max_bytes)


def plan_telemetry(
    agent_id: str, samples: Sequence[Sample], max_bytes: int = MAX_MESSAGE_BYTES
) -> list[list[Sample]]:
    """Ordered sample chunks, each fitting one :class:`TelemetryBatch` with any seq and ts."""

    def build(chunk: list[Sample]) -> Envelope:
        return TelemetryBatch(agent_id=agent_id, seq=_PLAN_SEQ, ts=_PLAN_TS, samples=chunk)

    return split_to_fit(samples, build, max_bytes)


def plan_inventory(
    agent_id: str, devices: Sequence[DeviceFacts], max_bytes: int = MAX_MESSAGE_BYTES
) -> list[list[DeviceFacts]]:
    """Ordered device chunks, each fitting one :class:`Inventory` message."""

    def build(chunk: list[DeviceFacts]) -> Envelope:
        return Inventory(agent_id=agent_id, seq=_PLAN_SEQ, ts=_PLAN_TS, devices=chunk)

    return split_to_fit(devices, build, max_bytes)


def plan_events(
    agent_id: str, events: Sequence[EventRecord], max_bytes: int = MAX_MESSAGE_BYTES
) -> list[list[EventRecord]]:
    """Ordered event chunks, each fitting one :class:`DeviceEventBatch` (<= 500 events)."""

    def build(chunk: list[EventRecord]) -> Envelope:
        return DeviceEventBatch(agent_id=agent_id, seq=_PLAN_SEQ, ts=_PLAN_TS, events=chunk)

    return split_to_fit(events, build, max_bytes, MAX_EVENTS)


class Recordable(Protocol):
    """A device event as the events part hands it over (`DeviceEvent.as_record`)."""

    def as_record(self) -> dict[str, object]:
        """JSON-ready fields of an `EventRecord`, without `event_id`."""
        ...


_LABEL_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_TEXT_MAX = 256


def _fit_labels(labels: object) -> dict[str, str]:
    """What a device put in its message must not cost the whole event: keys the protocol
    cannot carry go, values are cut to its limit, at most MAX_LABELS are kept."""
    if not isinstance(labels, Mapping):
        return {}
    kept = {str(k): str(v)[:_TEXT_MAX] for k, v in labels.items() if _LABEL_KEY.match(str(k))}
    return dict(list(kept.items())[:MAX_LABELS])


def event_record(event: Recordable) -> EventRecord | None:
    """The protocol record of one event with a fresh ``event_id``; None if it cannot be one
    (logged; the caller counts it)."""
    fields: dict[str, Any] = dict(event.as_record())
    fields["labels"] = _fit_labels(fields.get("labels"))
    for key in ("device_name", "rule"):
        if isinstance(fields.get(key), str):
            fields[key] = fields[key][:_TEXT_MAX]
    for key in ("received_at", "device_time", "last_received_at"):
        if isinstance(fields.get(key), str):  # the protocol's models are strict
            fields[key] = datetime.fromisoformat(fields[key])
    try:
        return EventRecord.model_validate({**fields, "event_id": uuid.uuid4()})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                             for e in exc.errors(include_url=False, include_input=False))
        log.error("events.unsendable event_type=%s source=%s problems=%r",
                  fields.get("event_type"), fields.get("source"), problems)
        return None


def _devices(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))  # unique, in first-seen order


def _now() -> datetime:
    return datetime.now(UTC)


class Batcher:
    """Turns poll results into queued protocol messages, one seq per message."""

    def __init__(
        self,
        agent_id: str,
        queue: BatchQueue,
        seq: SeqCounter,
        *,
        clock: Callable[[], datetime] = _now,
        on_enqueue: Callable[[], None] | None = None,
        max_bytes: int = MAX_MESSAGE_BYTES,
    ) -> None:
        self.agent_id = agent_id
        self._queue = queue
        self._seq = seq
        self._clock = clock
        self._on_enqueue = on_enqueue
        self._max_bytes = max_bytes
        self.unsendable_events = 0

    async def add_samples(self, samples: Sequence[Sample]) -> list[QueuedItem]:
        """Enqueue ``samples`` as as few telemetry batches as fit; durable on return."""
        chunks = plan_telemetry(self.agent_id, samples, self._max_bytes)
        messages: list[tuple[Envelope, tuple[str, ...], int]] = []
        first = await self._seq.take(len(chunks)) if chunks else 0
        for offset, chunk in enumerate(chunks):
            batch = TelemetryBatch(
                agent_id=self.agent_id, seq=first + offset, ts=self._clock(), samples=chunk
            )
            messages.append((batch, _devices([s.device for s in chunk]), len(chunk)))
        return await self._enqueue(messages)

    async def add_inventory(self, devices: Sequence[DeviceFacts]) -> list[QueuedItem]:
        """Enqueue device inventory split into messages that fit; durable on return."""
        chunks = plan_inventory(self.agent_id, devices, self._max_bytes)
        messages: list[tuple[Envelope, tuple[str, ...], int]] = []
        first = await self._seq.take(len(chunks)) if chunks else 0
        for offset, chunk in enumerate(chunks):
            message = Inventory(
                agent_id=self.agent_id, seq=first + offset, ts=self._clock(), devices=chunk
            )
            messages.append((message, _devices([d.device for d in chunk]), 0))
        return await self._enqueue(messages)

    async def add_events(self, events: Sequence[Recordable]) -> list[QueuedItem]:
        """Enqueue device events as `DeviceEventBatch` messages of at most 500 events that
        fit; durable on return. An event the protocol cannot carry is counted in
        ``unsendable_events`` (and logged), never allowed to block the others."""
        records = [r for r in (event_record(e) for e in events) if r is not None]
        self.unsendable_events += len(events) - len(records)
        chunks = plan_events(self.agent_id, records, self._max_bytes)
        messages: list[tuple[Envelope, tuple[str, ...], int]] = []
        first = await self._seq.take(len(chunks)) if chunks else 0
        for offset, chunk in enumerate(chunks):
            batch = DeviceEventBatch(agent_id=self.agent_id, seq=first + offset,
                                     ts=self._clock(), events=chunk)
            names = _devices([r.device_id for r in chunk if r.device_id is not None])
            messages.append((batch, names, 0))
        return await self._enqueue(messages)

    async def add_report(self, message: ConfigAck | DiscoveryReport) -> QueuedItem:
        """Enqueue one report (config ack, discovery) with a fresh seq; durable on return."""
        stamped = message.model_copy(update={"agent_id": self.agent_id,
                                             "seq": await self._seq.take(),
                                             "ts": self._clock()})
        (queued,) = await self._enqueue([(stamped, (), 0)])
        return queued

    async def _enqueue(
        self, messages: list[tuple[Envelope, tuple[str, ...], int]]
    ) -> list[QueuedItem]:
        queued: list[QueuedItem] = []
        for message, devices, samples in messages:
            channel: Channel = channel_for(message)
            item = QueueItem(channel, encode(message), message.seq, devices, samples)
            queued.append(await self._queue.put(item))
        if queued and self._on_enqueue is not None:
            self._on_enqueue()
        return queued
