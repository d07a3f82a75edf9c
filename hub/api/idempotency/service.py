"""Idempotency-Key rules: claim a key, wait for the attempt holding it, replay or refuse.

A key belongs to one caller (tenant + credential) and one request (fingerprint). The first
request claims it with a committed row before the route runs; a repeat of the same request
waits for that attempt (bounded) and answers its stored response; any other request with
the key is a 422. Rows are kept `retention_h` (24 h at least), then ignored and purged.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import math
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from hub.api.idempotency import repository
from hub.api.idempotency.repository import Scope, Stored
from hub.api.idempotency.settings import IdempotencySettings
from hub.db import utcnow
from hub.errors import ProblemError

_SEAL_LABEL = b"dotmac-hub idempotent responses v1"
_SEAL_VERSION = b"\x01"
_FIRST_POLL_S, _LONGEST_POLL_S = 0.02, 0.25


class KeyReusedError(ProblemError):
    """The Idempotency-Key came with another request than the one it was first used for."""

    status, slug, title = 422, "idempotency-key-reused", "Idempotency-Key reused"

    def __init__(self, key: str) -> None:
        super().__init__(f"Idempotency-Key {key[:64]!r}: already used for a different request "
                         "(method, path or body); send a new key for a new request")


class KeyInUseError(ProblemError):
    """The first request with this key is still running after the bounded wait."""

    status, slug, title = 409, "idempotency-key-in-use", "Request still in progress"

    def __init__(self, key: str, retry_after_s: int) -> None:
        super().__init__(f"Idempotency-Key {key[:64]!r}: the first request with this key is "
                         "still being processed; retry after the time given in Retry-After",
                         {"Retry-After": str(retry_after_s)})


class ResponseUnreadableError(ProblemError):
    """The stored response cannot be decrypted: the hub secret key changed since."""

    status, slug, title = 409, "idempotency-key-unreadable", "Stored response unreadable"

    def __init__(self, key: str) -> None:
        super().__init__(f"Idempotency-Key {key[:64]!r}: its stored response cannot be read "
                         "(DOTMAC_HUB_SECRET_KEY changed since); check whether the request "
                         "took effect, then send a new key")


@dataclass(frozen=True)
class Attempt:
    """A key this request holds: its row and the token that proves it."""

    engine: AsyncEngine
    record_id: uuid.UUID
    token: uuid.UUID
    secret_key: str


def fingerprint(method: str, target: str, content_type: str, body: bytes) -> str:
    """SHA-256 of method, path with query, and the body (JSON in canonical form, so that key
    order and spacing do not make two equal requests differ)."""
    canonical = body
    if "json" in content_type.lower() and body:
        try:
            canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"),
                                   ensure_ascii=False).encode()
        except ValueError:  # not JSON after all: the bytes as sent
            canonical = body
    digest = hashlib.sha256(f"{method.upper()} {target}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


def bounded_key(key: str, width: int = 128) -> str:
    """The key as a domain table that keeps it for good stores it (jobs, payments: 128
    characters): itself when it fits, else `sha256:` and its digest."""
    return key if len(key) <= width else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _cipher(secret_key: str) -> AESGCM:
    # A key of its own, derived from the hub secret, so it never doubles as another key.
    return AESGCM(hmac.new(secret_key.encode(), _SEAL_LABEL, hashlib.sha256).digest())


def seal(body: bytes, secret_key: str, record_id: uuid.UUID) -> bytes:
    """AES-256-GCM of a response body, bound to its row (a sealed body moved to another
    caller's row does not open)."""
    nonce = os.urandom(12)
    return _SEAL_VERSION + nonce + _cipher(secret_key).encrypt(nonce, body, record_id.bytes)


def unseal(sealed: bytes, secret_key: str, record_id: uuid.UUID, key: str) -> bytes:
    """Inverse of `seal`; a changed secret key is a 409 naming the cause."""
    if not sealed.startswith(_SEAL_VERSION):
        raise ResponseUnreadableError(key)
    try:
        return _cipher(secret_key).decrypt(sealed[1:13], sealed[13:], record_id.bytes)
    except InvalidTag as exc:
        raise ResponseUnreadableError(key) from exc


def _reusable(stored: Stored, now: datetime, settings: IdempotencySettings) -> bool:
    """Whether the row no longer holds its key: kept past the retention, or an attempt
    that never finished and whose lease ran out (its process died)."""
    if now - stored.created_at >= settings.retention:
        return True
    return stored.status_code is None and (now - stored.locked_at).total_seconds() \
        >= settings.lease_s


@dataclass
class Claim:
    """One request's way to its key: claim it, or wait for the attempt that has it."""

    engine: AsyncEngine
    settings: IdempotencySettings
    scope: Scope
    fingerprint: str
    notice: Callable[[str], None] = lambda _outcome: None  # counts "waited"
    clock: Callable[[], datetime] = utcnow

    async def run(self, secret_key: str) -> Attempt | Stored:
        """The Attempt when this request runs the route, or the finished row to replay.

        Raises KeyReusedError (another request had the key) or KeyInUseError (the first
        attempt still runs after `wait_s`)."""
        deadline = time.monotonic() + self.settings.wait_s
        pause, waited = _FIRST_POLL_S, False
        while True:
            outcome = await self._step(secret_key)
            if outcome is not None:
                return outcome
            if time.monotonic() >= deadline:
                raise KeyInUseError(self.scope.key, max(1, math.ceil(self.settings.wait_s)))
            if not waited:
                self.notice("waited")
                waited = True
            await asyncio.sleep(pause)  # the other attempt's row is polled, not locked
            pause = min(pause * 2, _LONGEST_POLL_S)

    async def _step(self, secret_key: str) -> Attempt | Stored | None:
        """One look at the key: claimed, finished, refused, or None (still running)."""
        token = uuid.uuid4()
        now = self.clock()
        record_id = await repository.insert_pending(self.engine, self.scope, self.fingerprint,
                                                    token, now)
        if record_id is not None:
            return Attempt(self.engine, record_id, token, secret_key)
        stored = await repository.find(self.engine, self.scope)
        if stored is None:  # released between the two statements: look again
            return None
        if _reusable(stored, now, self.settings):
            if await repository.take_over(self.engine, stored, self.fingerprint, token, now):
                return Attempt(self.engine, stored.id, token, secret_key)
            return None
        if stored.fingerprint != self.fingerprint:
            raise KeyReusedError(self.scope.key)
        return stored if stored.status_code is not None else None


async def finish(attempt: Attempt, status: int, headers: list[list[str]], body: bytes,
                 keep: bool) -> bool:
    """Store the response for replays (`keep`), or release the key so a retry runs;
    False when the attempt had lost its row (taken over after its lease)."""
    if not keep:
        await repository.release(attempt.engine, attempt.record_id, attempt.token)
        return True
    sealed = seal(body, attempt.secret_key, attempt.record_id)
    return await repository.complete(attempt.engine, attempt.record_id, attempt.token, status,
                                     headers, sealed)


async def release(attempt: Attempt) -> None:
    """Let the key go (the attempt failed before it had a response to keep)."""
    await repository.release(attempt.engine, attempt.record_id, attempt.token)


async def purge_expired(session_or_engine: AsyncSession | AsyncEngine, now: datetime,
                        tenant_id: uuid.UUID | None = None) -> int:
    """Delete the keys older than the retention (DOTMAC_HUB_IDEMPOTENCY_RETENTION_H, 24 h by
    default) at `now`, of one tenant or of all; commits, returns how many went. For the
    schedules' purge task: rows past the retention are already ignored, this only takes
    them off the disk."""
    return await repository.purge(session_or_engine, now - IdempotencySettings().retention,
                                  tenant_id)
