"""Configuration versions: stored from backup_config results, served with unified diffs."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.errors import InvalidRequestError, NotFoundError
from hub.inventory.repository import DeviceRepository
from hub.jobs.config_diff import too_large, unified_off_loop
from hub.jobs.models import ConfigVersion, ProvisioningJob
from hub.jobs.repository import ConfigVersionRepository, newest_version_locked
from hub.jobs.schemas import ConfigDiff
from hub.pagination import PageParams
from hub.principal import Principal

BACKUP_ACTION = "backup_config"


def backup_payload(output: str) -> dict[str, Any] | None:
    """The agent's backup document (`kind: config_backup`) inside a job output, if any."""
    try:
        data = json.loads(output)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("kind") != "config_backup":
        return None
    if not isinstance(data.get("config"), str) or not isinstance(data.get("sha256"), str):
        return None
    return data


def backup_summary(data: dict[str, Any]) -> str:
    """What a backup job keeps as its output: the backup document without the configuration,
    which is stored only as a config version (read with `config_versions:read`, never with
    `jobs:read`)."""
    summary = {key: value for key, value in data.items() if key != "config"}
    summary["config"] = "stored as a config version; see /devices/{id}/config-versions"
    return json.dumps(summary)


async def store_backup(session: AsyncSession, job: ProvisioningJob, output: str) -> bool:
    """Add a version from a succeeded backup job unless the newest has the same hash.
    `output` is the agent's output already scrubbed by the hub, so the hash is taken here,
    of the text stored (the agent's, when the hub's scrub changed nothing)."""
    data = backup_payload(output)
    if data is None:
        return False
    text = data["config"]
    digest = hashlib.sha256(text.encode()).hexdigest()
    latest = await newest_version_locked(session, job.device_id)
    if latest is not None and latest.sha256 == digest:
        return False
    number = (latest.version if latest is not None else 0) + 1
    session.add(ConfigVersion(tenant_id=job.tenant_id, device_id=job.device_id, version=number,
                              sha256=digest, text=text, job_id=job.id))
    return True


class ConfigVersionService:
    """Configuration versions of the caller's tenant."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.devices = DeviceRepository(session, principal.tenant_id)
        self.repo = ConfigVersionRepository(session, principal.tenant_id)

    async def list(self, device_id: uuid.UUID, params: PageParams,
                   ) -> tuple[list[ConfigVersion], str | None]:
        """A page of a device's versions (404 for a foreign device)."""
        await self.devices.get(device_id)
        return await self.repo.of_device(device_id, params)

    async def count(self, device_id: uuid.UUID) -> int:
        """How many versions a device has."""
        return await self.repo.count_of_device(device_id)

    async def diff(self, device_id: uuid.UUID, version: int) -> ConfigDiff:
        """Unified diff of `version` against the previous one."""
        await self.devices.get(device_id)
        current = await self.repo.numbered(device_id, version)
        if current is None:
            raise NotFoundError(f"config version {version} of device {device_id}: not stored; "
                                "list /devices/{id}/config-versions for the known ones")
        previous = await self.repo.before(device_id, version)
        old = previous.text if previous is not None else ""
        refused = too_large(old, current.text)
        if refused is not None:
            raise InvalidRequestError(f"config version {version} of device {device_id}: too "
                                      f"large to diff: {refused}")
        diff = await unified_off_loop(old, current.text, f"v{previous.version}" if previous
                                      else "empty", f"v{version}")
        return ConfigDiff(device_id=device_id, version=version,
                          previous_version=previous.version if previous else None,
                          diff=diff)
