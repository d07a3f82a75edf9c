"""Every statement on idempotency_keys. Each runs in a short transaction of its own on the
engine, never in the route's session: a claim must be committed before the route runs, and
the response is stored after the route's session is closed (on SQLite a second open
transaction of the same request would wait on the first)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from hub.api.idempotency.models import IdempotencyRecord
from hub.db import new_id

TABLE = IdempotencyRecord.__table__


@dataclass(frozen=True)
class Scope:
    """Whose key it is: the tenant and the credential inside it."""

    tenant_id: uuid.UUID
    principal: str
    key: str


@dataclass(frozen=True)
class Stored:
    """A row as read back: who holds it, and the response once there is one."""

    id: uuid.UUID
    fingerprint: str
    token: uuid.UUID
    created_at: datetime
    locked_at: datetime
    status_code: int | None
    response_headers: list[Any] | None
    response_body: bytes | None


def _where(scope: Scope) -> Any:
    return ((IdempotencyRecord.tenant_id == scope.tenant_id)
            & (IdempotencyRecord.principal == scope.principal)
            & (IdempotencyRecord.key == scope.key))


async def insert_pending(engine: AsyncEngine, scope: Scope, fingerprint: str,
                         token: uuid.UUID, now: datetime) -> uuid.UUID | None:
    """Claim the key for a new attempt: the new row's id, None when the key has a row.

    ON CONFLICT DO NOTHING: on PostgreSQL a concurrent claim of the same key waits for the
    first to commit and then inserts nothing, so exactly one attempt wins."""
    dialect: Any = postgresql if engine.dialect.name == "postgresql" else sqlite
    record_id = new_id()
    statement = dialect.insert(IdempotencyRecord).values(
        id=record_id, tenant_id=scope.tenant_id, principal=scope.principal, key=scope.key,
        fingerprint=fingerprint, token=token, created_at=now, locked_at=now,
    ).on_conflict_do_nothing(index_elements=["tenant_id", "principal", "key"]
                             ).returning(IdempotencyRecord.id)
    async with engine.begin() as conn:
        inserted = (await conn.execute(statement)).first()  # rowcount is -1 here on psycopg
    return record_id if inserted is not None else None


async def find(engine: AsyncEngine, scope: Scope) -> Stored | None:
    """The row of this key, if any."""
    columns = [TABLE.c[name] for name in Stored.__dataclass_fields__]
    async with engine.begin() as conn:
        row = (await conn.execute(select(*columns).where(_where(scope)))).first()
    return Stored(**row._mapping) if row is not None else None


async def take_over(engine: AsyncEngine, stored: Stored, fingerprint: str, token: uuid.UUID,
                    now: datetime) -> bool:
    """Start the key afresh for a new attempt (the row expired, or its attempt died); False
    when another attempt changed the row first (its token moved on)."""
    statement = update(IdempotencyRecord).where(
        IdempotencyRecord.id == stored.id, IdempotencyRecord.token == stored.token,
    ).values(fingerprint=fingerprint, token=token, created_at=now, locked_at=now,
             status_code=None, response_headers=None, response_body=None)
    async with engine.begin() as conn:
        result = await conn.execute(statement)
    return bool(result.rowcount)


async def complete(engine: AsyncEngine, record_id: uuid.UUID, token: uuid.UUID, status: int,
                   headers: list[list[str]], sealed: bytes) -> bool:
    """Store the response of the attempt holding `token`; False when it lost the row."""
    statement = update(IdempotencyRecord).where(
        IdempotencyRecord.id == record_id, IdempotencyRecord.token == token,
    ).values(status_code=status, response_headers=headers, response_body=sealed)
    async with engine.begin() as conn:
        result = await conn.execute(statement)
    return bool(result.rowcount)


async def release(engine: AsyncEngine, record_id: uuid.UUID, token: uuid.UUID) -> None:
    """Forget a key whose attempt stored nothing (a 5xx, a refused body): a retry runs."""
    statement = delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id,
                                                IdempotencyRecord.token == token)
    async with engine.begin() as conn:
        await conn.execute(statement)


async def purge(target: AsyncSession | AsyncEngine, before: datetime,
                tenant_id: uuid.UUID | None = None) -> int:
    """Delete the rows created before `before` (of one tenant, or all), committed; how many."""
    statement = delete(IdempotencyRecord).where(IdempotencyRecord.created_at < before)
    if tenant_id is not None:
        statement = statement.where(IdempotencyRecord.tenant_id == tenant_id)
    if isinstance(target, AsyncSession):
        result = await target.execute(statement)
        await target.commit()
    else:
        async with target.begin() as conn:
            result = await conn.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)
