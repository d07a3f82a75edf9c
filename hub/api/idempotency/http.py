"""`Idempotency-Key` in the HTTP API: a dependency on every authenticated POST route and a
pure ASGI middleware around the app.

The dependency (`IdempotencyCheck`) runs first among the route's dependencies but checks the
caller itself, with the route's own authentication and permission check, so nothing is
looked up, claimed or replayed for a caller the route would refuse. It claims the key (a
committed row) or raises `Replay` (answered by the stored response) or a problem (422
reused key, 409 still running). The middleware buffers the response of a request whose key
was claimed and, once the route is done (its session closed), stores it for replays or
releases the key (5xx, a body that failed validation), then sends it.

Routes without a user or API-key caller (login, refresh, logout, agent enrollment, machine
callbacks) get no dependency: they never store anything (`uncovered_posts`).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Request
from fastapi.dependencies.models import Dependant
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Send
from starlette.types import Scope as AsgiScope

from hub.api.deps import CallerCheck, PermissionCheck
from hub.api.idempotency import service
from hub.api.idempotency.repository import Scope, Stored
from hub.api.idempotency.settings import IdempotencySettings
from hub.errors import ERROR_DOCS, ProblemError

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Printable ASCII, as Stripe and the IETF draft take it; the length is checked by the header.
KEY_PATTERN = r"^[\x20-\x7e]+$"
# Headers that are part of the answer and replayed with it (not per-request ones such as
# rate-limit counters or cookies).
KEPT_HEADERS = frozenset({"content-type", "location", "etag", "link", "content-language"})
# Bodies are read whole to be fingerprinted: a bigger declared body is refused up front.
MAX_BODY_BYTES = 16 * 1024 * 1024
COUNTER, COUNTER_HELP = ("dotmac_hub_idempotency_total",
                         "Requests with an Idempotency-Key by outcome")
_SLOT = "dotmac.idempotency"
_RAW_HEADER = HEADER.lower().encode()
log = logging.getLogger("dotmac.hub.idempotency")

KeyHeader = Annotated[str | None, Header(
    alias=HEADER, min_length=1, max_length=255, pattern=KEY_PATTERN,
    description="Makes the request safe to retry (docs/api.md, Idempotent requests): the "
                "same key with the same request answers the first response again (header "
                "`Idempotent-Replayed: true`) for 24 hours; the same key with another request "
                "is a 422. 1 to 255 printable ASCII characters, unique per request, e.g. a "
                "UUID.")]


async def client_key(request: Request) -> str | None:
    """The request's Idempotency-Key for a route that also keeps it with what it creates
    (payments, jobs); validated by the route's IdempotencyCheck, declared there."""
    return request.headers.get(HEADER)


ClientKey = Annotated[str | None, Depends(client_key)]


class BodyTooLargeError(ProblemError):
    """A body too large to fingerprint for an Idempotency-Key."""

    status, slug, title = 413, "payload-too-large", "Payload too large"


@dataclass
class _Slot:
    """What the dependency tells the middleware about one request."""

    attempt: service.Attempt | None = None
    refused: bool = False  # the request failed validation: the route never ran


class Replay(Exception):  # noqa: N818 - not an error: the answer to a repeated request
    """Raised by the dependency to answer a repeated request with the stored response."""

    def __init__(self, stored: Stored, body: bytes) -> None:
        super().__init__("replay")
        self.stored, self.body = stored, body


def _count(request: Request, outcome: str) -> None:
    request.app.state.metrics.inc(COUNTER, COUNTER_HELP, outcome=outcome)


def _target(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLargeError(f"body of {declared} bytes: requests with an {HEADER} take "
                                f"at most {MAX_BODY_BYTES // (1024 * 1024)} MiB")
    return await request.body()


class IdempotencyCheck:
    """The dependency added to one POST route: claim, replay or refuse its key."""

    def __init__(self, guard: CallerCheck) -> None:
        self.guard = guard  # the route's own caller check, run first

    async def __call__(self, request: Request, idempotency_key: KeyHeader = None) -> None:
        """Nothing without the header; otherwise hold the key for this request or answer."""
        slot: _Slot | None = request.scope.get(_SLOT)
        if idempotency_key is None or slot is None:
            return
        principal = await self.guard(request)  # 401/403 exactly as the route would
        state = request.app.state
        scope = Scope(principal.tenant_id, f"{principal.kind}:{principal.id}", idempotency_key)
        digest = service.fingerprint(request.method, _target(request),
                                     request.headers.get("content-type", ""),
                                     await _body(request))
        claim = service.Claim(state.engine, state.idempotency, scope, digest,
                              notice=lambda outcome: _count(request, outcome))
        try:
            outcome = await claim.run(state.settings.secret_key)
        except (service.KeyReusedError, service.KeyInUseError) as refused:
            _count(request, refused.slug)
            log.info("event=%s tenant=%s principal=%s path=%s", refused.slug,
                     scope.tenant_id, scope.principal, request.url.path)
            raise
        if isinstance(outcome, service.Attempt):
            slot.attempt = outcome
            return
        body = service.unseal(outcome.response_body or b"", state.settings.secret_key,
                              outcome.id, idempotency_key)
        _count(request, "replayed")
        raise Replay(outcome, body)


async def _on_replay(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Replay)
    response = Response(exc.body, exc.stored.status_code or 200)
    for name, value in exc.stored.response_headers or []:
        response.headers.append(name, value)
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _kept_headers(raw: list[tuple[bytes, bytes]]) -> list[list[str]]:
    return [[name.decode("latin-1"), value.decode("latin-1")] for name, value in raw
            if name.decode("latin-1").lower() in KEPT_HEADERS]


@dataclass
class _Held:
    """A response kept back until it is stored (or its key released)."""

    messages: list[Message] = field(default_factory=list)

    def status(self) -> int:
        start = next((m for m in self.messages if m["type"] == "http.response.start"), None)
        return int(start["status"]) if start is not None else 500

    def headers(self) -> list[list[str]]:
        start = next((m for m in self.messages if m["type"] == "http.response.start"), None)
        return _kept_headers(list(start.get("headers", []))) if start is not None else []

    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages
                        if m["type"] == "http.response.body")


class IdempotencyMiddleware:
    """Holds back the response of a POST whose key was claimed, stores it, then sends it.

    Stored before the client sees it: a client that got the answer and retries is always
    replayed. Not stored: 5xx (the key is released, a retry runs the request again) and a
    request refused by validation (the route never ran; as Stripe does)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        """Pass through anything but a POST carrying the header."""
        if scope["type"] != "http" or scope["method"] != "POST" or not any(
                name == _RAW_HEADER for name, _ in scope["headers"]):
            await self.app(scope, receive, send)
            return
        slot = scope[_SLOT] = _Slot()
        held = _Held()

        async def hold(message: Message) -> None:
            if slot.attempt is None:  # nothing claimed (no route check, a refusal, a replay)
                await send(message)
            else:
                held.messages.append(message)

        try:
            await self.app(scope, receive, hold)
        except BaseException:
            if slot.attempt is not None:
                await asyncio.shield(_release_quietly(slot.attempt))
            raise
        if slot.attempt is None:
            return
        await _finish(slot, held)
        for message in held.messages:
            await send(message)


async def _release_quietly(attempt: service.Attempt) -> None:
    try:
        await service.release(attempt)
    except Exception as exc:  # the lease frees the key later; the request's error matters
        log.warning("event=idempotency_release_failed error=%s", type(exc).__name__)


async def _finish(slot: _Slot, held: _Held) -> None:
    assert slot.attempt is not None
    status = held.status()
    keep = status < 500 and not slot.refused
    try:
        kept = await service.finish(slot.attempt, status, held.headers(), held.body(), keep)
    except Exception as exc:  # the answer still goes out; the lease frees the key later
        log.warning("event=idempotency_store_failed status=%s error=%s", status,
                    type(exc).__name__)
        return
    if not kept:
        log.warning("event=idempotency_lease_lost status=%s (the request outlived "
                    "DOTMAC_HUB_IDEMPOTENCY_LEASE_S and a retry took its key over)", status)


def _checks(dependant: Dependant) -> Iterator[CallerCheck]:
    for dep in dependant.dependencies:
        if isinstance(dep.call, CallerCheck):
            yield dep.call
        yield from _checks(dep)


def _guard(dependant: Dependant) -> CallerCheck | None:
    """The route's caller check: its permission check, else its plain caller check."""
    checks = list(_checks(dependant))
    permission = next((c for c in checks if isinstance(c, PermissionCheck)), None)
    return permission or (checks[0] if checks else None)


def covered(route: APIRoute) -> bool:
    """Whether the route takes Idempotency-Key through this module."""
    return any(isinstance(dep.dependency, IdempotencyCheck) for dep in route.dependencies)


def _cover_route(route: APIRoute) -> None:
    guard = _guard(route.dependant)
    if guard is None or covered(route):
        return
    route.dependencies.append(Depends(IdempotencyCheck(guard)))
    # A new dict: routes share their `responses` mapping (a module's WRITE docs).
    route.responses = {409: ERROR_DOCS[409], 422: ERROR_DOCS[422], **route.responses}


def cover(router: APIRouter) -> None:
    """Give every POST route of `router` (and of routers it includes) that has a user or
    API-key caller the Idempotency-Key dependency; idempotent (routers are module objects
    shared by every app a process builds)."""
    for route in router.routes:
        nested = getattr(route, "original_router", None)
        if isinstance(nested, APIRouter):
            cover(nested)
        elif isinstance(route, APIRoute) and "POST" in (route.methods or ()):
            _cover_route(route)


def _mark_refused(app: FastAPI) -> None:
    """Wrap the validation handler: a request refused before its route ran stores nothing."""
    inner = app.exception_handlers.get(RequestValidationError,
                                       request_validation_exception_handler)

    async def on_validation(request: Request, exc: Exception) -> Any:
        slot: _Slot | None = request.scope.get(_SLOT)
        if slot is not None:
            slot.refused = True
        answer = inner(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(RequestValidationError, on_validation)


def install_idempotency(app: FastAPI, settings: IdempotencySettings | None = None) -> None:
    """Idempotency-Key on every POST route with a user or API-key caller (docs/api.md).

    Called before the domain routers are included: their routes get the dependency as they
    are included (before FastAPI builds the handlers it matches requests with)."""
    app.state.idempotency = settings or IdempotencySettings()
    include = app.include_router

    def include_router(router: APIRouter, *args: Any, **kwargs: Any) -> None:
        cover(router)
        include(router, *args, **kwargs)

    app.include_router = include_router  # type: ignore[method-assign]
    _mark_refused(app)
    app.add_exception_handler(Replay, _on_replay)
    app.add_middleware(IdempotencyMiddleware)
