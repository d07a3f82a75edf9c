"""Keyset pagination with an opaque cursor and a bounded page size."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Self, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from hub.errors import InvalidRequestError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_PREFIX = "c1."
T = TypeVar("T")


@dataclass(frozen=True)
class PageParams:
    """Where a page starts (after this id) and how many rows it holds."""

    limit: int = DEFAULT_LIMIT
    after: uuid.UUID | None = None


def encode_cursor(last_id: uuid.UUID) -> str:
    """Opaque token for the page after `last_id` (clients must not parse it)."""
    return _PREFIX + base64.urlsafe_b64encode(last_id.bytes).decode().rstrip("=")


def decode_cursor(cursor: str) -> uuid.UUID:
    """Inverse of encode_cursor; a foreign or damaged cursor is a 422."""
    try:
        if not cursor.startswith(_PREFIX):
            raise ValueError(cursor)
        raw = cursor[len(_PREFIX):]
        return uuid.UUID(bytes=base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, binascii.Error) as exc:
        raise InvalidRequestError("cursor: not a cursor this API issued; pass the `next_cursor` "
                             "of the previous page, or omit it for the first page") from exc


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=64, description="`next_cursor` of the "
                                        "previous page")] = None,
) -> PageParams:
    """FastAPI dependency reading `limit` and `cursor`."""
    return PageParams(limit, decode_cursor(cursor) if cursor else None)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    """One page of a list; `next_cursor` is null on the last page."""

    data: list[T]
    next_cursor: str | None = Field(None, examples=["c1.AZKx3f1Yd0CZq2m0d6lS3A"])

    @classmethod
    def of(cls, rows: Sequence[Any], cursor: str | None) -> Self:
        """The page of these rows (ORM objects or result rows), validated in one call."""
        return cls.model_validate({"data": rows, "next_cursor": cursor}, from_attributes=True)
