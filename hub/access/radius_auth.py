"""How FreeRADIUS authenticates to the hub's /radius/* routes (`RadiusCaller`).

FreeRADIUS is a trusted back end, not a person: its rest module sends the per-hub token
(`DOTMAC_HUB_RADIUS_TOKEN`) in `X-Dotmac-Radius-Token` and the source address of the RADIUS
packet (a NAS from clients.conf whose shared secret checked out) in `X-Dotmac-Radius-Nas`.
The token is compared in constant time; every refusal is counted in
`dotmac_radius_rejections_total{reason}` and logged with its reason, never the token.

    @router.post("/radius/accounting")
    async def accounting(body: dict[str, Any], caller: RadiusCaller) -> Response:
        nas = await nas_for_address(session, caller.nas_address)   # None: not registered
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from hub.access.rejections import LogBudget
from hub.access.settings import RadiusSettings
from hub.errors import UnauthorizedError

TOKEN_HEADER = "X-Dotmac-Radius-Token"  # noqa: S105 - a header name, not a secret
NAS_HEADER = "X-Dotmac-Radius-Nas"
REJECTIONS = "dotmac_radius_rejections_total"
REJECTIONS_HELP = "RADIUS requests the hub refused, by reason"

log = logging.getLogger("dotmac.hub.radius")


@dataclass(frozen=True)
class RadiusCall:
    """A call from the hub's FreeRADIUS: the NAS the RADIUS packet came from ("" when the
    header is missing or not an IP address: no NAS matches it)."""

    nas_address: str


def radius_settings(app: FastAPI) -> RadiusSettings:
    """This app's RADIUS settings, read from the environment once per app."""
    settings: RadiusSettings | None = getattr(app.state, "radius_settings", None)
    if settings is None:
        settings = RadiusSettings()
        app.state.radius_settings = settings
    return settings


def count_rejection(request: Request, reason: str, **fields: str) -> None:
    """Count and log one refused RADIUS request (fields must hold no secret)."""
    request.app.state.metrics.inc(REJECTIONS, REJECTIONS_HELP, reason=reason)
    extra = " ".join(f"{k}={v!r}" for k, v in fields.items())
    log.warning("radius rejected reason=%s %s", reason, extra)


def count_spooled_rejection(request: Request, reason: str, **fields: str) -> None:
    """Count one Access-Reject FreeRADIUS decided itself (hub.access.rejections): always
    counted; logged within the app's per-reason budget, since a NAS can send rejects
    faster than anyone reads log lines (fields must hold no secret)."""
    request.app.state.metrics.inc(REJECTIONS, REJECTIONS_HELP, reason=reason)
    budget: LogBudget | None = getattr(request.app.state, "radius_rejection_log", None)
    if budget is None:
        budget = LogBudget()
        request.app.state.radius_rejection_log = budget
    held = budget.take(reason)
    if held is None:
        return
    extra = " ".join(f"{k}={v!r}" for k, v in fields.items())
    log.warning("radius rejected by freeradius reason=%s %s%s", reason, extra,
                f" (+{held} not logged)" if held else "")


def canonical_address(text: str) -> str:
    """The canonical text of an IP address, or "" when `text` is not one."""
    try:
        return ipaddress.ip_address(text.strip()).compressed
    except ValueError:
        return ""


async def radius_caller(request: Request) -> RadiusCall:
    """Dependency: the request comes from this hub's FreeRADIUS (401 otherwise)."""
    expected = radius_settings(request.app).token.get_secret_value()
    given = request.headers.get(TOKEN_HEADER, "")
    if not expected:
        count_rejection(request, "token_unset")
        raise UnauthorizedError("radius_token_unset")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        count_rejection(request, "bad_token", peer=request.client.host if request.client
                        else "unknown")
        raise UnauthorizedError("radius_bad_token")
    return RadiusCall(canonical_address(request.headers.get(NAS_HEADER, "")))


RadiusCaller = Annotated[RadiusCall, Depends(radius_caller)]
