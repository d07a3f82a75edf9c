"""One hostile request must not stop the rate limits every hub process shares (issue #16).

Before the fix a counter's key held what the client sent: `Bearer dmk_<201+ chars>_x` made a
key longer than `rate_counters.key` (200), PostgreSQL refused it at every sync, and the sync
carried the refused slot forever, so no hit of that process reached the other processes
again; a login with an e-mail over ~184 characters answered 500 and was never locked out.
Here against the real app on PostgreSQL: keys are hashed, a refused slot is dropped and the
rest sync, unsynced slots are bounded, absurd logins answer 422 and count per address.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import create_async_engine

from hub.identity.passwords import Passwords
from hub.ratelimit import SharedCounters, Window, count, counter_key, hit
from hub.tenants.service import bootstrap
from tests.hub.harness import (
    PASSWORD,
    Hub,
    create_database,
    drop_database,
    hub_settings,
    one_window,
    running_hub,
    scalar,
)
from tests.services.postgres import Postgres

TEN_KB = 10 * 1024
_ADDRESSES = (f"198.51.100.{n}" for n in itertools.count(1))  # one per test


@pytest.fixture(scope="module")
def pg_url(postgres: Postgres) -> Iterator[str]:
    """A migrated PostgreSQL database private to this module."""
    name = create_database(postgres.admin_dsn, "hub_rate_limit_wedge")
    yield f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"
    drop_database(postgres.admin_dsn, name)


@pytest_asyncio.fixture(loop_scope="session")
async def pair(pg_url: str) -> AsyncIterator[tuple[Hub, Hub]]:
    """Two hub processes on one database, one client address, 5 requests per window
    between them, syncing at every request."""
    await one_window()
    settings = hub_settings(pg_url, rate_limit_ip=5, rate_sync_interval=0)
    address = next(_ADDRESSES)
    async with running_hub(settings, client_ip=address) as one, \
            running_hub(settings, migrate=False, client_ip=address) as two:
        yield one, two


def _rfc_longest_email(label: str) -> str:
    """A 254-character address (RFC 5321's longest) made of valid labels."""
    local = f"{label}-{secrets.token_hex(4)}"
    domain = "example"
    while len(local) + 1 + len(domain) < 254:
        room = 254 - len(local) - 1 - len(domain) - 1
        domain = f"{'d' * min(63, room)}.{domain}" if room > 0 else f"d{domain}"
    email = f"{local}@{domain}"
    assert len(email) == 254
    return email


async def _keys_holding(hub: Hub, text: str) -> int:
    return int(await scalar(hub.settings, "SELECT count(*) FROM rate_counters "
                            "WHERE strpos(key, :t) > 0", t=text))


async def _longest_key(hub: Hub) -> int:
    return int(await scalar(hub.settings, "SELECT coalesce(max(length(key)), 0) "
                            "FROM rate_counters"))


async def test_a_10kb_api_key_cannot_stop_the_shared_count(pair: tuple[Hub, Hub]) -> None:
    one, two = pair
    forged = "dmk_" + "A" * TEN_KB + "_x"
    resp = await one.client.get("/sites", headers={"Authorization": f"Bearer {forged}"})
    assert resp.status_code == 401, resp.text
    resp = await one.client.get("/sites", headers={"Authorization": f"Bearer {forged[:-2]}"})
    assert resp.status_code == 401, resp.text
    # The two refusals spent 2 of the address's 5; the processes still share the rest.
    codes = [(await hub.client.get("/sites")).status_code for hub in (two, one) * 3]
    assert codes == [401] * 3 + [429] * 3
    for hub in (one, two):
        counters = hub.app.state.auth.counters
        await counters.sync()
        assert counters.pending_slots == 0
    assert await _keys_holding(one, "AAAAAAAAAAAAAAAA") == 0
    assert await _longest_key(one) <= 100


async def test_a_10kb_jwt_is_refused_cleanly(pair: tuple[Hub, Hub]) -> None:
    one, two = pair
    resp = await one.client.get("/sites", headers={"Authorization": "Bearer " + "e" * TEN_KB})
    assert resp.status_code == 401, resp.text
    codes = [(await hub.client.get("/sites")).status_code for hub in (two, one) * 3]
    assert codes == [401] * 4 + [429] * 2


async def test_absurd_logins_answer_422_and_count_against_the_address(
        pair: tuple[Hub, Hub]) -> None:
    one, two = pair
    huge_email = "a" * TEN_KB + "@example.net"
    attempts = [{"email": huge_email, "password": "guess-guess"},
                {"email": "noc@example.net", "password": "p" * TEN_KB},
                {"email": huge_email, "password": "p" * TEN_KB}]
    codes = [(await hub.client.post("/auth/login", json=body)).status_code
             for hub, body in zip((one, two, one), attempts, strict=True)]
    assert codes == [422] * 3
    codes = [(await hub.client.post("/auth/login", json=attempts[0])).status_code
             for hub in (two, one, two)]
    assert codes == [422, 422, 429]  # the same per-address budget as any request
    assert await _keys_holding(one, "aaaaaaaaaaaaaaaa") == 0


async def test_the_longest_valid_email_is_locked_out_per_account(pg_url: str) -> None:
    await one_window(900)  # DOTMAC_HUB_LOGIN_WINDOW
    settings = hub_settings(pg_url, login_failures_account=3)
    async with running_hub(settings, client_ip="198.51.100.251") as hub:
        email = _rfc_longest_email("noc")
        async with hub.app.state.sessions() as session:
            await bootstrap(session, Passwords(settings), f"wedge-{secrets.token_hex(3)}",
                            email, PASSWORD)
        wrong = {"email": email, "password": "not-the-password"}
        codes = [(await hub.client.post("/auth/login", json=wrong)).status_code
                 for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        right = await hub.client.post("/auth/login", json={"email": email,
                                                           "password": PASSWORD})
        assert right.status_code == 429
        stranger = await hub.client.post("/auth/login", json={
            "email": _rfc_longest_email("nobody"), "password": "guess-guess"})
        assert stranger.status_code == 401
        assert await _keys_holding(hub, email.split("@")[0]) == 0
        assert await _longest_key(hub) <= 100


async def test_a_refused_slot_is_dropped_and_the_rest_are_stored(pg_url: str) -> None:
    """Whatever row the database refuses (here a window start outside BIGINT), the other
    slots of the same sync are stored and nothing is left to retry forever."""
    await one_window()
    engine = create_async_engine(pg_url)
    try:
        counters = SharedCounters(engine, sync_interval=3600)
        counters._pending[(counter_key("ip", "refused"), 2**63)] = 1  # a row PostgreSQL refuses
        key = counter_key("ip", f"fine-{secrets.token_hex(4)}")
        await counters.enforce(key, 10, 60)
        await counters.sync()
        assert counters.pending_slots == 0 and counters.dropped_slots == 1
        window = Window.now(60)
        stored = await scalar(hub_settings(pg_url), "SELECT hits FROM rate_counters "
                              "WHERE key = :k AND window_start = :w", k=key, w=window.start)
        assert stored == 1
    finally:
        await engine.dispose()


async def test_unsynced_slots_stay_bounded_while_the_database_is_away() -> None:
    engine = create_async_engine("postgresql+psycopg://nobody@127.0.0.1:9/none",
                                 connect_args={"connect_timeout": 5})
    try:
        counters = SharedCounters(engine, sync_interval=0, max_pending_slots=10)
        for n in range(40):  # a flood of distinct addresses; every sync fails
            await counters.enforce(counter_key("ip", f"203.0.113.{n}"), 100, 60)
        assert counters.pending_slots <= 10
        assert counters.dropped_slots == 30
    finally:
        await engine.dispose()


async def test_a_raw_10kb_key_from_any_caller_is_stored_bounded(pg_url: str) -> None:
    """A caller that forgets `counter_key` still cannot wedge the sync: the key is hashed
    whole before it is stored."""
    await one_window()
    engine = create_async_engine(pg_url)
    try:
        counters = SharedCounters(engine, sync_interval=3600)
        raw = f"key:{secrets.token_hex(8)}" + "B" * TEN_KB
        for _ in range(3):
            await counters.enforce(raw, 10, 60)
        await counters.sync()
        assert counters.pending_slots == 0 and counters.dropped_slots == 0
        stored = await scalar(hub_settings(pg_url), "SELECT hits FROM rate_counters "
                              "WHERE strpos(key, 'BBBBBBBB') = 0 AND window_start = :w "
                              "AND key = :k", w=Window.now(60).start,
                              k=counter_key("oversized", raw))
        assert stored == 3
    finally:
        await engine.dispose()


async def test_one_off_keys_do_not_grow_the_counters_for_ever(pg_url: str) -> None:
    """A flood of one-off keys (every address or e-mail tried once) leaves one row per key;
    the background task deletes the rows of windows older than the retention, and keeps
    the current ones that limits still read."""
    engine = create_async_engine(pg_url)
    tag = secrets.token_hex(4)
    now = Window.now(60).start
    try:
        for n in range(50):  # finished long ago: two days back
            await hit(engine, counter_key("ip", f"old-{tag}-{n}"), Window(now - 2 * 86400, 60))
        current = counter_key("ip", f"current-{tag}")
        await hit(engine, current, Window(now, 60))
        counters = SharedCounters(engine, sync_interval=3600, retain_s=3600)
        assert await counters.prune_expired() >= 50
        left = await scalar(hub_settings(pg_url), "SELECT count(*) FROM rate_counters "
                            "WHERE window_start < :w", w=now - 3600)
        assert left == 0
        assert await count(engine, current, Window(now, 60)) == 1
        off = SharedCounters(engine, sync_interval=3600)  # retention off: nothing deleted
        await hit(engine, counter_key("ip", f"old-{tag}-again"), Window(now - 2 * 86400, 60))
        assert await off.prune_expired() == 0
    finally:
        await engine.dispose()
