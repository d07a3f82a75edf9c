"""Idempotency-Key on every POST that creates something or moves money or state (issue #20,
docs/api.md "Idempotent requests").

`install_idempotency(app)` (called by hub.app) covers every POST route with a user or
API-key caller; `purge_expired(session_or_engine, now)` takes keys past the retention off
the disk (the schedules' purge task calls it); `ClientKey` gives a route the key it may also
keep with what it creates; `KeyReusedError` is the one "same key, other request" answer.
"""

from __future__ import annotations

from hub.api.idempotency.http import (
    HEADER,
    REPLAYED_HEADER,
    ClientKey,
    covered,
    install_idempotency,
)
from hub.api.idempotency.service import (
    KeyInUseError,
    KeyReusedError,
    bounded_key,
    purge_expired,
)
from hub.api.idempotency.settings import IdempotencySettings

__all__ = ["HEADER", "REPLAYED_HEADER", "ClientKey", "IdempotencySettings", "KeyInUseError",
           "KeyReusedError", "bounded_key", "covered", "install_idempotency", "purge_expired"]
