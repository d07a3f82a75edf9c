"""Argon2id password hashing, run off the event loop (it is deliberately slow)."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hub.settings import HubSettings

MIN_PASSWORD_LENGTH = 12


class Passwords:
    """Hash and verify with the cost the settings ask for."""

    def __init__(self, settings: HubSettings) -> None:
        self.hasher = PasswordHasher(time_cost=settings.argon2_time_cost,
                                     memory_cost=settings.argon2_memory_kib)
        # Verified against when the account does not exist, so timing does not tell.
        self._decoy = self.hasher.hash("decoy-password-never-matches")

    async def hash(self, password: str) -> str:
        """A new argon2id hash of `password`."""
        return await asyncio.to_thread(self.hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches; a missing hash costs the same time and fails."""
        target = password_hash or self._decoy
        try:
            ok = await asyncio.to_thread(self.hasher.verify, target, password)
        except (VerificationError, InvalidHashError):
            return False
        return bool(ok) and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with weaker parameters than the current ones."""
        return self.hasher.check_needs_rehash(password_hash)
