"""Site, agent and device request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, IPvAnyAddress

from hub.pagination import Page

NAME = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"  # usable in topics, hostnames and file names
Name = Field(min_length=1, max_length=100, pattern=NAME, examples=["ams1-pop"])
OptName = Field(None, min_length=1, max_length=100, pattern=NAME)
Profile = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_.\-]*$",
                examples=["cisco-ios"], description="firmware profile / SNMP profile name")


class AgentStatus(StrEnum):
    """Lifecycle of an agent."""

    PENDING = "pending"
    ACTIVE = "active"
    REVOKED = "revoked"


class SiteCreate(BaseModel):
    """A new site."""

    model_config = ConfigDict(extra="forbid")
    name: str = Name
    description: str = Field("", max_length=500, examples=["Equinix AM3, rack 12"])


class SiteUpdate(BaseModel):
    """Changes to a site."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = OptName
    description: str | None = Field(None, max_length=500)


class SitePublic(BaseModel):
    """A site."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    description: str
    created_at: datetime


class SitesPublic(Page[SitePublic]):
    """A page of sites."""


class AgentCreate(BaseModel):
    """A new agent record in a site (it gets credentials at enrollment)."""

    model_config = ConfigDict(extra="forbid")
    site_id: uuid.UUID
    name: str = Field(min_length=1, max_length=100, pattern=NAME, examples=["ams1-agent-01"])


class AgentUpdate(BaseModel):
    """Changes to an agent (its site is fixed: re-enroll to move it)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = OptName


class AgentPublic(BaseModel):
    """An agent."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    status: AgentStatus
    revoked_at: datetime | None
    last_seen_at: datetime | None
    created_at: datetime


class AgentsPublic(Page[AgentPublic]):
    """A page of agents."""


class DeviceCreate(BaseModel):
    """A new device; its polling agent, if given, must be in the same site."""

    model_config = ConfigDict(extra="forbid")
    site_id: uuid.UUID
    name: str = Field(min_length=1, max_length=100, pattern=NAME, examples=["ams1-core-sw1"])
    management_address: IPvAnyAddress = Field(examples=["192.0.2.10"])
    snmp_profile: str = Profile
    agent_id: uuid.UUID | None = None


class DeviceUpdate(BaseModel):
    """Changes to a device (agent_id null detaches it from its agent)."""

    model_config = ConfigDict(extra="forbid")
    site_id: uuid.UUID | None = None
    name: str | None = OptName
    management_address: IPvAnyAddress | None = None
    snmp_profile: str | None = Field(None, min_length=1, max_length=64,
                                     pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    agent_id: uuid.UUID | None = None


class DevicePublic(BaseModel):
    """A device."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    site_id: uuid.UUID
    agent_id: uuid.UUID | None
    name: str
    management_address: str = Field(examples=["192.0.2.10"])
    snmp_profile: str
    created_at: datetime


class DevicesPublic(Page[DevicePublic]):
    """A page of devices."""
