"""Every query of schedules: the tenant's schedules and runs for the API, and the
scheduler's cross-tenant statements (due schedules, claiming due times and runs, leases).

The scheduler's claims are single statements whose outcome says who won:
- a due time is claimed by INSERTing its run row; UNIQUE(schedule_id, due_at) turns a second
  claimer's insert into nothing (ON CONFLICT DO NOTHING), on PostgreSQL and SQLite alike;
- a schedule's next due time moves by compare-and-set on the value read (one winner);
- a run to retry, or whose claimer died (lease over), is taken by compare-and-set on its
  status and lease (one winner).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Row, and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.pagination import PageParams
from hub.repository import TenantScopedRepository
from hub.schedules.models import FINISHED, Schedule, ScheduleRun
from hub.tenants.models import Tenant

WAITING = ("pending", "retrying")


class Schedules(TenantScopedRepository[Schedule]):
    """Schedules of the caller's tenant."""

    model, noun = Schedule, "schedule"

    async def kinds(self) -> set[str]:
        """Kinds the tenant has a schedule of."""
        query = select(Schedule.kind).where(Schedule.tenant_id == self.tenant_id)
        return set((await self.session.execute(query)).scalars())

    async def listed(self) -> list[Schedule]:
        """Every schedule of the tenant, by kind (a handful: no pages)."""
        query = self.select().order_by(Schedule.kind)
        return list((await self.session.execute(query)).scalars())


class Runs(TenantScopedRepository[ScheduleRun]):
    """Runs of the caller's tenant's schedules."""

    model, noun = ScheduleRun, "schedule run"

    async def page_of(self, params: PageParams, schedule_id: uuid.UUID,
                      ) -> tuple[list[ScheduleRun], str | None]:
        """One keyset page of one schedule's runs, oldest first."""
        return await self.page(params, self.select().where(
            ScheduleRun.schedule_id == schedule_id))

    async def latest(self, schedule_id: uuid.UUID, finished: bool) -> ScheduleRun | None:
        """The run with the newest due time (of the finished ones when `finished`)."""
        query = self.select().where(ScheduleRun.schedule_id == schedule_id)
        if finished:
            query = query.where(ScheduleRun.status.in_(FINISHED))
        query = query.order_by(ScheduleRun.due_at.desc()).limit(1)
        found: ScheduleRun | None = (await self.session.execute(query)).scalar_one_or_none()
        return found


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert


async def missing_defaults(session: AsyncSession, kinds: Iterable[str],
                           ) -> list[tuple[uuid.UUID, str]]:
    """(tenant, kind) of every registered kind a tenant has no schedule of yet."""
    wanted = set(kinds)
    tenants = list((await session.execute(select(Tenant.id))).scalars())
    pairs = await session.execute(select(Schedule.tenant_id, Schedule.kind))
    have = {(tenant, kind) for tenant, kind in pairs.all()}
    return [(t, k) for t in tenants for k in sorted(wanted) if (t, k) not in have]


async def add_if_absent(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert schedules; one a concurrent process created first is left as it is."""
    if rows:
        statement = _insert(session)(Schedule).on_conflict_do_nothing(
            index_elements=["tenant_id", "kind"])
        await session.execute(statement, rows)


async def schedule_by_id(session: AsyncSession, schedule_id: uuid.UUID) -> Schedule | None:
    """A schedule of any tenant (the scheduler's), as committed now."""
    query = (select(Schedule).where(Schedule.id == schedule_id)
             .execution_options(populate_existing=True))
    found: Schedule | None = (await session.execute(query)).scalar_one_or_none()
    return found


async def due_schedules(session: AsyncSession, now: datetime, kinds: Sequence[str],
                        limit: int) -> list[Schedule]:
    """Enabled schedules of these kinds due at `now`, most overdue first."""
    query = (select(Schedule).where(Schedule.enabled, Schedule.next_due_at <= now,
                                    Schedule.kind.in_(kinds))
             .order_by(Schedule.next_due_at).limit(limit))
    return list((await session.execute(query)).scalars())


async def claim_due_time(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert the run row of one due time; False when another process has it."""
    statement = (_insert(session)(ScheduleRun)
                 .on_conflict_do_nothing(index_elements=["schedule_id", "due_at"])
                 .returning(ScheduleRun.id))
    return (await session.execute(statement, values)).scalar_one_or_none() is not None


async def advance(session: AsyncSession, schedule_id: uuid.UUID, seen: datetime,
                  next_due_at: datetime) -> bool:
    """Move the schedule's next due time from `seen`; False when another process moved it."""
    statement = (update(Schedule).where(Schedule.id == schedule_id,
                                        Schedule.next_due_at == seen)
                 .values(next_due_at=next_due_at).execution_options(synchronize_session=False))
    return _changed(await session.execute(statement))


def _takeable(now: datetime) -> Any:
    """A run waiting for its (next) attempt, or one whose claimer's lease ran out."""
    return or_(and_(ScheduleRun.status.in_(WAITING), ScheduleRun.next_attempt_at <= now),
               and_(ScheduleRun.status == "running", ScheduleRun.lease_until < now))


async def takeable_runs(session: AsyncSession, now: datetime, kinds: Sequence[str],
                        limit: int) -> list[Row[uuid.UUID, int, str, str]]:
    """(id, attempt, status, kind) of runs of these kinds to take now, oldest due first."""
    query = (select(ScheduleRun.id, ScheduleRun.attempt, ScheduleRun.status, ScheduleRun.kind)
             .where(_takeable(now), ScheduleRun.kind.in_(kinds))
             .order_by(ScheduleRun.due_at).limit(limit))
    return list((await session.execute(query)).all())


async def take_run(session: AsyncSession, run_id: uuid.UUID, now: datetime,
                   values: dict[str, Any]) -> bool:
    """Set `values` on the run if it is still takeable at `now`; False when another
    process took it first."""
    statement = (update(ScheduleRun).where(ScheduleRun.id == run_id, _takeable(now))
                 .values(**values).execution_options(synchronize_session=False))
    return _changed(await session.execute(statement))


async def extend_leases(session: AsyncSession, claimer: str, until: datetime) -> int:
    """Extend the lease of every run this process is running; how many."""
    statement = (update(ScheduleRun).where(ScheduleRun.claimed_by == claimer,
                                           ScheduleRun.status == "running")
                 .values(lease_until=until).execution_options(synchronize_session=False))
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


async def finish_run(session: AsyncSession, run_id: uuid.UUID, claimer: str,
                     values: dict[str, Any]) -> bool:
    """Record the end of an attempt if this process still holds the run."""
    statement = (update(ScheduleRun).where(ScheduleRun.id == run_id,
                                           ScheduleRun.claimed_by == claimer,
                                           ScheduleRun.status == "running")
                 .values(**values).execution_options(synchronize_session=False))
    return _changed(await session.execute(statement))


async def run_and_schedule(session: AsyncSession, run_id: uuid.UUID,
                           ) -> tuple[ScheduleRun, Schedule] | None:
    """A run and its schedule."""
    query = (select(ScheduleRun, Schedule).join(Schedule, Schedule.id == ScheduleRun.schedule_id)
             .where(ScheduleRun.id == run_id))
    row = (await session.execute(query)).one_or_none()
    return None if row is None else (row[0], row[1])


async def purge_runs(session: AsyncSession, tenant_id: uuid.UUID, before: datetime,
                     statuses: Collection[str] = FINISHED,
                     except_kinds: Collection[str] = ()) -> int:
    """Delete the tenant's runs in `statuses` (finished ones) due before `before`, except
    each schedule's newest finished run (the API and the alarm read it) and the runs of
    `except_kinds`; rows deleted."""
    other = aliased(ScheduleRun)
    newest = (select(func.max(other.due_at))
              .where(other.schedule_id == ScheduleRun.schedule_id,
                     other.status.in_(FINISHED)).scalar_subquery())
    statement = (delete(ScheduleRun).where(
        ScheduleRun.tenant_id == tenant_id,
        ScheduleRun.status.in_([s for s in statuses if s in FINISHED]),
        ScheduleRun.kind.not_in(list(except_kinds)),
        ScheduleRun.due_at < before, ScheduleRun.due_at < newest)
        .execution_options(synchronize_session=False))
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def _changed(result: Any) -> bool:
    return isinstance(result, CursorResult) and result.rowcount == 1
