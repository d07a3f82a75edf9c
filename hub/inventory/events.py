"""Facts the inventory makes true (see hub.domain_events)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from hub.domain_events import DomainEvent


@dataclass(frozen=True)
class EdgeConfigChanged(DomainEvent):
    """Something an agent polls changed: a device (added, edited, moved, enabled, deleted), a
    credential set its devices use, or the agent itself. The fleet domain recomputes each
    named agent's configuration in the same transaction and pushes a new version."""

    # The change is committed with this event: unhandled, the agents would never learn it.
    requires_handler = True

    tenant_id: uuid.UUID
    agent_ids: frozenset[uuid.UUID]
    reason: str  # e.g. device.create, credential_set.update
    # Credential sets that changed: agents sweeping with them (discoveries, which the
    # inventory does not know about) are re-versioned too.
    credential_set_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
