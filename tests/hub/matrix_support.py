"""Building blocks of the route matrices: how to build one route's path ids and body.

Each domain's matrix (tests/*/matrix.py, tests/hub/test_role_matrix.py) maps an operation id to
a Factory that, given a hub and a tenant owner, creates what the route needs and returns its
path parameters and JSON body.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.hub.harness import Account, Hub

Request = tuple[dict[str, str], dict[str, Any] | None]
Factory = Callable[[Hub, Account], Awaitable[Request]]


def by_id(maker: Callable[[Hub, Account], Awaitable[dict[str, Any]]], param: str,
          body: Callable[[], dict[str, Any]] | None = None) -> Factory:
    """A route on one resource: `maker` creates it, its id fills path parameter `param`."""
    async def build(hub: Hub, owner: Account) -> Request:
        made = await maker(hub, owner)
        return {param: made["id"]}, body() if body else None
    return build


def plain(body: Callable[[], dict[str, Any]] | None = None) -> Factory:
    """A route without path parameters; `body` makes a fresh JSON body per call."""
    async def build(hub: Hub, owner: Account) -> Request:
        return {}, body() if body else None
    return build
