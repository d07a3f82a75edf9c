"""The broker-administration contract every broker implementation fulfils."""

from __future__ import annotations

from typing import Protocol


class BrokerError(Exception):
    """The broker could not be reached or refused an administrative command."""


class BrokerAdmin(Protocol):
    """What the hub needs from a broker: per-agent credentials pinned to its topics."""

    async def grant_agent(self, agent_id: str, password: str) -> None:
        """Create login `agent_id`/`password` allowed only under the agent's own topics."""
        ...

    async def bind_agent(self, agent_id: str) -> bool:
        """Bind an existing login to its own client id (logins granted before they were
        bound); False when the broker has no such login. Idempotent."""
        ...

    async def revoke_agent(self, agent_id: str) -> None:
        """Remove the agent's login and disconnect it now (idempotent)."""
        ...
