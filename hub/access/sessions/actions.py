"""CoA / Disconnect as a network action mode beside port jobs, and the sender behind it.

`RadiusNetworkActions` satisfies billing's `NetworkActions` for subscriptions that log in by
RADIUS: in the billing transaction it writes one billing `NetworkAction` row (the job
reference billing keeps) and one `RadiusAction` per live session of the subscription. Nothing
is sent before that transaction commits: `CoaDispatch` starts the sends from the session's
after-commit hook, so a rolled-back suspension never reaches a NAS. A subscription with no
live session needs no packet: its next login is answered from the new state by authorize.

The sender claims a row (`requested` -> `sending`), sends outside any transaction, stores
each attempt and the NAS's answer as `radius_action_events`, and copies the outcome onto the
billing row, so billing's `network_state` / out-of-sync flag follow what the NAS did. Rows
left `requested` or `sending` by a process that died are picked up by `send_pending`.

`SubscriberNetworkActions` is what billing is given: per subscription, RADIUS when it has
credentials (hub.access), port jobs otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.access.models import Nas
from hub.access.service import nas_secret
from hub.access.sessions import coa
from hub.access.sessions import repository as repo
from hub.access.sessions.models import ACTION_FINAL, RadiusAction, RadiusActionEvent
from hub.access.sessions.models import SubscriberSession as Live
from hub.access.sessions.repository import Sessions
from hub.access.sessions.settings import SessionsSettings
from hub.access.sessions.vendor_coa import rate_attributes, walled_garden_attributes
from hub.billing.models import NetworkAction, Plan, Subscription
from hub.billing.network import (
    CAP_RESTORE,
    CAP_THROTTLE,
    THROTTLE_KBPS,
    JobNetworkActions,
    NetworkActions,
    cap_throttle_rates,
)
from hub.billing.repository import plan_of
from hub.billing.repository.network import network_action
from hub.db import new_id, utcnow
from hub.metrics import count
from hub.principal import Principal
from hub.settings import HubSettings

log = logging.getLogger("dotmac.hub.access.coa")
ACTIONS_TOTAL = "dotmac_radius_actions_total"
SENDER = "hub:coa-sender"
# A row `sending` this long belongs to a sender that died (attempts take far less).
STUCK_AFTER = timedelta(minutes=5)


def actor_of(principal: Principal) -> str:
    """How a caller appears in the history (as in job history)."""
    return f"{principal.kind}:{principal.id}"


def _event(row: RadiusAction, old: str | None, new: str, actor: str, detail: str,
           at: datetime) -> RadiusActionEvent:
    return RadiusActionEvent(tenant_id=row.tenant_id, action_id=row.id, at=at,
                             from_status=old, to_status=new, actor=actor, detail=detail[:300])


def session_identity(live: Live, nas: Nas) -> dict[str, Any]:
    """Attributes that name the session to its NAS (RFC 5176 3: session + NAS identity)."""
    found: dict[str, Any] = {"Acct-Session-Id": live.acct_session_id,
                             "User-Name": live.username}
    if ":" in nas.address:
        found["NAS-IPv6-Address"] = nas.address
    else:
        found["NAS-IP-Address"] = nas.address
    if live.framed_ip_address:
        found["Framed-IP-Address"] = live.framed_ip_address
    return found


@dataclass
class CoaDispatch:
    """Sends radius actions once their rows are committed; one per hub process."""

    sessions: async_sessionmaker[AsyncSession]
    hub_settings: HubSettings  # the hub key that opens NAS secrets
    settings: SessionsSettings = field(default_factory=SessionsSettings)
    walled_garden: str = "dotmac-walled-garden"  # DOTMAC_HUB_RADIUS_WALLED_GARDEN
    tasks: set[asyncio.Task[str | None]] = field(default_factory=set)

    def timing(self) -> coa.Timing:
        """Timeout, attempts and backoff from the settings."""
        s = self.settings
        return coa.Timing(s.coa_timeout_s, s.coa_attempts, s.coa_backoff)

    def send_after_commit(self, session: AsyncSession, action_ids: list[uuid.UUID]) -> None:
        """Start sending these rows when `session` commits (never if it rolls back)."""
        if not action_ids:
            return
        loop = asyncio.get_running_loop()

        def committed(_session: object) -> None:
            for action_id in action_ids:
                loop.call_soon(self.start, action_id)

        event.listen(session.sync_session, "after_commit", committed, once=True)

    def start(self, action_id: uuid.UUID) -> None:
        """Send one row in the background (kept referenced until it finishes)."""
        task = asyncio.get_running_loop().create_task(self.send(action_id))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def drain(self) -> None:
        """Wait for every send this dispatch started (tests, shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def send_pending(self, now: datetime, tenant_id: uuid.UUID | None = None) -> int:
        """Send rows nobody sent (the process that wrote them stopped first); the count."""
        async with self.sessions() as session:
            ids = await repo.pending_actions(session, now, STUCK_AFTER, tenant_id)
        for action_id in ids:
            await self.send(action_id)
        return len(ids)

    async def send(self, action_id: uuid.UUID) -> str | None:
        """Claim, send and record one row; its final status (None: not ours to send)."""
        claimed = await self._claim(action_id)
        if claimed is None:
            return None
        kind, target, attributes = claimed

        async def attempted(attempt: coa.Attempt) -> None:
            await self._attempt(action_id, attempt)

        outcome = await coa.send(kind, target, attributes, self.timing(), attempted)
        await self._finish(action_id, outcome)
        return outcome.status

    async def _claim(self, action_id: uuid.UUID,
                     ) -> tuple[str, coa.Target, dict[str, Any]] | None:
        async with self.sessions() as session, session.begin():
            row = await repo.action_for_update(session, action_id)
            if row is None or row.status in ACTION_FINAL:
                return None
            nas = await repo.nas_by_id(session, row.nas_id) if row.nas_id else None
            now = utcnow()
            if nas is None:
                self._close(session, row, coa.Outcome("failed", 0, detail="the NAS was "
                                                      "removed from the registry"), now)
                return None
            session.add(_event(row, row.status, "sending", SENDER,
                               f"to {nas.address}:{nas.coa_port}", now))
            row.status, row.updated_at = "sending", now
            secret = nas_secret(nas, self.hub_settings)
            return row.kind, coa.Target(nas.address, nas.coa_port, secret), dict(row.attributes)

    async def _attempt(self, action_id: uuid.UUID, attempt: coa.Attempt) -> None:
        async with self.sessions() as session, session.begin():
            row = await repo.action_for_update(session, action_id)
            if row is None:
                return
            row.attempts, row.updated_at = attempt.number, utcnow()
            detail = f"attempt {attempt.number}: {attempt.outcome}"
            if attempt.detail:
                detail += f" ({attempt.detail})"
            session.add(_event(row, "sending", "sending", SENDER, detail, row.updated_at))

    async def _finish(self, action_id: uuid.UUID, outcome: coa.Outcome) -> None:
        async with self.sessions() as session, session.begin():
            row = await repo.action_for_update(session, action_id)
            if row is not None:
                self._close(session, row, outcome, utcnow())
                await _copy_to_billing(session, row)
        log.log(logging.INFO if outcome.status == "acked" else logging.WARNING,
                "access.radius_action id=%s status=%s attempts=%d error_cause=%s", action_id,
                outcome.status, outcome.attempts, outcome.error_cause)

    @staticmethod
    def _close(session: AsyncSession, row: RadiusAction, outcome: coa.Outcome,
               now: datetime) -> None:
        detail = outcome.detail or outcome.status
        session.add(_event(row, row.status, outcome.status, SENDER, detail, now))
        row.status, row.attempts = outcome.status, max(row.attempts, outcome.attempts)
        row.error_cause, row.detail = outcome.error_cause, detail[:300]
        row.updated_at = row.completed_at = now
        count(ACTIONS_TOTAL, "CoA and Disconnect requests by kind and final status",
              kind=row.kind, status=outcome.status)


async def _copy_to_billing(session: AsyncSession, row: RadiusAction) -> None:
    """Store the outcome on the billing row once every session of it has an answer."""
    if row.network_action_id is None:
        return
    net = await network_action(session, row.network_action_id)
    siblings = await repo.RadiusActions(session, row.tenant_id).of_request(row.request_id)
    if net is None or any(r.status not in ACTION_FINAL for r in siblings):
        return
    failed = [r for r in siblings if r.status != "acked"]
    net.status = "failed" if failed else "succeeded"
    net.completed_at = utcnow()
    net.reason = (f"{failed[0].kind} {failed[0].status}: {failed[0].detail}"[:300]
                  if failed else None)


@dataclass(frozen=True)
class Change:
    """What a transition asks of a live session: a packet kind and its attributes."""

    kind: str  # coa | disconnect
    attributes: dict[str, Any]


def suspension_rule(plan: Plan, mode: str) -> str:
    """reject | walled_garden | throttle: the plan's RADIUS rule, else the dunning mode's."""
    rule = getattr(plan, "radius_suspended_action", None)
    return rule or ("throttle" if mode == "throttle" else "reject")


def change_for(action: str, nas: Nas, plan: Plan, mode: str | None, walled_garden: str,
               rate: tuple[int, int] | None = None) -> Change:
    """The packet a transition sends to one session on `nas`; `rate` (down, up kbit/s)
    overrides the plan's (a GB-cap throttle in force)."""
    if action == "terminate":
        return Change("disconnect", {})
    if action == "suspend":
        rule = suspension_rule(plan, mode or "disconnect")
        if rule == "throttle":
            return Change("coa", rate_attributes(nas.vendor, THROTTLE_KBPS, THROTTLE_KBPS))
        if rule == "walled_garden":
            return Change("coa", walled_garden_attributes(nas.vendor, walled_garden))
        return Change("disconnect", {})
    if action == "resume" and getattr(plan, "radius_suspended_action", None) == "walled_garden":
        return Change("disconnect", {})  # the next login leaves the garden with a full answer
    down, up = rate or (plan.down_kbps, plan.up_kbps)
    return Change("coa", rate_attributes(nas.vendor, down, up))


class RadiusNetworkActions:
    """NetworkActions that re-authorize or cut the subscription's live RADIUS sessions."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 dispatch: CoaDispatch) -> None:
        self.session, self.principal, self.dispatch = session, principal, dispatch

    async def _request(self, sub: Subscription, action: str, mode: str | None = None,
                       plan: Plan | None = None, rate: tuple[int, int] | None = None,
                       ) -> uuid.UUID:
        plan = plan or await plan_of(self.session, sub.plan_id)
        live = await Sessions(self.session, sub.tenant_id).open_of(sub.id)
        request_id = new_id()
        net = NetworkAction(id=request_id, request_id=request_id, tenant_id=sub.tenant_id,
                            subscription_id=sub.id, action=action, mode=mode,
                            params={"mode": "radius", "sessions": len(live)},
                            job_action="radius", status="requested")
        self.session.add(net)
        if action == "change_speed" and sub.status == "suspended":
            net.status = "deferred"
            net.reason = "suspended: the new plan's rate is applied when service resumes"
        elif not live:  # nothing online: authorize answers the next login from the state
            net.status, net.completed_at = "succeeded", utcnow()
        else:
            await self._rows(sub, (action, mode), plan, rate, live, request_id)
        await self.session.flush()
        return request_id

    async def _rows(self, sub: Subscription, step: tuple[str, str | None], plan: Plan,
                    rate: tuple[int, int] | None, live: list[Live],
                    request_id: uuid.UUID) -> None:
        (action, mode), rows = step, []
        for one in live:
            nas = await repo.nas_by_id(self.session, one.nas_id)
            assert nas is not None  # a session's NAS is deleted with it
            change = change_for(action, nas, plan, mode, self.dispatch.walled_garden, rate)
            rows.append(RadiusAction(
                id=new_id(), tenant_id=sub.tenant_id, request_id=request_id, kind=change.kind,
                action=action, subscription_id=sub.id, session_id=one.id, nas_id=nas.id,
                network_action_id=request_id, requested_by=actor_of(self.principal),
                reason=f"billing {action}" + (f" ({mode})" if mode else ""),
                attributes={**session_identity(one, nas), **change.attributes},
                status="requested", attempts=0, detail="", updated_at=utcnow()))
        now = utcnow()
        self.session.add_all(rows)
        self.session.add_all(_event(r, None, "requested", r.requested_by, r.reason, now)
                             for r in rows)
        self.dispatch.send_after_commit(self.session, [r.id for r in rows])

    async def activate(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Re-rate live sessions to the plan (usually none: the first login follows)."""
        return await self._request(subscription, "activate", plan=plan)

    async def suspend(self, subscription: Subscription, mode: str) -> uuid.UUID:
        """Disconnect, wall-garden or throttle live sessions per the plan's rule."""
        return await self._request(subscription, "suspend", mode)

    async def resume(self, subscription: Subscription) -> uuid.UUID:
        """CoA live sessions back to the plan's rate, or to the cap throttle's while one
        holds (the period's usage is still over the cap)."""
        rates = await cap_throttle_rates(self.session, subscription)
        if rates is None:
            return await self._request(subscription, "resume")
        return await self._request(subscription, "resume", CAP_THROTTLE, rate=rates)

    async def change_speed(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """CoA live sessions to the new plan's rate (deferred while suspended)."""
        return await self._request(subscription, "change_speed", plan=plan)

    async def terminate(self, subscription: Subscription) -> uuid.UUID:
        """Disconnect live sessions (authorize rejects the next login)."""
        return await self._request(subscription, "terminate")

    async def throttle_cap(self, subscription: Subscription, down_kbps: int,
                           up_kbps: int) -> uuid.UUID:
        """CoA live sessions to the GB-cap throttle's rates (both directions)."""
        return await self._request(subscription, "change_speed", CAP_THROTTLE,
                                   rate=(down_kbps, up_kbps))

    async def restore_rate(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """CoA live sessions back to the plan's rates (a new period lifted the throttle)."""
        return await self._request(subscription, "change_speed", CAP_RESTORE, plan=plan)


class SubscriberNetworkActions:
    """Billing's network actions per subscription: RADIUS (CoA / Disconnect) for a
    subscription that logs in with RADIUS credentials, port jobs for every other one."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 dispatch: CoaDispatch) -> None:
        self.radius = RadiusNetworkActions(session, principal, dispatch)
        self.jobs = JobNetworkActions(session, principal)
        self.session = session

    async def _for(self, sub: Subscription) -> NetworkActions:
        radius = await repo.has_credential(self.session, sub.id)
        return self.radius if radius else self.jobs

    async def activate(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Per the subscription's mode."""
        return await (await self._for(subscription)).activate(subscription, plan)

    async def suspend(self, subscription: Subscription, mode: str) -> uuid.UUID:
        """Per the subscription's mode."""
        return await (await self._for(subscription)).suspend(subscription, mode)

    async def resume(self, subscription: Subscription) -> uuid.UUID:
        """Per the subscription's mode."""
        return await (await self._for(subscription)).resume(subscription)

    async def change_speed(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Per the subscription's mode."""
        return await (await self._for(subscription)).change_speed(subscription, plan)

    async def terminate(self, subscription: Subscription) -> uuid.UUID:
        """Per the subscription's mode."""
        return await (await self._for(subscription)).terminate(subscription)

    async def throttle_cap(self, subscription: Subscription, down_kbps: int,
                           up_kbps: int) -> uuid.UUID:
        """Per the subscription's mode."""
        return await (await self._for(subscription)).throttle_cap(subscription, down_kbps,
                                                                   up_kbps)

    async def restore_rate(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Per the subscription's mode."""
        return await (await self._for(subscription)).restore_rate(subscription, plan)
