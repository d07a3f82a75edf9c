"""Job rules: validated before acceptance, idempotent creation, cancel while queued."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.idempotency import KeyReusedError, bounded_key
from hub.errors import ConflictError, InvalidRequestError
from hub.inventory.repository import DeviceRepository
from hub.jobs.models import JobTransition, ProvisioningJob
from hub.jobs.repository import JobRepository
from hub.jobs.schemas import JobCreate
from hub.jobs.transitions import move
from hub.jobs.validation import check_job, protocol_problem
from hub.pagination import PageParams
from hub.principal import Principal
from protocol import JobRequest


def request_hash(data: JobCreate) -> str:
    """Fingerprint of a create body: a replayed key must come with the same body."""
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def actor_of(principal: Principal) -> str:
    """How a caller appears in job history."""
    return f"{principal.kind}:{principal.id}"


class JobService:
    """Jobs of the caller's tenant."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session, self.principal = session, principal
        self.repo = JobRepository(session, principal.tenant_id)
        self.devices = DeviceRepository(session, principal.tenant_id)

    async def search(self, params: PageParams, device_id: uuid.UUID | None,
                   state: str | None) -> tuple[list[ProvisioningJob], str | None]:
        """A page of jobs."""
        return await self.repo.search(params, device_id, state)

    async def get(self, job_id: uuid.UUID) -> tuple[ProvisioningJob, list[JobTransition]]:
        """One job and its history."""
        job = await self.repo.get(job_id)
        return job, await self.repo.history(job_id)

    async def create(self, data: JobCreate, key: str | None) -> tuple[ProvisioningJob, bool]:
        """The new job (True), or the original one when `key` was used with this body.

        The request's Idempotency-Key is replayed by hub.api.idempotency for 24 h; the job
        keeps it for good (its agents run it once by it), so a key older than that still
        finds its job, and another body is the same 422."""
        key = bounded_key(key) if key else uuid.uuid4().hex
        try:
            job, created = await self.create_in_transaction(data, key)
        except IntegrityError:  # the same key raced in from another request
            await self.session.rollback()
            raced = await self._replay(key, request_hash(data))
            if raced is None:
                raise
            return raced, False
        await self.session.commit()
        return job, created

    async def create_in_transaction(self, data: JobCreate, key: str,
                                    ) -> tuple[ProvisioningJob, bool]:
        """`create` inside the caller's transaction (flushed, not committed): billing
        queues its jobs in the same commit as the transition that needs them."""
        digest = request_hash(data)
        existing = await self._replay(key, digest)
        if existing is not None:
            return existing, False
        job = await self._build(data, key, digest)
        await self.session.flush()
        self.session.add(JobTransition(tenant_id=job.tenant_id, job_id=job.id, at=job.created_at,
                                       from_state=None, to_state="queued",
                                       actor=actor_of(self.principal), detail="created"))
        return job, True

    async def _replay(self, key: str, digest: str) -> ProvisioningJob | None:
        found = await self.repo.by_key(key)
        if found is not None and found.request_hash != digest:
            raise KeyReusedError(key)
        return found

    async def _build(self, data: JobCreate, key: str, digest: str) -> ProvisioningJob:
        device = await self.devices.get_reference(data.device_id, "device_id")
        if device.agent_id is None:
            raise InvalidRequestError(f"device {device.name}: no agent polls it; set its "
                                      "agent_id before sending jobs")
        check_job(device, data.action, data.params)
        now = datetime.now(UTC)
        deadline = now + timedelta(seconds=data.deadline_s)
        try:
            JobRequest(agent_id="hub-check", seq=1, ts=now, job_id=uuid.uuid4(),
                       device="hub-check", action=data.action, params=data.params,
                       idempotency_key=key, deadline=deadline)
        except ValidationError as exc:
            raise protocol_problem(exc) from exc
        return self.repo.add(ProvisioningJob(
            device_id=device.id, agent_id=device.agent_id, device_name=device.name,
            action=data.action, params=data.params, requested_by=self.principal.id,
            idempotency_key=key, request_hash=digest, deadline=deadline, state="queued",
            output="", created_at=now, updated_at=now))

    async def cancel(self, job_id: uuid.UUID) -> ProvisioningJob:
        """Cancel a queued job; any other state is a 409."""
        job = await self.repo.get(job_id)
        left = await move(self.session, job.id, "cancelled", actor_of(self.principal),
                          "cancelled by request", only_from=("queued",))
        if left is None:
            await self.session.rollback()
            job = await self.repo.get(job_id)
            raise ConflictError(f"job {job_id}: it is {job.state}; only queued jobs can be "
                                "cancelled")
        await self.session.commit()  # with whatever JobFinished's handlers wrote
        await self.session.refresh(job)
        return job
