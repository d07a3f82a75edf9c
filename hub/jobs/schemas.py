"""Job and configuration-version request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hub.pagination import Page

DEFAULT_DEADLINE_S = 3600
MAX_DEADLINE_S = 7 * 86400


class JobCreate(BaseModel):
    """A new provisioning job; `params` must satisfy the action's parameter schema."""

    model_config = ConfigDict(extra="forbid")
    device_id: uuid.UUID
    action: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$",
                        examples=["suspend_customer"])
    params: dict[str, Any] = Field(default_factory=dict,
                                   examples=[{"interface": "GigabitEthernet0/2"}])
    deadline_s: int = Field(DEFAULT_DEADLINE_S, ge=5, le=MAX_DEADLINE_S,
                            description="seconds from now after which an undelivered job "
                            "expires instead of running")


class JobTransitionPublic(BaseModel):
    """One state change."""

    model_config = ConfigDict(from_attributes=True)
    at: datetime
    from_state: str | None
    to_state: str
    actor: str
    detail: str


class JobPublic(BaseModel):
    """A provisioning job."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    device_id: uuid.UUID
    agent_id: uuid.UUID
    device_name: str
    action: str
    params: dict[str, Any]
    requested_by: uuid.UUID
    idempotency_key: str
    deadline: datetime
    state: str = Field(examples=["queued"])
    error_code: str | None
    output: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None


class JobDetail(JobPublic):
    """A job with its transition history, oldest first."""

    history: list[JobTransitionPublic]


class JobsPublic(Page[JobPublic]):
    """A page of jobs."""


class ConfigVersionPublic(BaseModel):
    """One stored configuration of a device (the text itself is in the diff)."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    device_id: uuid.UUID
    version: int
    sha256: str
    job_id: uuid.UUID | None
    created_at: datetime


class ConfigVersionsPublic(Page[ConfigVersionPublic]):
    """A page of configuration versions."""


class ConfigDiff(BaseModel):
    """Unified diff of a version against the one before it (all-added for version 1)."""

    device_id: uuid.UUID
    version: int
    previous_version: int | None
    diff: str
