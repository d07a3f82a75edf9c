"""Every query of jobs: jobs, transitions and configuration versions of one tenant for the
API (tenant filter from the base class), and the workers' statements below."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.inventory.models import Agent, Device
from hub.jobs.models import ACTIVE_STATES, ConfigVersion, JobTransition, ProvisioningJob
from hub.pagination import PageParams
from hub.repository import TenantScopedRepository


class JobRepository(TenantScopedRepository[ProvisioningJob]):
    """Jobs of one tenant."""

    model = ProvisioningJob
    noun = "job"

    async def by_key(self, key: str) -> ProvisioningJob | None:
        """The job created with this idempotency key, if any."""
        query = self.select().where(ProvisioningJob.idempotency_key == key)
        row: ProvisioningJob | None = (await self.session.execute(query)).scalar_one_or_none()
        return row

    async def search(self, params: PageParams, device_id: uuid.UUID | None,
                   state: str | None) -> tuple[list[ProvisioningJob], str | None]:
        """A page of jobs, optionally of one device and/or in one state."""
        query = self.select()
        if device_id is not None:
            query = query.where(ProvisioningJob.device_id == device_id)
        if state is not None:
            query = query.where(ProvisioningJob.state == state)
        return await self.page(params, query)

    async def history(self, job_id: uuid.UUID) -> list[JobTransition]:
        """Transitions of a job of this tenant, oldest first."""
        query = select(JobTransition).where(
            JobTransition.tenant_id == self.tenant_id, JobTransition.job_id == job_id
        ).order_by(JobTransition.at, JobTransition.id)
        return list((await self.session.execute(query)).scalars())


class ConfigVersionRepository(TenantScopedRepository[ConfigVersion]):
    """Configuration versions of one tenant."""

    model = ConfigVersion
    noun = "config version"

    async def of_device(self, device_id: uuid.UUID, params: PageParams,
                        ) -> tuple[list[ConfigVersion], str | None]:
        """A page of a device's versions."""
        return await self.page(params, self.select().where(ConfigVersion.device_id == device_id))

    async def numbered(self, device_id: uuid.UUID, version: int) -> ConfigVersion | None:
        """Version number `version` of a device, if stored."""
        query = self.select().where(ConfigVersion.device_id == device_id,
                                    ConfigVersion.version == version)
        row: ConfigVersion | None = (await self.session.execute(query)).scalar_one_or_none()
        return row

    async def before(self, device_id: uuid.UUID, version: int) -> ConfigVersion | None:
        """The newest version older than `version`."""
        query = self.select().where(ConfigVersion.device_id == device_id,
                                    ConfigVersion.version < version
                                    ).order_by(ConfigVersion.version.desc()).limit(1)
        row: ConfigVersion | None = (await self.session.execute(query)).scalar_one_or_none()
        return row

    async def count_of_device(self, device_id: uuid.UUID) -> int:
        """How many versions a device has."""
        query = select(func.count()).select_from(ConfigVersion).where(
            ConfigVersion.tenant_id == self.tenant_id, ConfigVersion.device_id == device_id)
        return int((await self.session.execute(query)).scalar_one())


# The dispatcher's, the sweeper's and the agents' statements: across tenants (the workers
# serve every tenant; a report is matched to its agent by the caller), in the caller's
# transaction.

async def job_by_id(session: AsyncSession, job_id: uuid.UUID) -> ProvisioningJob | None:
    """A job by id, whatever its tenant."""
    return await session.get(ProvisioningJob, job_id)


async def agent_by_id(session: AsyncSession, agent_id: uuid.UUID) -> Agent | None:
    """The agent a job was sent to."""
    return await session.get(Agent, agent_id)


async def overdue_job_ids(session: AsyncSession, now: datetime,
                          late_running: datetime) -> list[uuid.UUID]:
    """Queued or dispatched jobs past their deadline, running ones past it before
    `late_running` (the grace a running job gets)."""
    query = select(ProvisioningJob.id).where(
        ((ProvisioningJob.state.in_(("queued", "dispatched")))
         & (ProvisioningJob.deadline < now))
        | ((ProvisioningJob.state == "running") & (ProvisioningJob.deadline < late_running)))
    return list((await session.execute(query)).scalars())


async def unanswered_job_ids(session: AsyncSession, cutoff: datetime) -> list[uuid.UUID]:
    """Jobs still `dispatched` with no change since `cutoff`."""
    query = select(ProvisioningJob.id).where(ProvisioningJob.state == "dispatched",
                                             ProvisioningJob.updated_at < cutoff)
    return list((await session.execute(query)).scalars())


async def claim_resend(session: AsyncSession, job_id: uuid.UUID, cutoff: datetime,
                       now: datetime) -> bool:
    """Touch a job still unanswered since `cutoff`; False when another process did first."""
    claimed = await session.execute(
        update(ProvisioningJob).where(ProvisioningJob.id == job_id,
                                      ProvisioningJob.state == "dispatched",
                                      ProvisioningJob.updated_at < cutoff)
        .values(updated_at=now).execution_options(synchronize_session=False))
    return bool(getattr(claimed, "rowcount", 0) == 1)


async def queued_jobs(session: AsyncSession) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(job, device) of every queued job, oldest first."""
    query = select(ProvisioningJob.id, ProvisioningJob.device_id).where(
        ProvisioningJob.state == "queued").order_by(ProvisioningJob.created_at,
                                                     ProvisioningJob.id)
    return [(job_id, device_id) for job_id, device_id in (await session.execute(query)).all()]


async def lock_device(session: AsyncSession, device_id: uuid.UUID) -> None:
    """Lock the device row until the transaction ends (one dispatch per device at a time)."""
    await session.execute(select(Device.id).where(Device.id == device_id).with_for_update())


async def device_busy(session: AsyncSession, device_id: uuid.UUID) -> bool:
    """Whether a job of this device is active."""
    query = select(ProvisioningJob.id).where(ProvisioningJob.device_id == device_id,
                                             ProvisioningJob.state.in_(ACTIVE_STATES)).limit(1)
    return (await session.execute(query)).first() is not None


async def job_for_move(session: AsyncSession, job_id: uuid.UUID,
                       ) -> Row[str, uuid.UUID, uuid.UUID, uuid.UUID, str] | None:
    """What a state move needs of a job: state, tenant_id, device_id, agent_id, action."""
    j = ProvisioningJob
    query = select(j.state, j.tenant_id, j.device_id, j.agent_id, j.action).where(j.id == job_id)
    return (await session.execute(query)).one_or_none()


async def move_if_state(session: AsyncSession, job_id: uuid.UUID, seen: str,
                        changes: dict[str, Any]) -> bool:
    """`UPDATE ... WHERE id AND state = seen`: False when another process moved it first."""
    result = await session.execute(
        update(ProvisioningJob).where(ProvisioningJob.id == job_id,
                                      ProvisioningJob.state == seen).values(**changes)
        .execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0) == 1)


async def newest_version_locked(session: AsyncSession,
                                device_id: uuid.UUID) -> ConfigVersion | None:
    """A device's newest configuration version, locked until the transaction ends (two
    backups of one device number their versions one after the other)."""
    query = (select(ConfigVersion).where(ConfigVersion.device_id == device_id)
             .order_by(ConfigVersion.version.desc()).limit(1).with_for_update())
    row: ConfigVersion | None = (await session.execute(query)).scalar_one_or_none()
    return row
