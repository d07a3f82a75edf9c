"""Facts the alarms domain announces (see hub.domain_events)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from hub.domain_events import DomainEvent

# What happened to the alarm; the notifier turns some of these into messages.
CHANGES = ("raised", "re_raised", "cleared", "acknowledged", "closed", "flapping",
           "unsuppressed")


@dataclass(frozen=True)
class AlarmChanged(DomainEvent):
    """An alarm was raised, re-raised, cleared, acknowledged, closed, started flapping or
    lost its root cause (unsuppressed).

    `notify` is False when the change must reach no one: the alarm is suppressed under a
    root, shelved, in maintenance, or flapping (one "flapping" message stands for the
    transitions)."""

    tenant_id: uuid.UUID
    alarm_id: uuid.UUID
    change: str
    notify: bool
    at: datetime
