"""Analytics response bodies (read-only views over what ingest stored)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from hub.pagination import Page


class Period(BaseModel):
    """The half-open UTC period [start, end) an answer covers."""

    start: datetime
    end: datetime


class ObservedDevicePublic(BaseModel):
    """A device as its agent last reported it, with availability state."""

    model_config = ConfigDict(from_attributes=True)
    device: str = Field(examples=["ams1-core-sw1"])
    site_id: uuid.UUID
    agent_id: uuid.UUID
    address: str | None
    profile: str | None
    status: str = Field(description="up | down | unknown", examples=["up"])
    status_since: datetime | None
    status_reason: str | None
    last_seen_at: datetime | None


class ObservedDevicesPublic(Page[ObservedDevicePublic]):
    """A page of observed devices (ordered by name)."""


class TrafficPoint(BaseModel):
    """One 5-minute bucket of one interface."""

    ts: datetime = Field(description="bucket start (UTC, 5-minute aligned)")
    in_bps: float
    out_bps: float
    in_errors: int
    out_errors: int
    in_utilisation_pct: float | None = Field(description="null when the speed is unknown")
    out_utilisation_pct: float | None


class TrafficSeries(BaseModel):
    """Traffic of one interface over a period; buckets without data are absent."""

    device: str
    if_index: int
    name: str | None
    speed_bps: int | None
    period: Period
    step_s: int = 300
    points: list[TrafficPoint]


class InterfaceUtilisation(BaseModel):
    """One interface's average and peak use over a period."""

    device: str
    if_index: int
    name: str
    speed_bps: int
    avg_in_bps: float
    avg_out_bps: float
    peak_bps: float
    utilisation_pct: float = Field(description="max(avg in, avg out) / speed x 100")


class TopInterfaces(BaseModel):
    """The busiest interfaces of the tenant, highest utilisation first."""

    period: Period
    data: list[InterfaceUtilisation]


class Availability(BaseModel):
    """Up time of a device or a site over the part of the period its state was known."""

    subject: str = Field(description="device name or site id")
    site_id: uuid.UUID
    availability_pct: float | None = Field(description="null when the state was never known")
    up_s: float
    known_s: float


class AvailabilityReport(BaseModel):
    """Availability per device or per site."""

    period: Period
    data: list[Availability]


class AgentHealthPublic(BaseModel):
    """The newest health report and online state of an agent."""

    model_config = ConfigDict(from_attributes=True)
    agent_id: uuid.UUID
    agent_name: str
    site_id: uuid.UUID
    state: str = Field(description="online | offline | unknown")
    state_since: datetime | None
    queue_depth: int | None
    queue_bytes: int | None
    oldest_queued_age_s: float | None
    dropped_samples: int | None
    devices_total: int | None
    devices_failing: int | None
    poll_p95_s: float | None
    lag_s: float | None = Field(description="receive time minus report time, seconds")
    health_ts: datetime | None
    last_seen_at: datetime | None


class AgentsHealth(BaseModel):
    """Health of the tenant's agents."""

    data: list[AgentHealthPublic]


class Percentile95Public(BaseModel):
    """95th percentile billing of one interface (docs/analytics.md has the definition)."""

    device: str
    if_index: int
    period: Period
    buckets: int = Field(description="5-minute buckets with data in the period")
    p95_in_bps: float | None
    p95_out_bps: float | None
    billable_bps: float | None = Field(description="max(p95 in, p95 out)")
