"""Hub-to-agent commands: who publishes them and under which topic id (shared by the job
dispatcher and the config pusher, which may not import each other)."""

from __future__ import annotations

import uuid
from typing import Protocol


class CommandPublisher(Protocol):
    """Delivers one command to the broker; returns once the broker accepted it (PUBACK)."""

    async def publish(self, topic: str, payload: bytes) -> None:
        """Publish QoS 1 or raise."""


class _Registered(Protocol):
    @property
    def id(self) -> uuid.UUID:
        """The agent's registry id."""


def agent_topic_id(agent: _Registered) -> str:
    """The agent's broker username and topic id: its registry id (what enrollment creates)."""
    return str(agent.id)
