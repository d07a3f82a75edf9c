"""Schedule use cases behind the API: list (a tenant's default schedules are created on
first read), change, run now, runs. The scheduler itself is hub.schedules.scheduler."""

from __future__ import annotations

import json
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import new_id, utcnow
from hub.errors import InvalidRequestError
from hub.pagination import PageParams
from hub.principal import Principal
from hub.repository import commit_or_conflict
from hub.schedules import repository as rows
from hub.schedules import schemas as s
from hub.schedules.models import Schedule, ScheduleRun
from hub.schedules.repository import Runs, Schedules
from hub.schedules.scheduler import default_schedule
from hub.schedules.settings import SchedulerSettings
from hub.schedules.tasks import task, tasks
from hub.schedules.timing import ScheduleError, check_cron, next_due, zone

PARAMS_MAX_BYTES = 4096


class ScheduleService:
    """Schedules of the caller's tenant."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 settings: SchedulerSettings | None = None) -> None:
        self.session, self.tenant_id = session, principal.tenant_id
        self.schedules = Schedules(session, principal.tenant_id)
        self.runs = Runs(session, principal.tenant_id)
        self.settings = settings or SchedulerSettings()

    async def listed(self) -> list[s.SchedulePublic]:
        """Every schedule of the tenant (the registered kinds it lacks are created now)."""
        have = await self.schedules.kinds()
        now = utcnow()
        values = [default_schedule(self.tenant_id, spec, self.settings.timezone, now)
                  for spec in tasks() if spec.kind not in have]
        if values:
            await rows.add_if_absent(self.session, values)
            await self.session.commit()
        return [await self.out(row) for row in await self.schedules.listed()]

    async def get(self, schedule_id: uuid.UUID) -> Schedule:
        """One schedule (404 when not the tenant's)."""
        return await self.schedules.get(schedule_id)

    async def out(self, row: Schedule) -> s.SchedulePublic:
        """The schedule as the API shows it, with its newest runs."""
        spec = task(row.kind)
        out = s.SchedulePublic.model_validate(row)
        out.description = spec.description if spec else "no task of this kind in this hub"
        out.catch_up = spec.catch_up if spec else "latest"
        last = await self.runs.latest(row.id, finished=False)
        done = await self.runs.latest(row.id, finished=True)
        out.last_run = s.RunPublic.model_validate(last) if last else None
        out.last_finished_run = s.RunPublic.model_validate(done) if done else None
        return out

    async def update(self, schedule_id: uuid.UUID, body: s.ScheduleUpdate) -> Schedule:
        """Change cron, time zone, enabled or params; each checked, 422 with the reason."""
        row = await self.schedules.get(schedule_id)
        try:
            cron = check_cron(body.cron) if body.cron is not None else row.cron
            timezone = body.timezone if body.timezone is not None else row.timezone
            zone(timezone)
        except ScheduleError as exc:
            raise InvalidRequestError(str(exc)) from None
        if body.params is not None:
            row.params = self._checked_params(row.kind, body.params)
        moved = (cron != row.cron or timezone != row.timezone
                 or (body.enabled is True and not row.enabled))
        row.cron, row.timezone = cron, timezone
        if body.enabled is not None:
            row.enabled = body.enabled
        if moved:  # missed due times under the old timing are not caught up
            row.next_due_at = next_due(cron, timezone, utcnow())
        row.updated_at = utcnow()
        await commit_or_conflict(self.session, f"schedule {schedule_id}: changed concurrently")
        return row

    @staticmethod
    def _checked_params(kind: str, params: dict[str, object]) -> dict[str, object]:
        if len(json.dumps(params, default=str)) > PARAMS_MAX_BYTES:
            raise InvalidRequestError(f"params: more than {PARAMS_MAX_BYTES} bytes of JSON")
        spec = task(kind)
        if spec is not None:
            try:
                spec.check_params(dict(params))
            except ValueError as exc:
                raise InvalidRequestError(f"params: {exc}") from None
        return dict(params)

    async def run_now(self, schedule_id: uuid.UUID) -> ScheduleRun:
        """A manual due time (now) for the scheduler to run at its next tick, even when the
        schedule is disabled; its scheduled due times are not affected."""
        row = await self.schedules.get(schedule_id)
        now = utcnow()
        run = ScheduleRun(id=new_id(), tenant_id=self.tenant_id, schedule_id=row.id,
                          kind=row.kind, due_at=now, manual=True, status="pending", attempt=0,
                          next_attempt_at=now, summary="", created_at=now)
        self.session.add(run)
        await commit_or_conflict(self.session, f"schedule {schedule_id}: a run for "
                                 f"{now.isoformat()} exists already; ask again")
        return run

    async def page_of_runs(self, schedule_id: uuid.UUID, params: PageParams,
                           ) -> tuple[list[ScheduleRun], str | None]:
        """One page of a schedule's runs, oldest first."""
        row = await self.schedules.get(schedule_id)
        return await self.runs.page_of(params, row.id)
