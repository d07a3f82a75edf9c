"""CoA and Disconnect-Request (RFC 5176) from billing transitions and support's button, to a
NAS simulator answering ACK or NAK over real UDP; every attempt and answer recorded."""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from hub.access.sessions.actions import (
    CoaDispatch,
    RadiusNetworkActions,
    SubscriberNetworkActions,
)
from hub.access.sessions.settings import SessionsSettings
from hub.billing.models import NetworkAction, Subscription
from hub.billing.schemas import Transition
from hub.billing.service import BillingService
from hub.permissions import Role
from hub.principal import Principal
from tests.hub.access.sessions.conftest import Radius
from tests.hub.access.sessions.nas_sim import NasSimulator, nas_simulator
from tests.radius_support import NAS_SECRET

FAST = SessionsSettings(coa_timeout_s=0.3, coa_attempts=3, coa_backoff=1.0)


def _dispatch(radius: Radius) -> CoaDispatch:
    return CoaDispatch(radius.hub.app.state.sessions, radius.hub.settings, FAST)


async def _online(radius: Radius, **plan: Any) -> tuple[dict[str, Any], str, str]:
    """An active subscriber with a live session on the NAS (Start through FreeRADIUS)."""
    username, sid = f"sub-{secrets.token_hex(4)}", secrets.token_hex(6)
    sub = await radius.subscriber(username, **plan)
    reply = await radius.account({"Acct-Status-Type": "Start", "Acct-Session-Id": sid,
                                  "User-Name": username, "Framed-IP-Address": "100.64.1.9",
                                  "Event-Timestamp": int(time.time()) - 5})
    assert reply.code == "Accounting-Response", reply.output
    await radius.delivered()
    return sub, username, sid


async def _transition(radius: Radius, dispatch: CoaDispatch, sub: dict[str, Any],
                      **step: Any) -> None:
    """A billing lifecycle step with RADIUS as the network action mode."""
    o = radius.owner
    caller = Principal("user", o.user_id, o.tenant_id, frozenset({"billing:write"}))
    async with radius.hub.app.state.sessions() as session:
        service = BillingService(session, caller, RadiusNetworkActions(session, caller,
                                                                       dispatch))
        await service.transition(uuid.UUID(sub["id"]), Transition(**step))
    await dispatch.drain()


async def _actions(radius: Radius, sid: str) -> list[dict[str, Any]]:
    row = await radius.session_of(sid)
    resp = await radius.hub.client.get(f"/access/sessions/{row['id']}",
                                       headers=radius.owner.headers)
    assert resp.status_code == 200, resp.text
    actions: list[dict[str, Any]] = resp.json()["actions"]
    return actions


async def _billing_view(radius: Radius, sub: dict[str, Any]) -> dict[str, Any]:
    resp = await radius.hub.client.get(f"/billing/subscriptions/{sub['id']}",
                                       headers=radius.owner.headers)
    assert resp.status_code == 200, resp.text
    view: dict[str, Any] = resp.json()
    return view


async def _simulated(radius: Radius, nas: NasSimulator) -> None:
    await radius.set_coa(radius.nas_id, nas.port, NAS_SECRET)


async def test_throttle_sends_coa_with_the_reduced_rate_and_the_ack_is_recorded(
        radius: Radius) -> None:
    sub, username, sid = await _online(radius)
    dispatch = _dispatch(radius)
    async with nas_simulator(NAS_SECRET) as nas:
        await _simulated(radius, nas)
        await _transition(radius, dispatch, sub, action="suspend", mode="throttle")
        got = await nas.wait_for(1)
        assert [r.kind for r in got] == ["coa"] and got[0].answered == "ack"
        assert got[0].attributes["Acct-Session-Id"] == [sid]
        assert got[0].attributes["User-Name"] == [username]
        assert got[0].attributes["Mikrotik-Rate-Limit"] == ["256k/256k"]
        # payment: resume sends the plan's normal rate to the same live session
        await _transition(radius, dispatch, sub, action="resume")
        got = await nas.wait_for(2)
        assert got[1].attributes["Mikrotik-Rate-Limit"] == ["10000k/50000k"]
    actions = await _actions(radius, sid)
    assert [(a["action"], a["kind"], a["status"], a["attempts"]) for a in actions] == [
        ("suspend", "coa", "acked", 1), ("resume", "coa", "acked", 1)]
    assert actions[0]["requested_by"] == f"user:{radius.owner.user_id}"
    assert [h["to_status"] for h in actions[0]["history"]] == [
        "requested", "sending", "sending", "acked"]
    view = await _billing_view(radius, sub)
    assert view["status"] == "active" and view["out_of_sync"] is False


async def test_nak_is_retried_then_reported_with_its_error_cause(radius: Radius) -> None:
    sub, _, sid = await _online(radius)
    dispatch = _dispatch(radius)
    async with nas_simulator(NAS_SECRET, nak_first=99, error_cause=506) as nas:
        await _simulated(radius, nas)
        await _transition(radius, dispatch, sub, action="suspend", mode="throttle")
        assert [r.answered for r in nas.received] == ["nak", "nak", "nak"]
    (action,) = await _actions(radius, sid)
    assert (action["status"], action["attempts"], action["error_cause"]) == ("nak", 3, 506)
    assert [h["detail"] for h in action["history"]][2:5] == [
        "attempt 1: nak (Error-Cause 506)", "attempt 2: nak (Error-Cause 506)",
        "attempt 3: nak (Error-Cause 506)"]
    view = await _billing_view(radius, sub)
    assert view["out_of_sync"] is True and "nak" in (view["network_problem"] or "")
    # a NAK that passes: retried, then acknowledged
    async with nas_simulator(NAS_SECRET, nak_first=1, error_cause=506) as nas:
        await _simulated(radius, nas)
        await _transition(radius, dispatch, sub, action="resume")
        assert [r.answered for r in nas.received] == ["nak", "ack"]
    assert [(a["status"], a["attempts"]) for a in await _actions(radius, sid)][-1] == (
        "acked", 2)


async def test_dunning_disconnect_and_termination_send_disconnect_requests(
        radius: Radius) -> None:
    sub, _, sid = await _online(radius)
    dispatch = _dispatch(radius)
    async with nas_simulator(NAS_SECRET) as nas:
        await _simulated(radius, nas)
        await _transition(radius, dispatch, sub, action="suspend", mode="disconnect")
        (got,) = await nas.wait_for(1)
        assert got.kind == "disconnect" and got.attributes["Acct-Session-Id"] == [sid]
        assert "Mikrotik-Rate-Limit" not in got.attributes
    assert [(a["kind"], a["status"]) for a in await _actions(radius, sid)] == [
        ("disconnect", "acked")]


async def test_nothing_online_needs_no_packet(radius: Radius) -> None:
    username = f"off-{secrets.token_hex(4)}"
    sub = await radius.subscriber(username)
    dispatch = _dispatch(radius)
    async with nas_simulator(NAS_SECRET) as nas:
        await _simulated(radius, nas)
        await _transition(radius, dispatch, sub, action="suspend", mode="throttle")
        assert nas.received == []
    view = await _billing_view(radius, sub)
    assert view["status"] == "suspended" and view["out_of_sync"] is False


async def test_support_clicks_disconnect(radius: Radius) -> None:
    _, _, sid = await _online(radius)
    support = await radius.hub.add_user(radius.owner, Role.SUPPORT)
    row = await radius.session_of(sid)
    radius.hub.app.state.coa_dispatch = _dispatch(radius)
    async with nas_simulator(NAS_SECRET) as nas:
        await _simulated(radius, nas)
        resp = await radius.hub.client.post(f"/access/sessions/{row['id']}/disconnect",
                                            json={"reason": "stuck PPPoE session"},
                                            headers=support.headers)
        assert resp.status_code == 202, resp.text
        assert resp.json()["status"] == "requested"
        (got,) = await nas.wait_for(1)
        assert got.kind == "disconnect" and got.attributes["Acct-Session-Id"] == [sid]
        await radius.hub.app.state.coa_dispatch.drain()
    (action,) = await _actions(radius, sid)
    assert (action["action"], action["status"]) == ("support_disconnect", "acked")
    assert action["requested_by"] == f"user:{support.user_id}"
    assert action["reason"] == "stuck PPPoE session"
    # the NAS then reports the Stop; a second click is refused (nothing to disconnect)
    stop = await radius.account({"Acct-Status-Type": "Stop", "Acct-Session-Id": sid,
                                 "User-Name": row["username"],
                                 "Acct-Terminate-Cause": "Admin-Reset"})
    assert stop.code == "Accounting-Response"
    await radius.delivered()
    again = await radius.hub.client.post(f"/access/sessions/{row['id']}/disconnect",
                                         headers=support.headers)
    assert again.status_code == 409


async def test_rows_left_unsent_are_sent_by_the_sweep(radius: Radius) -> None:
    sub, _, sid = await _online(radius)

    class Crashed(CoaDispatch):
        def send_after_commit(self, session: Any, action_ids: list[uuid.UUID]) -> None:
            """The process stopped between the commit and the send."""

    crashed = Crashed(radius.hub.app.state.sessions, radius.hub.settings, FAST)
    await _transition(radius, crashed, sub, action="suspend", mode="throttle")
    assert [a["status"] for a in await _actions(radius, sid)] == ["requested"]
    async with nas_simulator(NAS_SECRET) as nas:
        await _simulated(radius, nas)
        sent = await _dispatch(radius).send_pending(datetime.now(UTC), radius.owner.tenant_id)
        assert sent == 1 and len(nas.received) == 1
    assert [a["status"] for a in await _actions(radius, sid)] == ["acked"]


async def test_gb_cap_throttle_sends_coa_with_the_cap_rates(radius: Radius) -> None:
    sub, _, sid = await _online(radius)
    dispatch = _dispatch(radius)
    o = radius.owner
    caller = Principal("system", o.user_id, o.tenant_id, frozenset({"billing:write"}))
    async with nas_simulator(NAS_SECRET) as nas:
        await _simulated(radius, nas)
        async with radius.hub.app.state.sessions() as session:
            row = await session.get_one(Subscription, uuid.UUID(sub["id"]))
            await RadiusNetworkActions(session, caller, dispatch).throttle_cap(row, 2000, 1000)
            await session.commit()
        await dispatch.drain()
        (got,) = await nas.wait_for(1)
        assert got.kind == "coa" and got.attributes["Mikrotik-Rate-Limit"] == ["1000k/2000k"]
    (action,) = await _actions(radius, sid)
    assert (action["action"], action["status"]) == ("change_speed", "acked")


async def test_a_rolled_back_transition_sends_nothing(radius: Radius) -> None:
    sub, _, sid = await _online(radius)
    dispatch = _dispatch(radius)
    o = radius.owner
    caller = Principal("user", o.user_id, o.tenant_id, frozenset({"billing:write"}))
    async with nas_simulator(NAS_SECRET) as nas:
        await _simulated(radius, nas)
        async with radius.hub.app.state.sessions() as session:
            row = await session.get_one(Subscription, uuid.UUID(sub["id"]))
            await RadiusNetworkActions(session, caller, dispatch).terminate(row)
            await session.rollback()
        await dispatch.drain()
        assert nas.received == [] and not dispatch.tasks
    assert await _actions(radius, sid) == []


async def test_billing_picks_radius_for_subscribers_with_credentials(radius: Radius) -> None:
    sub, _, sid = await _online(radius)
    o = radius.owner
    port_only = await radius.hub.post(o, "/billing/subscriptions", {
        "customer_id": (await radius.hub.post(o, "/billing/customers", {
            "name": "port", "currency": "EUR"}))["id"],
        "plan_id": (await _billing_view(radius, sub))["plan_id"]})
    caller = Principal("user", o.user_id, o.tenant_id, frozenset({"billing:write"}))
    dispatch = _dispatch(radius)
    async with nas_simulator(NAS_SECRET) as nas:
        await _simulated(radius, nas)
        async with radius.hub.app.state.sessions() as session:
            chooser = SubscriberNetworkActions(session, caller, dispatch)
            for one in (sub, port_only):
                row = await session.get_one(Subscription, uuid.UUID(one["id"]))
                await chooser.terminate(row)
            await session.commit()
        await dispatch.drain()
        assert [r.kind for r in nas.received] == ["disconnect"]
    assert [a["kind"] for a in await _actions(radius, sid)] == ["disconnect"]
    async with radius.hub.app.state.sessions() as session:
        rows = (await session.execute(select(NetworkAction).where(
            NetworkAction.subscription_id == uuid.UUID(port_only["id"])))).scalars().all()
    # the port-job mode: no device bound, so its job is skipped (and says why)
    assert [(r.job_action, r.status) for r in rows] == [("suspend_customer", "skipped")]


# The throttle rate (256 kb/s both ways) as each vendor file writes it, decoded by the NAS
THROTTLE_BY_VENDOR = {
    "mikrotik": {"Mikrotik-Rate-Limit": ["256k/256k"]},
    "cisco": {"Cisco-AVPair": ["subscriber:sub-qos-policy-in=DOTMAC-IN-256K",
                               "subscriber:sub-qos-policy-out=DOTMAC-OUT-256K"]},
    "juniper": {"ERX-Ingress-Policy-Name": ["dotmac-in-256k"],
                "ERX-Egress-Policy-Name": ["dotmac-out-256k"]},
    "huawei": {"Huawei-Input-Average-Rate": [256000],
               "Huawei-Output-Average-Rate": [256000]},
    "accel_ppp": {"Filter-Id": ["256/256"]},
    "generic": {"WISPr-Bandwidth-Max-Down": [256000], "WISPr-Bandwidth-Max-Up": [256000]},
}


async def test_each_vendors_nas_gets_the_throttle_in_its_own_attributes(
        radius: Radius) -> None:
    dispatch = _dispatch(radius)
    try:
        async with nas_simulator(NAS_SECRET) as nas:
            await _simulated(radius, nas)
            for n, (vendor, expected) in enumerate(THROTTLE_BY_VENDOR.items(), start=1):
                await radius.set_vendor(radius.nas_id, vendor)
                sub, _, sid = await _online(radius)
                await _transition(radius, dispatch, sub, action="suspend", mode="throttle")
                got = (await nas.wait_for(n))[-1]
                assert (got.kind, got.answered) == ("coa", "ack"), vendor
                assert got.attributes["Acct-Session-Id"] == [sid], vendor
                for name, values in expected.items():
                    assert got.attributes[name] == values, (vendor, name, got.attributes)
    finally:
        await radius.set_vendor(radius.nas_id, "mikrotik")
