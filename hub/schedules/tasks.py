"""The task registry: what a schedule of each `kind` runs.

Schedules import no domain above them (pyproject's import-linter layers): the composition
root (`hub.handlers.register_tasks`) registers each domain's plain async function here under
a kind such as `billing.run`, with the cron a new tenant's schedule starts from and how
missed due times are caught up after downtime:

- `all`: every missed due time runs, oldest first, up to `SchedulerSettings.catch_up_limit`
  (billing: each missed billing day must still be invoiced);
- `latest`: only the newest missed due time runs (retention, cleanup: one pass does it all).

A task gets a `TaskContext` and returns a one-line summary stored with its run. It must be
safe to run again for the same due time (a run whose process died is re-claimed and run
from the start): billing commits one invoice per transaction and skips what exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

CatchUp = Literal["all", "latest"]


@dataclass(frozen=True)
class TaskContext:
    """What one run of a task is for."""

    sessions: async_sessionmaker[AsyncSession]
    tenant_id: uuid.UUID
    due_at: datetime  # the UTC due time this run is for (exactly once per due time)
    local_date: date  # due_at's date in the schedule's time zone
    params: dict[str, Any]  # the schedule's params (JSON)


TaskFn = Callable[[TaskContext], Awaitable[str]]  # returns a one-line summary for the run
# Refuses params a task cannot use (ValueError with the reason: PATCH /schedules answers 422).
ParamsCheck = Callable[[dict[str, Any]], None]


def _any_params(params: dict[str, Any]) -> None:
    """Params a task does not read are kept as they are."""


@dataclass(frozen=True)
class Task:
    """A registered kind of schedule."""

    kind: str
    fn: TaskFn
    default_cron: str
    description: str
    catch_up: CatchUp = "latest"
    default_params: tuple[tuple[str, Any], ...] = ()
    check_params: ParamsCheck = _any_params

    @property
    def params(self) -> dict[str, Any]:
        """A fresh copy of the params a new schedule of this kind starts with."""
        return dict(self.default_params)


_TASKS: dict[str, Task] = {}


def register_task(kind: str, fn: TaskFn, *, default_cron: str, description: str,
                  catch_up: CatchUp = "latest", default_params: dict[str, Any] | None = None,
                  check_params: ParamsCheck | None = None) -> None:
    """Register (or replace) the task of `kind`: every tenant gets a schedule of it, with
    `default_cron` in the default time zone and `default_params`."""
    from hub.schedules.timing import check_cron  # a bad default is a programming error

    check_cron(default_cron)
    check = check_params or _any_params
    check(dict(default_params or {}))
    _TASKS[kind] = Task(kind, fn, default_cron, description, catch_up,
                        tuple(sorted((default_params or {}).items())), check)


def unregister_all() -> None:
    """Forget every task (the composition root registers them again; tests)."""
    _TASKS.clear()


def task(kind: str) -> Task | None:
    """The task of `kind`, or None when no process registered it."""
    return _TASKS.get(kind)


def tasks() -> list[Task]:
    """Every registered task, by kind."""
    return [_TASKS[k] for k in sorted(_TASKS)]


__all__ = ["CatchUp", "ParamsCheck", "Task", "TaskContext", "TaskFn", "register_task", "task",
           "tasks", "unregister_all"]
