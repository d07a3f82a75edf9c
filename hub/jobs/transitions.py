"""The state machine's only write path: conditional UPDATEs plus a history row.

Every move is `UPDATE ... WHERE id = :id AND state = :seen`: when two hub processes (two
dispatchers, a sweep and an ingest worker) race for the same job, exactly one wins and
only the winner records a transition.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import utcnow
from hub.jobs.models import FINAL_STATES, JobTransition, ProvisioningJob

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
    seen = (await session.execute(select(ProvisioningJob.state, ProvisioningJob.tenant_id)
                                  .where(ProvisioningJob.id == job_id))).one_or_none()
    if seen is None:
        return None
    state, tenant_id = seen
    allowed_from = set(only_from) if only_from is not None else set(ALLOWED)
    if state not in allowed_from or to not in ALLOWED.get(state, frozenset()):
        return None
    now = utcnow()
    changes: dict[str, Any] = {"state": to, "updated_at": now, **values}
    if to in FINAL_STATES:
        changes.setdefault("finished_at", now)
    result = await session.execute(
        update(ProvisioningJob).where(ProvisioningJob.id == job_id,
                                      ProvisioningJob.state == state).values(**changes)
        .execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        return None  # another process moved it first
    session.add(JobTransition(tenant_id=tenant_id, job_id=job_id, at=now, from_state=state,
                              to_state=to, actor=actor[:64], detail=detail[:500]))
    return str(state)
