"""Job and configuration-version endpoints (thin: parse, call the service, shape the answer)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from hub.api.deps import RequirePermission, SessionDep
from hub.api.idempotency import ClientKey
from hub.errors import error_docs
from hub.jobs.backups import ConfigVersionService
from hub.jobs.models import FINAL_STATES, OPEN_STATES
from hub.jobs.schemas import (
    ConfigDiff,
    ConfigVersionPublic,
    ConfigVersionsPublic,
    JobCreate,
    JobDetail,
    JobPublic,
    JobsPublic,
    JobTransitionPublic,
)
from hub.jobs.service import JobService
from hub.pagination import PageDep
from hub.principal import Principal

jobs = APIRouter(prefix="/jobs", tags=["jobs"])
config_versions = APIRouter(prefix="/devices", tags=["config versions"])
READ, WRITE = error_docs(401, 403, 422, 429), error_docs(401, 403, 409, 422, 429)
ONE = error_docs(401, 403, 404, 409, 422, 429)
STATE_PATTERN = "^(" + "|".join(OPEN_STATES + FINAL_STATES) + ")$"

JobsRead = Annotated[Principal, RequirePermission("jobs:read")]
JobsWrite = Annotated[Principal, RequirePermission("jobs:write")]
ConfigVersionsRead = Annotated[Principal, RequirePermission("config_versions:read")]


@jobs.post("", operation_id="jobs_create", response_model=JobPublic, status_code=201,
           responses=WRITE)
async def create_job(body: JobCreate, session: SessionDep, principal: JobsWrite,
                     response: Response, key: ClientKey) -> JobPublic:
    """Queue a job after checking the action and its parameters. The Idempotency-Key
    (docs/api.md) is also the job's own key, kept with it: past the 24 h of the generic
    replay, the same key and body answer the original job (200), another body a 422."""
    job, created = await JobService(session, principal).create(body, key)
    if not created:
        response.status_code = 200
    return JobPublic.model_validate(job)


@jobs.get("", operation_id="jobs_list", response_model=JobsPublic, responses=READ)
async def list_jobs(session: SessionDep, page: PageDep, principal: JobsRead,
                    device_id: Annotated[uuid.UUID | None, Query()] = None,
                    state: Annotated[str | None, Query(pattern=STATE_PATTERN)] = None,
                    ) -> JobsPublic:
    """Jobs of the caller's tenant, oldest first."""
    rows, cursor = await JobService(session, principal).search(page, device_id, state)
    return JobsPublic(data=[JobPublic.model_validate(r) for r in rows], next_cursor=cursor)


@jobs.get("/{job_id}", operation_id="jobs_get", response_model=JobDetail, responses=ONE)
async def get_job(job_id: uuid.UUID, session: SessionDep, principal: JobsRead) -> JobDetail:
    """One job with its state history."""
    job, history = await JobService(session, principal).get(job_id)
    return JobDetail(**JobPublic.model_validate(job).model_dump(),
                     history=[JobTransitionPublic.model_validate(t) for t in history])


@jobs.post("/{job_id}/cancel", operation_id="jobs_cancel", response_model=JobPublic,
           responses=ONE)
async def cancel_job(job_id: uuid.UUID, session: SessionDep, principal: JobsWrite) -> JobPublic:
    """Cancel a job that is still queued (409 once dispatched)."""
    return JobPublic.model_validate(await JobService(session, principal).cancel(job_id))


@config_versions.get("/{device_id}/config-versions", operation_id="config_versions_list",
                     response_model=ConfigVersionsPublic, responses=ONE)
async def list_config_versions(device_id: uuid.UUID, session: SessionDep, page: PageDep,
                               principal: ConfigVersionsRead) -> ConfigVersionsPublic:
    """Stored configurations of a device (a new one only when the config changed)."""
    rows, cursor = await ConfigVersionService(session, principal).list(device_id, page)
    return ConfigVersionsPublic(data=[ConfigVersionPublic.model_validate(r) for r in rows],
                                next_cursor=cursor)


@config_versions.get("/{device_id}/config-versions/{version}/diff",
                     operation_id="config_versions_diff", response_model=ConfigDiff,
                     responses=ONE)
async def config_version_diff(device_id: uuid.UUID, version: int, session: SessionDep,
                              principal: ConfigVersionsRead) -> ConfigDiff:
    """Unified diff of a version against the previous one (422 "too large to diff" when
    either side has over 10,000 lines or 512 Ki characters: see hub/jobs/config_diff.py)."""
    return await ConfigVersionService(session, principal).diff(device_id, version)
