"""A small synchronous client of the hub's HTTP API for the operators' commands.

Every failure becomes a `ConsoleError` holding one line that names the cause and the fix
(hub down, no or refused credentials, a problem+json answer): the commands print it and
exit non-zero, never a traceback.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import httpx

DEFAULT_URL = "http://127.0.0.1:8000"
URL_ENV, TOKEN_ENV, API_KEY_ENV = "DOTMAC_HUB_URL", "DOTMAC_HUB_TOKEN", "DOTMAC_HUB_API_KEY"
PAGE = 200  # the API's largest page (hub.pagination.MAX_LIMIT)
NO_CREDENTIALS = (
    f"no credentials: set {API_KEY_ENV} (an API key dmk_..., made with POST /api-keys) or "
    f"{TOKEN_ENV} (an access token from POST /auth/login, or `dotmac-hub login`); on a new "
    "hub run `dotmac-hub bootstrap --tenant NAME --admin-email EMAIL` first")
REFUSED = ("hub refused the credentials (401): the token expired or the API key was revoked; "
           f"set a fresh one in {TOKEN_ENV} (`dotmac-hub login`) or {API_KEY_ENV}")


class ConsoleError(Exception):
    """A failure shown to the operator as one line; `code` is the exit status."""

    def __init__(self, line: str, code: int = 1, lines: tuple[str, ...] = (),
                 status: int | None = None, errors: tuple[str, ...] = ()) -> None:
        super().__init__(line)
        self.line = line
        self.code = code
        self.lines = lines  # further lines worth showing (per-row errors of an import)
        self.status = status  # the HTTP status, when the hub answered
        self.errors = errors  # every per-field (per-row) error of a 422, one line each


def _field(error: Mapping[str, Any]) -> str:
    """`where: what` of one validation error: a field (`loc`) or a file's line and column."""
    loc = [str(part) for part in error.get("loc") or () if part not in ("body", "query")]
    if error.get("row") is not None:
        loc = [f"line {error['row']}", *([str(error["column"])] if error.get("column") else [])]
    message = error.get("msg", error.get("message", ""))
    return f"{' '.join(loc) if 'row' in error else '.'.join(loc)}: {message}" if loc else str(
        message)


def problem_line(response: httpx.Response) -> str:
    """One line out of an error answer: its problem detail and per-field errors."""
    try:
        body = response.json()
    except ValueError:
        text = " ".join(response.text.split())[:120]
        return f"hub answered {response.status_code}: {text or response.reason_phrase}"
    if not isinstance(body, dict):
        return f"hub answered {response.status_code}: {str(body)[:120]}"
    head = f"{body.get('title') or response.reason_phrase} ({response.status_code})"
    parts = [str(body["detail"])] if body.get("detail") else []
    errors = body.get("errors") or []
    parts += [_field(error) for error in errors[:5] if isinstance(error, dict)]
    if len(errors) > 5:
        parts.append(f"and {len(errors) - 5} more")
    return f"{head}: {'; '.join(parts)}" if parts else head


def _error_for(response: httpx.Response) -> ConsoleError:
    status = response.status_code
    if status == 401:
        return ConsoleError(REFUSED, status=401)
    line = problem_line(response)
    if status == 403:
        line += "; ask an owner for a role (or an API key scope) that allows it"
    elif status == 429:
        line += f"; retry in {response.headers.get('Retry-After', 'a few')} s"
    try:
        errors = response.json().get("errors") if _is_problem(response) else None
    except ValueError:
        errors = None
    rows = tuple(_field(e) for e in errors if isinstance(e, dict)) if errors else ()
    return ConsoleError(line, status=status, errors=rows)


def _is_problem(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "").split(";")[0] in (
        "application/problem+json", "application/json") and response.content[:1] == b"{"


class HubClient:
    """The hub's API at `url`, called with `token` (an access JWT or an API key)."""

    def __init__(self, url: str, token: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.url, timeout=timeout,
                                  headers={"Authorization": f"Bearer {token}",
                                           "User-Agent": "dotmac-hub-console"})

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call; a transport failure or an error status raises ConsoleError."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise ConsoleError(f"hub at {self.url} did not answer in time ({type(exc).__name__})"
                               f"; is it overloaded? retry, or check `{URL_ENV}`") from None
        except httpx.HTTPError as exc:
            raise ConsoleError(f"hub unreachable at {self.url}: {exc or type(exc).__name__}; "
                               f"start it (`dotmac-hub serve`) or point {URL_ENV} / --url at "
                               "it") from None
        if response.status_code >= 400:
            raise _error_for(response)
        return response

    def decode(self, response: httpx.Response) -> Any:
        """The JSON of an answer; anything else means the URL is not the hub's API."""
        try:
            return response.json()
        except ValueError:
            raise ConsoleError(f"{self.url} answered {response.request.url.path} with "
                               f"something other than the hub's JSON; is {URL_ENV} (--url) "
                               "the hub's API address?") from None

    def get(self, path: str, **params: Any) -> Any:
        """GET `path` and return its JSON body."""
        return self.decode(self.request("GET", path, params=_clean(params)))

    def post(self, path: str, body: Any = None, **params: Any) -> Any:
        """POST a JSON body; the JSON answer (None when empty)."""
        response = self.request("POST", path, json=body, params=_clean(params))
        return self.decode(response) if response.content else None

    def patch(self, path: str, body: Mapping[str, Any]) -> Any:
        """PATCH a JSON body; the JSON answer."""
        return self.decode(self.request("PATCH", path, json=dict(body)))

    def delete(self, path: str) -> None:
        """DELETE `path`."""
        self.request("DELETE", path)

    def every(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every row of a paged list, page after page."""
        cursor: str | None = None
        while True:
            page = self.get(path, limit=PAGE, cursor=cursor, **params)
            yield from page.get("data", [])
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def resolve(self, what: str, path: str, value: str, command: str) -> str:
        """The id of the `what` named (or identified by) `value`, looked up in `path`'s list;
        a name nobody has is a ConsoleError naming `command`, the list to look in."""
        if _is_uuid(value):
            return value
        for row in self.every(path):
            if row.get("name") == value:
                return str(row["id"])
        raise ConsoleError(f"no {what} named {value!r} in this tenant; see "
                           f"`dotmac-hub {command} list` (or pass the id)")


def _clean(params: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in params.items() if value is not None}


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def connect(url: str | None, token: str | None, api_key: str | None) -> HubClient:
    """The client the flags and environment describe; no credential is a ConsoleError."""
    secret = token or api_key or os.environ.get(TOKEN_ENV) or os.environ.get(API_KEY_ENV)
    if not secret:
        raise ConsoleError(NO_CREDENTIALS, code=2)
    return HubClient(url or os.environ.get(URL_ENV) or DEFAULT_URL, secret.strip())
