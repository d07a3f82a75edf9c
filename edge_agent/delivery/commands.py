"""Commands from the hub (`dm/v1/<id>/cmd/#`): jobs into the executor, config pushes into
the runtime, answers into the queue.

A JobRequest is decoded, run by `edge_agent.executor.Executor` (its own bounded thread
pool, so SNMP polling never waits for SSH) and its JobProgress/JobResult are queued in the
same durable queue as telemetry: they survive broker outages and agent restarts. A bad
command is logged with its reason and dropped; nothing here raises into the connection.

Config pushes (`cmd/config`) are applied one at a time in arrival order (:class:`ConfigIntake`):
pushes the broker kept for an offline agent arrive back to back, and the newest must win while
an older one arriving later is refused as stale.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import UTC, datetime

from edge_agent.executor import Executor
from edge_agent.queue import BatchQueue, QueueItem, SeqCounter
from protocol import (
    Channel,
    ConfigAck,
    ConfigPush,
    DecodeReason,
    JobErrorCode,
    JobProgress,
    JobRequest,
    JobResult,
    ProtocolError,
    TopicError,
    channel_for,
    decode,
    decode_for_topic,
    encode,
    parse,
)
from protocol.edge_config import ConfigErrorCode

__all__ = ["ConfigIntake", "JobIntake", "route_commands"]

log = logging.getLogger("edge_agent.jobs")
RESTARTED = ("the agent restarted while this job was running; the device may be partly "
             "changed; check it (run a backup) and send a new job")


class JobIntake:
    """Runs hub jobs on the executor and queues their progress and results."""

    def __init__(self, agent_id: str, executor: Executor, queue: BatchQueue, seq: SeqCounter,
                 wake: Callable[[], None] | None = None) -> None:
        self.agent_id, self.executor = agent_id, executor
        self._queue, self._seq = queue, seq
        self.wake = wake  # set once the delivery exists: it is built after the intake
        self._tasks: set[asyncio.Task[None]] = set()

    def handle(self, topic: str, payload: bytes) -> None:
        """Delivery's command callback: decode, then run in the background."""
        try:
            message = decode_for_topic(topic, payload)
        except ProtocolError as exc:
            log.warning("command.refused topic=%s reason=%s detail=%r", topic,
                        exc.reason.value, str(exc)[:300])
            return
        if not isinstance(message, JobRequest):
            log.info("command.ignored topic=%s type=%s (not handled by this agent)", topic,
                     message.type)
            return
        log.info("job.received job_id=%s device=%s action=%s", message.job_id, message.device,
                 message.action)
        self._spawn(self.run(message))

    def _spawn(self, work: Coroutine[object, object, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def run(self, job: JobRequest) -> None:
        """Run one job to its result and queue it (a crash becomes an `internal` result)."""
        try:
            result = await self.executor.run(job, progress=self._on_progress)
        except Exception as exc:  # the executor promises not to raise; never lose a job
            log.exception("job.crashed job_id=%s", job.job_id)
            now = datetime.now(UTC)
            result = JobResult(agent_id=self.agent_id, seq=1, ts=now, job_id=job.job_id,
                               outcome="failed", error_code=JobErrorCode.INTERNAL,
                               output=f"agent error: {type(exc).__name__}: {exc}"[:2000],
                               started_at=now, finished_at=now)
        await self.enqueue(result)

    def _on_progress(self, event: JobProgress) -> None:
        self._spawn(self.enqueue(event))

    async def enqueue(self, message: JobProgress | JobResult) -> None:
        """Queue durably with a seq from the queue's counter (unique per agent)."""
        stamped = message.model_copy(update={"seq": await self._seq.take()})
        await self._queue.put(QueueItem(channel_for(stamped), encode(stamped), stamped.seq))
        if self.wake is not None:
            self.wake()

    async def recover(self) -> int:
        """Jobs a previous process claimed but never finished get a definite failed result."""
        store = self.executor.store
        rows = await asyncio.to_thread(_unfinished, store.path)
        for key, job_id in rows:
            now = datetime.now(UTC)
            result = JobResult(agent_id=self.agent_id, seq=1, ts=now, job_id=uuid.UUID(job_id),
                               outcome="failed", error_code=JobErrorCode.INTERNAL,
                               output=RESTARTED, started_at=now, finished_at=now)
            await asyncio.to_thread(store.finish, key, result)
            await self.enqueue(result)
            log.warning("job.settled_after_restart job_id=%s", job_id)
        return len(rows)

    async def close(self, wait_s: float = 5.0) -> None:
        """Give running jobs a moment to queue their results (the store remembers the rest)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=wait_s)


def _unfinished(path: object) -> list[tuple[str, str]]:
    db = sqlite3.connect(str(path))
    try:
        rows = db.execute("SELECT idempotency_key, job_id FROM jobs WHERE state='running'")
        return [(str(k), str(j)) for k, j in rows.fetchall()]
    finally:
        db.close()


CommandHandler = Callable[[str, bytes], None]


def route_commands(handlers: Mapping[Channel, CommandHandler]) -> CommandHandler:
    """One command callback for the delivery: each `cmd/<channel>` to its handler."""

    def route(topic: str, payload: bytes) -> None:
        try:
            channel = parse(topic).channel
        except TopicError as exc:
            log.warning("command.refused topic=%s reason=bad_topic detail=%r", topic, str(exc))
            return
        handler = handlers.get(channel)
        if handler is None:
            log.info("command.ignored topic=%s (no handler for %s)", topic, channel.value)
            return
        handler(topic, payload)

    return route


class ConfigIntake:
    """Config pushes, applied strictly one after the other; every one answered by an ack.

    ``apply`` validates and applies one push and returns its ack (applied or rejected);
    ``enqueue`` queues the ack durably (channel `up/config`).
    """

    def __init__(self, apply: Callable[[ConfigPush], Awaitable[ConfigAck]],
                 enqueue: Callable[[ConfigAck], Awaitable[object]],
                 refuse: Callable[[str, str], ConfigAck] | None = None) -> None:
        self._apply, self._enqueue, self._refuse = apply, enqueue, refuse
        self._pending: asyncio.Queue[ConfigPush] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._acks: set[asyncio.Future[object]] = set()

    def handle(self, topic: str, payload: bytes) -> None:
        """Delivery's callback for `cmd/config`: decode and queue for the worker.

        The agent id is not checked here: a push for another agent is answered with a
        `wrong_agent` rejection by ``apply`` rather than dropped unseen.
        """
        try:
            push = decode(payload, expected=ConfigPush)
        except ProtocolError as exc:
            log.warning("config.refused topic=%s reason=%s detail=%r", topic, exc.reason.value,
                        str(exc)[:300])
            self._undecodable(exc)
            return
        assert isinstance(push, ConfigPush)
        log.info("config.received version=%d hash=%s", push.config_version,
                 push.content_hash[:12])
        self._pending.put_nowait(push)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.ensure_future(self._work())

    def _undecodable(self, exc: ProtocolError) -> None:
        """Count and report a message that is no usable push (too large, not JSON, not a
        config_push): its version is unknown, so the ack says version 0."""
        if self._refuse is None:
            return
        code = (ConfigErrorCode.OVERSIZE if exc.reason is DecodeReason.OVERSIZE
                else ConfigErrorCode.BAD_DOCUMENT)
        ack = self._refuse(code, f"{exc.reason.value}: {str(exc)[:300]}")
        task = asyncio.ensure_future(self._enqueue(ack))
        self._acks.add(task)
        task.add_done_callback(self._acks.discard)

    async def _work(self) -> None:
        """Apply what arrived, newest version first: pushes the broker queued while the
        agent was away arrive back to back, and only the newest of them is applied (the
        older ones are logged as superseded, not applied on the way). A refused push does
        not hide an older good one behind it: the next newest is tried."""
        while not self._pending.empty():
            batch = []
            while not self._pending.empty():
                batch.append(self._pending.get_nowait())
            batch.sort(key=lambda p: p.config_version, reverse=True)
            for index, push in enumerate(batch):
                if await self._apply_one(push):
                    for older in batch[index + 1:]:
                        log.info("config.superseded version=%d by=%d", older.config_version,
                                 push.config_version)
                    break

    async def _apply_one(self, push: ConfigPush) -> bool:
        """Apply one push and queue its ack; True when it was applied."""
        try:
            ack = await self._apply(push)
            await self._enqueue(ack)
        except Exception:  # never lose the worker: the next push must still be handled
            log.exception("config.apply_crashed version=%d", push.config_version)
            return False
        return ack.status == "applied"

    async def close(self) -> None:
        """Stop applying (shutdown); the hub re-sends what was not acked after the next
        connect's `current` ack."""
        if self._worker is not None and not self._worker.done():
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
