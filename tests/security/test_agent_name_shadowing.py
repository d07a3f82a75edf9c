"""Threat: a hostile tenant names its agent like another tenant's agent.

Agent names are chosen by tenants and unique only within a tenant. When the hub accepted a
name as an MQTT identity, an agent publishing under its name had its telemetry and job
reports attributed to whichever tenant's agent carried that name (or refused for everyone
once two did). The hub now knows agents only by their registry id (a UUID no tenant
chooses): a name is no identity, and jobs go to the id's topic only.
"""

from __future__ import annotations

import uuid

from paho.mqtt.client import topic_matches_sub
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.ingest.registry import AgentIdentity, AgentRegistry, Lookup
from hub.inventory.models import Agent
from hub.jobs.dispatcher import agent_topic_id
from protocol import Channel, agent_command_filter, build
from tests.hub.ingest.harness import new_tenancy, register_agent


async def test_a_name_never_resolves_to_another_tenants_agent(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    name = f"pop-{uuid.uuid4().hex[:6]}"
    victim, hostile = await new_tenancy(sessions), await new_tenancy(sessions)
    # The victim's hand-provisioned agent publishes as `name`; only the hostile tenant
    # registered an agent of that name: its data must not land in the hostile tenant.
    hostile_id = await register_agent(sessions, hostile, name)
    registry = AgentRegistry(sessions, ttl_s=0)
    assert await registry.resolve(name) == Lookup.UNKNOWN

    victim_id = await register_agent(sessions, victim, name)
    assert await registry.resolve(name) == Lookup.UNKNOWN
    for agent_id, where in ((victim_id, victim), (hostile_id, hostile)):
        found = await registry.resolve(str(agent_id))
        assert isinstance(found, AgentIdentity) and found.tenant_id == where.tenant_id


async def test_a_job_for_one_tenants_agent_never_reaches_a_same_named_agent(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    name = f"pop-{uuid.uuid4().hex[:6]}"
    mine, theirs = await new_tenancy(sessions), await new_tenancy(sessions)
    async with sessions() as session:
        agents = [await session.get(Agent, await register_agent(sessions, where, name))
                  for where in (mine, theirs)]
    mine_agent, their_agent = agents
    assert mine_agent is not None and their_agent is not None
    topic = build(agent_topic_id(mine_agent), Channel.JOB)
    # The other tenant's agent subscribes under its id, or under the shared name if it was
    # provisioned by hand; the job's topic matches neither.
    for other in (agent_topic_id(their_agent), name):
        assert not topic_matches_sub(agent_command_filter(other), topic)
    assert topic_matches_sub(agent_command_filter(str(mine_agent.id)), topic)
