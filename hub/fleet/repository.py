"""Fleet queries: what an agent polls (set-based: one statement per table, whatever the
agent's size) and each agent's config state."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.fleet.models import AgentConfigState, Discovery
from hub.ingest.models import AgentHealthRow
from hub.inventory.credentials.models import CredentialSet
from hub.inventory.models import Agent, Device

ACTIVE_DISCOVERY = ("pending", "running")

# Every column that goes into a pushed device (and so into the agent's fingerprint).
DEVICE_COLUMNS = (Device.id, Device.name, Device.management_address, Device.snmp_port,
                  Device.ssh_port, Device.profile, Device.telemetry, Device.interval_s,
                  Device.timeout_s, Device.retries, Device.maintenance,
                  Device.snmp_credential_id, Device.ssh_credential_id)


async def polled_devices(session: AsyncSession, tenant_id: uuid.UUID,
                         agent_id: uuid.UUID) -> list[dict[str, Any]]:
    """The enabled devices of one agent, as plain dicts of DEVICE_COLUMNS, in id order."""
    query = (select(*DEVICE_COLUMNS)
             .where(Device.tenant_id == tenant_id, Device.agent_id == agent_id,
                    Device.enabled.is_(True))
             .order_by(Device.id))
    result = await session.execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


async def event_sources(session: AsyncSession, tenant_id: uuid.UUID,
                        agent_id: uuid.UUID) -> dict[uuid.UUID, list[str]]:
    """The non-empty `event_sources` of the agent's enabled devices, by device id (a device
    without any has no entry: the builder leaves the key out of its fingerprint)."""
    query = (select(Device.id, Device.event_sources)
             .where(Device.tenant_id == tenant_id, Device.agent_id == agent_id,
                    Device.enabled.is_(True), cast(Device.event_sources, String) != "[]"))
    return {row[0]: list(row[1]) for row in (await session.execute(query)).all() if row[1]}


async def active_discoveries(session: AsyncSession, tenant_id: uuid.UUID,
                             agent_id: uuid.UUID) -> list[Discovery]:
    """The agent's discoveries still to run or running, oldest first."""
    query = (select(Discovery)
             .where(Discovery.tenant_id == tenant_id, Discovery.agent_id == agent_id,
                    Discovery.state.in_(ACTIVE_DISCOVERY))
             .order_by(Discovery.created_at, Discovery.id))
    return list((await session.scalars(query)).all())


async def credential_stamps(session: AsyncSession, tenant_id: uuid.UUID,
                            ids: Iterable[uuid.UUID]) -> list[tuple[uuid.UUID, datetime]]:
    """(id, updated_at) of the tenant's sets among `ids`: enough to see a rotation."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    query = (select(CredentialSet.id, CredentialSet.updated_at)
             .where(CredentialSet.tenant_id == tenant_id, CredentialSet.id.in_(wanted))
             .order_by(CredentialSet.id))
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


async def credential_sets(session: AsyncSession, tenant_id: uuid.UUID,
                          ids: Iterable[uuid.UUID]) -> list[CredentialSet]:
    """The tenant's sets among `ids` (sealed secrets included), in id order."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    query = (select(CredentialSet)
             .where(CredentialSet.tenant_id == tenant_id, CredentialSet.id.in_(wanted))
             .order_by(CredentialSet.id))
    return list((await session.scalars(query)).all())


async def tenant_agent_ids(session: AsyncSession, tenant_id: uuid.UUID,
                           ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """Those of `ids` that are agents of the tenant, sorted (one lock order)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    query = (select(Agent.id).where(Agent.tenant_id == tenant_id, Agent.id.in_(wanted))
             .order_by(Agent.id))
    return list((await session.scalars(query)).all())


async def locked_state(session: AsyncSession, agent_id: uuid.UUID,
                       tenant_id: uuid.UUID) -> AgentConfigState:
    """The agent's config state (created on first use), row-locked until the transaction
    ends (PostgreSQL; SQLite serialises writers anyway)."""
    query = (select(AgentConfigState).where(AgentConfigState.agent_id == agent_id)
             .with_for_update().execution_options(populate_existing=True))
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        # Two first changes at once: the loser's insert does nothing, then waits on the lock.
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        await session.execute(dialect.insert(AgentConfigState).values(
            agent_id=agent_id, tenant_id=tenant_id, desired_version=0, desired_hash="",
            desired_devices=0, pushed_version=0, applied_version=0, applied_hash="",
        ).on_conflict_do_nothing(index_elements=["agent_id"]))
        found = (await session.execute(query)).scalar_one()
    return found


async def agents_sweeping_with(session: AsyncSession, tenant_id: uuid.UUID,
                               set_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Agents of the tenant with a pending or running discovery using one of the sets."""
    wanted = {str(s) for s in set_ids}
    rows = await session.execute(select(Discovery.agent_id, Discovery.credential_set_ids).where(
        Discovery.tenant_id == tenant_id, Discovery.state.in_(ACTIVE_DISCOVERY)))
    return {agent for agent, sets in rows if wanted & {str(s) for s in sets or []}}


async def due_agent_ids(session: AsyncSession, resend_before: datetime) -> list[uuid.UUID]:
    """Agents (not revoked: they have no broker login left) whose newest version was never
    pushed, or pushed before `resend_before` and not yet applied.

    Agents the hub last saw go offline are skipped: the broker would queue every version
    for their persistent session and replay them all on reconnect. Their `current` report
    after reconnecting makes them due again, and then only the newest version is sent."""
    state = AgentConfigState
    query = (select(state.agent_id)
             .join(Agent, Agent.id == state.agent_id)
             .outerjoin(AgentHealthRow, AgentHealthRow.agent_id == state.agent_id)
             .where(Agent.revoked_at.is_(None))
             .where(or_(AgentHealthRow.state.is_(None), AgentHealthRow.state != "offline"))
             .where(or_(state.desired_version > state.pushed_version,
                        (state.desired_version > state.applied_version)
                        & (or_(state.pushed_at.is_(None), state.pushed_at < resend_before))))
             .order_by(state.agent_id))
    return list((await session.scalars(query)).all())


async def agent_of(session: AsyncSession, agent_id: uuid.UUID) -> Agent | None:
    """An agent by id (any tenant: the pusher works for all of them)."""
    return await session.get(Agent, agent_id)


async def tenant_agent(session: AsyncSession, tenant_id: uuid.UUID,
                       agent_id: uuid.UUID) -> tuple[Agent, AgentConfigState | None] | None:
    """An agent of the tenant with its config state (None before its first change), or None
    when the tenant has no such agent."""
    query = (select(Agent, AgentConfigState)
             .outerjoin(AgentConfigState, AgentConfigState.agent_id == Agent.id)
             .where(Agent.tenant_id == tenant_id, Agent.id == agent_id))
    row = (await session.execute(query)).one_or_none()
    return None if row is None else (row[0], row[1])


async def tenant_states(session: AsyncSession, tenant_id: uuid.UUID, drift_only: bool,
                        after: uuid.UUID | None, limit: int,
                        ) -> list[tuple[Agent, AgentConfigState | None]]:
    """A page (agent id order) of the tenant's agents with their config states;
    `drift_only`: those whose applied version is not the desired one."""
    query = (select(Agent, AgentConfigState)
             .outerjoin(AgentConfigState, AgentConfigState.agent_id == Agent.id)
             .where(Agent.tenant_id == tenant_id))
    if drift_only:
        query = query.where(AgentConfigState.applied_version != AgentConfigState.desired_version)
    if after is not None:
        query = query.where(Agent.id > after)
    query = query.order_by(Agent.id).limit(limit)
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]
