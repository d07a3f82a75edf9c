"""Enrollment rules: tokens are one-time, expiring and hashed; the hub keeps no broker password.

Issuing (an admin) and exchanging (the token holder, no user auth) are separate services:
the second one has no principal until the token names its tenant, and it audits every
refusal it can attribute to a tenant (expired, reused, hostile agent name).
"""

from __future__ import annotations

import logging
import secrets
import uuid
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.service import AuditTrail
from hub.broker import BrokerAdmin, BrokerError
from hub.broker.agents import forget_login
from hub.db import new_id, utcnow
from hub.enrollment.models import EnrollmentToken
from hub.enrollment.repository import EnrollmentTokenRepository, TokenLookup
from hub.enrollment.schemas import (
    BrokerAccess,
    EnrollGranted,
    EnrollmentTokenCreate,
    EnrollRequest,
)
from hub.errors import (
    ConflictError,
    InvalidRequestError,
    UnauthorizedError,
    UnavailableError,
)
from hub.identity.service import sha256
from hub.inventory.models import Agent, Site
from hub.inventory.repository import SiteRepository
from hub.inventory.schemas import AgentStatus
from hub.principal import Principal
from hub.repository import commit_or_conflict
from hub.settings import HubSettings
from protocol import TOPIC_ROOT, TopicError, validate_agent_id

TOKEN_PREFIX = "dme_"  # noqa: S105 - a marker, not a secret
log = logging.getLogger("dotmac.hub.enrollment")


class EnrollmentTokenService:
    """Admins issue one-time tokens for a site of their tenant."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 settings: HubSettings) -> None:
        self.session = session
        self.principal = principal
        self.settings = settings
        self.repo = EnrollmentTokenRepository(session, principal.tenant_id)
        self.sites = SiteRepository(session, principal.tenant_id)

    async def issue(self, site_id: uuid.UUID, data: EnrollmentTokenCreate,
                    ) -> tuple[EnrollmentToken, str]:
        """Create a token for the site; the secret is returned once and stored as a hash."""
        site = await self.sites.get(site_id)
        ttl = data.ttl_s or self.settings.enroll_token_ttl
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = self.repo.add(EnrollmentToken(
            id=new_id(), site_id=site.id, token_hash=sha256(secret), agent_name=data.agent_name,
            expires_at=utcnow() + timedelta(seconds=ttl),
            created_by=self.principal.id if self.principal.kind != "system" else None))
        AuditTrail(self.session, self.principal).record(
            "enrollment.token_issue", "site", site.id, token_id=str(token.id), ttl_s=ttl)
        await commit_or_conflict(self.session, "enrollment token clash; retry")
        return token, secret


class EnrollmentService:
    """Exchanges a token for an agent in the token's site and a broker login of its own."""

    def __init__(self, session: AsyncSession, settings: HubSettings,
                 broker: BrokerAdmin | None, ip: str) -> None:
        self.session = session
        self.settings = settings
        self.broker = broker
        self.ip = ip
        self.lookup = TokenLookup(session)

    async def enroll(self, body: EnrollRequest) -> EnrollGranted:
        """Check the token, create the agent and its broker login, burn the token."""
        found = await self.lookup.by_hash(sha256(body.token))
        if found is None:
            log.info("event=enroll_refused reason=unknown_token ip=%s", self.ip)
            raise UnauthorizedError("enroll_unknown_token")
        token, site = found
        audit = AuditTrail(self.session, Principal("system", token.id, token.tenant_id,
                                                   frozenset(), ip=self.ip))
        await self._check_usable(token, audit)
        name = await self._agent_name(body, token, site, audit)
        broker = self._broker()
        ca_pem = self._ca_pem()
        if not await self.lookup.claim(token.id, utcnow(), self.ip):
            await self._refuse(audit, token, "reused")
        agent = Agent(id=new_id(), tenant_id=token.tenant_id, site_id=site.id, name=name,
                      status=AgentStatus.ACTIVE.value)
        self.session.add(agent)
        await commit_or_conflict(self.session, f"agent name {name!r}: already used in this "
                                 "tenant; enroll with another --name", flush_only=True)
        token.agent_id = agent.id
        password = await self._grant(broker, str(agent.id))
        audit.record("agent.enroll", "agent", agent.id, site_id=str(site.id),
                     token_id=str(token.id), agent_name=name)
        await self._commit_or_undo(broker, str(agent.id))
        return self._granted(agent, password, ca_pem)

    async def _check_usable(self, token: EnrollmentToken, audit: AuditTrail) -> None:
        if token.used_at is not None:
            await self._refuse(audit, token, "reused")
        if token.expires_at <= utcnow():
            await self._refuse(audit, token, "expired")

    async def _refuse(self, audit: AuditTrail, token: EnrollmentToken, reason: str,
                      ) -> NoReturn:
        """Audit the refusal (in its own commit) and raise the matching error."""
        token_id = token.id  # read before the rollback expires the row
        await self.session.rollback()
        audit.record("enrollment.refused", "enrollment_token", token_id, reason=reason)
        await self.session.commit()
        log.info("event=enroll_refused reason=%s token=%s ip=%s", reason, token_id, self.ip)
        if reason == "reused":
            raise ConflictError("enrollment token: already used; ask an admin for a new one "
                                "(dotmac-hub enroll-token or POST /sites/{id}/enrollment-tokens)")
        raise UnauthorizedError(f"enroll_{reason}")

    async def _agent_name(self, body: EnrollRequest, token: EnrollmentToken, site: Site,
                          audit: AuditTrail) -> str:
        # The admin's choice (on the token) wins over what the box asks for.
        wanted = token.agent_name or body.agent_name
        if wanted is None:
            return f"{site.name.lower()[:50]}-{secrets.token_hex(3)}"
        try:
            return validate_agent_id(wanted)
        except TopicError:
            audit.record("enrollment.refused", "enrollment_token", token.id,
                         reason="bad_agent_name")
            await self.session.commit()
            raise InvalidRequestError(
                "agent_name: must be 1-63 of lowercase letters, digits, '.', '_' or '-', "
                "starting with a letter or digit; the token is still valid") from None

    def _broker(self) -> BrokerAdmin:
        if self.broker is None:
            raise UnavailableError("broker: not configured on this hub; set "
                                   "DOTMAC_HUB_BROKER_HOST and the DYNSEC credentials")
        return self.broker

    def _ca_pem(self) -> str | None:
        path = self.settings.broker.ca_file
        if path is None:
            return None
        try:
            return Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise UnavailableError(f"DOTMAC_HUB_BROKER_CA_FILE {path}: {exc.strerror}; "
                                   "fix the hub's setting") from exc

    async def _grant(self, broker: BrokerAdmin, agent_id: str) -> str:
        password = secrets.token_urlsafe(32)
        try:
            await broker.grant_agent(agent_id, password)
        except BrokerError as exc:
            await self.session.rollback()  # the token stays unused
            await forget_login(broker, agent_id)
            log.warning("event=enroll_broker_failed agent=%s error=%s", agent_id, exc)
            raise UnavailableError("broker: could not create the agent's login; the token "
                                   "is still valid, retry shortly") from exc
        return password

    async def _commit_or_undo(self, broker: BrokerAdmin, agent_id: str) -> None:
        try:
            await self.session.commit()
        except Exception:
            await forget_login(broker, agent_id)  # no agent row: no broker login either
            raise

    def _granted(self, agent: Agent, password: str, ca_pem: str | None) -> EnrollGranted:
        # The login is bound to client id = username = agent_id (hub.broker.dynsec); the
        # agent connects with its agent_id as client id, and no other id is accepted.
        s, agent_id = self.settings, str(agent.id)
        host, port = str(s.broker.host), s.broker.tls_port
        access = BrokerAccess(host=host, port=port, tls=True,
                              urls=[f"mqtts://{host}:{port}"], ca_pem=ca_pem,
                              username=agent_id, password=password)
        return EnrollGranted(agent_id=agent_id, agent_name=agent.name, site_id=agent.site_id,
                             topic_prefix=f"{TOPIC_ROOT}/{agent_id}/", broker=access)

