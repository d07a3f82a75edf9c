"""Idempotency tests run on the hub fixtures (one PostgreSQL database per module)."""

from tests.hub.conftest import hub, pg_url

__all__ = ["hub", "pg_url"]
