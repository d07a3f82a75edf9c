"""Discovery rules (owner: discovery)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hub.ingest.events import DiscoveryReported


async def on_discovery_reported(session: AsyncSession, event: DiscoveryReported) -> None:
    """Placeholder until discovery lands."""
