"""Hub unreachable (sql backend: its database) with accept-from-cache configured
(`dotmac-hub radius config --cache-ttl`), on both backends: FreeRADIUS answers from the last
Access-Accept the hub gave for the User-Name, still checking the password; users the hub
never accepted, or refused since, are rejected."""

from __future__ import annotations

from sqlalchemy import update

from hub.billing.models import Plan
from tests.hub.access.conftest import PASSWORD, Aaa, aaa_fixture, accepted_again

aaa = aaa_fixture(backends=("rest", "sql"), cache_ttl=60)


async def test_while_the_hub_is_down_the_last_accept_is_reused(aaa: Aaa) -> None:
    await aaa.subscriber("erin@isp.example")
    await aaa.subscriber("frank@isp.example")
    login = {"User-Name": "erin@isp.example", "User-Password": PASSWORD}
    first = await aaa.request(login)
    assert first.code == "Access-Accept", first.output
    async with aaa.unreachable():
        cached = await aaa.request(login)
        assert cached.code == "Access-Accept", cached.output
        assert cached.first("Mikrotik-Rate-Limit") == "10000k/50000k"
        chap = await aaa.request({"User-Name": "erin@isp.example", "CHAP-Password": PASSWORD})
        assert chap.code == "Access-Accept", chap.output
        wrong = await aaa.request({**login, "User-Password": "guess"})
        assert wrong.code == "Access-Reject", wrong.output
        never_seen = await aaa.request({"User-Name": "frank@isp.example",
                                        "User-Password": PASSWORD})
        assert never_seen.code == "Access-Reject", never_seen.output
        assert never_seen.first("Reply-Message") == "subscriber database unreachable"
    failure = "Couldn't connect to server" if aaa.backend == "rest" else "not permitted to log in"
    assert failure in aaa.server.log.read_text()


async def test_a_subscriber_the_hub_refused_is_not_let_in_from_the_cache(aaa: Aaa) -> None:
    sub = await aaa.subscriber("gina@isp.example")
    login = {"User-Name": "gina@isp.example", "User-Password": PASSWORD}
    # FreeRADIUS reconnects after its pool's retry_delay when the previous test cut it off
    assert (await accepted_again(aaa, login)).code == "Access-Accept"
    async with aaa.hub.app.state.sessions() as session, session.begin():
        await session.execute(update(Plan).where(Plan.id == sub["plan_id"])
                              .values(radius_suspended_action="reject"))
    await aaa.hub.post(aaa.owner, f"/billing/subscriptions/{sub['id']}/transitions",
                       {"action": "suspend", "on": "2026-02-01", "mode": "disconnect"})
    assert (await aaa.request(login)).code == "Access-Reject"
    async with aaa.unreachable():
        reply = await aaa.request(login)
        assert reply.code == "Access-Reject", reply.output
