"""Records what agents answer on up/config (owner: fleet core)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hub.ingest.events import ConfigReported


async def on_config_reported(session: AsyncSession, event: ConfigReported) -> None:
    """Placeholder until the fleet core lands."""
