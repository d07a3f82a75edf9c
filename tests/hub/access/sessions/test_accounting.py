"""Accounting through FreeRADIUS (radclient as the NAS) becomes subscriber sessions: usage,
Gigawords, retransmits, NAS reboots, stale sessions, hostile records."""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta

from hub.access.sessions.routes import REFUSED
from hub.access.sessions.service import close_stale_sessions, session_octets
from hub.access.sessions.settings import SessionsSettings
from tests.hub.access.sessions.conftest import Radius

GIB = 1 << 32


def _id() -> str:
    return secrets.token_hex(6)


def _start(sid: str, user: str, at: int, **more: object) -> dict[str, object]:
    return {"Acct-Status-Type": "Start", "Acct-Session-Id": sid, "User-Name": user,
            "Event-Timestamp": at, **more}


async def test_start_interim_stop_is_a_session_with_usage(radius: Radius) -> None:
    username = f"bob-{_id()}"
    sub = await radius.subscriber(username)
    sid, t0 = _id(), int(time.time()) - 600
    started = await radius.account(_start(sid, username, t0, **{
        "Framed-IP-Address": "100.64.0.7", "Calling-Station-Id": "aa:bb:cc:00:11:22",
        "NAS-Port-Id": "ether2.100"}))
    assert started.code == "Accounting-Response", started.output
    await radius.delivered()
    online = await radius.sessions(online="true", subscription_id=sub["id"])
    assert [s["acct_session_id"] for s in online] == [sid]
    assert online[0]["framed_ip_address"] == "100.64.0.7"
    assert online[0]["calling_station_id"] == "aa:bb:cc:00:11:22"
    interim = await radius.account({
        "Acct-Status-Type": "Interim-Update", "Acct-Session-Id": sid, "User-Name": username,
        "Event-Timestamp": t0 + 300, "Acct-Session-Time": 300, "Acct-Input-Octets": 1000,
        "Acct-Output-Octets": 5000, "Acct-Input-Packets": 10, "Acct-Output-Packets": 20})
    assert interim.code == "Accounting-Response", interim.output
    stop = await radius.account({
        "Acct-Status-Type": "Stop", "Acct-Session-Id": sid, "User-Name": username,
        "Event-Timestamp": t0 + 500, "Acct-Session-Time": 500, "Acct-Input-Octets": 3000,
        "Acct-Output-Octets": 9000, "Acct-Terminate-Cause": "User-Request"})
    assert stop.code == "Accounting-Response", stop.output
    await radius.delivered()
    done = await radius.session_of(sid)
    assert (done["input_octets"], done["output_octets"]) == (3000, 9000)
    assert done["terminate_cause"] == "User-Request" and done["session_time_s"] == 500
    assert datetime.fromisoformat(done["stopped_at"]) == datetime.fromtimestamp(t0 + 500, UTC)
    assert await radius.sessions(online="true", subscription_id=sub["id"]) == []
    async with radius.hub.app.state.sessions() as session:
        used = await session_octets(session, radius.owner.tenant_id, uuid.UUID(sub["id"]),
                                    datetime.fromtimestamp(t0 - 3600, UTC),
                                    datetime.fromtimestamp(t0 + 3600, UTC))
    assert used == (3000, 9000)


async def test_gigawords_wrap_and_counter_reset(radius: Radius) -> None:
    username, sid, t0 = f"carol-{_id()}", _id(), int(time.time()) - 900
    sub = await radius.subscriber(username)
    await radius.account(_start(sid, username, t0))
    # 4 GiB + 100 in, then the 32-bit counter wraps again: Gigawords carry the high part
    for at, gw, octets in ((t0 + 300, 1, 100), (t0 + 600, 2, 50)):
        reply = await radius.account({
            "Acct-Status-Type": "Interim-Update", "Acct-Session-Id": sid, "User-Name": username,
            "Event-Timestamp": at, "Acct-Input-Gigawords": gw, "Acct-Input-Octets": octets,
            "Acct-Output-Octets": 7})
        assert reply.code == "Accounting-Response", reply.output
    await radius.delivered()
    row = await radius.session_of(sid)
    assert row["input_octets"] == 2 * GIB + 50 and row["counter_resets"] == 0
    # the NAS's counters restart from zero: a reset, the maximum is kept, counted
    reply = await radius.account({
        "Acct-Status-Type": "Interim-Update", "Acct-Session-Id": sid, "User-Name": username,
        "Event-Timestamp": t0 + 700, "Acct-Input-Octets": 10, "Acct-Output-Octets": 1})
    assert reply.code == "Accounting-Response"
    await radius.delivered()
    row = await radius.session_of(sid)
    assert row["input_octets"] == 2 * GIB + 50 and row["counter_resets"] == 1
    async with radius.hub.app.state.sessions() as session:
        used = await session_octets(session, radius.owner.tenant_id, uuid.UUID(sub["id"]),
                                    datetime.fromtimestamp(t0 - 3600, UTC),
                                    datetime.fromtimestamp(t0 + 3600, UTC))
    assert used == (2 * GIB + 50, 7)


async def test_retransmits_are_idempotent(radius: Radius) -> None:
    username, sid, t0 = f"dave-{_id()}", _id(), int(time.time()) - 400
    sub = await radius.subscriber(username)
    interim = {"Acct-Status-Type": "Interim-Update", "Acct-Session-Id": sid,
               "User-Name": username, "Event-Timestamp": t0 + 60, "Acct-Input-Octets": 500,
               "Acct-Output-Octets": 800}
    stop = {**interim, "Acct-Status-Type": "Stop", "Event-Timestamp": t0 + 120,
            "Acct-Input-Octets": 900, "Acct-Terminate-Cause": "Lost-Carrier"}
    for packet in (_start(sid, username, t0), _start(sid, username, t0), interim, interim,
                   stop, interim, stop):
        reply = await radius.account(packet)
        assert reply.code == "Accounting-Response", reply.output
    await radius.delivered()
    rows = [s for s in await radius.sessions(subscription_id=sub["id"])]
    assert len(rows) == 1
    assert (rows[0]["input_octets"], rows[0]["output_octets"]) == (900, 800)
    assert rows[0]["terminate_cause"] == "Lost-Carrier" and rows[0]["counter_resets"] == 0
    async with radius.hub.app.state.sessions() as session:
        used = await session_octets(session, radius.owner.tenant_id, uuid.UUID(sub["id"]),
                                    datetime.fromtimestamp(t0 - 3600, UTC),
                                    datetime.fromtimestamp(t0 + 3600, UTC))
    assert used == (900, 800)


async def test_accounting_on_closes_that_nas_sessions_only(radius: Radius) -> None:
    other = f"127.0.0.{2 + secrets.randbelow(200)}"
    await radius.add_nas(other)
    user_a, user_b, t0 = f"erin-{_id()}", f"frank-{_id()}", int(time.time()) - 300
    await radius.subscriber(user_a)
    await radius.subscriber(user_b)
    here, there = _id(), _id()
    assert (await radius.account(_start(here, user_a, t0))).code == "Accounting-Response"
    resp = await radius.post(_start(there, user_b, t0), nas=other)
    assert resp.status_code == 204, resp.text
    reboot = await radius.account({"Acct-Status-Type": "Accounting-On",
                                   "Acct-Session-Id": "0", "Event-Timestamp": t0 + 10})
    assert reboot.code == "Accounting-Response", reboot.output
    await radius.delivered()
    closed = await radius.session_of(here)
    assert closed["stopped_at"] is not None and closed["terminate_cause"] == "NAS-Reboot"
    assert (await radius.session_of(there))["stopped_at"] is None


async def test_silent_sessions_are_closed_as_stale(radius: Radius) -> None:
    username, t_old, t_new = f"gina-{_id()}", int(time.time()) - 7200, int(time.time()) - 60
    await radius.subscriber(username)
    silent, talking, quick = _id(), _id(), _id()
    for sid, at in ((silent, t_old), (talking, t_new)):
        assert (await radius.account(_start(sid, username, at))).code == "Accounting-Response"
    # a NAS that reports a 20 s interval: silent for 3 of them is stale, though < 3 x 300 s
    reply = await radius.account(_start(quick, username, int(time.time()) - 200,
                                        **{"Acct-Interim-Interval": 20}))
    assert reply.code == "Accounting-Response"
    await radius.delivered()
    settings = SessionsSettings(interim_interval_s=300, stale_after_intervals=3)
    async with radius.hub.app.state.sessions() as session, session.begin():
        closed = await close_stale_sessions(session, radius.owner.tenant_id,
                                            datetime.now(UTC), settings)
    assert closed >= 2
    assert (await radius.session_of(quick))["terminate_cause"] == "stale"
    stale = await radius.session_of(silent)
    assert stale["terminate_cause"] == "stale"
    assert datetime.fromisoformat(stale["stopped_at"]) == datetime.fromtimestamp(t_old, UTC)
    assert (await radius.session_of(talking))["stopped_at"] is None
    # its real Stop arrives after all: the stale close gives way to the NAS's own record
    late = await radius.account({"Acct-Status-Type": "Stop", "Acct-Session-Id": silent,
                                 "User-Name": username, "Event-Timestamp": t_old + 30,
                                 "Acct-Input-Octets": 42, "Acct-Terminate-Cause": "Idle-Timeout"})
    assert late.code == "Accounting-Response"
    await radius.delivered()
    stopped = await radius.session_of(silent)
    assert stopped["terminate_cause"] == "Idle-Timeout" and stopped["input_octets"] == 42
    async with radius.hub.app.state.sessions() as session, session.begin():
        assert await close_stale_sessions(session, radius.owner.tenant_id,
                                          datetime.now(UTC) + timedelta(seconds=1),
                                          settings) == 0


async def test_hostile_accounting_is_refused_and_counted(radius: Radius) -> None:
    username = f"hank-{_id()}"
    await radius.subscriber(username)
    before = {r: radius.counted(REFUSED, reason=r)
              for r in ("unknown_session", "bad_number", "oversized", "unknown_nas",
                        "malformed")}
    # a Stop for a session nobody started: not stored, counted, answered (no endless resend)
    ghost = _id()
    reply = await radius.account({"Acct-Status-Type": "Stop", "Acct-Session-Id": ghost,
                                  "User-Name": username, "Acct-Input-Octets": 10**6})
    assert reply.code == "Accounting-Response"
    await radius.delivered()
    assert not [s for s in await radius.sessions() if s["acct_session_id"] == ghost]
    # malformed numbers and oversized values: refused, FreeRADIUS does not acknowledge
    bad = await radius.post({"Acct-Status-Type": "Interim-Update", "Acct-Session-Id": _id(),
                             "User-Name": username, "Acct-Input-Octets": "12abc"})
    assert bad.status_code == 422
    huge = await radius.post({"Acct-Status-Type": "Start", "Acct-Session-Id": "x" * 300,
                              "User-Name": username})
    assert huge.status_code == 422
    wide = await radius.post({"Acct-Status-Type": "Interim-Update", "Acct-Session-Id": _id(),
                              "User-Name": username, "Acct-Input-Gigawords": str(1 << 40)})
    assert wide.status_code == 422
    stranger = await radius.post(_start(_id(), username, int(time.time())), nas="192.0.2.99")
    assert stranger.status_code == 422
    junk = await radius.hub.client.post("/radius/accounting", content=b"{not json", headers={
        "X-Dotmac-Radius-Token": "sessions-test-token-0123456789",
        "X-Dotmac-Radius-Nas": "127.0.0.1", "Content-Type": "application/json"})
    assert junk.status_code == 422
    after = {r: radius.counted(REFUSED, reason=r) for r in before}
    assert {r: after[r] - before[r] for r in before} == {
        "unknown_session": 1, "bad_number": 1, "oversized": 2, "unknown_nas": 1,
        "malformed": 1}
    # through FreeRADIUS the record is acknowledged (it is spooled); the hub refuses it when
    # the reader replays it: counted, set aside in the spool's refused/ directory
    refused_id = _id()
    dropped = await radius.account({"Acct-Status-Type": "Start", "Acct-Session-Id": refused_id,
                                    "User-Name": username, "Acct-Input-Octets": 5,
                                    "Acct-Input-Gigawords": 4294967295,
                                    "Event-Timestamp": "Jan  1 2026 00:00:00 UTC"})
    assert dropped.code == "Accounting-Response", dropped.output
    await radius.delivered()
    assert radius.counted(REFUSED, reason="oversized") == after["oversized"] + 1
    assert f'Acct-Session-Id = "{refused_id}"' in radius.refused_records()
    assert not [s for s in await radius.sessions() if s["acct_session_id"] == refused_id]
