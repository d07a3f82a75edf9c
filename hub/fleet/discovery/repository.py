"""Discovery, candidate and lookup queries, always within one tenant."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import select

from hub.fleet.models import Discovery, DiscoveryCandidate
from hub.inventory.credentials.models import CredentialSet
from hub.inventory.models import Agent, Device
from hub.pagination import PageParams, encode_cursor
from hub.repository import TenantScopedRepository

CandidateKey = tuple[str, int]  # (address, port): unique within a discovery


class DiscoveryRepository(TenantScopedRepository[Discovery]):
    """Discoveries of one tenant."""

    model = Discovery
    noun = "discovery"

    async def newest(self, site_id: uuid.UUID, params: PageParams,
                     ) -> tuple[list[Discovery], str | None]:
        """A page of one site's discoveries, newest first (ids are time-ordered)."""
        query = self.select().where(Discovery.site_id == site_id)
        if params.after is not None:
            query = query.where(Discovery.id < params.after)
        query = query.order_by(Discovery.id.desc()).limit(params.limit + 1)
        rows = list((await self.session.execute(query)).scalars())
        page = rows[:params.limit]
        cursor = encode_cursor(page[-1].id) if len(rows) > params.limit and page else None
        return page, cursor

    async def of_agent_locked(self, discovery_id: uuid.UUID, agent_id: uuid.UUID,
                              ) -> Discovery | None:
        """The discovery with this id run by this agent in this tenant, row-locked so that
        two reports of one discovery are applied one after the other; else None."""
        query = self.select().where(Discovery.id == discovery_id,
                                    Discovery.agent_id == agent_id).with_for_update()
        row: Discovery | None = (await self.session.execute(query)).scalar_one_or_none()
        return row

    async def active_agents(self, site_id: uuid.UUID) -> list[Agent]:
        """The site's agents that are not revoked."""
        query = select(Agent).where(Agent.tenant_id == self.tenant_id, Agent.site_id == site_id,
                                    Agent.revoked_at.is_(None), Agent.status != "revoked")
        return list((await self.session.execute(query)).scalars())

    async def credential_sets(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, CredentialSet]:
        """The tenant's credential sets among `ids`, by id (foreign or missing ones absent)."""
        query = select(CredentialSet).where(CredentialSet.tenant_id == self.tenant_id,
                                            CredentialSet.id.in_(list(ids)))
        return {row.id: row for row in (await self.session.execute(query)).scalars()}

    async def managed(self, endpoints: Collection[tuple[str, int]]
                      ) -> dict[tuple[str, int], uuid.UUID]:
        """Devices of the tenant already polled at these (address, SNMP port) endpoints:
        several devices may share one address (port forwards behind NAT, simulators)."""
        if not endpoints:
            return {}
        addresses = list({address for address, _port in endpoints})
        query = select(Device.management_address, Device.snmp_port, Device.id).where(
            Device.tenant_id == self.tenant_id, Device.management_address.in_(addresses))
        return {(address, port): device_id for address, port, device_id
                in (await self.session.execute(query)).all() if (address, port) in endpoints}

    async def taken_names(self, names: Collection[str]) -> set[str]:
        """Which of these device names the tenant already uses."""
        if not names:
            return set()
        query = select(Device.name).where(Device.tenant_id == self.tenant_id,
                                          Device.name.in_(list(names)))
        return set((await self.session.execute(query)).scalars())

    def add_device(self, device: Device) -> Device:
        """Stage a new device in this tenant."""
        device.tenant_id = self.tenant_id
        self.session.add(device)
        return device


class CandidateRepository:
    """Candidates of one tenant's discoveries (the table carries tenant_id itself)."""

    def __init__(self, repo: DiscoveryRepository) -> None:
        self.session, self.tenant_id = repo.session, repo.tenant_id

    def _select(self, discovery_id: uuid.UUID) -> Any:
        return select(DiscoveryCandidate).where(DiscoveryCandidate.tenant_id == self.tenant_id,
                                                DiscoveryCandidate.discovery_id == discovery_id)

    async def of_discovery(self, discovery_id: uuid.UUID) -> list[DiscoveryCandidate]:
        """Every candidate of a discovery (in the order found)."""
        query = self._select(discovery_id).order_by(DiscoveryCandidate.id)
        return list((await self.session.execute(query)).scalars())

    async def by_key(self, discovery_id: uuid.UUID, keys: Collection[CandidateKey],
                     ) -> dict[CandidateKey, DiscoveryCandidate]:
        """The discovery's candidates already stored at these (address, port) pairs."""
        if not keys:
            return {}
        query = self._select(discovery_id).where(
            DiscoveryCandidate.address.in_({address for address, _port in keys}))
        rows = (await self.session.execute(query)).scalars()
        return {(row.address, row.port): row for row in rows}

    async def by_id_locked(self, discovery_id: uuid.UUID, ids: Collection[uuid.UUID],
                           ) -> dict[uuid.UUID, DiscoveryCandidate]:
        """The discovery's candidates among `ids`, row-locked against a concurrent adoption."""
        query = self._select(discovery_id).where(
            DiscoveryCandidate.id.in_(list(ids))).with_for_update()
        return {row.id: row for row in (await self.session.execute(query)).scalars()}

    def add(self, candidate: DiscoveryCandidate) -> DiscoveryCandidate:
        """Stage a new candidate in this tenant."""
        candidate.tenant_id = self.tenant_id
        self.session.add(candidate)
        return candidate
