"""Sends each agent its newest configuration on cmd/config.

A pass looks for agents whose desired version was never pushed, or was pushed more than
`resend_after_s` ago and not yet applied (the broker drops commands for an agent that never
connected, and an agent reinstalled meanwhile lost its session). For each it locks the
agent's state row, builds the document from the inventory, packs it and publishes a
ConfigPush (QoS 1, PUBACK awaited, never retained: it holds secrets) before recording
`pushed_version`. A crash in between re-sends the same version, which the agent applies
once (a version it already runs is refused as stale, harmlessly).

Before building, the inventory's fingerprint is compared with the one the desired version
was cut from. A change still committing cannot be seen here (its EdgeConfigChanged handler
waits for the row lock this pass holds, then bumps the version again), so a difference is
a change committed without the event: rather than leave the agent behind, it becomes a
new desired version and is sent now.

The row lock also keeps two hub processes from pushing one agent at once. The `seq` of
hub-to-agent messages is the send time in microseconds, as for job requests: increasing per
sender without a stored counter; the agent orders configs by `config_version`, not `seq`.

Nothing here logs a document or a secret; a document the hub refuses to send (it breaks the
protocol's schema, a credential set sealed under another hub key, or it is too large for
one message) is recorded as the agent's last error with a clear detail and counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.broker.commands import CommandPublisher, agent_topic_id
from hub.db import utcnow
from hub.fleet import repository as repo
from hub.fleet.builder import ConfigBuildError, build_config, fingerprint
from hub.fleet.models import AgentConfigState
from hub.fleet.versioning import desire
from hub.inventory.models import Agent
from hub.metrics import count
from protocol import MAX_MESSAGE_BYTES, Channel, ConfigPush, ProtocolError, build, encode
from protocol.edge_config import ConfigErrorCode, pack
from protocol.messages import MAX_OUTPUT_CHARS

log = logging.getLogger("dotmac.hub.fleet")
PUSHES = "dotmac_fleet_config_pushes_total"
# Envelope fields around the document (type, v, agent id, seq, ts, version, hash).
ENVELOPE_ROOM = 1024


class PublishError(Exception):
    """The broker did not accept a push (the pass ends; the next one tries again)."""


@dataclass
class PushReport:
    """What one pass did."""

    pushed: int = 0
    skipped: int = 0  # another hub process pushed it meanwhile, or the agent is gone
    refused: int = 0  # not sent: the hub refused the document (last_error says why) or failed


class ConfigPusher:
    """Periodic pass publishing the newest config version of every agent that lacks it."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], publisher: CommandPublisher,
                 secret_key: str, *, interval_s: float = 1.0, resend_after_s: float = 60.0,
                 max_message_bytes: int = MAX_MESSAGE_BYTES,
                 topic_id: Callable[[Agent], str] = agent_topic_id) -> None:
        self.sessions, self.publisher, self.secret_key = sessions, publisher, secret_key
        self.interval_s, self.resend_after_s = interval_s, resend_after_s
        self.max_message_bytes, self.topic_id = max_message_bytes, topic_id
        self._stop = asyncio.Event()

    async def run(self) -> None:
        """Tick until `stop`; a failing tick (broker or database down) is logged and retried."""
        while not self._stop.is_set():
            try:
                await self.tick()
            except Exception as exc:  # retried next interval; the loop must survive outages
                log.warning("fleet.push_tick_failed error=%s: %s", type(exc).__name__,
                            str(exc)[:300])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.interval_s)

    def stop(self) -> None:
        """Ask `run` to return after the current tick."""
        self._stop.set()

    async def tick(self) -> PushReport:
        """One pass over the agents that need their newest version."""
        report = PushReport()
        cutoff = utcnow() - timedelta(seconds=self.resend_after_s)
        async with self.sessions() as session:
            due = await repo.due_agent_ids(session, cutoff)
        for agent_id in due:
            outcome = await self._push_one(agent_id, cutoff)
            if outcome == "pushed":
                report.pushed += 1
            elif outcome == "skipped":
                report.skipped += 1
            else:
                report.refused += 1
        return report

    async def _push_one(self, agent_id: uuid.UUID, cutoff: datetime) -> str:
        """One agent; an unexpected error with its data must not hold up the agents after it
        (the broker failing ends the pass: every other agent would fail the same way)."""
        try:
            return await self._push(agent_id, cutoff)
        except PublishError:
            raise
        except Exception as exc:  # logged without its message: it may quote a row's value
            log.warning("fleet.push_failed agent_id=%s error=%s", agent_id, type(exc).__name__)
            count(PUSHES, "Config documents the hub published or refused to send",
                  outcome="error")
            return "error"

    async def _push(self, agent_id: uuid.UUID, cutoff: datetime) -> str:
        async with self.sessions() as session, session.begin():
            agent = await repo.agent_of(session, agent_id)
            if agent is None:
                return "skipped"
            state = await repo.locked_state(session, agent_id, agent.tenant_id)
            if not _due(state, cutoff):
                return "skipped"  # another hub process pushed it meanwhile
            return await self._send(session, agent, state)

    async def _send(self, session: AsyncSession, agent: Agent, state: AgentConfigState) -> str:
        digest, devices = await fingerprint(session, agent.tenant_id, agent.id)
        if digest != state.desired_hash:
            # Committed without EdgeConfigChanged (a change still committing waits for this
            # row's lock, so it cannot be seen here): send what the inventory says now.
            log.warning("fleet.config_changed_unannounced agent_id=%s version=%d",
                        agent.id, state.desired_version + 1)
            desire(state, state.desired_version + 1, digest, devices)
        try:
            payload = await self._payload(session, agent, state)
        except ConfigBuildError as exc:
            _refused(state, exc.code, exc.detail)
            log.warning("fleet.push_refused agent_id=%s version=%d code=%s detail=%s",
                        agent.id, state.desired_version, exc.code, exc.detail[:300])
            return exc.code
        try:
            await self.publisher.publish(build(self.topic_id(agent), Channel.CONFIG), payload)
        except Exception as exc:
            raise PublishError(f"{type(exc).__name__}: {exc}") from exc
        state.pushed_version, state.pushed_at = state.desired_version, utcnow()
        count(PUSHES, "Config documents the hub published or refused to send", outcome="pushed")
        log.info("fleet.config_pushed agent_id=%s version=%d devices=%d bytes=%d", agent.id,
                 state.desired_version, state.desired_devices, len(payload))
        return "pushed"

    async def _payload(self, session: AsyncSession, agent: Agent,
                       state: AgentConfigState) -> bytes:
        """The encoded ConfigPush of the agent's desired version; ConfigBuildError when the
        hub must not send it."""
        config = await build_config(session, agent.tenant_id, agent.id, self.secret_key)
        blob, content_hash = pack(config)
        limit = min(MAX_OUTPUT_CHARS, self.max_message_bytes - ENVELOPE_ROOM)
        if len(blob) > limit:
            raise ConfigBuildError(ConfigErrorCode.OVERSIZE, _oversize(len(blob), limit,
                                                                       len(config.devices)))
        message = ConfigPush(agent_id=self.topic_id(agent), seq=time.time_ns() // 1000,
                             ts=datetime.now(UTC), config_version=state.desired_version,
                             content_hash=content_hash, document=blob)
        try:
            return encode(message)
        except ProtocolError as exc:
            raise ConfigBuildError(ConfigErrorCode.OVERSIZE, str(exc)) from None


def _due(state: AgentConfigState, cutoff: datetime) -> bool:
    if state.desired_version > state.pushed_version:
        return True
    return state.desired_version > state.applied_version and (
        state.pushed_at is None or state.pushed_at < cutoff)


def _oversize(size: int, limit: int, devices: int) -> str:
    return (f"the packed config is {size} bytes ({devices} devices), over the {limit} bytes "
            "one message may carry: split the agent's devices over more agents (or raise the "
            "broker's and the hub's message limit together)")


def _refused(state: AgentConfigState, code: str, detail: str) -> None:
    """Record why the hub did not send the desired version. pushed_version moves on so the
    same document is not rebuilt every pass; the next inventory change tries again."""
    state.pushed_version, state.pushed_at = state.desired_version, utcnow()
    state.last_error_code, state.last_error_detail = code, detail[:2000]
    state.last_error_at, state.last_status = utcnow(), "refused_by_hub"
    count(PUSHES, "Config documents the hub published or refused to send", outcome=code)
