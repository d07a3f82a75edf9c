"""Fleet fixtures: a migrated PostgreSQL database per module, the domain events wired, and
rows made directly (the inventory's API is tested with it; here the inventory is input)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.domain_events import publish
from hub.fleet.models import AgentConfigState, Discovery
from hub.handlers import wire
from hub.inventory.credentials.models import CredentialSet
from hub.inventory.credentials.sealing import seal
from hub.inventory.events import EdgeConfigChanged
from hub.inventory.models import Agent, Device, Site
from hub.tenants.models import Tenant
from tests.hub.harness import drop_database
from tests.hub.ingest.harness import engine_and_sessions, migrated_database
from tests.services.postgres import Postgres

SECRET_KEY = "test-secret-" + "x" * 32


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sessions(postgres: Postgres) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a fresh, migrated database private to the test module."""
    wire()
    url = migrated_database(postgres, "fleet")
    engine, factory = engine_and_sessions(url)
    yield factory
    await engine.dispose()
    drop_database(postgres.admin_dsn, url.rsplit("/", 1)[1])


def token(prefix: str) -> str:
    """A unique lowercase name."""
    return f"{prefix}-{secrets.token_hex(4)}"


@dataclass
class Where:
    """A tenant, a site and one agent of it."""

    tenant_id: uuid.UUID
    site_id: uuid.UUID
    agent_id: uuid.UUID


async def new_agent(sessions: async_sessionmaker[AsyncSession],
                    where: Where | None = None) -> Where:
    """An agent (in a new tenant and site unless `where` names them)."""
    async with sessions() as session, session.begin():
        if where is None:
            tenant = Tenant(name=token("isp"))
            session.add(tenant)
            await session.flush()
            site = Site(tenant_id=tenant.id, name=token("pop"), description="")
            session.add(site)
            await session.flush()
            tenant_id, site_id = tenant.id, site.id
        else:
            tenant_id, site_id = where.tenant_id, where.site_id
        agent = Agent(tenant_id=tenant_id, site_id=site_id, name=token("agent"),
                      status="active")
        session.add(agent)
        await session.flush()
        return Where(tenant_id, site_id, agent.id)


async def new_credential(sessions: async_sessionmaker[AsyncSession], where: Where, kind: str,
                         public: dict[str, Any], secret: dict[str, str]) -> uuid.UUID:
    """A credential set sealed with the test hub key."""
    async with sessions() as session, session.begin():
        row = CredentialSet(tenant_id=where.tenant_id, name=token("cred"), kind=kind,
                            public={**public, "secrets_set": sorted(secret)},
                            sealed=seal(secret, SECRET_KEY))
        session.add(row)
        await session.flush()
        return row.id


async def new_device(sessions: async_sessionmaker[AsyncSession], where: Where,
                     **fields: Any) -> uuid.UUID:
    """A device of the agent (announced: the agent's desired version follows)."""
    values: dict[str, Any] = {"name": token("dev"), "management_address": "192.0.2.10",
                              "profile": "cisco_ios"}
    values.update(fields)
    async with sessions() as session, session.begin():
        device = Device(tenant_id=where.tenant_id, site_id=where.site_id,
                        agent_id=where.agent_id, **values)
        session.add(device)
        await session.flush()
        await announce(session, where)
        return device.id


async def new_discovery(sessions: async_sessionmaker[AsyncSession], where: Where,
                        credentials: list[uuid.UUID], state: str = "pending") -> uuid.UUID:
    """A discovery run by the agent."""
    async with sessions() as session, session.begin():
        row = Discovery(tenant_id=where.tenant_id, site_id=where.site_id,
                        agent_id=where.agent_id, cidrs=["192.0.2.0/28"],
                        credential_set_ids=[str(c) for c in credentials], state=state)
        session.add(row)
        await session.flush()
        await announce(session, where)
        return row.id


async def announce(session: AsyncSession, where: Where, reason: str = "test") -> None:
    """What the inventory does with every change an agent polls: EdgeConfigChanged."""
    await publish(session, EdgeConfigChanged(tenant_id=where.tenant_id,
                                             agent_ids=frozenset({where.agent_id}),
                                             reason=reason))


async def state_of(sessions: async_sessionmaker[AsyncSession],
                   agent_id: uuid.UUID) -> AgentConfigState | None:
    """The agent's config state row as committed now."""
    async with sessions() as session:
        return await session.get(AgentConfigState, agent_id)
