"""Facts ingest makes true from what agents report (see hub.domain_events).

Availability transitions (`AgentStateChanged`, `DeviceStateChanged`) are published when the
stored state changes, next to the AvailabilityEvent row that records them; alarms will
subscribe. `JobReported` hands an agent's job progress or result to the jobs domain: ingest
decodes, authorizes and dedupes it, jobs decides what it means for the job.
`DeviceEventsReported` hands the traps and syslog events an agent forwarded to alarms the
same way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from hub.domain_events import DomainEvent
from protocol import ConfigAck, DeviceEventBatch, DiscoveryReport, JobProgress, JobResult


@dataclass(frozen=True)
class AgentStateChanged(DomainEvent):
    """An agent went online (birth message) or offline (Last Will or goodbye)."""

    tenant_id: uuid.UUID
    site_id: uuid.UUID
    agent_id: uuid.UUID
    agent_name: str
    state: Literal["online", "offline"]
    previous: str  # "unknown" for an agent never seen before
    at: datetime
    reason: str | None


@dataclass(frozen=True)
class DeviceStateChanged(DomainEvent):
    """A device became reachable ("up") or unreachable ("down") for the agent polling it."""

    tenant_id: uuid.UUID
    site_id: uuid.UUID
    agent_id: uuid.UUID
    device: str  # the device name the agent polls it by
    state: Literal["up", "down"]
    previous: str  # "unknown" before its first health report
    at: datetime
    reason: str | None  # the poll error when down


@dataclass(frozen=True)
class JobReported(DomainEvent):
    """An agent reported progress or the result of a provisioning job (deduplicated)."""

    # Ingest acknowledges the message after this transaction: unhandled, the report is lost.
    requires_handler: ClassVar[bool] = True

    tenant_id: uuid.UUID
    agent_id: uuid.UUID
    report: JobProgress | JobResult
    received_at: datetime


@dataclass(frozen=True)
class ConfigReported(DomainEvent):
    """An agent applied, refused or (after connecting) reported its polling configuration."""

    requires_handler: ClassVar[bool] = True

    tenant_id: uuid.UUID
    agent_id: uuid.UUID
    report: ConfigAck
    received_at: datetime


@dataclass(frozen=True)
class DiscoveryReported(DomainEvent):
    """An agent reported progress and candidates of a discovery it runs."""

    requires_handler: ClassVar[bool] = True

    tenant_id: uuid.UUID
    agent_id: uuid.UUID
    report: DiscoveryReport
    received_at: datetime


@dataclass(frozen=True)
class DeviceEventsReported(DomainEvent):
    """An agent forwarded events its devices sent it (SNMP traps, syslog), deduplicated by
    the batch's seq; the consumer stores them (deduplicating by event id) and raises or
    clears alarms, in ingest's transaction: the batch is acknowledged only after that."""

    requires_handler: ClassVar[bool] = True

    tenant_id: uuid.UUID
    site_id: uuid.UUID
    agent_id: uuid.UUID
    agent_name: str
    report: DeviceEventBatch
    received_at: datetime
