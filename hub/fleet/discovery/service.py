"""Discovery rules: which agent sweeps, with which credential sets; progress; adoption."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.domain_events import publish
from hub.errors import InvalidReferenceError, InvalidRequestError
from hub.fleet.discovery import adoption
from hub.fleet.discovery.adoption import AdoptionRefused, Checks, Row
from hub.fleet.discovery.reports import on_discovery_reported
from hub.fleet.discovery.repository import CandidateRepository, DiscoveryRepository
from hub.fleet.discovery.schemas import (
    AdoptedDevice,
    AdoptRequest,
    CandidatePublic,
    DiscoveryCreate,
    DiscoveryDetail,
    DiscoveryPublic,
    host_count,
    parse_network,
)
from hub.fleet.models import Discovery
from hub.inventory.events import EdgeConfigChanged
from hub.inventory.models import Agent
from hub.inventory.repository import AgentRepository, SiteRepository
from hub.pagination import PageParams
from hub.principal import Principal
from hub.repository import commit_or_conflict

__all__ = ["AdoptionRefused", "DiscoveryService", "on_discovery_reported"]


class DiscoveryService:
    """Discoveries of the caller's tenant."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session = session
        self.tenant_id = principal.tenant_id
        self.repo = DiscoveryRepository(session, principal.tenant_id)
        self.candidates = CandidateRepository(self.repo)
        self.sites = SiteRepository(session, principal.tenant_id)
        self.agents = AgentRepository(session, principal.tenant_id)

    async def create(self, site_id: uuid.UUID, data: DiscoveryCreate) -> Discovery:
        """Start a sweep: stored pending, and the sweeping agent's config re-versioned in
        the same transaction, so its next push carries the discovery."""
        site = await self.sites.get(site_id)
        agent_id = await self._sweeping_agent(site.id, data.agent_id)
        await self._check_credentials(site.id, data.credential_set_ids)
        discovery = self.repo.add(Discovery(
            site_id=site.id, agent_id=agent_id, cidrs=data.cidrs,
            credential_set_ids=[str(i) for i in data.credential_set_ids], port=data.port,
            concurrency=data.concurrency, timeout_s=data.timeout_s, state="pending", scanned=0,
            total=sum(host_count(parse_network(cidr)) for cidr in data.cidrs)))
        await self.session.flush()
        await publish(self.session, EdgeConfigChanged(self.tenant_id, frozenset({agent_id}),
                                                      "discovery.create"))
        await self.session.commit()
        return discovery

    async def _sweeping_agent(self, site_id: uuid.UUID, agent_id: uuid.UUID | None,
                              ) -> uuid.UUID:
        if agent_id is not None:
            agent: Agent | None = await self.agents.find(agent_id)
            problem = adoption.agent_problem(agent, site_id)
            if problem:
                raise InvalidReferenceError(f"agent_id {agent_id}: {problem}")
            return agent_id
        agents = await self.repo.active_agents(site_id)
        if len(agents) == 1:
            return agents[0].id
        if not agents:
            raise InvalidRequestError(f"site {site_id}: no agent that is not revoked; register "
                                      "one (POST /agents) and enroll it, then start the sweep")
        names = ", ".join(sorted(agent.name for agent in agents))
        raise InvalidRequestError(f"site {site_id} has {len(agents)} agents ({names}); name "
                                  "the one to sweep with agent_id")

    async def _check_credentials(self, site_id: uuid.UUID, ids: list[uuid.UUID]) -> None:
        found = await self.repo.credential_sets(ids)
        problems = []
        for n, set_id in enumerate(ids):
            problem = adoption.credential_problem(found.get(set_id), site_id)
            if problem:
                problems.append(f"credential_set_ids[{n}] {set_id}: {problem}")
        if problems:
            raise InvalidReferenceError("; ".join(problems))

    async def detail(self, discovery_id: uuid.UUID) -> DiscoveryDetail:
        """A discovery, its progress and candidates, each with the device managing its
        address (if any)."""
        discovery = await self.repo.get(discovery_id)
        candidates = await self.candidates.of_discovery(discovery.id)
        managed = await self.repo.managed({(c.address, c.port) for c in candidates})
        shown = [CandidatePublic.model_validate(c).model_copy(
            update={"managed_device_id": managed.get((c.address, c.port))}) for c in candidates]
        return DiscoveryDetail(**DiscoveryPublic.model_validate(discovery).model_dump(
            exclude={"percent"}), candidates=shown)

    async def page(self, site_id: uuid.UUID, params: PageParams,
                   ) -> tuple[list[Discovery], str | None]:
        """A site's discoveries, newest first."""
        site = await self.sites.get(site_id)
        return await self.repo.newest(site.id, params)

    async def adopt(self, discovery_id: uuid.UUID, data: AdoptRequest) -> list[AdoptedDevice]:
        """Make devices of candidates: all in one transaction, or none (AdoptionRefused
        lists every row's problems)."""
        discovery = await self.repo.get(discovery_id)
        rows = await self._rows(discovery, data)
        problems = adoption.check(rows, await self._checks(discovery, rows))
        if problems:
            raise AdoptionRefused(problems)
        devices = adoption.create_devices(self.repo, rows, discovery)
        # Devices first: the candidates' foreign key needs them written.
        await commit_or_conflict(self.session, "a device name was taken meanwhile; adopt "
                                 "again", flush_only=True)
        for row, device in zip(rows, devices, strict=True):
            assert row.candidate is not None
            row.candidate.adopted_device_id = device.id
        agent_ids = frozenset(d.agent_id for d in devices if d.agent_id is not None)
        await publish(self.session, EdgeConfigChanged(self.tenant_id, agent_ids,
                                                      "discovery.adopt"))
        await commit_or_conflict(self.session, "a device name was taken meanwhile; adopt again")
        return [AdoptedDevice(candidate_id=row.candidate.id, id=d.id, name=d.name,
                              management_address=d.management_address, profile=d.profile,
                              agent_id=d.agent_id)
                for row, d in zip(rows, devices, strict=True) if row.candidate is not None]

    async def _rows(self, discovery: Discovery, data: AdoptRequest) -> list[Row]:
        wanted = data.candidates
        found = await self.candidates.by_id_locked(discovery.id, [w.candidate_id for w in wanted])
        rows = []
        for n, ask in enumerate(wanted):
            candidate = found.get(ask.candidate_id)
            if candidate is None:
                row = Row(n, None, problems=[("candidate_id", f"candidate_id {ask.candidate_id}: "
                                              "no such candidate in this discovery")])
            else:
                row = Row(n, candidate, name=ask.name or adoption.device_name(candidate),
                          profile=adoption.resolve_profile(ask.profile, candidate),
                          agent_id=ask.agent_id or discovery.agent_id,
                          credential_id=ask.snmp_credential_id or candidate.credential_set_id,
                          interval_s=ask.interval_s or adoption.DEFAULT_INTERVAL_S)
            rows.append(row)
        return rows

    async def _checks(self, discovery: Discovery, rows: list[Row]) -> Checks:
        live = [row for row in rows if row.candidate is not None]
        agents = {row.agent_id for row in live if row.agent_id is not None}
        return Checks(
            discovery=discovery,
            managed=await self.repo.managed({(r.candidate.address, r.candidate.port)
                                             for r in live if r.candidate}),
            taken=await self.repo.taken_names({row.name for row in live}),
            agents={agent_id: await self.agents.find(agent_id) for agent_id in agents},
            credentials=await self.repo.credential_sets(
                {row.credential_id for row in live if row.credential_id is not None}))
