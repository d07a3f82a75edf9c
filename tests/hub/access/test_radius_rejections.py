"""Every Access-Reject FreeRADIUS sends reaches the hub's dotmac_radius_rejections_total{reason}
(docs/radius.md, "How rejections are counted"), on both authorize backends, through a real
FreeRADIUS (radclient is the NAS): the reject path writes a record to the rejection spool and
the rejection reader replays it to POST /radius/rejections; nothing is added to the
Access-Request path.

Proves: sql refusals (unknown subscriber, NAS not registered, suspended, oversized
User-Name, database unreachable) and wrong PAP / CHAP passwords on both backends are each
counted exactly once; the rest backend's hub-side refusals are not counted a second time;
rejects while the hub is down are counted once it is back; a record the hub refuses is set
aside without stopping the reader; hostile bodies posted to the route are answered 422 (or
counted as `other`) and never make a new label; callers without the token are refused.

"Exactly once" is read behind a barrier: the reader replays its spool in order, so once a
later record (a wrong password) is counted, an earlier record would have been too.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from hub.access.rejections import REASONS, REFUSED, LogBudget
from tests.hub.access.conftest import (
    MAX_USERNAME,
    PASSWORD,
    TOKEN,
    UNREGISTERED_NAS,
    VENDOR_NAS,
    Aaa,
    aaa_fixture,
)

aaa = aaa_fixture(backends=("rest", "sql"))

REJECTIONS = "dotmac_radius_rejections_total"


def _login(user: str, password: str = PASSWORD) -> dict[str, Any]:
    return {"User-Name": user, "User-Password": password}


async def _barrier(aaa: Aaa, user: str) -> None:
    """A wrong password for `user` (an existing subscriber), counted: every reject sent
    before it has been delivered to the hub too."""
    before = aaa.hub_counter("wrong_password")
    reply = await aaa.request(_login(user, "barrier-wrong"))
    assert reply.code == "Access-Reject", reply.output
    await aaa.counted_at_hub("wrong_password", before + 1)


async def _suspended(aaa: Aaa, name: str) -> None:
    sub = await aaa.subscriber(name, radius_suspended_action="reject")
    await aaa.hub.post(aaa.owner, f"/billing/subscriptions/{sub['id']}/transitions",
                       {"action": "suspend", "on": "2026-02-01", "mode": "disconnect"})


async def test_each_refusal_is_counted_exactly_once_on_the_hub(aaa: Aaa) -> None:
    await aaa.subscriber("rj-alice@isp.example")
    await _suspended(aaa, "rj-susp@isp.example")
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("unknown_user", _login("rj-nobody@isp.example"), VENDOR_NAS["mikrotik"]),
        ("suspended", _login("rj-susp@isp.example"), VENDOR_NAS["mikrotik"]),
        ("oversized_username", _login("u" * (MAX_USERNAME + 1)), VENDOR_NAS["mikrotik"]),
        ("unknown_nas", _login("rj-alice@isp.example"), UNREGISTERED_NAS),
        ("wrong_password", _login("rj-alice@isp.example", "not-it"), VENDOR_NAS["cisco"]),
    ]
    for reason, login, nas in cases:
        before = aaa.hub_counter(reason)
        reply = await aaa.request(login, nas=nas)
        assert reply.code == "Access-Reject", (reason, reply.output)
        await aaa.counted_at_hub(reason, before + 1)
        await _barrier(aaa, "rj-alice@isp.example")
        barrier = 1 if reason == "wrong_password" else 0
        assert aaa.hub_counter(reason) == before + 1 + barrier, reason


async def test_a_chap_failure_is_counted_once_and_an_accept_not_at_all(aaa: Aaa) -> None:
    await aaa.subscriber("rj-bob@isp.example")
    counters = {reason: aaa.hub_counter(reason) for reason in REASONS}
    chap = await aaa.request({"User-Name": "rj-bob@isp.example", "CHAP-Password": "nope"})
    assert chap.code == "Access-Reject", chap.output
    ok = await aaa.request(_login("rj-bob@isp.example"))
    assert ok.code == "Access-Accept", ok.output
    await aaa.counted_at_hub("wrong_password", counters["wrong_password"] + 1)
    await _barrier(aaa, "rj-bob@isp.example")
    after = {reason: aaa.hub_counter(reason) for reason in REASONS}
    assert after == {**counters, "wrong_password": counters["wrong_password"] + 2}


async def test_rejects_while_the_hub_or_database_is_away_are_counted_once_it_is_back(
        aaa: Aaa) -> None:
    await aaa.subscriber("rj-dave@isp.example")
    before = aaa.hub_counter("unreachable")
    async with aaa.unreachable():
        reply = await aaa.request(_login("rj-dave@isp.example"))
        assert reply.code == "Access-Reject", reply.output
        assert reply.first("Reply-Message") == "subscriber database unreachable"
    await aaa.counted_at_hub("unreachable", before + 1, within_s=60)
    await _barrier(aaa, "rj-dave@isp.example")
    assert aaa.hub_counter("unreachable") == before + 1


def _spool_record(aaa: Aaa, lines: list[str]) -> None:
    """A record in the rejection spool that this configuration never writes (dropped in
    whole by rename, as a writer would leave it)."""
    spool = aaa.server.conf_dir / "spool" / "rejections"
    body = time.strftime("%a %b %d %H:%M:%S %Y") + "\n" + "".join(
        f"\t{line}\n" for line in lines) + "\n"
    temp = spool.parent / f".tmp-{uuid.uuid4().hex}"
    temp.write_text(body)
    os.chmod(temp, 0o600)
    temp.rename(spool / "detail-20000101:00")


async def test_a_record_the_hub_refuses_is_set_aside_and_the_reader_goes_on(
        aaa: Aaa) -> None:
    await aaa.subscriber("rj-erin@isp.example")
    refused = aaa.hub.app.state.metrics.value(REFUSED, reason="malformed")
    _spool_record(aaa, ['User-Name = "no-reason"', 'Dotmac-Reject-Nas = "127.0.0.11"'])
    await _poll(lambda: aaa.hub.app.state.metrics.value(REFUSED, reason="malformed")
                == refused + 1)
    await _barrier(aaa, "rj-erin@isp.example")  # the reader went on
    aside = list((aaa.server.conf_dir / "spool" / "refused").glob("rejections-*"))
    assert aside and "no-reason" in aside[0].read_text()


async def _poll(done: Callable[[], bool], within_s: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while not done():
        assert loop.time() < deadline, "not reached in time"
        await asyncio.sleep(0.05)


def _caller(token: str = TOKEN) -> dict[str, str]:
    return {"X-Dotmac-Radius-Token": token, "X-Dotmac-Radius-Nas": VENDOR_NAS["mikrotik"]}


def _record(reason: object, user: str = "eve") -> dict[str, Any]:
    return {"Dotmac-Reject-Reason": {"type": "string", "value": [reason]},
            "Dotmac-Reject-User": {"type": "string", "value": [user]}}


async def test_hostile_records_posted_to_the_route(aaa: Aaa) -> None:
    if aaa.backend == "sql":
        return  # the route does not depend on the backend: proved once, with rest
    metrics, client = aaa.hub.app.state.metrics, aaa.hub.client
    refused = {r: metrics.value(REFUSED, reason=r) for r in ("malformed", "oversized")}
    hostile: list[tuple[bytes, str]] = [
        (b"{not json", "malformed"), (b"[1, 2]", "malformed"), (b"{}", "malformed"),
        (b'{"Dotmac-Reject-Reason": {"value": [7]}}', "malformed"),
        (b'{"Dotmac-Reject-Reason": "suspended"}', "malformed"),
        (b"{" + b" " * 10_000 + b"}", "oversized")]
    for body, reason in hostile:
        resp = await client.post("/radius/rejections", content=body, headers=_caller())
        assert resp.status_code == 422, (body[:40], resp.text)
        refused[reason] += 1
    assert {r: metrics.value(REFUSED, reason=r) for r in refused} == refused
    # unknown reasons (a flood of them) are counted, all under `other`: no new label
    other = aaa.hub_counter("other")
    for n in range(200):
        resp = await client.post("/radius/rejections", headers=_caller(),
                                 json=_record(f"made-up-{n}-" + "x" * 300, "m" * 5000))
        assert resp.status_code == 204, resp.text
    assert aaa.hub_counter("other") == other + 200
    labels = {s.labels["reason"] for family in metrics.registry.collect()
              if family.name == REJECTIONS.removesuffix("_total")
              for s in family.samples if s.name == REJECTIONS}
    assert labels <= REASONS | {"bad_token", "token_unset"}, labels


async def test_the_route_refuses_callers_without_the_radius_token(aaa: Aaa) -> None:
    if aaa.backend == "sql":
        return  # the route does not depend on the backend: proved once, with rest
    before, wrong = aaa.hub_counter("bad_token"), aaa.hub_counter("wrong_password")
    for headers in ({}, _caller("guess-guess-guess-guess")):
        resp = await aaa.hub.client.post("/radius/rejections", json=_record("wrong_password"),
                                         headers=headers)
        assert resp.status_code == 401, resp.text
    assert aaa.hub_counter("bad_token") == before + 2
    assert aaa.hub_counter("wrong_password") == wrong
    # the token is enough: no Idempotency-Key, like /radius/accounting
    resp = await aaa.hub.client.post("/radius/rejections", json=_record("wrong_password"),
                                     headers=_caller())
    assert resp.status_code == 204 and aaa.hub_counter("wrong_password") == wrong + 1


def test_the_log_budget_holds_back_lines_past_its_limit_and_tells_how_many() -> None:
    budget = LogBudget(per_window=2, window_s=60)
    assert [budget.take("other", now=t) for t in (0, 1, 2, 3)] == [0, 0, None, None]
    assert budget.take("wrong_password", now=4) == 0  # each reason has its own budget
    assert budget.take("other", now=61) == 2  # next window: the two held back are told
    assert budget.take("other", now=62) == 0
