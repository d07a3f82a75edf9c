"""Recomputes an agent's desired configuration when the inventory changes.

Runs inside the transaction that changed the inventory (the EdgeConfigChanged handler), so
the new version commits with the change or not at all. The agent's state row is locked
first: two concurrent changes to one agent take turns, and the second computes its
fingerprint from what the first committed, so no change is lost and none counts twice.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import utcnow
from hub.fleet import repository as repo
from hub.fleet.builder import fingerprint
from hub.fleet.models import AgentConfigState
from hub.inventory.events import EdgeConfigChanged

log = logging.getLogger("dotmac.hub.fleet")


async def on_edge_config_changed(session: AsyncSession, event: EdgeConfigChanged) -> None:
    """Bump the desired version of each named agent, and of each agent running a discovery
    with a changed credential set, whose configuration really changed (agents of another
    tenant, or gone, are ignored)."""
    named = set(event.agent_ids)
    if event.credential_set_ids:
        named |= await repo.agents_sweeping_with(session, event.tenant_id,
                                                 event.credential_set_ids)
    for agent_id in await repo.tenant_agent_ids(session, event.tenant_id, named):
        version = await bump_if_changed(session, event.tenant_id, agent_id)
        if version is not None:
            log.info("fleet.config_changed agent_id=%s version=%d reason=%s", agent_id,
                     version, event.reason)


async def bump_if_changed(session: AsyncSession, tenant_id: uuid.UUID,
                          agent_id: uuid.UUID) -> int | None:
    """Lock (or create) the agent's state row and move desired_version on when the
    fingerprint differs; returns the new version, None when nothing changed."""
    state = await repo.locked_state(session, agent_id, tenant_id)
    digest, devices = await fingerprint(session, tenant_id, agent_id)
    if digest == state.desired_hash:
        return None
    desire(state, state.desired_version + 1, digest, devices)
    await session.flush()
    return state.desired_version


def desire(state: AgentConfigState, version: int, digest: str, devices: int) -> None:
    """Make `version` (of the configuration with fingerprint `digest`) the one to push."""
    state.desired_version, state.desired_hash = version, digest
    state.desired_devices, state.desired_at = devices, utcnow()
