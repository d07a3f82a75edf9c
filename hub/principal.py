"""Who is calling: a user (JWT) or an API key, always inside exactly one tenant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, as every service sees it."""

    kind: Literal["user", "api_key", "system"]
    id: uuid.UUID
    tenant_id: uuid.UUID
    permissions: frozenset[str]
    roles: tuple[str, ...] = ()
    session_id: uuid.UUID | None = None
    ip: str | None = field(default=None, compare=False)

    def has(self, permission: str) -> bool:
        """Whether the caller holds `permission`."""
        return permission in self.permissions
