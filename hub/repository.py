"""The one place tenant isolation is enforced: every tenant-owned query goes through here."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import TenantOwned
from hub.errors import ConflictError, InvalidReferenceError, NotFoundError
from hub.pagination import PageParams, encode_cursor

M = TypeVar("M", bound=TenantOwned)


class TenantRepository(Generic[M]):
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
        if params.after is not None:
            query = query.where(self.model.id > params.after)
        query = query.order_by(self.model.id).limit(params.limit + 1)
        rows = list((await self.session.execute(query)).scalars())
        more = len(rows) > params.limit
        rows = rows[: params.limit]
        return rows, encode_cursor(rows[-1].id) if more and rows else None

    def add(self, row: M) -> M:
        """Stage a new row in the caller's tenant (whatever tenant_id it came with)."""
        row.tenant_id = self.tenant_id
        self.session.add(row)
        return row

    async def delete(self, row: M) -> None:
        """Stage the deletion of a row already loaded through this repository."""
        await self.session.delete(row)


async def commit_or_conflict(session: AsyncSession, what: str, flush_only: bool = False,
                             ) -> None:
    """Commit (or only flush); a unique or foreign-key violation becomes a 409 naming `what`."""
    try:
        await (session.flush() if flush_only else session.commit())
    except IntegrityError as exc:
        await session.rollback()
        raise ConflictError(what) from exc
