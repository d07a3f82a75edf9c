"""`dotmac-hub enroll-token`: the operator's way to issue a token without the API."""

from __future__ import annotations

import re

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import create_engine, session_factory
from hub.enrollment.models import EnrollmentToken
from hub.enrollment.repository import site_of_tenant, tenants_named
from hub.enrollment.schemas import EnrollmentTokenCreate
from hub.enrollment.service import EnrollmentTokenService
from hub.inventory.models import Site
from hub.principal import Principal
from hub.settings import HubSettings
from hub.tenants.models import Tenant

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_TTL = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")


class OperatorError(Exception):
    """A refusal the operator can fix; the message says how."""


def parse_ttl(text: str) -> int:
    """`90`, `45s`, `30m`, `1h`, `2d` -> seconds."""
    match = _TTL.match(text.lower())
    if match is None:
        raise OperatorError(f"--ttl {text!r}: use seconds or a number with s, m, h or d "
                            "(e.g. 30m, 1h, 2d)")
    return int(match.group(1)) * _UNITS[match.group(2) or "s"]


async def _tenant(session: AsyncSession, name: str | None) -> Tenant:
    found = await tenants_named(session, name)
    if name is not None and not found:
        raise OperatorError(f"--tenant {name!r}: no such tenant; check the spelling")
    if not found:
        raise OperatorError("no tenant yet: run `dotmac-hub bootstrap` first")
    if len(found) > 1:
        raise OperatorError("this hub holds several tenants: pass --tenant NAME")
    return found[0]


async def _site(session: AsyncSession, tenant: Tenant, site: str) -> Site:
    found = await site_of_tenant(session, tenant.id, site)
    if found is None:
        raise OperatorError(f"--site {site!r}: no such site in tenant {tenant.name!r}; "
                            "create it first (POST /sites)")
    return found


async def issue_token(settings: HubSettings, site: str, tenant: str | None, ttl_s: int,
                      agent_name: str | None) -> tuple[EnrollmentToken, str, Site]:
    """Issue a token for a site named (or identified) `site`; audited as the operator."""
    try:
        body = EnrollmentTokenCreate(ttl_s=ttl_s, agent_name=agent_name)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise OperatorError(f"--{str(first['loc'][0]).replace('_', '-')}: {first['msg']}"
                            ) from None
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            owner = await _tenant(session, tenant)
            where = await _site(session, owner, site)
            operator = Principal("system", owner.id, owner.id, frozenset(), ("operator",))
            token, secret = await EnrollmentTokenService(session, operator, settings).issue(
                where.id, body)
            return token, secret, where
    finally:
        await engine.dispose()
