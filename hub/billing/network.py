"""What billing asks of the network, behind a Protocol so provisioning can plug in later.

`RecordedNetworkActions` only records each request in `subscription_network_actions`;
the provisioning jobs will pick those rows up (or replace this class) and set the outcome.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import NetworkAction, Plan, Subscription

# Network state each billing state needs: the flag compares these with the last action.
EXPECTED_NETWORK_STATE = {"pending": "none", "active": "active", "suspended": "suspended",
                          "terminated": "none"}
_STATE_AFTER = {"activate": "active", "resume": "active", "change_speed": "active",
                "suspend": "suspended", "terminate": "none"}


class NetworkActions(Protocol):
    """The provisioning operations billing needs; each returns a job reference."""

    async def activate(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Provision the port at the plan's speeds."""
        ...

    async def suspend(self, subscription: Subscription, mode: str) -> uuid.UUID:
        """Throttle (payment portal still reachable) or disconnect the port."""
        ...

    async def resume(self, subscription: Subscription) -> uuid.UUID:
        """Undo a suspension."""
        ...

    async def change_speed(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Apply a new plan's speeds."""
        ...

    async def terminate(self, subscription: Subscription) -> uuid.UUID:
        """Deprovision the port."""
        ...


class RecordedNetworkActions:
    """NetworkActions that stores each request as a `requested` row (the job reference)."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tenant_id = tenant_id

    async def _record(self, sub: Subscription, action: str, mode: str | None = None,
                      params: dict[str, object] | None = None) -> uuid.UUID:
        row = NetworkAction(tenant_id=self.tenant_id, subscription_id=sub.id, action=action,
                            mode=mode, params={"device_id": str(sub.device_id),
                                               "if_index": sub.if_index, "port": sub.port,
                                               **(params or {})})
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def activate(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Record an activation at the plan's speeds."""
        return await self._record(subscription, "activate", None, _speeds(plan))

    async def suspend(self, subscription: Subscription, mode: str) -> uuid.UUID:
        """Record a suspension in `mode` (throttle | disconnect)."""
        return await self._record(subscription, "suspend", mode)

    async def resume(self, subscription: Subscription) -> uuid.UUID:
        """Record a resume."""
        return await self._record(subscription, "resume")

    async def change_speed(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Record a speed change to the plan's speeds."""
        return await self._record(subscription, "change_speed", None, _speeds(plan))

    async def terminate(self, subscription: Subscription) -> uuid.UUID:
        """Record a deprovisioning."""
        return await self._record(subscription, "terminate")


def _speeds(plan: Plan) -> dict[str, object]:
    return {"down_kbps": plan.down_kbps, "up_kbps": plan.up_kbps, "plan_id": str(plan.id)}


async def record_outcome(session: AsyncSession, action_id: uuid.UUID, ok: bool,
                         at: datetime) -> None:
    """Store the outcome of a requested action (called by provisioning when a job ends)."""
    row = await session.get(NetworkAction, action_id)
    if row is not None:
        row.status, row.completed_at = ("succeeded" if ok else "failed"), at


async def network_state(session: AsyncSession, sub: Subscription) -> str:
    """What the network does for this subscription, per the last *succeeded* action."""
    query = (select(NetworkAction).where(NetworkAction.subscription_id == sub.id,
                                         NetworkAction.status == "succeeded")
             .order_by(NetworkAction.created_at.desc(), NetworkAction.id.desc()).limit(1))
    last = (await session.execute(query)).scalar_one_or_none()
    return "none" if last is None else _STATE_AFTER[last.action]


async def out_of_sync(session: AsyncSession, sub: Subscription) -> bool:
    """True when the network state disagrees with the billing state (shown as a flag)."""
    return await network_state(session, sub) != EXPECTED_NETWORK_STATE[sub.status]
