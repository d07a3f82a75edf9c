"""Discovery test helpers: sites with agents, credential sets, reports fed as ingest would."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub import domain_events
from hub.handlers import wire
from hub.ingest.events import DiscoveryReported
from hub.inventory.credentials.models import CredentialSet
from hub.inventory.credentials.sealing import seal
from hub.inventory.events import EdgeConfigChanged
from protocol import DiscoveryCandidate, DiscoveryReport
from tests.hub.harness import Account, Hub

SECRETS = {"snmp_v2c": {"community": "disc-c0mmunity"},
           "snmp_v3": {"auth_key": "disc-auth-key", "priv_key": "disc-priv-key"},
           "ssh": {"password": "disc-ssh-pass"}}


def n() -> str:
    """A short random tag for unique names."""
    return secrets.token_hex(3)


async def site_with_agent(hub: Hub, owner: Account, agents: int = 1,
                          ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A new site and `agents` agents in it."""
    site = await hub.post(owner, "/sites", {"name": f"pop-{n()}"})
    made = [await hub.post(owner, "/agents", {"site_id": site["id"], "name": f"ag-{n()}"})
            for _ in range(agents)]
    return site, made


async def credential_set(hub: Hub, owner: Account, kind: str = "snmp_v2c",
                         site_id: str | None = None) -> str:
    """A credential set of the owner's tenant, written as the credentials domain stores it."""
    public: dict[str, object] = {"user": "disc"} if kind == "snmp_v3" else {}
    async with hub.app.state.sessions() as session, session.begin():
        row = CredentialSet(tenant_id=owner.tenant_id, name=f"cs-{n()}", kind=kind,
                            site_id=uuid.UUID(site_id) if site_id else None, public=public,
                            sealed=seal(SECRETS[kind], hub.settings.secret_key))
        session.add(row)
        await session.flush()
        return str(row.id)


def candidate(address: str, credential: str, **fields: Any) -> DiscoveryCandidate:
    """A candidate as an agent reports it."""
    return DiscoveryCandidate(address=address, credential=uuid.UUID(credential), **fields)


def report(discovery_id: str, scanned: int, total: int, found: list[DiscoveryCandidate],
           done: bool = False, error: str | None = None) -> DiscoveryReport:
    """A discovery_report message."""
    return DiscoveryReport(agent_id="agent", seq=1, ts=datetime.now(UTC),
                           discovery_id=uuid.UUID(discovery_id), scanned=scanned, total=total,
                           done=done, candidates=found, error=error)


async def deliver(hub: Hub, tenant_id: uuid.UUID, agent_id: str, message: DiscoveryReport,
                  ) -> None:
    """Publish the report as ingest does: DiscoveryReported in its own transaction."""
    async with hub.app.state.sessions() as session, session.begin():
        await domain_events.publish(session, DiscoveryReported(
            tenant_id, uuid.UUID(agent_id), message, datetime.now(UTC)))


def record_config_changes() -> Iterator[list[EdgeConfigChanged]]:
    """EdgeConfigChanged events published during one test (next to the hub's own handler)."""
    got: list[EdgeConfigChanged] = []

    async def record(_session: AsyncSession, event: EdgeConfigChanged) -> None:
        got.append(event)

    domain_events.bus.subscribe(EdgeConfigChanged, record)
    try:
        yield got
    finally:
        wire()  # back to exactly the hub's own reactions


async def get(hub: Hub, account: Account, path: str) -> dict[str, Any]:
    """GET that must succeed; returns the JSON body."""
    resp = await hub.client.get(path, headers=account.headers)
    assert resp.status_code == 200, resp.text
    result: dict[str, Any] = resp.json()
    return result
