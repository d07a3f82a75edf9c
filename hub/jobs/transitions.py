"""The state machine's only write path: conditional UPDATEs plus a history row.

Every move is `UPDATE ... WHERE id = :id AND state = :seen`: when two hub processes (two
dispatchers, a sweep and an ingest worker) race for the same job, exactly one wins and
only the winner records a transition, and only the winner announces `JobFinished` when the
move is final (inside the same transaction: its consumers' writes commit with it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import utcnow
from hub.domain_events import publish
from hub.jobs.events import JobFinished
from hub.jobs.models import FINAL_STATES, JobTransition
from hub.jobs.repository import job_for_move, move_if_state

# Which states each state may move to (the documented machine; anything else is refused).
ALLOWED: dict[str, frozenset[str]] = {
    "queued": frozenset({"dispatched", "cancelled", "expired"}),
    "dispatched": frozenset({"running", "succeeded", "failed", "rolled_back", "expired"}),
    "running": frozenset({"succeeded", "failed", "rolled_back", "expired"}),
}


async def move(session: AsyncSession, job_id: uuid.UUID, to: str, actor: str,
               detail: str = "", only_from: Iterable[str] | None = None,
               **values: Any) -> str | None:
    """Move the job to `to` when the machine allows it; returns the state left, or None."""
    seen = await job_for_move(session, job_id)
    if seen is None:
        return None
    state, tenant_id = seen.state, seen.tenant_id
    allowed_from = set(only_from) if only_from is not None else set(ALLOWED)
    if state not in allowed_from or to not in ALLOWED.get(state, frozenset()):
        return None
    now = utcnow()
    changes: dict[str, Any] = {"state": to, "updated_at": now, **values}
    if to in FINAL_STATES:
        changes.setdefault("finished_at", now)
    if not await move_if_state(session, job_id, state, changes):
        return None  # another process moved it first
    session.add(JobTransition(tenant_id=tenant_id, job_id=job_id, at=now, from_state=state,
                              to_state=to, actor=actor[:64], detail=detail[:500]))
    if to in FINAL_STATES:
        await publish(session, JobFinished(
            job_id=job_id, tenant_id=tenant_id, device_id=seen.device_id, agent_id=seen.agent_id,
            action=seen.action, state=to, error_code=changes.get("error_code"),
            finished_at=changes["finished_at"]))
    return str(state)
