"""Database plumbing shared by every domain: declarative base, column types, engine."""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, ForeignKey, MetaData, TypeDecorator, Uuid, event
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.exc import DisconnectionError, InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Named constraints let Alembic's batch mode (SQLite) drop and recreate them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the only kind stored)."""
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    """A time-ordered UUID (version 7 layout) so keyset pagination follows creation order."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & (2**48 - 1)) << 80 | 0x7 << 76 | (rand >> 68 & 0xFFF) << 64
    value |= 0b10 << 62 | rand & (2**62 - 1)
    return uuid.UUID(int=value)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as UTC; SQLite drops the zone, so it is put back on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes: they are always a bug here."""
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime stored; use hub.db.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return aware UTC whatever the backend gave back."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every hub table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdMixin:
    """A time-ordered UUID primary key and a creation timestamp."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TenantOwned(IdMixin):
    """A row that belongs to one tenant; `hub.repository.TenantScopedRepository` filters on it."""

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:  # noqa: N805 - SQLAlchemy declared_attr idiom
        """Owning tenant, indexed because every query filters on it."""
        return mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), index=True)


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a file-backed SQLite database (the embedded default)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


# SQLite in the embedded hub (API, ingest, job dispatcher and webhook worker in one process,
# several pooled connections). Python's sqlite3 "legacy transaction control" begins a
# transaction only before INSERT/UPDATE/DELETE: SELECTs run outside it (FOR UPDATE re-reads
# see nothing locked), and a SAVEPOINT opened before any DML starts the real transaction, so
# releasing it COMMITS. SQLAlchemy's documented recipe takes BEGIN over (isolation_level=None
# on connect, BEGIN in the engine's "begin" event). We emit BEGIN IMMEDIATE, not plain BEGIN:
# a deferred transaction that reads and then writes fails at once with "database is locked"
# when another connection wrote first (SQLite cannot upgrade it and skips the busy handler),
# and nearly every hub transaction reads first (the caller, a locked row). IMMEDIATE takes the
# single write lock at BEGIN, so transactions take turns, waiting up to SQLITE_BUSY_TIMEOUT_MS:
# what `with_for_update()` promises on PostgreSQL, at database granularity. WAL lets readers
# outside the hub (backups, the sqlite3 shell, `dotmac-hub db current`) read while it writes.
# Rule that follows: a session holds the lock from its first statement to commit/rollback/
# close, so never wait on another connection's write while a session of yours is open.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # the driver never emits BEGIN/COMMIT on its own now
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def sqlite_transactions(engine: Engine) -> None:
    """Make a (sync) SQLite engine's transactions real: BEGIN IMMEDIATE before the first
    statement, savepoints and DDL inside it, readers serialised with writers."""
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)


# A pooled connection is checked with a ping before use only when it sat idle for longer
# than this (HikariCP's "alive bypass window" idea). A connection handed back moments ago was
# working moments ago; pinging it on every checkout (SQLAlchemy's pool_pre_ping) costs a
# round trip per request, as much as the query of a short read.
PING_AFTER_IDLE_S = 1.0


def _stamp_idle(_dbapi_conn: Any, record: Any, *_args: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def ping_when_idle(engine: Engine) -> None:
    """Ping a connection on checkout if it was idle past PING_AFTER_IDLE_S; a dead one is
    replaced, and every connection older than it with it, before the request sees it."""
    dialect = engine.dialect

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            dialect.do_ping(dbapi_conn)
        except Exception as exc:
            # A server restart kills every pooled connection: drop them all, as pre-ping does.
            gone = isinstance(exc, dialect.loaded_dbapi.Error) and dialect.is_disconnect(
                exc, dbapi_conn, None)
            kind = InvalidatePoolError if gone else DisconnectionError
            raise kind(f"ping failed: {type(exc).__name__}") from exc

    event.listen(engine, "connect", _stamp_idle)
    event.listen(engine, "checkin", _stamp_idle)
    event.listen(engine, "checkout", checkout)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores FKs unless asked, per connection
    cursor.execute("PRAGMA journal_mode=WAL")  # persistent in the file; "memory" for :memory:
    cursor.close()


def create_engine(url: str, pool_size: int | None = None, max_overflow: int = 10,
                  ) -> AsyncEngine:
    """Async engine for the hub database (psycopg 3 for PostgreSQL, aiosqlite for SQLite).

    `pool_size` (PostgreSQL only) should cover the connections in use at once: past it,
    each extra request opens and closes a connection of its own (a PostgreSQL backend
    process each time), which under steady load costs more than the queries.
    On SQLite every transaction is BEGIN IMMEDIATE: atomic with its savepoints, and
    serialised with the other writers (see the comment above)."""
    ensure_sqlite_folder(url)
    options: dict[str, Any] = {}
    if pool_size is not None and make_url(url).get_backend_name() == "postgresql":
        options.update(pool_size=pool_size, max_overflow=max_overflow)
    engine = _create_async_engine(url, **options)
    ping_when_idle(engine.sync_engine)
    if engine.dialect.name == "sqlite":
        sqlite_transactions(engine.sync_engine)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (responses are built after it)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def read_engine(engine: AsyncEngine) -> AsyncEngine:
    """The engine for statements that only read: on PostgreSQL each statement runs on its
    own (autocommit), which saves the BEGIN and ROLLBACK round trips a transaction costs; a
    one-statement page reads one consistent snapshot either way. Never write through it.
    SQLite keeps ordinary transactions (its BEGIN IMMEDIATE hook expects one)."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def sync_url(url: str) -> str:
    """The same database through a synchronous driver (Alembic runs synchronously)."""
    parsed = make_url(url)
    if parsed.drivername == "sqlite+aiosqlite":
        parsed = parsed.set(drivername="sqlite")
    elif parsed.drivername in ("postgresql+asyncpg", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)
