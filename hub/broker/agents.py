"""An enrolled agent's own broker login: whether it has one, and taking it away.

Enrollment grants the login; inventory revokes and deletes agents, which must take it away.
Both reach it here, below them, so neither domain imports the other for it.

Which agents have a login of their own is recorded by enrollment: the token an agent
enrolled with names it (`enrollment_tokens.agent_id`). `has_own_login` reads that column
through a lightweight table description rather than enrollment's model, which this shared
module must not import; tests/hub/enrollment/test_enrollment_api.py revokes an enrolled agent and
would catch a rename.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import Uuid, column, exists, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from hub.broker.base import BrokerAdmin, BrokerError
from hub.errors import UnavailableError

log = logging.getLogger("dotmac.hub.broker")

_ENROLLED = table("enrollment_tokens", column("tenant_id", Uuid), column("agent_id", Uuid))


async def has_own_login(session: AsyncSession, tenant_id: uuid.UUID,
                        agent_id: uuid.UUID) -> bool:
    """Whether enrollment gave this agent a broker login (so the broker must be told)."""
    query = select(exists().where(_ENROLLED.c.tenant_id == tenant_id,
                                  _ENROLLED.c.agent_id == agent_id))
    return bool(await session.scalar(query))


async def bind_enrolled_logins(session: AsyncSession, broker: BrokerAdmin) -> tuple[int, int]:
    """Bind the login of every agent enrollment ever created to its own client id: logins
    granted before logins were bound could connect as anyone (docs/security.md).

    Returns (bound, absent): absent logins were revoked or deleted, nothing to bind.
    Idempotent, so safe to run again after a failure (BrokerError) part-way."""
    query = select(_ENROLLED.c.agent_id).where(_ENROLLED.c.agent_id.is_not(None)).distinct()
    bound = absent = 0
    for agent_id in (await session.scalars(query)).all():
        if await broker.bind_agent(str(agent_id)):
            bound += 1
        else:
            absent += 1
    log.info("event=broker_bind_enrolled bound=%d absent=%d", bound, absent)
    return bound, absent


async def revoke_login(broker: BrokerAdmin | None, agent_id: uuid.UUID) -> None:
    """Take an enrolled agent's broker login away now (the broker disconnects it at once).

    Raises UnavailableError when the broker cannot be told: callers must not pretend the
    agent lost its access (the request is safe to retry: revocation is idempotent).
    """
    if broker is None:
        raise UnavailableError(f"broker: not configured on this hub, so agent {agent_id}'s "
                               "login cannot be removed; set DOTMAC_HUB_BROKER_*")
    try:
        await broker.revoke_agent(str(agent_id))
    except BrokerError as exc:
        raise UnavailableError(f"broker: could not remove agent {agent_id}'s login; nothing "
                               "was changed, retry") from exc


async def forget_login(broker: BrokerAdmin, agent_id: str) -> None:
    """Best-effort removal of a login whose agent row never committed (an orphan login
    without a hub agent is inert, so a failure is only logged)."""
    try:
        await broker.revoke_agent(agent_id)
    except BrokerError as exc:
        log.warning("event=broker_cleanup_failed agent=%s error=%s", agent_id, exc)
