"""Two identical requests at once give one effect, in one hub process and across two on one
PostgreSQL database; a repeat waits (bounded) for the first attempt, a dead attempt's key is
taken over after its lease.

Determinism without timing: the first attempt is held inside its route by a PostgreSQL
table lock the test takes (its INSERT waits), so the repeat really arrives while the first
runs; the test then watches the repeat start waiting (a counter) before letting go.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta

import psycopg
import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from hub.api.idempotency import IdempotencySettings
from hub.api.idempotency.repository import Scope, insert_pending
from hub.db import utcnow
from tests.hub.harness import Hub, running_hub
from tests.hub.idempotency.support import (
    customers_named,
    keyed_post,
    new_key,
    record_of,
    rows,
    until,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")
WAITED = ("dotmac_hub_idempotency_total", "waited")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def second_hub(hub: Hub) -> AsyncIterator[Hub]:
    """Another hub app (another process, as far as the database can tell) on the same
    database."""
    async with running_hub(hub.settings, migrate=False) as other:
        yield other


def _waited(hub: Hub) -> float:
    return hub.app.state.metrics.value(WAITED[0], outcome=WAITED[1])


@asynccontextmanager
async def table_locked(hub: Hub, table: str, mode: str) -> AsyncIterator[None]:
    """Hold a table lock until the block ends (what it conflicts with waits until then)."""
    url = make_url(hub.settings.database_url).set(drivername="postgresql")
    conn = await psycopg.AsyncConnection.connect(url.render_as_string(hide_password=False))
    try:
        await conn.execute(f"LOCK TABLE {table} IN {mode} MODE")
        yield
        await conn.commit()
    finally:
        await conn.close()


def customers_locked(hub: Hub) -> AbstractAsyncContextManager[None]:
    """Every INSERT into billing_customers waits until the block ends."""
    return table_locked(hub, "billing_customers", "SHARE")


async def _claimed(hub: Hub, key: str) -> None:
    async def check() -> bool:
        return await record_of(hub, key) is not None
    await until(check, "the first request to claim its key")


async def _waiting(hub: Hub, before: float) -> None:
    async def check() -> bool:
        return _waited(hub) > before
    await until(check, "the repeat to wait for the first attempt")


async def test_identical_requests_fired_together_create_one_customer(hub: Hub) -> None:
    owner = await hub.new_tenant("gather")
    key, body = new_key(), {"name": f"gather-{uuid.uuid4().hex[:8]}", "currency": "EUR"}
    answers = await asyncio.gather(*(keyed_post(hub, owner, "/billing/customers", body, key)
                                     for _ in range(4)))
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert len({a.content for a in answers}) == 1
    assert sum("idempotent-replayed" not in a.headers for a in answers) == 1
    assert await customers_named(hub, body["name"]) == 1


async def test_a_repeat_on_another_hub_waits_for_the_first_and_replays_it(
        hub: Hub, second_hub: Hub) -> None:
    owner = await hub.new_tenant("across")
    key, body = new_key(), {"name": f"across-{uuid.uuid4().hex[:8]}", "currency": "EUR"}
    waited_before = _waited(second_hub)
    async with customers_locked(hub):
        first = asyncio.create_task(keyed_post(hub, owner, "/billing/customers", body, key))
        await _claimed(hub, key)
        repeat = asyncio.create_task(
            keyed_post(second_hub, owner, "/billing/customers", body, key))
        await _waiting(second_hub, waited_before)
        # While the first still runs: another body is refused at once, and a repeat whose
        # bounded wait runs out is a 409 with Retry-After.
        other = await keyed_post(hub, owner, "/billing/customers",
                                 {**body, "name": "other"}, key)
        assert other.status_code == 422, other.text
        patient = hub.app.state.idempotency
        hub.app.state.idempotency = IdempotencySettings(wait_s=0.2)
        try:
            busy = await keyed_post(hub, owner, "/billing/customers", body, key)
        finally:
            hub.app.state.idempotency = patient
        assert busy.status_code == 409, busy.text
        assert busy.json()["type"].endswith("/idempotency-key-in-use")
        assert int(busy.headers["retry-after"]) >= 1
        assert not first.done() and not repeat.done()
    made, replayed = await first, await repeat
    assert made.status_code == replayed.status_code == 201, replayed.text
    assert "idempotent-replayed" not in made.headers
    assert replayed.headers["idempotent-replayed"] == "true"
    assert replayed.content == made.content
    assert await customers_named(hub, body["name"]) == 1


async def test_the_key_of_an_attempt_that_died_is_taken_over_after_its_lease(
        hub: Hub) -> None:
    owner = await hub.new_tenant("lease")
    key, body = new_key(), {"name": f"lease-{uuid.uuid4().hex[:8]}", "currency": "EUR"}
    # A claim whose process died 10 minutes ago, before its route finished.
    await insert_pending(hub.app.state.engine, Scope(owner.tenant_id, f"user:{owner.user_id}",
                                                     key),
                         "0" * 64, uuid.uuid4(), utcnow() - timedelta(minutes=10))
    resp = await keyed_post(hub, owner, "/billing/customers", body, key)
    assert resp.status_code == 201 and "idempotent-replayed" not in resp.headers, resp.text
    stored = await record_of(hub, key)
    assert stored is not None and stored["status_code"] == 201
    assert stored["fingerprint"] != "0" * 64
    again = await keyed_post(hub, owner, "/billing/customers", body, key)
    assert again.headers["idempotent-replayed"] == "true"
    assert await customers_named(hub, body["name"]) == 1


async def test_a_repeat_waiting_on_an_attempt_that_ends_in_5xx_runs_itself(hub: Hub) -> None:
    owner = await hub.new_tenant("retry5xx")
    site = await hub.post(owner, "/sites", {"name": "pop"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"], "name": "edge-1"})
    await rows(hub, "INSERT INTO enrollment_tokens (id, tenant_id, created_at, site_id, "
               "token_hash, expires_at, agent_id, used_at) VALUES (:i, :t, :now, :s, :h, "
               ":now, :a, :now)", i=uuid.uuid4(), t=owner.tenant_id, now=utcnow(),
               s=uuid.UUID(site["id"]), h=uuid.uuid4().hex, a=uuid.UUID(agent["id"]))
    key, path = new_key(), f"/agents/{agent['id']}/revoke"
    waited_before = _waited(hub)
    # The revocation reads enrollment_tokens first: the lock holds it there.
    async with table_locked(hub, "enrollment_tokens", "ACCESS EXCLUSIVE"):
        first = asyncio.create_task(keyed_post(hub, owner, path, None, key))
        await _claimed(hub, key)
        repeat = asyncio.create_task(keyed_post(hub, owner, path, None, key))
        await _waiting(hub, waited_before)
    answers = [await first, await repeat]
    # No broker to remove the agent's login: 503, not kept; the repeat ran the request
    # itself instead of replaying a failure.
    assert [a.status_code for a in answers] == [503, 503], [a.text for a in answers]
    assert not any("idempotent-replayed" in a.headers for a in answers)
    assert await record_of(hub, key) is None
