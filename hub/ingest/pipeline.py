"""Messages, start to finish: size, decode, authorize, dedupe, write. No MQTT here.

`accept` decodes and authorizes one message; `store_telemetry` stores a micro-batch of
telemetry in one transaction and one time-series write; `store` stores any other message
on its own (they are few). `handle` does both for one message.
Each returns Outcomes; they raise only when storage is unavailable
(TsdbError, database errors), which tells the worker "do not acknowledge, retry later",
or when the time-series store refuses the data itself (TsdbRejectedError: the worker narrows
it down to the one message and quarantines that with the store's reason).
Everything a sender got wrong becomes a rejection that is counted, logged and (for
undecodable or misaddressed messages, and telemetry or device events stamped by a clock
far off) quarantined, then acknowledged.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.ingest import dedupe, writes
from hub.ingest.dedupe import Claim, SeqKey
from hub.ingest.registry import AgentIdentity, AgentRegistry, Lookup
from hub.ingest.repository import quarantine as quarantined
from hub.ingest.repository.sql import lock_agent
from hub.tsdb import Point, SeriesTags, TimeSeriesStore, TsdbRejectedError
from hub.tsdb.lines import clashing_labels
from protocol import (
    MAX_MESSAGE_BYTES,
    AgentHealth,
    AgentState,
    DeviceEventBatch,
    Inventory,
    Message,
    ProtocolError,
    TelemetryBatch,
    decode_for_topic,
    parse,
)

log = logging.getLogger("dotmac.hub.ingest")
QUARANTINE_BYTES = 4096
STORED = "stored"
NUL_IN_TEXT = "nul_in_text"
TSDB_REJECTED = "tsdb_rejected"
FUTURE_TIMESTAMP = "future_timestamp"
PAST_TIMESTAMP = "past_timestamp"
# Telemetry refused only for its agent's clock is real data: kept whole (a message is at
# most MAX_MESSAGE_BYTES), so it can be re-stamped and replayed by hand.
KEPT_WHOLE = frozenset({FUTURE_TIMESTAMP, PAST_TIMESTAMP, TSDB_REJECTED})


@dataclass(frozen=True, slots=True)
class ClockBounds:
    """How far a sample's time may be from the hub's receive time (settings
    `max_future_s`, `max_past_s`): beyond them the agent's clock is wrong, and storing the
    sample would let it win the latest-value upserts or land outside the store's retention."""

    future: timedelta = timedelta(minutes=10)
    past: timedelta = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Outcome:
    """`stored`, or a reject reason; `samples` counts what reached the time-series store."""

    result: str
    agent: str | None = None
    samples: int = 0
    late_skipped: int = 0  # counter readings too late to place in the rollups
    labels_dropped: int = 0  # agent labels that clashed with a renamed reserved tag
    clock_off: bool = False  # an agent health message sent by a clock beyond the bounds
    events: tuple[tuple[str, int], ...] = ()  # device events stored, per origin

    @property
    def stored(self) -> bool:
        """True when the message's data was written by this call."""
        return self.result == STORED


@dataclass(frozen=True, slots=True)
class Accepted:
    """A decoded message from a known, active agent: ready to be stored."""

    who: AgentIdentity
    message: Message
    received: datetime

    @property
    def key(self) -> SeqKey:
        """Its dedupe key (agent, channel, seq)."""
        return (self.who.id, self.message.type, self.message.seq)


class Pipeline:
    """Stateless per message apart from the registry cache: safe to run many concurrently."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], tsdb: TimeSeriesStore,
                 registry: AgentRegistry, window: int = 100_000,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 reorder_window_s: float = 900.0, bounds: ClockBounds | None = None) -> None:
        self.sessions, self.tsdb, self.registry = sessions, tsdb, registry
        self.window, self.clock = window, clock
        self.bounds = bounds or ClockBounds()
        self.reorder_window = timedelta(seconds=reorder_window_s)
        self._next_prune = 0.0

    async def handle(self, topic: str, payload: bytes) -> Outcome:
        """Process one MQTT message; raises only for "storage unavailable, retry"."""
        got = await self.accept(topic, payload)
        return got if isinstance(got, Outcome) else await self.store(got)

    async def accept(self, topic: str, payload: bytes) -> Accepted | Outcome:
        """Size, decode and authorize; a rejection (counted, logged, maybe quarantined) is
        returned as its Outcome. Raises only when the database is unavailable."""
        received = self.clock()
        agent = _topic_agent(topic)
        try:
            message = decode_for_topic(topic, payload, max_bytes=MAX_MESSAGE_BYTES)
        except ProtocolError as exc:
            await self._quarantine(topic, agent, payload, exc.reason.value, str(exc))
            return self._reject(exc.reason.value, agent, str(exc))
        if b"\\u0000" in payload and _has_nul(json.loads(payload)):
            # Valid JSON and schema, but PostgreSQL text cannot hold U+0000.
            await self._quarantine(topic, agent, payload, NUL_IN_TEXT, "a text contains U+0000")
            return self._reject(NUL_IN_TEXT, agent, "a text contains U+0000")
        found = await self.registry.resolve(message.agent_id)
        if isinstance(found, str):
            return self._reject(found, message.agent_id, "not in the agent registry")
        if found.revoked:
            return self._reject(Lookup.REVOKED, found.name, "agent is revoked")
        off = self._clock_fault(message, received)
        if off is not None:
            await self._quarantine(topic, found.name, payload, *off)
            return self._reject(off[0], found.name, off[1])
        return Accepted(found, message, received)

    def _clock_fault(self, message: Message, received: datetime) -> tuple[str, str] | None:
        """(reason, detail) when telemetry or device events carry a time their agent's
        clock got wrong (a device's own time stamp is not checked: device clocks often are)."""
        stamps = _agent_stamps(message)
        if not stamps:
            return None
        newest, oldest = max(stamps), min(stamps)
        what = "sample" if isinstance(message, TelemetryBatch) else "event receive"
        if newest > received + self.bounds.future:
            return FUTURE_TIMESTAMP, (
                f"{what} time {newest.isoformat()} is {newest - received} ahead of the hub's "
                f"receive time {received.isoformat()} (bound DOTMAC_HUB_INGEST_MAX_FUTURE_S): "
                "fix the agent's clock (NTP), then replay the message")
        if oldest < received - self.bounds.past:
            return PAST_TIMESTAMP, (
                f"{what} time {oldest.isoformat()} is {received - oldest} behind the hub's "
                f"receive time {received.isoformat()} (bound DOTMAC_HUB_INGEST_MAX_PAST_S): "
                "fix the agent's clock (NTP), then replay the message")
        return None

    async def store(self, item: Accepted) -> Outcome:
        """Store one accepted message in its own transaction."""
        if isinstance(item.message, TelemetryBatch):
            return (await self.store_telemetry([item]))[0]
        who, message = item.who, item.message
        async with self.sessions() as session, session.begin():
            await lock_agent(session, who.id)
            if isinstance(message, AgentState):
                # Births are retained and Last Wills carry a stale seq: state is idempotent
                # (a transition is recorded only on change), so it bypasses seq dedupe.
                await writes.apply_state(session, who, message, item.received)
                return Outcome(STORED, who.name)
            got = await dedupe.claim(session, who.id, message.type, message.seq, self.window)
            if got is not Claim.NEW:
                return self._reject(got.value, who.name, f"seq {message.seq} on {message.type}")
            await self._apply(session, who, message, item.received)
        return Outcome(STORED, who.name, clock_off=self._health_clock_off(item),
                       events=_events_by_origin(message))

    def _health_clock_off(self, item: Accepted) -> bool:
        """Health is stored whatever its time (the hub stamps what matters with its own),
        but a send time beyond the clock bounds says the agent's clock is off: logged and
        counted (`dotmac_ingest_agent_clock_off_total`), an alert before data is lost."""
        if not isinstance(item.message, AgentHealth):
            return False
        off = (item.message.ts - item.received).total_seconds()
        if -self.bounds.past.total_seconds() <= off <= self.bounds.future.total_seconds():
            return False
        log.warning("ingest.agent_clock_off agent=%s offset_s=%.0f (its telemetry is "
                    "quarantined; fix its clock: NTP)", item.who.name, off)
        return True

    async def store_telemetry(self, items: Sequence[Accepted]) -> list[Outcome]:
        """Store telemetry batches of any agents in ONE transaction and ONE store write.

        Dedupe rows first (they lock only their own keys, so only a redelivered copy
        waits); then the store write; then per agent the device rows (the lock that makes
        batches with readings of the same devices take turns), counter chains, rollups and
        latest values; last the rows all of an agent's transactions share (agent last
        seen, high-water mark), so they are held only until the commit that follows."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            claims = await dedupe.claim_many(session, [i.key for i in items], self.window, now)
            new = [i for i, got in zip(items, claims, strict=True) if got is Claim.NEW]
            points = [p for item in new for p in _points(item.who, item.message)]
            if points:
                await self.tsdb.write(points)  # before the commit; failure = rollback, no ack
            groups = _by_agent(new)
            skipped = {who.name: await writes.apply_telemetry(session, who, batches, now)
                       for who, batches in groups}
            for who, batches in groups:  # rows every transaction of the agent updates: last
                await writes.touch_agent(session, who, max(b.ts for b in batches))
                await dedupe.advance(session, [(who.id, b.type, b.seq) for b in batches],
                                     self.window)
        await self._prune_history(now)
        outcomes = [self._telemetry_outcome(item, got) for item, got in zip(items, claims,
                                                                              strict=True)]
        return _with_late(outcomes, skipped)

    async def _prune_history(self, now: datetime) -> None:
        """At most once a minute per worker: forget readings held past the reorder window."""
        if time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + 60.0
        try:
            async with self.sessions() as session, session.begin():
                gone = await writes.prune_history(session, now - self.reorder_window)
        except (SQLAlchemyError, OSError) as exc:  # the batch is committed: retry next minute
            log.warning("ingest.history_prune_failed error=%s", type(exc).__name__)
            return
        log.debug("ingest.history_pruned rows=%d (device polls)", gone)

    def _telemetry_outcome(self, item: Accepted, got: Claim) -> Outcome:
        if got is Claim.NEW:
            if not isinstance(item.message, TelemetryBatch):
                return Outcome(STORED, item.who.name)
            dropped = sum(len(clashing_labels(s.labels)) for s in item.message.samples)
            return Outcome(STORED, item.who.name, len(item.message.samples),
                           labels_dropped=dropped)
        return self._reject(got.value, item.who.name,
                            f"seq {item.message.seq} on {item.message.type}")

    async def _apply(self, session: AsyncSession, who: AgentIdentity, message: Message,
                     received: datetime) -> None:
        if isinstance(message, Inventory):
            await writes.apply_inventory(session, who, message)
        elif isinstance(message, AgentHealth):
            await writes.apply_health(session, who, message, received)
        else:
            await writes.apply_report(session, who, message, received)

    def _reject(self, reason: str, agent: str | None, detail: str) -> Outcome:
        # Duplicates are the normal price of at-least-once delivery: not worth a warning.
        level = logging.DEBUG if reason == Claim.DUPLICATE else logging.WARNING
        log.log(level, "ingest.rejected reason=%s agent=%s detail=%r", reason, agent,
                detail[:300])
        return Outcome(reason, agent)

    async def quarantine(self, topic: str, payload: bytes, reason: str, detail: str) -> None:
        """Keep an unstorable message (truncated) for inspection."""
        await self._quarantine(topic, _topic_agent(topic), payload, reason, detail)

    async def refused_by_store(self, item: Accepted, payload: bytes, topic: str,
                               exc: TsdbRejectedError) -> Outcome:
        """One message whose points the time-series store refuses: quarantined with the
        store's reason (nothing of it was stored: the transaction rolled back)."""
        await self._quarantine(topic, item.who.name, payload, TSDB_REJECTED, str(exc))
        return self._reject(TSDB_REJECTED, item.who.name, str(exc))

    async def _quarantine(self, topic: str, agent: str | None, payload: bytes, reason: str,
                          detail: str) -> None:
        async with self.sessions() as session, session.begin():
            await quarantined.add(
                session, topic=topic[:512], agent_name=agent, reason=reason,
                detail=detail[:2000].replace("\x00", "\\x00"),  # PostgreSQL text: no NUL
                payload=payload if reason in KEPT_WHOLE else payload[:QUARANTINE_BYTES],
                payload_size=len(payload), received_at=self.clock())

    async def trim_quarantine(self, max_age: timedelta, per_agent: int) -> tuple[int, int]:
        """Apply the quarantine's retention: (deleted for age, deleted for count)."""
        async with self.sessions() as session, session.begin():
            old = await quarantined.forget_older_than(session, self.clock() - max_age)
            surplus = await quarantined.keep_newest_per_agent(session, per_agent)
        return old, surplus


def _with_late(outcomes: list[Outcome], skipped: dict[str, int]) -> list[Outcome]:
    """Log the agents' late readings that could not be placed and put each count on one
    stored outcome of that agent (the worker counts them)."""
    for agent, count in skipped.items():
        if not count:
            continue
        log.warning("ingest.late_readings_skipped agent=%s readings=%d (older than every "
                    "reading held; their bytes stay in the next delta)", agent, count)
        at = next((i for i, o in enumerate(outcomes) if o.stored and o.agent == agent), None)
        if at is not None:
            outcomes[at] = replace(outcomes[at], late_skipped=count)
    return outcomes


def _agent_stamps(message: Message) -> list[datetime]:
    """The times a message carries from its agent's clock (empty: nothing to check)."""
    if isinstance(message, TelemetryBatch):
        return [message.ts, *(s.ts for s in message.samples)]
    if isinstance(message, DeviceEventBatch):
        return [message.ts, *(e.received_at for e in message.events),
                *(e.last_received_at for e in message.events if e.last_received_at)]
    return []


def _events_by_origin(message: Message) -> tuple[tuple[str, int], ...]:
    if not isinstance(message, DeviceEventBatch):
        return ()
    counts = Counter(event.origin for event in message.events)
    return tuple(sorted(counts.items()))


def _has_nul(document: Any) -> bool:
    if isinstance(document, str):
        return "\x00" in document
    if isinstance(document, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in document.items())
    if isinstance(document, list):
        return any(_has_nul(v) for v in document)
    return False


def _topic_agent(topic: str) -> str | None:
    try:
        return parse(topic).agent_id
    except ProtocolError:
        return None


def _by_agent(items: Sequence[Accepted]
              ) -> list[tuple[AgentIdentity, list[TelemetryBatch]]]:
    groups: dict[AgentIdentity, list[TelemetryBatch]] = {}
    for item in items:
        if isinstance(item.message, TelemetryBatch):
            groups.setdefault(item.who, []).append(item.message)
    return sorted(groups.items(), key=lambda pair: pair[0].id)  # one lock order


def _points(who: AgentIdentity, batch: Message) -> list[Point]:
    if not isinstance(batch, TelemetryBatch):
        return []
    tags = SeriesTags(str(who.tenant_id), str(who.site_id), who.name)
    return [Point(s.metric, tags, s.device, s.labels, float(s.value), s.ts)
            for s in batch.samples]
