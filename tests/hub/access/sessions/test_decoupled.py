"""Decoupled accounting: FreeRADIUS answers the NAS once the record is in its spool, and its
detail reader replays the spool to the hub. Proved with the hub's HTTP listener stopped and
FreeRADIUS killed: nothing acknowledged is lost, nothing is counted twice, and a record the
hub refuses does not hold up the ones behind it.

One hub (served on a fixed port that can be stopped and started) and one FreeRADIUS for the
module; every test leaves the hub serving and the spool drained."""

from __future__ import annotations

import asyncio
import os
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio

from hub.access.sessions.routes import ACCEPTED, REFUSED
from hub.access.sessions.service import session_octets
from tests.hub.access.conftest import ServedHub
from tests.hub.access.sessions.conftest import TOKEN, Radius, spooled
from tests.hub.harness import hub_settings, running_hub
from tests.radius_support import RadiusServer, start_radius_server
from tests.services._proc import ManagedProcess

GIB = 1 << 32


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def served(pg_url: str, tmp_path_factory: pytest.TempPathFactory,
                 ) -> AsyncIterator[tuple[Radius, ServedHub]]:
    """A hub whose HTTP listener can be stopped, its FreeRADIUS, a tenant, NAS 127.0.0.1."""
    previous = os.environ.get("DOTMAC_HUB_RADIUS_TOKEN")
    os.environ["DOTMAC_HUB_RADIUS_TOKEN"] = TOKEN
    try:
        async with running_hub(hub_settings(pg_url)) as hub:
            web = ServedHub(hub)
            await web.start()
            server = await asyncio.to_thread(start_radius_server, web.url, TOKEN,
                                             tmp_path_factory.mktemp("decoupled"))
            try:
                owner = await hub.new_tenant("decoupled")
                site = await hub.post(owner, "/sites", {"name": "pop-d"})
                radius = Radius(hub, web.url, server, owner, site["id"], uuid.uuid4())
                radius.nas_id = await radius.add_nas("127.0.0.1")
                yield radius, web
            finally:
                radius.server.stop()
                await web.stop()
    finally:
        if previous is None:
            os.environ.pop("DOTMAC_HUB_RADIUS_TOKEN", None)
        else:
            os.environ["DOTMAC_HUB_RADIUS_TOKEN"] = previous


def _id() -> str:
    return secrets.token_hex(6)


def _interim(sid: str, user: str, at: int, octets: int, **more: Any) -> dict[str, Any]:
    return {"Acct-Status-Type": "Interim-Update", "Acct-Session-Id": sid, "User-Name": user,
            "Event-Timestamp": at, "Acct-Input-Octets": octets, "Acct-Output-Octets": 2 * octets,
            **more}


def _stored(radius: Radius) -> dict[str, float]:
    return {o: radius.counted(ACCEPTED, outcome=o)
            for o in ("started", "updated", "stopped", "duplicate", "late")}


def _grown(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: after[k] - before[k] for k in before if after[k] != before[k]}


async def _acknowledged(radius: Radius, packets: list[dict[str, Any]]) -> None:
    for packet in packets:
        reply = await radius.account(packet)
        assert reply.code == "Accounting-Response", reply.output


async def _used(radius: Radius, sub: dict[str, Any], t0: int) -> tuple[int, int]:
    async with radius.hub.app.state.sessions() as session:
        return await session_octets(session, radius.owner.tenant_id, uuid.UUID(sub["id"]),
                                    datetime.fromtimestamp(t0 - 3600, UTC),
                                    datetime.fromtimestamp(t0 + 3600, UTC))


async def _picked_up(radius: Radius, within_s: float = 30) -> None:
    """Poll until the reader has taken the spooled file (renamed to detail.work): it is
    sending its first record to the hub."""
    deadline = time.monotonic() + within_s
    while not list(radius.spool.glob("[0-9]*/detail.work")):
        assert time.monotonic() < deadline, f"the reader did not pick up {spooled(radius.spool)}"
        await asyncio.sleep(0.02)


async def _restart_freeradius(server: RadiusServer) -> None:
    """SIGKILL FreeRADIUS (a crash: nothing flushed or closed) and start it again on the same
    directory, ports and spool."""
    ready = server.log.read_text(errors="replace").count("Ready to process requests")
    server.process.kill()
    server.process = ManagedProcess(server.process.argv, server.process.log_path).start()
    deadline = time.monotonic() + 30
    while server.log.read_text(errors="replace").count("Ready to process requests") == ready:
        assert server.process.alive() and time.monotonic() < deadline, "FreeRADIUS restart"
        await asyncio.sleep(0.05)


async def test_interim_acknowledged_while_the_hub_is_down_arrives_after(
        served: tuple[Radius, ServedHub]) -> None:
    radius, web = served
    user, sid, t0 = f"d1-{_id()}", _id(), int(time.time()) - 600
    sub = await radius.subscriber(user)
    await _acknowledged(radius, [{"Acct-Status-Type": "Start", "Acct-Session-Id": sid,
                                  "User-Name": user, "Event-Timestamp": t0}])
    await radius.delivered()
    before = _stored(radius)
    async with web.down():
        # answered from the spool: the hub's listener is closed
        await _acknowledged(radius, [_interim(sid, user, t0 + 300, 123456,
                                              **{"Acct-Input-Gigawords": 3})])
        await _picked_up(radius)  # the reader holds it and finds the hub unreachable
        assert (await radius.session_of(sid))["input_octets"] == 0
    await radius.delivered()
    row = await radius.session_of(sid)
    assert (row["input_octets"], row["output_octets"]) == (3 * GIB + 123456, 246912)
    assert _grown(before, _stored(radius)) == {"updated": 1}
    assert await _used(radius, sub, t0) == (3 * GIB + 123456, 246912)


async def test_spool_survives_a_freeradius_crash_and_each_record_counts_once(
        served: tuple[Radius, ServedHub]) -> None:
    radius, web = served
    user, sid, t0 = f"d2-{_id()}", _id(), int(time.time()) - 900
    sub = await radius.subscriber(user)
    before = _stored(radius)
    async with web.down():
        await _acknowledged(radius, [
            {"Acct-Status-Type": "Start", "Acct-Session-Id": sid, "User-Name": user,
             "Event-Timestamp": t0},
            _interim(sid, user, t0 + 300, 1000), _interim(sid, user, t0 + 600, 4000)])
        await _picked_up(radius)  # unread records in the reader's detail.work
        await _restart_freeradius(radius.server)
        assert spooled(radius.spool)
        # acknowledged by the restarted server too, behind the unread ones
        await _acknowledged(radius, [{**_interim(sid, user, t0 + 800, 5000),
                                      "Acct-Status-Type": "Stop",
                                      "Acct-Terminate-Cause": "User-Request"}])
    await radius.delivered()
    row = await radius.session_of(sid)
    assert (row["input_octets"], row["output_octets"]) == (5000, 10000)
    assert row["terminate_cause"] == "User-Request"
    assert _grown(before, _stored(radius)) == {"started": 1, "updated": 2, "stopped": 1}
    assert await _used(radius, sub, t0) == (5000, 10000)


async def test_retransmits_through_the_spool_stay_idempotent(
        served: tuple[Radius, ServedHub]) -> None:
    radius, web = served
    user, sid, t0 = f"d3-{_id()}", _id(), int(time.time()) - 700
    sub = await radius.subscriber(user)
    start = {"Acct-Status-Type": "Start", "Acct-Session-Id": sid, "User-Name": user,
             "Event-Timestamp": t0}
    interim = _interim(sid, user, t0 + 300, 800)
    before = _stored(radius)
    async with web.down():
        # a NAS that missed the answers sends everything again (Acct-Delay-Time grown)
        await _acknowledged(radius, [start, interim, {**start, "Acct-Delay-Time": 5},
                                     {**interim, "Acct-Delay-Time": 5}])
    await radius.delivered()
    row = await radius.session_of(sid)
    assert (row["input_octets"], row["output_octets"]) == (800, 1600)
    assert row["counter_resets"] == 0
    # the repeated Start finds its session; the repeated Interim carries the same counters
    assert _grown(before, _stored(radius)) == {"started": 1, "updated": 2, "duplicate": 1}
    assert await _used(radius, sub, t0) == (800, 1600)


async def test_a_refused_record_does_not_block_the_ones_after_it(
        served: tuple[Radius, ServedHub]) -> None:
    radius, web = served
    user, sid, t0 = f"d4-{_id()}", _id(), int(time.time()) - 500
    await radius.subscriber(user)
    refused = radius.counted(REFUSED, reason="oversized")
    async with web.down():
        # one session: its records share a spool directory, replayed in this order
        await _acknowledged(radius, [
            {"Acct-Status-Type": "Start", "Acct-Session-Id": sid, "User-Name": user,
             "Event-Timestamp": t0},
            # the hub refuses it (422: octets beyond 2**63)
            _interim(sid, user, t0 + 10, 1, **{"Acct-Input-Gigawords": 4294967295}),
            _interim(sid, user, t0 + 300, 12345)])
        await _picked_up(radius)
    await radius.delivered()
    assert radius.counted(REFUSED, reason="oversized") == refused + 1
    kept = radius.refused_records()
    assert f'Acct-Session-Id = "{sid}"' in kept and "Acct-Input-Gigawords = 4294967295" in kept
    row = await radius.session_of(sid)
    assert (row["input_octets"], row["output_octets"]) == (12345, 24690)
