"""Request and response bodies of schedules."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hub.pagination import Page


class Row(BaseModel):
    """Base of responses read from ORM rows."""

    model_config = ConfigDict(from_attributes=True)


class RunPublic(Row):
    """One due time of a schedule and what became of it."""

    id: uuid.UUID
    schedule_id: uuid.UUID
    kind: str
    due_at: datetime = Field(description="the UTC due time this run is for (one run each)")
    manual: bool = Field(description="asked for with POST /schedules/{id}/run")
    status: str = Field(description="pending | running | retrying | succeeded | failed | "
                        "abandoned (its process stopped during every attempt)")
    attempt: int
    claimed_by: str | None = Field(description="host:pid of the hub process running it")
    lease_until: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    next_attempt_at: datetime | None = Field(description="when a retrying run is tried again")
    error: str | None = Field(description="the last attempt's failure, short")
    summary: str = Field(description="what the task did, one line")


class SchedulePublic(Row):
    """A schedule with its next due time, its newest run and its newest finished run."""

    id: uuid.UUID
    kind: str
    description: str = ""
    cron: str = Field(examples=["0 2 * * *"])
    timezone: str = Field(examples=["Europe/Berlin"])
    enabled: bool
    params: dict[str, Any]
    catch_up: str = Field("latest", description="after downtime: `all` runs every missed "
                          "due time (billing), `latest` only the newest")
    next_due_at: datetime
    last_run: RunPublic | None = None
    last_finished_run: RunPublic | None = None
    created_at: datetime
    updated_at: datetime


class ScheduleUpdate(BaseModel):
    """Fields to change (absent: unchanged). A new cron, time zone or enabling moves the next
    due time to the first one from now (missed ones are not caught up)."""

    model_config = ConfigDict(extra="forbid")

    cron: str | None = Field(None, max_length=120, examples=["0 2 * * *"],
                             description="five fields: minute hour day-of-month month "
                             "day-of-week, in the schedule's time zone")
    timezone: str | None = Field(None, max_length=64, examples=["Europe/Berlin"],
                                 description="IANA time zone name")
    enabled: bool | None = None
    params: dict[str, Any] | None = Field(None, description="replaces the task's params")


SchedulesPublic = Page[SchedulePublic]
RunsPublic = Page[RunPublic]
