"""Recomputes an agent's desired configuration when the inventory changes (owner: fleet core)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hub.inventory.events import EdgeConfigChanged


async def on_edge_config_changed(session: AsyncSession, event: EdgeConfigChanged) -> None:
    """Placeholder until the fleet core lands: bump each named agent's desired version."""
