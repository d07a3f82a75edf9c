"""Schedule endpoints: list, read, change, run now, runs (docs/scheduling.md)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter

from hub.api.deps import RequirePermission, SessionDep
from hub.errors import error_docs
from hub.pagination import PageDep
from hub.principal import Principal
from hub.schedules import schemas as s
from hub.schedules.service import ScheduleService

router = APIRouter(prefix="/schedules", tags=["schedules"])
READ, ONE = error_docs(401, 403, 422, 429), error_docs(401, 403, 404, 422, 429)
WRITE = error_docs(401, 403, 404, 409, 422, 429)
SchedulesRead = Annotated[Principal, RequirePermission("schedules:read")]
SchedulesWrite = Annotated[Principal, RequirePermission("schedules:write")]


@router.get("", operation_id="schedules_list", response_model=s.SchedulesPublic,
            responses=READ)
async def list_schedules(session: SessionDep, p: SchedulesRead) -> s.SchedulesPublic:
    """Every schedule of the tenant (one per kind: billing run, dunning, retention...), its
    next due time, newest run and newest finished run. One page: a tenant has a handful."""
    return s.SchedulesPublic(data=await ScheduleService(session, p).listed(), next_cursor=None)


@router.get("/{schedule_id}", operation_id="schedules_get", response_model=s.SchedulePublic,
            responses=ONE)
async def get_schedule(schedule_id: uuid.UUID, session: SessionDep,
                       p: SchedulesRead) -> s.SchedulePublic:
    """One schedule."""
    service = ScheduleService(session, p)
    return await service.out(await service.get(schedule_id))


@router.patch("/{schedule_id}", operation_id="schedules_update",
              response_model=s.SchedulePublic, responses=WRITE)
async def update_schedule(schedule_id: uuid.UUID, body: s.ScheduleUpdate, session: SessionDep,
                          p: SchedulesWrite) -> s.SchedulePublic:
    """Change the cron, time zone, params or enabled flag; a bad cron or time zone is a 422
    naming the reason."""
    service = ScheduleService(session, p)
    return await service.out(await service.update(schedule_id, body))


@router.post("/{schedule_id}/run", operation_id="schedules_run", status_code=202,
             response_model=s.RunPublic, responses=WRITE)
async def run_schedule(schedule_id: uuid.UUID, session: SessionDep,
                       p: SchedulesWrite) -> s.RunPublic:
    """Run now: a manual due time the scheduler takes at its next tick (202; follow it with
    GET /schedules/{id}/runs)."""
    return s.RunPublic.model_validate(await ScheduleService(session, p).run_now(schedule_id))


@router.get("/{schedule_id}/runs", operation_id="schedules_runs", response_model=s.RunsPublic,
            responses=ONE)
async def list_runs(schedule_id: uuid.UUID, session: SessionDep, page: PageDep,
                    p: SchedulesRead) -> s.RunsPublic:
    """The schedule's runs, oldest first (cursor pagination)."""
    data, cursor = await ScheduleService(session, p).page_of_runs(schedule_id, page)
    return s.RunsPublic.of(data, cursor)
