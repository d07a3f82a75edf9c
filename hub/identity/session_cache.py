"""A short-lived memory of live sessions, so a bearer check needs no query every request.

An access JWT already proves who the caller is; the database check only answers "was the
session revoked or the user changed since?". Remembering that answer for `ttl` seconds
spares a query per request. Changes made through this process (logout, refresh-token reuse,
role or password change, deactivation) call `sessions_changed()` after their commit and take
effect at once; changes made by another hub process take effect within `ttl` seconds
(DOTMAC_HUB_SESSION_CACHE_TTL, 0 turns the memory off).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

SessionKey = tuple[uuid.UUID, uuid.UUID, uuid.UUID]  # (user, tenant, session)
_generation = 0  # bumped by every local change; entries of older generations are ignored
_MAX_ENTRIES = 50_000


def sessions_changed() -> None:
    """Forget every remembered session (call after committing a session or user change)."""
    global _generation
    _generation += 1


def generation() -> int:
    """The current generation; read it before the database lookup you want to remember."""
    return _generation


@dataclass(frozen=True)
class LiveSession:
    """What a bearer check needs from the user row."""

    role: str
    expires: float
    generation: int


class SessionCache:
    """Remembered answers of the live-session query, per (user, tenant, session)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[SessionKey, LiveSession] = {}

    def get(self, key: SessionKey) -> str | None:
        """The user's role when the session was live within `ttl` and nothing changed since."""
        entry = self._entries.get(key)
        if entry is None or entry.generation != _generation or entry.expires < time.monotonic():
            return None
        return entry.role

    def put(self, key: SessionKey, role: str, seen_generation: int) -> None:
        """Remember a live session looked up while `seen_generation` was current."""
        if self.ttl <= 0 or seen_generation != _generation:
            return  # something changed during the lookup: do not remember a stale answer
        if len(self._entries) >= _MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = LiveSession(role, time.monotonic() + self.ttl, seen_generation)
