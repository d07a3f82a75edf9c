"""What billing asks of the network, and how it reaches the devices.

`JobNetworkActions` (the default) turns each lifecycle transition into provisioning jobs on
the subscription's device port, queued in the billing transaction itself. Every job has one
`NetworkAction` row; the rows of one transition share `request_id` (the first row's id, which
the SubscriptionEvent points to). `on_job_finished` (subscribed to the jobs domain's
`JobFinished` in hub.handlers) copies a job's final state onto its row, so `network_state` /
`out_of_sync` follow what the devices really did.

`RecordedNetworkActions` only records each request (for books without a network).

A GB-cap throttle (hub.billing.caps) is a `change_speed` in mode `cap_throttle` to the plan's
cap throttle rate, and its reset a `change_speed` in mode `cap_restore` back to the plan's
rate; while a cap throttle holds, a resume brings the port back at the throttle rate.

The subscription's IPAM VLANs reach a job as `customer_vlan`, `customer_svlan` and
`customer_cvlan` when the profile's action declares them (its schema refuses any other
parameter), and as `vlan` on a `walled_garden_vlan` resume, whose `vlan` is the customer's
own VLAN (docs/ipam.md, "VLANs in provisioning templates").
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from firmware_profiles.actions import ActionError, PlatformActions
from hub.billing.charges import throttle_rates
from hub.billing.models import NetworkAction, Plan, Subscription
from hub.billing.repository import plan_of
from hub.billing.repository.caps import latest_plan_event
from hub.billing.repository.network import (
    finish_actions_of_job,
    network_action,
    network_actions_of,
)
from hub.db import new_id
from hub.errors import ProblemError
from hub.inventory.models import Site
from hub.inventory.repository import DeviceRepository, SiteRepository
from hub.ipam.service import SubscriberVlans, subscriber_vlans
from hub.jobs.events import JobFinished
from hub.jobs.schemas import JobCreate
from hub.jobs.service import JobService
from hub.jobs.validation import platform_actions
from hub.principal import Principal

log = logging.getLogger("dotmac.hub.billing")

# Network state each billing state needs: the flag compares these with the last action.
EXPECTED_NETWORK_STATE = {"pending": "none", "active": "active", "suspended": "suspended",
                          "terminated": "none"}
_STATE_AFTER = {"activate": "active", "resume": "active", "change_speed": "active",
                "suspend": "suspended", "terminate": "none"}
# "throttle": the port stays up at this rate, enough to reach the payment portal.
THROTTLE_KBPS = 256
# Modes of the change_speed rows of a GB-cap throttle and of its reset.
CAP_THROTTLE, CAP_RESTORE = "cap_throttle", "cap_restore"
# A billing job waits this long for its agent before it expires (and the flag shows it).
BILLING_JOB_DEADLINE_S = 86400
_PLAN_LABEL = re.compile(r"[^A-Za-z0-9_.-]+")
# The job parameter each IPAM tag reaches an action as, when the action declares it. Not
# `vlan`: some actions already use it for the walled-garden VLAN.
VLAN_PARAMS = {"vlan": "customer_vlan", "svlan": "customer_svlan", "cvlan": "customer_cvlan"}


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

    async def throttle_cap(self, subscription: Subscription, down_kbps: int,
                           up_kbps: int) -> uuid.UUID:
        """Slow an active subscriber to the cap throttle rates (GB cap crossed)."""
        ...

    async def restore_rate(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Lift a cap throttle: back to the plan's speeds (a new period began)."""
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
        """Record a resume (at the cap throttle rates while a cap throttle holds)."""
        rates = await cap_throttle_rates(self.session, subscription)
        if rates is None:
            return await self._record(subscription, "resume")
        return await self._record(subscription, "resume", CAP_THROTTLE, _cap(*rates))

    async def change_speed(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Record a speed change to the plan's speeds."""
        return await self._record(subscription, "change_speed", None, _speeds(plan))

    async def terminate(self, subscription: Subscription) -> uuid.UUID:
        """Record a deprovisioning."""
        return await self._record(subscription, "terminate")

    async def throttle_cap(self, subscription: Subscription, down_kbps: int,
                           up_kbps: int) -> uuid.UUID:
        """Record a cap throttle at the given rates."""
        return await self._record(subscription, "change_speed", CAP_THROTTLE,
                                  _cap(down_kbps, up_kbps))

    async def restore_rate(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Record the reset of a cap throttle to the plan's speeds."""
        return await self._record(subscription, "change_speed", CAP_RESTORE, _speeds(plan))


def _speeds(plan: Plan) -> dict[str, object]:
    return {"down_kbps": plan.down_kbps, "up_kbps": plan.up_kbps, "plan_id": str(plan.id)}


def _cap(down_kbps: int, up_kbps: int) -> dict[str, object]:
    return {"down_kbps": down_kbps, "up_kbps": up_kbps}


async def cap_throttle_rates(session: AsyncSession, sub: Subscription) -> tuple[int, int] | None:
    """(down, up) kb/s of the cap throttle in force on the subscription, or None.

    A throttle holds from the cap run that applied it until a run restores it (a new
    period) or a plan change re-rates the port (the latest plan event is then not the one
    the throttle was applied under; the next run evaluates the new plan's cap)."""
    if sub.cap_throttled_period is None or sub.cap_plan_event_id is None:
        return None
    if await latest_plan_event(session, sub.id) != sub.cap_plan_event_id:
        return None
    return throttle_rates(await plan_of(session, sub.plan_id))


@dataclass(frozen=True)
class Step:
    """One provisioning job a transition needs: a profile action and its parameters."""

    job_action: str
    params: dict[str, object]


def plan_label(plan: Plan) -> str:
    """The plan's name as the profiles' `plan` parameter accepts it (description tag)."""
    label = _PLAN_LABEL.sub("-", plan.name).strip("-_.")[:32].strip("-_.")
    return label or f"plan-{plan.id.hex[:8]}"


def steps_for(action: str, mode: str | None, port: str, plan: Plan,
              cap_kbps: int | None = None) -> list[Step]:
    """The jobs of a transition, in the order the device must apply them.

    activate/resume bring the port to the plan's state (enabled, plan rate): a resume after
    a throttle, a disconnect or both is then always complete. change_speed re-rates the
    port; suspend throttles to THROTTLE_KBPS or shuts the port the profile's way
    (`suspend_mode`); terminate shuts the port (freed for the next subscriber).
    With `cap_kbps` (a GB-cap throttle in force) the rate step polices the port to it
    instead of the plan's rate: the port policers of the profiles take one rate, the
    down rate, as a plan change does.
    """
    iface: dict[str, object] = {"interface": port}
    rate = Step("change_plan", {**iface, "rate_kbps": plan.down_kbps, "plan": plan_label(plan)})
    if cap_kbps is not None:
        rate = Step("set_port_speed", {**iface, "rate_kbps": cap_kbps})
    if action in ("activate", "resume"):
        return [Step("resume_customer", iface), rate]
    if action == "change_speed":
        return [rate]
    if action == "suspend" and mode == "throttle":
        return [Step("set_port_speed", {**iface, "rate_kbps": THROTTLE_KBPS})]
    return [Step("suspend_customer", iface)]


def vlan_params(platform: PlatformActions, job_action: str,
                vlans: SubscriberVlans) -> dict[str, object]:
    """The subscription's VLANs as the parameters `job_action` of `platform` declares.

    An action that declares none gets none (its schema refuses unknown parameters), so a
    profile opts in per action. The walled_garden_vlan resume puts the port back in the
    customer's own VLAN, its `vlan`: IPAM's single tag, when the subscription has one.
    """
    try:
        declared = platform.action(job_action).schema.get("properties", {})
    except ActionError:  # no such action: the job is refused when it is submitted
        return {}
    found: dict[str, object] = {VLAN_PARAMS[tag]: value for tag, value in vlans.params().items()
                                if VLAN_PARAMS[tag] in declared}
    own_vlan = (job_action == "resume_customer" and "vlan" in declared
                and platform.suspend_mode == "walled_garden_vlan")
    if own_vlan and vlans.vlan is not None:
        found["vlan"] = vlans.vlan
    return found


def garden_vlan(platform: PlatformActions, site: Site | None, profile: str
                ) -> tuple[dict[str, object], str | None]:
    """The `vlan` a walled_garden_vlan profile's suspend_customer takes: the site's
    walled-garden VLAN (never the customer's own), or the reason there is none."""
    if platform.suspend_mode != "walled_garden_vlan":
        return {}, None
    try:
        declared = platform.action("suspend_customer").schema.get("properties", {})
    except ActionError:
        return {}, None
    if "vlan" not in declared:
        return {}, None
    if site is None or site.walled_garden_vlan is None:
        where = f"site {site.name}" if site is not None else "the device's site"
        path = f"/sites/{site.id}" if site is not None else "/sites/{id}"
        return {}, (f"profile {profile} suspends into a walled-garden VLAN but {where} has "
                    f"none: set walled_garden_vlan with PATCH {path}")
    return {"vlan": site.walled_garden_vlan}, None


def skip_reason(sub: Subscription, action: str) -> tuple[str, str] | None:
    """Why no job is sent for this transition, as (row status, reason), or None: `skipped`
    when the network cannot be reached, `deferred` when a later step applies it."""
    if sub.device_id is None:
        return "skipped", "no device bound to the subscription; set its device_id and port"
    if not sub.port:
        return "skipped", "no port bound to the subscription; set its port (interface name)"
    if action == "change_speed" and sub.status == "suspended":
        return "deferred", "suspended: the new plan's speed is applied when service resumes"
    return None


def idempotency_key(row: NetworkAction) -> str:
    """The job key of a row: a retried submission finds the same job, never a second."""
    return f"billing-{row.id}"


class JobNetworkActions:
    """NetworkActions that queue provisioning jobs in the caller's transaction."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session, self.principal = session, principal
        self.jobs = JobService(session, principal)

    async def _request(self, sub: Subscription, action: str, mode: str | None = None,
                       plan: Plan | None = None, cap_kbps: int | None = None) -> uuid.UUID:
        if plan is None:
            plan = await plan_of(self.session, sub.plan_id)
        request_id = new_id()
        steps, problem = await self._with_vlans(sub, steps_for(action, mode, sub.port, plan,
                                                               cap_kbps))
        rows = [NetworkAction(id=request_id if n == 0 else new_id(), request_id=request_id,
                              tenant_id=sub.tenant_id, subscription_id=sub.id, action=action,
                              mode=mode, params=step.params, job_action=step.job_action,
                              status="requested")
                for n, step in enumerate(steps)]
        self.session.add_all(rows)
        await self.session.flush()
        skip = skip_reason(sub, action)
        for row in rows:
            if skip is not None:
                row.status, row.reason = skip
            elif problem is not None and row.job_action == "suspend_customer":
                row.status, row.reason = "failed", problem
                log.warning("billing.network_refused subscription=%s action=%s reason=%s",
                            sub.id, action, problem)
            else:
                await self.submit(row, sub)
        if skip is not None:
            log.info("billing.network_%s subscription=%s action=%s reason=%s", skip[0], sub.id,
                     action, skip[1])
        return request_id

    async def _with_vlans(self, sub: Subscription, steps: list[Step]
                          ) -> tuple[list[Step], str | None]:
        """`steps` with the subscription's IPAM VLANs added where the device's profile
        declares them, and a walled_garden_vlan suspension's `vlan` (its site's walled-garden
        VLAN); unchanged without a device, a profile with actions, or VLANs. The second value
        says why a suspension cannot be sent (its site has no walled-garden VLAN)."""
        if sub.device_id is None or not sub.port:
            return steps, None
        device = await DeviceRepository(self.session, sub.tenant_id).find(sub.device_id)
        if device is None:
            return steps, None
        try:
            platform = platform_actions(device.profile)
        except ActionError:  # no actions.yaml: submit's check says why
            return steps, None
        vlans = await subscriber_vlans(self.session, sub.tenant_id, sub.id)
        garden: dict[str, object] = {}
        problem = None
        if (platform.suspend_mode == "walled_garden_vlan"
                and any(step.job_action == "suspend_customer" for step in steps)):
            site = await SiteRepository(self.session, sub.tenant_id).find(device.site_id)
            garden, problem = garden_vlan(platform, site, device.profile)
        return [Step(step.job_action,
                     {**step.params, **vlan_params(platform, step.job_action, vlans),
                      **(garden if step.job_action == "suspend_customer" else {})})
                for step in steps], problem

    async def submit(self, row: NetworkAction, sub: Subscription) -> uuid.UUID | None:
        """Queue the row's job (idempotent); a job the hub refuses marks the row failed."""
        assert sub.device_id is not None and row.job_action is not None
        data = JobCreate(device_id=sub.device_id, action=row.job_action, params=row.params,
                         deadline_s=BILLING_JOB_DEADLINE_S)
        try:
            job, _ = await self.jobs.create_in_transaction(data, idempotency_key(row))
        except ProblemError as exc:  # billing goes on; the out-of-sync flag shows it
            row.status, row.reason = "failed", str(exc)[:300]
            log.warning("billing.network_refused subscription=%s action=%s job_action=%s "
                        "reason=%s", sub.id, row.action, row.job_action, row.reason)
            return None
        row.job_id = job.id
        return job.id

    async def activate(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Enable the port at the plan's rate."""
        return await self._request(subscription, "activate", plan=plan)

    async def suspend(self, subscription: Subscription, mode: str) -> uuid.UUID:
        """Throttle the port (mode throttle) or shut it (disconnect)."""
        return await self._request(subscription, "suspend", mode)

    async def resume(self, subscription: Subscription) -> uuid.UUID:
        """Enable the port again at the current plan's rate, or at the cap throttle rate
        while a cap throttle holds (the period's usage is still over the cap)."""
        rates = await cap_throttle_rates(self.session, subscription)
        if rates is None:
            return await self._request(subscription, "resume")
        return await self._request(subscription, "resume", CAP_THROTTLE, cap_kbps=rates[0])

    async def change_speed(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Re-rate the port to `plan` (deferred to the resume while suspended)."""
        return await self._request(subscription, "change_speed", plan=plan)

    async def terminate(self, subscription: Subscription) -> uuid.UUID:
        """Shut the port."""
        return await self._request(subscription, "terminate")

    async def throttle_cap(self, subscription: Subscription, down_kbps: int,
                           up_kbps: int) -> uuid.UUID:
        """Police the port to the cap throttle's down rate (a port policer takes one rate;
        `up_kbps` is for modes that set both, such as RADIUS CoA)."""
        return await self._request(subscription, "change_speed", CAP_THROTTLE,
                                   cap_kbps=down_kbps)

    async def restore_rate(self, subscription: Subscription, plan: Plan) -> uuid.UUID:
        """Re-rate the port to the plan (the change_plan job a plan change sends)."""
        return await self._request(subscription, "change_speed", CAP_RESTORE, plan=plan)


# How billing reaches the network, per process: port jobs unless the composition root
# (hub.handlers.wire) installs a factory that knows more modes (RADIUS CoA / Disconnect for
# subscribers that log in through a NAS). Every process wires the same factory at start.
NetworkActionsFactory = Callable[[AsyncSession, Principal], NetworkActions]
_factory: list[NetworkActionsFactory] = [JobNetworkActions]


def use_network_actions(factory: NetworkActionsFactory | None) -> None:
    """Install the factory every billing step asks for its network actions (None: the
    default, port jobs)."""
    _factory[0] = factory or JobNetworkActions


def network_actions(session: AsyncSession, principal: Principal) -> NetworkActions:
    """The network actions of this process for a billing step in `session`."""
    return _factory[0](session, principal)


async def on_job_finished(session: AsyncSession, event: JobFinished) -> None:
    """A provisioning job reached a final state: record it on the billing row it serves.

    Runs in the transaction of the move that finished the job (agent result, expiry sweep,
    cancel); jobs nobody in billing asked for match no row.
    """
    ok = event.state == "succeeded"
    code = f" ({event.error_code})" if event.error_code else ""
    reason = None if ok else f"job {event.job_id} {event.state}{code}"
    await finish_actions_of_job(session, event.job_id, "succeeded" if ok else "failed",
                                event.finished_at, reason)


async def record_outcome(session: AsyncSession, action_id: uuid.UUID, ok: bool,
                         at: datetime) -> None:
    """Store the outcome of a requested action by its row id."""
    row = await network_action(session, action_id)
    if row is not None:
        row.status, row.completed_at = ("succeeded" if ok else "failed"), at


async def _requests(session: AsyncSession, sub: Subscription) -> list[list[NetworkAction]]:
    """The subscription's rows grouped by transition, oldest transition first."""
    groups: dict[uuid.UUID, list[NetworkAction]] = {}
    for row in await network_actions_of(session, sub.id):
        groups.setdefault(row.request_id or row.id, []).append(row)
    return list(groups.values())


@dataclass(frozen=True)
class NetworkView:
    """What the network does for a subscription and whether billing agrees (one read)."""

    state: str
    out_of_sync: bool
    problem: str | None
    jobs: list[uuid.UUID]  # provisioning jobs of the latest transition that queued any


async def network_view(session: AsyncSession, sub: Subscription) -> NetworkView:
    """State, disagreement flag and problem from one read of the subscription's rows."""
    requests = await _requests(session, sub)
    state = _state(requests)
    return NetworkView(state, state != EXPECTED_NETWORK_STATE[sub.status], _problem(requests),
                       _latest_jobs(requests))


def _latest_jobs(requests: list[list[NetworkAction]]) -> list[uuid.UUID]:
    for rows in reversed(requests):
        jobs = [r.job_id for r in rows if r.job_id is not None]
        if jobs:
            return jobs
    return []


def _state(requests: list[list[NetworkAction]]) -> str:
    state = "none"
    for rows in requests:
        if all(r.status == "succeeded" for r in rows):
            state = _STATE_AFTER[rows[0].action]
    return state


def _problem(requests: list[list[NetworkAction]]) -> str | None:
    """The latest transition meant to reach the network, if it did not (a deferred plan
    change is not a problem: the resume applies it)."""
    meant = [rows for rows in requests if any(r.status != "deferred" for r in rows)]
    for row in meant[-1] if meant else []:
        if row.status in ("failed", "skipped"):
            return f"{row.action} {row.job_action or ''}: {row.status}: {row.reason}"
    return None


async def network_state(session: AsyncSession, sub: Subscription) -> str:
    """What the network does for this subscription: the state after the last transition
    whose every job succeeded."""
    return _state(await _requests(session, sub))


async def out_of_sync(session: AsyncSession, sub: Subscription) -> bool:
    """True when the network state disagrees with the billing state (shown as a flag)."""
    return (await network_view(session, sub)).out_of_sync


async def network_problem(session: AsyncSession, sub: Subscription) -> str | None:
    """Why the latest transition meant to reach the network did not (failed or skipped)."""
    return _problem(await _requests(session, sub))
