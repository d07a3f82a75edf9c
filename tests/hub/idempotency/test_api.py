"""Idempotency-Key at the real hub on PostgreSQL (issue #20, docs/api.md "Idempotent
requests"): replay, mismatch, scope, retention, what is and is not stored."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from hub.api.idempotency import purge_expired
from hub.db import create_engine, utcnow
from hub.enrollment.models import EnrollmentToken
from tests.hub.harness import Account, Hub
from tests.hub.idempotency.support import (
    customers_named,
    keyed_post,
    new_key,
    record_of,
    rows,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


def customer_body(name: str | None = None) -> dict[str, Any]:
    """A POST /billing/customers body."""
    return {"name": name or f"idem-{uuid.uuid4().hex[:10]}", "currency": "EUR"}


async def test_the_same_key_and_body_replay_the_first_response_once(hub: Hub) -> None:
    owner = await hub.new_tenant("replay")
    key, body = new_key(), customer_body()
    first = await keyed_post(hub, owner, "/billing/customers", body, key)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    # Same body with its keys in another order and other spacing: the same request.
    again = await hub.client.post("/billing/customers", content=(
        f'{{ "currency": "EUR",  "name": "{body["name"]}" }}'), headers={
        **owner.headers, "Idempotency-Key": key, "Content-Type": "application/json"})
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert await customers_named(hub, body["name"]) == 1
    stored = await record_of(hub, key)
    assert stored is not None and stored["status_code"] == 201
    assert stored["principal"] == f"user:{owner.user_id}"
    # Stored sealed: the customer's name is not readable in the table.
    assert body["name"].encode() not in bytes(stored["response_body"])


async def test_the_same_key_with_another_body_is_422_and_changes_nothing(hub: Hub) -> None:
    owner = await hub.new_tenant("mismatch")
    key, body = new_key(), customer_body()
    assert (await keyed_post(hub, owner, "/billing/customers", body, key)).status_code == 201
    other = await keyed_post(hub, owner, "/billing/customers", customer_body(), key)
    assert other.status_code == 422, other.text
    problem = other.json()
    assert problem["type"].endswith("/idempotency-key-reused")
    assert key in problem["detail"] and "new key" in problem["detail"]
    # Another path with the key is another request too.
    elsewhere = await keyed_post(hub, owner, "/billing/plans", {
        "name": "p", "currency": "EUR", "down_kbps": 1, "up_kbps": 1, "price_minor": 1}, key)
    assert elsewhere.status_code == 422, elsewhere.text
    found = await rows(hub, "SELECT count(*) AS n FROM billing_customers WHERE tenant_id = :t",
                       t=owner.tenant_id)
    assert found[0]["n"] == 1
    assert hub.app.state.metrics.value("dotmac_hub_idempotency_total",
                                       outcome="idempotency-key-reused") >= 2


async def test_keys_belong_to_one_tenant_and_one_credential(hub: Hub) -> None:
    first, second = await hub.new_tenant("scope-a"), await hub.new_tenant("scope-b")
    key, body = new_key(), customer_body()
    mine = await keyed_post(hub, first, "/billing/customers", body, key)
    theirs = await keyed_post(hub, second, "/billing/customers", body, key)
    assert mine.status_code == theirs.status_code == 201, theirs.text
    assert "idempotent-replayed" not in theirs.headers  # never another tenant's answer
    assert theirs.json()["id"] != mine.json()["id"]
    # Another credential of the same tenant (an API key) has keys of its own too.
    made = await hub.post(first, "/api-keys", {"name": "portal", "scopes": ["billing:write"]})
    api_key = Account(first.email, "api_key", first.user_id, first.tenant_id, made["key"], "")
    by_key = await keyed_post(hub, api_key, "/billing/customers", body, key)
    assert by_key.status_code == 201 and "idempotent-replayed" not in by_key.headers
    assert await customers_named(hub, body["name"]) == 3
    principals = {r["principal"] for r in await rows(
        hub, "SELECT principal FROM idempotency_keys WHERE key = :k", k=key)}
    assert principals == {f"user:{first.user_id}", f"user:{second.user_id}",
                          f"api_key:{made['id']}"}


async def test_a_secret_shown_once_is_replayed_but_never_stored_in_clear(hub: Hub) -> None:
    owner = await hub.new_tenant("secret")
    key = new_key()
    body = {"name": "billing portal", "scopes": ["billing:read"]}
    first = await keyed_post(hub, owner, "/api-keys", body, key)
    again = await keyed_post(hub, owner, "/api-keys", body, key)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json()["key"] == first.json()["key"]
    stored = await record_of(hub, key)
    assert stored is not None
    assert first.json()["key"].encode() not in bytes(stored["response_body"])
    keys = await rows(hub, "SELECT count(*) AS n FROM api_keys WHERE tenant_id = :t",
                      t=owner.tenant_id)
    assert keys[0]["n"] == 1


async def test_kept_24_hours_then_ignored_and_purged(hub: Hub) -> None:
    owner = await hub.new_tenant("expiry")
    kept, gone, fresh = new_key(), new_key(), new_key()
    body = customer_body()
    for key in (kept, gone, fresh):
        assert (await keyed_post(hub, owner, "/billing/customers", customer_body(),
                                 key)).status_code == 201
    # The clock moves through the rows' times: 23 h and 25 h old.
    await rows(hub, "UPDATE idempotency_keys SET created_at = :at WHERE key = :k",
               at=utcnow() - timedelta(hours=23), k=kept)
    await rows(hub, "UPDATE idempotency_keys SET created_at = :at WHERE key = :k",
               at=utcnow() - timedelta(hours=25), k=gone)
    assert (await keyed_post(hub, owner, "/billing/customers", body, kept)).status_code == 422
    # Past the retention the key is new again: the request runs.
    reused = await keyed_post(hub, owner, "/billing/customers", body, gone)
    assert reused.status_code == 201 and "idempotent-replayed" not in reused.headers
    assert await customers_named(hub, body["name"]) == 1
    # The purge (run by the schedules) takes rows past the retention off the disk.
    await rows(hub, "UPDATE idempotency_keys SET created_at = :at WHERE key = :k",
               at=utcnow() - timedelta(hours=25), k=gone)
    engine = create_engine(hub.settings.database_url)
    try:  # per tenant, as the schedule runs it, and hub-wide
        assert await purge_expired(engine, utcnow(), tenant_id=uuid.uuid4()) == 0
        assert await record_of(hub, gone) is not None
        assert await purge_expired(engine, utcnow(), tenant_id=owner.tenant_id) == 1
    finally:
        await engine.dispose()
    assert await record_of(hub, gone) is None
    assert await record_of(hub, kept) is not None and await record_of(hub, fresh) is not None


async def test_a_5xx_is_not_stored_and_the_key_can_be_retried(hub: Hub) -> None:
    owner = await hub.new_tenant("fivexx")
    site = await hub.post(owner, "/sites", {"name": "pop"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"], "name": "edge-1"})
    # An enrolled agent's login must be removed at the broker, and this hub has none: 503.
    token = EnrollmentToken(tenant_id=owner.tenant_id, site_id=uuid.UUID(site["id"]),
                            token_hash=uuid.uuid4().hex, expires_at=utcnow(),
                            agent_id=uuid.UUID(agent["id"]), used_at=utcnow())
    async with hub.app.state.sessions() as session:
        session.add(token)
        await session.commit()
    key, path = new_key(), f"/agents/{agent['id']}/revoke"
    for _ in range(2):
        failed = await keyed_post(hub, owner, path, None, key)
        assert failed.status_code == 503, failed.text
        assert "idempotent-replayed" not in failed.headers
        assert await record_of(hub, key) is None  # released: nothing kept
    await rows(hub, "DELETE FROM enrollment_tokens WHERE id = :i", i=token.id)
    done = await keyed_post(hub, owner, path, None, key)
    assert done.status_code == 200 and done.json()["status"] == "revoked", done.text
    assert (await record_of(hub, key) or {}).get("status_code") == 200


async def test_a_4xx_of_the_route_is_replayed_a_refused_body_is_not_stored(hub: Hub) -> None:
    owner = await hub.new_tenant("fourxx")
    key, path = new_key(), f"/alarms/{uuid.uuid4()}/ack"
    missing = await keyed_post(hub, owner, path, {}, key)
    assert missing.status_code == 404, missing.text
    again = await keyed_post(hub, owner, path, {}, key)
    assert again.status_code == 404 and again.headers["idempotent-replayed"] == "true"
    # A body refused by validation never reached the route: nothing kept, so the corrected
    # request may use the same key (as Stripe does).
    key = new_key()
    refused = await keyed_post(hub, owner, "/billing/customers", {"currency": "EUR"}, key)
    assert refused.status_code == 422 and refused.json()["type"].endswith("/validation")
    assert await record_of(hub, key) is None
    fixed = await keyed_post(hub, owner, "/billing/customers", customer_body(), key)
    assert fixed.status_code == 201 and "idempotent-replayed" not in fixed.headers


@pytest.mark.parametrize("key", ["", "k" * 256, "tab\there"])
async def test_a_bad_key_is_422(hub: Hub, key: str) -> None:
    owner = hub.owners.get("bad") or await hub.new_tenant("bad")
    hub.owners["bad"] = owner
    resp = await keyed_post(hub, owner, "/billing/customers", customer_body(), key)
    assert resp.status_code == 422, resp.text
    assert resp.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert await record_of(hub, key) is None


async def test_the_key_is_looked_at_only_after_authentication(hub: Hub) -> None:
    owner = await hub.new_tenant("auth")
    key, body = new_key(), customer_body()
    assert (await keyed_post(hub, owner, "/billing/customers", body, key)).status_code == 201
    anonymous = await hub.client.post("/billing/customers", json=body,
                                      headers={"Idempotency-Key": key})
    assert anonymous.status_code == 401 and "idempotent-replayed" not in anonymous.headers
    support = await hub.add_user(owner, "support")  # no billing:write
    refused = await keyed_post(hub, support, "/billing/customers", body, key)
    assert refused.status_code == 403, refused.text
    assert await record_of(hub, key) is not None  # the owner's, untouched


async def test_login_and_refresh_store_nothing(hub: Hub) -> None:
    owner = await hub.new_tenant("login")
    before = await rows(hub, "SELECT count(*) AS n FROM idempotency_keys")
    key = new_key()
    for _ in range(2):  # never replayed: each login is its own session
        login = await hub.client.post("/auth/login", headers={"Idempotency-Key": key}, json={
            "email": owner.email, "password": "correct-horse-battery-staple"})
        assert login.status_code == 200 and "idempotent-replayed" not in login.headers
    refresh = await hub.client.post("/auth/refresh", headers={"Idempotency-Key": key},
                                    json={"refresh_token": login.json()["refresh_token"]})
    assert refresh.status_code == 200, refresh.text
    assert await rows(hub, "SELECT count(*) AS n FROM idempotency_keys") == before


async def test_without_the_header_nothing_changes(hub: Hub) -> None:
    owner = await hub.new_tenant("plain")
    body = customer_body()
    for _ in range(2):
        resp = await hub.client.post("/billing/customers", json=body, headers=owner.headers)
        assert resp.status_code == 201 and "idempotent-replayed" not in resp.headers
    assert await customers_named(hub, body["name"]) == 2
