"""Helpers of the schedule tests: test tasks that record their effects, schedules set to a
due time, a clock the test moves."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.handlers import register_tasks
from hub.schedules.models import Schedule, ScheduleRun
from hub.schedules.tasks import TaskContext, register_task, unregister_all
from hub.schedules.timing import next_due

NEVER = "0 0 1 1 *"  # a default cron the tests never reach (1 January)


@dataclass
class Effects:
    """What the test tasks did: (tag, due time) per run, and failures asked for."""

    done: list[tuple[str, datetime]] = field(default_factory=list)
    failing: set[str] = field(default_factory=set)

    async def record(self, ctx: TaskContext) -> str:
        """The test task: fails while its tag is in `failing`, else records its effect."""
        tag = str(ctx.params.get("tag"))
        if tag in self.failing:
            raise RuntimeError(f"{tag} failed on purpose (postgresql://user:pw@db/x)")
        self.done.append((tag, ctx.due_at))
        return f"{tag} done for {ctx.due_at.isoformat()}"

    def of(self, tag: str) -> list[datetime]:
        """Due times `tag`'s task ran for, in order."""
        return [at for t, at in self.done if t == tag]


@contextmanager
def only_tasks(kinds: dict[str, str], effects: Effects) -> Iterator[Effects]:
    """Only these test kinds (kind -> catch-up policy) are registered while inside; the
    hub's own tasks are registered again after."""
    unregister_all()
    for kind, catch_up in kinds.items():
        register_task(kind, effects.record, default_cron=NEVER, description="test",
                      catch_up=catch_up)  # type: ignore[arg-type]
    try:
        yield effects
    finally:
        register_tasks()


class Clock:
    """A time the test sets."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def set_schedule(sessions: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID,
                       kind: str, cron: str, next_due_at: datetime | None,
                       params: dict[str, Any], timezone: str = "UTC") -> uuid.UUID:
    """The tenant's schedule of `kind` (created if the scheduler has not yet), set so."""
    async with sessions() as session, session.begin():
        row = (await session.execute(select(Schedule).where(
            Schedule.tenant_id == tenant_id, Schedule.kind == kind))).scalar_one_or_none()
        if row is None:
            row = Schedule(tenant_id=tenant_id, kind=kind)
            session.add(row)
        row.cron, row.timezone, row.enabled, row.params = cron, timezone, True, params
        row.next_due_at = next_due_at or next_due(cron, timezone, datetime.now().astimezone())
        await session.flush()
        return row.id


async def runs_of(sessions: async_sessionmaker[AsyncSession],
                  schedule_id: uuid.UUID) -> list[ScheduleRun]:
    """The schedule's runs, by due time."""
    async with sessions() as session:
        return list((await session.execute(select(ScheduleRun).where(
            ScheduleRun.schedule_id == schedule_id).order_by(ScheduleRun.due_at))).scalars())
