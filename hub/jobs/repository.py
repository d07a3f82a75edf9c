"""Job, transition and configuration-version queries (tenant filter from the base class)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from hub.jobs.models import ConfigVersion, JobTransition, ProvisioningJob
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
