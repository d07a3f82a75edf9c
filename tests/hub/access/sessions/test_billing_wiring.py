"""The composition root's wiring, end to end through the API: dunning throttles and then
disconnects a RADIUS subscriber's live session (CoA, Disconnect-Request to a NAS simulator),
and the payment that settles the debt lets the next login in at the plan's normal rate.

Nothing here builds network actions by hand: billing picks them through the factory
hub.handlers.wire installs (hub.access.modes), as in production.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from tests.hub.access.sessions.conftest import Radius
from tests.hub.access.sessions.nas_sim import nas_simulator
from tests.radius_support import NAS_SECRET, radclient

PASSWORD = "Dunning-pw-1"


async def _subscriber(radius: Radius, username: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A customer with an active 50/10 Mb/s subscription since 1 March and a PPPoE login."""
    h, o = radius.hub, radius.owner
    customer = await h.post(o, "/billing/customers", {"name": username, "currency": "EUR"})
    plan = await h.post(o, "/billing/plans", {
        "name": f"p-{username}", "currency": "EUR", "down_kbps": 50_000, "up_kbps": 10_000,
        "price_minor": 3000})
    sub = await h.post(o, "/billing/subscriptions", {"customer_id": customer["id"],
                                                     "plan_id": plan["id"]})
    await h.post(o, f"/billing/subscriptions/{sub['id']}/transitions",
                 {"action": "activate", "on": "2026-03-01"})
    resp = await h.client.put(f"/access/subscriptions/{sub['id']}/credentials",
                              json={"username": username, "password": PASSWORD},
                              headers=o.headers)
    assert resp.status_code in (200, 201), resp.text
    return customer, sub


async def _login(radius: Radius, username: str) -> Any:
    return await radclient(radius.server.auth_port, "auth", radius.server.secret, {
        "User-Name": username, "User-Password": PASSWORD, "NAS-IP-Address": "127.0.0.1",
        "Message-Authenticator": "0x00"})


async def _call(radius: Radius, path: str, body: dict[str, Any]) -> Any:
    resp = await radius.hub.client.post(path, json=body, headers=radius.owner.headers)
    assert resp.status_code in (200, 201), resp.text
    return resp.json()


async def test_dunning_cuts_and_a_payment_readmits_at_the_normal_rate(radius: Radius) -> None:
    username, sid = f"dun-{secrets.token_hex(4)}", secrets.token_hex(6)
    customer, sub = await _subscriber(radius, username)
    assert (await _login(radius, username)).first("Mikrotik-Rate-Limit") == "10000k/50000k"
    start = await radius.account({"Acct-Status-Type": "Start", "Acct-Session-Id": sid,
                                  "User-Name": username, "Framed-IP-Address": "100.64.7.9",
                                  "Event-Timestamp": int(time.time()) - 5})
    assert start.code == "Accounting-Response", start.output
    await radius.delivered()
    resp = await radius.hub.client.put("/billing/dunning/policy", json={
        "reminder_days": 3, "throttle_days": 10, "suspend_days": 20, "mode": "disconnect"},
        headers=radius.owner.headers)
    assert resp.status_code == 200, resp.text
    await _call(radius, "/billing/runs", {"period": "2026-03-01", "today": "2026-03-01"})
    async with nas_simulator(NAS_SECRET) as nas:
        await radius.set_coa(radius.nas_id, nas.port, NAS_SECRET)
        # 25 March: throttled on the NAS (CoA with the reduced rate), still online
        run = await _call(radius, "/billing/dunning/runs", {"today": "2026-03-25"})
        assert [s["step"] for s in run["steps"]] == ["reminder", "throttle"]
        (coa,) = await nas.wait_for(1)
        assert coa.kind == "coa" and coa.attributes["Acct-Session-Id"] == [sid]
        assert coa.attributes["Mikrotik-Rate-Limit"] == ["256k/256k"]
        # 4 April: suspended, mode disconnect: the live session is cut
        run = await _call(radius, "/billing/dunning/runs", {"today": "2026-04-04"})
        assert [s["step"] for s in run["steps"]] == ["suspend"]
        got = await nas.wait_for(2)
        assert got[1].kind == "disconnect" and got[1].attributes["User-Name"] == [username]
    stop = await radius.account({"Acct-Status-Type": "Stop", "Acct-Session-Id": sid,
                                 "User-Name": username, "Acct-Terminate-Cause": "Admin-Reset",
                                 "Event-Timestamp": int(time.time())})
    assert stop.code == "Accounting-Response", stop.output
    await radius.delivered()
    assert (await _login(radius, username)).code == "Access-Reject"
    # the payment settles the invoice: service resumes, the next login gets the plan's rate
    await _call(radius, "/billing/payments", {"customer_id": customer["id"],
                                              "amount_minor": 3000,
                                              "received_on": "2026-04-06"})
    view = (await radius.hub.client.get(f"/billing/subscriptions/{sub['id']}",
                                        headers=radius.owner.headers)).json()
    assert view["status"] == "active", view
    back = await _login(radius, username)
    assert back.code == "Access-Accept", back.output
    assert back.first("Mikrotik-Rate-Limit") == "10000k/50000k"


async def test_a_plan_change_re_rates_the_live_session_and_the_next_login(
        radius: Radius) -> None:
    username, sid = f"up-{secrets.token_hex(4)}", secrets.token_hex(6)
    _, sub = await _subscriber(radius, username)
    faster = await radius.hub.post(radius.owner, "/billing/plans", {
        "name": f"fast-{username}", "currency": "EUR", "down_kbps": 200_000,
        "up_kbps": 40_000, "price_minor": 6000})
    start = await radius.account({"Acct-Status-Type": "Start", "Acct-Session-Id": sid,
                                  "User-Name": username, "Framed-IP-Address": "100.64.7.10",
                                  "Event-Timestamp": int(time.time()) - 5})
    assert start.code == "Accounting-Response", start.output
    await radius.delivered()
    async with nas_simulator(NAS_SECRET) as nas:
        await radius.set_coa(radius.nas_id, nas.port, NAS_SECRET)
        await _call(radius, f"/billing/subscriptions/{sub['id']}/transitions",
                    {"action": "change_plan", "plan_id": faster["id"], "on": "2026-03-10"})
        (coa,) = await nas.wait_for(1)
        assert coa.kind == "coa" and coa.attributes["Acct-Session-Id"] == [sid]
        assert coa.attributes["Mikrotik-Rate-Limit"] == ["40000k/200000k"]
    again = await _login(radius, username)
    assert again.code == "Access-Accept", again.output
    assert again.first("Mikrotik-Rate-Limit") == "40000k/200000k"
