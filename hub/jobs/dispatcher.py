"""Sends queued jobs to agents (one active job per device) and expires overdue ones.

Safe with several hub processes: a device row lock serialises "is anything active on this
device?" with the queued -> dispatched move, and every move is a conditional UPDATE. The
JobRequest is published (QoS 1, PUBACK awaited) before the move commits: a crash in between
re-sends the same job with the same idempotency key, which the agent runs only once.

A job still `dispatched` after `resend_after_s` is published again (same idempotency key):
the broker drops a command for an agent that has never connected (it has no session yet),
and an agent that was reinstalled lost its session; the agent answers a job it already ran
with the remembered result, without touching the device again.
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
from hub.inventory.models import Agent
from hub.jobs import repository as repo
from hub.jobs.models import ProvisioningJob
from hub.jobs.transitions import move
from protocol import Channel, JobErrorCode, JobRequest, build, encode

log = logging.getLogger("dotmac.hub.jobs")
DISPATCHER = "dispatcher"
SWEEPER = "sweeper"


@dataclass
class TickReport:
    """What one pass did."""

    dispatched: int = 0
    expired: int = 0
    resent: int = 0


class JobDispatcher:
    """Periodic pass: expire overdue jobs, then dispatch the next job of each idle device."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], publisher: CommandPublisher,
                 *, interval_s: float = 2.0, running_grace_s: float = 900.0,
                 resend_after_s: float = 60.0,
                 topic_id: Callable[[Agent], str] = agent_topic_id) -> None:
        self.sessions, self.publisher = sessions, publisher
        self.interval_s, self.running_grace_s = interval_s, running_grace_s
        self.resend_after_s = resend_after_s
        self.topic_id = topic_id
        self._stop = asyncio.Event()

    async def run(self) -> None:
        """Tick until `stop`; a failing tick (broker or database down) is logged and retried."""
        while not self._stop.is_set():
            try:
                await self.tick()
            except Exception as exc:  # retried next interval; the loop must survive outages
                log.warning("jobs.tick_failed error=%s: %s", type(exc).__name__, str(exc)[:300])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.interval_s)

    def stop(self) -> None:
        """Ask `run` to return after the current tick."""
        self._stop.set()

    async def tick(self) -> TickReport:
        """One expiry sweep, a re-send of unanswered jobs and one dispatch pass."""
        report = TickReport(expired=await self.expire())
        report.resent = await self.resend()
        for job_id in await self._candidates():
            report.dispatched += await self._dispatch(job_id)
        return report

    async def expire(self) -> int:
        """Queued/dispatched jobs past their deadline (running ones after a grace) expire."""
        now = datetime.now(UTC)
        late_running = now - timedelta(seconds=self.running_grace_s)
        expired = 0
        async with self.sessions() as session:
            ids = await repo.overdue_job_ids(session, now, late_running)
            for job_id in ids:
                # A final move announces JobFinished (billing's rows follow it).
                left = await move(session, job_id, "expired", SWEEPER,
                                  "the agent did not finish the job before its deadline",
                                  error_code=JobErrorCode.EXPIRED.value)
                expired += left is not None
            await session.commit()
        if expired:
            log.info("jobs.expired count=%d", expired)
        return expired

    async def resend(self) -> int:
        """Publish again the jobs still `dispatched` after resend_after_s (see the module)."""
        cutoff = utcnow() - timedelta(seconds=self.resend_after_s)
        async with self.sessions() as session:
            ids = await repo.unanswered_job_ids(session, cutoff)
        resent = 0
        for job_id in ids:
            resent += await self._resend(job_id, cutoff)
        return resent

    async def _resend(self, job_id: uuid.UUID, cutoff: datetime) -> int:
        async with self.sessions() as session, session.begin():
            # Claim it (another hub process may be here too); a failed publish rolls back.
            claimed = await repo.claim_resend(session, job_id, cutoff, utcnow())
            job = await repo.job_by_id(session, job_id)
            agent = await repo.agent_by_id(session, job.agent_id) if job is not None else None
            if not claimed or job is None or agent is None:
                return 0
            await self._send(job, agent)
        log.info("jobs.resent job_id=%s device=%s agent=%s", job.id, job.device_name, agent.name)
        return 1

    async def _candidates(self) -> list[uuid.UUID]:
        """The oldest queued job of each device (others wait their turn)."""
        async with self.sessions() as session:
            rows = await repo.queued_jobs(session)
        first: dict[uuid.UUID, uuid.UUID] = {}
        for job_id, device_id in rows:
            first.setdefault(device_id, job_id)
        return list(first.values())

    async def _dispatch(self, job_id: uuid.UUID) -> int:
        async with self.sessions() as session, session.begin():
            job = await repo.job_by_id(session, job_id)
            if job is None or job.state != "queued":
                return 0
            # Row lock: a second hub process waits here, then sees the active job.
            await repo.lock_device(session, job.device_id)
            if await repo.device_busy(session, job.device_id):
                return 0
            agent = await repo.agent_by_id(session, job.agent_id)
            if agent is None or await move(session, job.id, "dispatched", DISPATCHER,
                                           f"sent to agent {agent.name}") is None:
                return 0
            await self._send(job, agent)
        log.info("jobs.dispatched job_id=%s device=%s action=%s", job.id, job.device_name,
                 job.action)
        return 1


    async def _send(self, job: ProvisioningJob, agent: Agent) -> None:
        """Publish the job on the agent's command topic (QoS 1, returns after PUBACK)."""
        topic_id = self.topic_id(agent)
        await self.publisher.publish(build(topic_id, Channel.JOB),
                                     encode(request_for(job, topic_id)))


def request_for(job: ProvisioningJob, topic_id: str) -> JobRequest:
    """The wire form of a job (never any credential: the agent has its own). `device` is the
    hub's device id, the key of a pushed device on the agent; `device_name` the label an
    agent polling the device from its local agent.yaml knows it by."""
    return JobRequest(agent_id=topic_id, seq=time.time_ns() // 1000, ts=datetime.now(UTC),
                      job_id=job.id, device=str(job.device_id), device_name=job.device_name,
                      action=job.action, params=job.params,
                      idempotency_key=job.idempotency_key, deadline=job.deadline)
