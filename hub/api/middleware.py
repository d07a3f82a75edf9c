"""The per-IP request budget as a pure ASGI middleware, in front of the domain API.

A dependency on every route (what this replaces) cost FastAPI a dependency node to solve on
every request; here the check is a dictionary lookup before routing (bench/api.py,
docs/benchmarks.md). The counters are the same `ratelimit.SharedCounters`, shared by every
hub process through the database, and a refusal is the same 429 problem document with
Retry-After.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, FastAPI
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from hub.errors import RateLimitedError, problem_response
from hub.ratelimit import SharedCounters, counter_key


def api_roots(routers: Iterable[APIRouter]) -> frozenset[str]:
    """The first path segments the routers answer under (`devices` for `/devices/{id}`)."""
    return frozenset(route.path.split("/", 2)[1] for router in routers
                     for route in router.routes if hasattr(route, "path"))


# First path segments the per-IP budget does not count (see limit_per_ip).
UNLIMITED_ROOTS = frozenset({"radius"})


def limit_per_ip(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Put the per-IP budget (DOTMAC_HUB_RATE_LIMIT_IP per DOTMAC_HUB_RATE_WINDOW) in front of
    the routes of `routers`. Middleware added later wraps it (metrics see its 429s).

    `/radius/*` is left out: FreeRADIUS is one address carrying every subscriber's login and
    accounting, and it must show the hub's RADIUS token (hub.access.radius_auth) to be
    answered at all, so a per-address budget would only refuse subscribers under load."""
    kit = app.state.auth
    app.add_middleware(PerIpRateLimit, counters=kit.counters, limit=kit.settings.rate_limit_ip,
                       window_s=kit.settings.rate_window,
                       roots=api_roots(routers) - UNLIMITED_ROOTS)


class PerIpRateLimit:
    """Count each request to the domain API against its client address; 429 past the limit.

    `roots` are the first path segments of the domain routes (`api_roots`): health, metrics
    and the API docs are not counted, as before; a request under a root that matches no
    route (404, 405) now counts too, being a request from that address all the same. The
    client address is the peer, or behind a trusted proxy the X-Forwarded-For client
    (uvicorn rewrites it before this runs). A refusal is labelled `<unmatched>` in the
    request metrics: it never reached a route.
    """

    def __init__(self, app: ASGIApp, counters: SharedCounters, limit: int, window_s: int,
                 roots: frozenset[str]) -> None:
        self.app = app
        self.counters = counters
        self.limit = limit
        self.window_s = window_s
        self.roots = roots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 429 when its address has spent the window's budget."""
        if scope["type"] == "http" and scope["path"].split("/", 2)[1] in self.roots:
            client = scope.get("client")
            try:
                address = client[0] if client else "unknown"
                await self.counters.enforce(counter_key("ip", address), self.limit, self.window_s)
            except RateLimitedError as refused:
                response = problem_response(Request(scope), refused.status, refused.slug,
                                            refused.title, refused.detail, refused.headers)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
