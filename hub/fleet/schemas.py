"""Fleet response bodies: each agent's configuration state (desired, pushed, applied)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from hub.fleet.models import AgentConfigState
from hub.pagination import Page


class ConfigError(BaseModel):
    """Why the newest version does not run: the agent refused it (its error code) or the
    hub would not send it (`oversize`, `invalid`, `unseal_failed`)."""

    code: str = Field(examples=["unknown_profile"])
    detail: str = Field(examples=["devices.3.profile: no profile named 'foo_os' on this agent"])
    at: datetime | None


class AgentConfigPublic(BaseModel):
    """One agent's configuration versions; `in_sync` is false while the agent runs an older
    version than the hub wants (drift)."""

    agent_id: uuid.UUID
    agent_name: str | None = None
    desired_version: int = Field(description="Newest version of the agent's config at the hub")
    desired_at: datetime | None
    devices: int = Field(description="Devices in the desired version")
    pushed_version: int = Field(description="Newest version handed to the broker")
    pushed_at: datetime | None
    applied_version: int = Field(description="Version the agent last said it runs")
    acked_at: datetime | None = Field(description="When the agent last answered on up/config")
    last_status: str | None = Field(None, examples=["applied"], description="applied, "
                                    "rejected or current (from the agent), refused_by_hub")
    last_error: ConfigError | None
    in_sync: bool

    @classmethod
    def of(cls, state: AgentConfigState | None, agent_id: uuid.UUID,
           agent_name: str | None = None) -> AgentConfigPublic:
        """The public view of a state row (an agent without one has version 0 everywhere)."""
        if state is None:
            return cls(agent_id=agent_id, agent_name=agent_name, desired_version=0,
                       desired_at=None, devices=0, pushed_version=0, pushed_at=None,
                       applied_version=0, acked_at=None, last_error=None, in_sync=True)
        error = (ConfigError(code=state.last_error_code, detail=state.last_error_detail or "",
                             at=state.last_error_at) if state.last_error_code else None)
        return cls(agent_id=agent_id, agent_name=agent_name,
                   desired_version=state.desired_version, desired_at=state.desired_at,
                   devices=state.desired_devices, pushed_version=state.pushed_version,
                   pushed_at=state.pushed_at, applied_version=state.applied_version,
                   acked_at=state.acked_at, last_status=state.last_status, last_error=error,
                   in_sync=state.applied_version == state.desired_version)


class AgentConfigsPublic(Page[AgentConfigPublic]):
    """A page of agents' configuration states."""
