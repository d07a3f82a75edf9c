"""Facts the jobs domain announces (see hub.domain_events)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from hub.domain_events import DomainEvent


@dataclass(frozen=True)
class JobFinished(DomainEvent):
    """A provisioning job reached a final state (succeeded, failed, rolled_back, expired or
    cancelled). Published once per job, by the move that made it final."""

    job_id: uuid.UUID
    tenant_id: uuid.UUID
    device_id: uuid.UUID
    agent_id: uuid.UUID
    action: str
    state: str
    error_code: str | None
    finished_at: datetime
