"""The one place tenant isolation is enforced: every tenant-owned query goes through here."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from hub.db import TenantOwned
from hub.errors import ConflictError, InvalidReferenceError, NotFoundError
from hub.pagination import PageParams, encode_cursor

M = TypeVar("M", bound=TenantOwned)
R = TypeVar("R")
RowPage = tuple[list[dict[str, Any]], str | None]  # read-only rows of a page, next cursor


class TenantScopedRepository(Generic[M]):
    """Queries of one tenant-owned model, always filtered by the caller's tenant.

    A row of another tenant is indistinguishable from a missing one: both raise NotFoundError.
    """

    model: ClassVar[type[Any]]
    noun: ClassVar[str]

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def select(self) -> Select[Any]:
        """Base query: this model, this tenant only."""
        return select(self.model).where(self.model.tenant_id == self.tenant_id)

    async def find(self, row_id: uuid.UUID) -> M | None:
        """The row with this id in the caller's tenant, or None."""
        query = self.select().where(self.model.id == row_id)
        row: M | None = (await self.session.execute(query)).scalar_one_or_none()
        return row

    async def get(self, row_id: uuid.UUID) -> M:
        """The row with this id in the caller's tenant; 404 otherwise."""
        row = await self.find(row_id)
        if row is None:
            raise NotFoundError(f"{self.noun} {row_id}: no such {self.noun} in this tenant")
        return row

    async def get_reference(self, row_id: uuid.UUID, field: str) -> M:
        """A row named in a request body; a missing or foreign one is a 422."""
        row = await self.find(row_id)
        if row is None:
            raise InvalidReferenceError(f"{field} {row_id}: no such {self.noun} in this tenant")
        return row

    async def page(self, params: PageParams, query: Select[Any] | None = None,
                   ) -> tuple[list[M], str | None]:
        """One keyset page (ordered by id) and the cursor of the next one."""
        query = self.select() if query is None else query
        rows = list((await self.session.execute(self._keyset(query, params))).scalars())
        return _cut(rows, params.limit, lambda row: row.id)

    def _keyset(self, query: Select[Any], params: PageParams) -> Select[Any]:
        """`query` from the row after `params.after`, in id order, one row past the page (to
        tell whether another page follows)."""
        if params.after is not None:
            query = query.where(self.model.id > params.after)
        return query.order_by(self.model.id).limit(params.limit + 1)

    def add(self, row: M) -> M:
        """Stage a new row in the caller's tenant (whatever tenant_id it came with)."""
        row.tenant_id = self.tenant_id
        self.session.add(row)
        return row

    async def delete(self, row: M) -> None:
        """Stage the deletion of a row already loaded through this repository."""
        await self.session.delete(row)


class TenantScopedRows(Generic[M]):
    """Read-only pages of one tenant-owned table, always filtered by the caller's tenant.

    For lists that are only read: one Core statement on a connection of its own (no ORM
    session, identity map or unit of work, which were the largest cost of the device list in
    bench/api.py). `engine` is the read engine (hub.db.read_engine). Each shape of page query
    is built once with bound parameters and reused: building a SELECT and its cache key on
    every request cost more than executing it.
    """

    model: ClassVar[type[Any]]

    def __init__(self, engine: AsyncEngine, tenant_id: uuid.UUID) -> None:
        self.engine = engine
        self.tenant_id = tenant_id

    async def page_rows(self, params: PageParams, **equal: uuid.UUID | None) -> RowPage:
        """One keyset page (ordered by id) of this tenant's rows whose columns equal the given
        values (None: not filtered), as dicts, and the cursor of the next one. The connection
        goes back to the pool before the page is shaped."""
        values: dict[str, Any] = {k: v for k, v in equal.items() if v is not None}
        query = _page_query(self.model.__table__, tuple(sorted(values)), params.after is not None)
        values.update(tenant_id=self.tenant_id, after=params.after, limit=params.limit + 1)
        async with self.engine.connect() as conn:
            result = await conn.execute(query, values)
            keys, fetched = list(result.keys()), result.all()  # all at once: half the cost
        # Plain dicts: pydantic reads them several times faster than Row attributes.
        rows = [dict(zip(keys, row)) for row in fetched]  # noqa: B905 - rows of `keys`
        return _cut(rows, params.limit, lambda row: row["id"])


@functools.cache
def _page_query(table: Table, equal: tuple[str, ...], after: bool) -> Select[Any]:
    """Every row of `table` in the bound tenant, with the named columns equal to their bound
    values, from the row after the bound id, in id order, one row past the page (to tell
    whether another page follows)."""
    query = select(table).where(table.c.tenant_id == bindparam("tenant_id"))
    for column in equal:
        query = query.where(table.c[column] == bindparam(column))
    if after:
        query = query.where(table.c.id > bindparam("after"))
    return query.order_by(table.c.id).limit(bindparam("limit"))

def _cut(rows: list[R], limit: int, id_of: Callable[[R], uuid.UUID]) -> tuple[list[R], str | None]:
    """The page (at most `limit` rows) and the cursor of the next one, if a row was left."""
    page = rows[:limit]
    return page, encode_cursor(id_of(page[-1])) if len(rows) > limit and page else None


async def commit_or_conflict(session: AsyncSession, what: str, flush_only: bool = False,
                             ) -> None:
    """Commit (or only flush); a unique or foreign-key violation becomes a 409 naming `what`."""
    try:
        await (session.flush() if flush_only else session.commit())
    except IntegrityError as exc:
        await session.rollback()
        raise ConflictError(what) from exc
