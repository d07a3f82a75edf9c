"""Idempotency-Key on every POST that creates something or moves money or state (issue #20).

Placeholder: filled in by the idempotency work; `install_idempotency` is already called by
hub.app so that work needs no change there.
"""

from __future__ import annotations

from fastapi import FastAPI


def install_idempotency(app: FastAPI) -> None:
    """Nothing yet."""
    del app
