"""One message, start to finish: size, decode, authorize, dedupe, write. No MQTT here.

`Pipeline.handle` returns an Outcome; it raises only when storage is unavailable
(TsdbError, database errors), which tells the worker "do not acknowledge, retry later".
Everything a sender got wrong becomes a rejection that is counted, logged and (for
undecodable or misaddressed messages) quarantined, then acknowledged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.ingest import dedupe, writes
from hub.ingest.dedupe import Claim
from hub.ingest.models import QuarantinedMessage
from hub.ingest.registry import AgentIdentity, AgentRegistry, Lookup
from hub.ingest.sql import lock_agent
from hub.tsdb import Point, SeriesTags, TimeSeriesStore
from protocol import (
    MAX_MESSAGE_BYTES,
    AgentHealth,
    AgentState,
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


@dataclass(frozen=True, slots=True)
class Outcome:
    """`stored`, or a reject reason; `samples` counts what reached the time-series store."""

    result: str
    agent: str | None = None
    samples: int = 0

    @property
    def stored(self) -> bool:
        """True when the message's data was written by this call."""
        return self.result == STORED


class Pipeline:
    """Stateless per message apart from the registry cache: safe to run many concurrently."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], tsdb: TimeSeriesStore,
                 registry: AgentRegistry, window: int = 100_000,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.sessions, self.tsdb, self.registry = sessions, tsdb, registry
        self.window, self.clock = window, clock

    async def handle(self, topic: str, payload: bytes) -> Outcome:
        """Process one MQTT message; raises only for "storage unavailable, retry"."""
        received = self.clock()
        agent = _topic_agent(topic)
        try:
            message = decode_for_topic(topic, payload, max_bytes=MAX_MESSAGE_BYTES)
        except ProtocolError as exc:
            await self._quarantine(topic, agent, payload, exc.reason.value, str(exc))
            return self._reject(exc.reason.value, agent, str(exc))
        found = await self.registry.resolve(message.agent_id)
        if isinstance(found, str):
            return self._reject(found, message.agent_id, "not in the agent registry")
        if found.revoked:
            return self._reject(Lookup.REVOKED, found.name, "agent is revoked")
        return await self._store(found, message, received)

    async def _store(self, who: AgentIdentity, message: Message, received: datetime) -> Outcome:
        if isinstance(message, AgentState):
            # Births are retained and Last Wills carry a stale seq: state is idempotent
            # (a transition is recorded only on change), so it bypasses seq dedupe.
            async with self.sessions() as session, session.begin():
                await lock_agent(session, who.id)
                await writes.apply_state(session, who, message, received)
            return Outcome(STORED, who.name)
        channel = message.type
        points = _points(who, message) if isinstance(message, TelemetryBatch) else []
        async with self.sessions() as session, session.begin():
            # The agent lock is held across the store write: a redelivered copy waits here
            # and then finds the seen row, so even a store without overwrite-on-same-
            # timestamp semantics gets each sample once.
            await lock_agent(session, who.id)
            got = await dedupe.claim(session, who.id, channel, message.seq, self.window)
            if got is not Claim.NEW:
                return self._reject(got.value, who.name, f"seq {message.seq} on {channel}")
            if points:
                await self.tsdb.write(points)  # before the commit; failure = rollback, no ack
            await self._apply(session, who, message, received)
        return Outcome(STORED, who.name, len(points))

    async def _apply(self, session: AsyncSession, who: AgentIdentity, message: Message,
                     received: datetime) -> None:
        if isinstance(message, TelemetryBatch):
            await writes.apply_telemetry(session, who, message)
        elif isinstance(message, Inventory):
            await writes.apply_inventory(session, who, message)
        elif isinstance(message, AgentHealth):
            await writes.apply_health(session, who, message, received)
        else:
            await writes.apply_job(session, who, message, received)

    def _reject(self, reason: str, agent: str | None, detail: str) -> Outcome:
        # Duplicates are the normal price of at-least-once delivery: not worth a warning.
        level = logging.DEBUG if reason == Claim.DUPLICATE else logging.WARNING
        log.log(level, "ingest.rejected reason=%s agent=%s detail=%r", reason, agent,
                detail[:300])
        return Outcome(reason, agent)

    async def quarantine(self, topic: str, payload: bytes, reason: str, detail: str) -> None:
        """Keep an unstorable message (truncated) for inspection."""
        await self._quarantine(topic, _topic_agent(topic), payload, reason, detail)

    async def _quarantine(self, topic: str, agent: str | None, payload: bytes, reason: str,
                          detail: str) -> None:
        async with self.sessions() as session, session.begin():
            session.add(QuarantinedMessage(
                topic=topic[:512], agent_name=agent, reason=reason, detail=detail[:2000],
                payload=payload[:QUARANTINE_BYTES], payload_size=len(payload),
                received_at=self.clock()))


def _topic_agent(topic: str) -> str | None:
    try:
        return parse(topic).agent_id
    except ProtocolError:
        return None


def _points(who: AgentIdentity, batch: TelemetryBatch) -> list[Point]:
    tags = SeriesTags(str(who.tenant_id), str(who.site_id), who.name)
    return [Point(s.metric, tags, s.device, s.labels, float(s.value), s.ts)
            for s in batch.samples]
