"""RFC 9457 problem details: one error family, one renderer, stable `type` URIs."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_BASE = "https://dotmac.dev/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("dotmac.hub")


class Problem(BaseModel):
    """An RFC 9457 problem document (every hub error has this shape)."""

    type: str = Field(examples=[PROBLEM_BASE + "not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str | None = Field(None, examples=["site 0192...: no such site in this tenant"])
    instance: str | None = Field(None, examples=["/sites/0192..."])
    errors: list[dict[str, Any]] | None = Field(
        None, description="validation problems, one per field (422 only)"
    )


class ProblemError(Exception):
    """Base of errors the API turns into a problem document."""

    status = 500
    slug = "internal"
    title = "Internal error"

    def __init__(self, detail: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.headers = headers or {}


class NotFoundError(ProblemError):
    """The resource does not exist in the caller's tenant (foreign ids look the same)."""

    status, slug, title = 404, "not-found", "Not found"


class UnauthorizedError(ProblemError):
    """No valid credentials; never says why (the reason goes to metrics and logs only)."""

    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, reason: str = "invalid") -> None:
        super().__init__(None, {"WWW-Authenticate": "Bearer"})
        self.reason = reason


class ForbiddenError(ProblemError):
    """Authenticated, but the role or key scope lacks the permission."""

    status, slug, title = 403, "forbidden", "Permission denied"


class ConflictError(ProblemError):
    """The request clashes with existing data (duplicate name, still referenced...)."""

    status, slug, title = 409, "conflict", "Conflict"


class InvalidReferenceError(ProblemError):
    """The body names an object that does not exist in the caller's tenant."""

    status, slug, title = 422, "invalid-reference", "Invalid reference"


class InvalidRequestError(ProblemError):
    """The request is well-formed but breaks a rule (e.g. agent in another site)."""

    status, slug, title = 422, "invalid-request", "Invalid request"


class RateLimitedError(ProblemError):
    """Too many requests in the current window; Retry-After says when to come back."""

    status, slug, title = 429, "rate-limited", "Too many requests"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail, {"Retry-After": str(max(1, retry_after))})


class UnavailableError(ProblemError):
    """A component the request needs (the MQTT broker) is unreachable or not configured."""

    status, slug, title = 503, "unavailable", "Service unavailable"


STATUS_SLUGS = {400: ("bad-request", "Bad request"), 401: ("unauthorized", "Authentication "
                "required"), 403: ("forbidden", "Permission denied"), 404: ("not-found",
                "Not found"), 405: ("method-not-allowed", "Method not allowed"),
                422: ("validation", "Validation failed"), 500: ("internal", "Internal error")}


def problem_response(request: Request, status: int, slug: str, title: str,
                     detail: str | None = None, headers: dict[str, str] | None = None,
                     errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    """Render one problem document."""
    body = Problem(type=PROBLEM_BASE + slug, title=title, status=status, detail=detail,
                   instance=request.url.path, errors=errors)
    return JSONResponse(body.model_dump(exclude_none=True), status, headers=headers,
                        media_type=PROBLEM_MEDIA_TYPE)


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    if isinstance(exc, UnauthorizedError):
        request.state.auth_failure = exc.reason
    return problem_response(request, exc.status, exc.slug, exc.title, exc.detail, exc.headers)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug, title = STATUS_SLUGS.get(exc.status_code, ("http-error", "HTTP error"))
    detail: str | None = exc.detail if isinstance(exc.detail, str) else None
    if detail is not None and detail.lower() == title.lower():
        detail = None
    return problem_response(request, exc.status_code, slug, title, detail,
                            dict(exc.headers or {}))


def _clean_error(error: Any) -> dict[str, Any]:
    # Echoing `input` could reflect a password back; `ctx` may hold exception objects.
    return {"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")),
            "type": str(error.get("type", ""))}


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_clean_error(e) for e in exc.errors()]
    return problem_response(request, 422, "validation", "Validation failed",
                            f"{len(errors)} invalid field(s)", errors=errors)


async def _on_data_error(request: Request, exc: Exception) -> JSONResponse:
    # The database refused a value as data (PostgreSQL: a NUL character in text, a number
    # out of range): the request is at fault, nothing was stored, and it must not be a 500.
    log.info("event=refused_value path=%s error=%s", request.url.path, type(exc).__name__)
    return problem_response(request, 422, "validation", "Validation failed",
                            "a value cannot be stored (for example a NUL character in text)")


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("event=unhandled_error path=%s error=%s", request.url.path,
                  type(exc).__name__)
    return problem_response(request, 500, "internal", "Internal error")


def install_error_handlers(app: FastAPI) -> None:
    """Make every error the app can raise answer application/problem+json."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(DataError, _on_data_error)
    app.add_exception_handler(Exception, _on_unexpected)


def _doc(description: str) -> dict[str, Any]:
    # No `model`: it would also advertise application/json; the schema is added by the app.
    return {"description": description,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


ERROR_DOCS: dict[int | str, dict[str, Any]] = {
    401: _doc("Missing, invalid, expired or revoked credentials"),
    403: _doc("The role or API key scope lacks the permission"),
    404: _doc("No such resource in the caller's tenant"),
    409: _doc("Conflicts with existing data"),
    422: _doc("Validation failed"),
    429: _doc("Rate limit exceeded; see Retry-After"),
    503: _doc("A component the request needs (the MQTT broker) is unreachable; retry"),
}


def error_docs(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the given error statuses."""
    return {status: ERROR_DOCS[status] for status in statuses}
