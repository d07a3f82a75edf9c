"""The two signature schemes against a real receiver: Standard Webhooks (verified with the
`standardwebhooks` package) for new endpoints, the deprecated `v1=`+hex scheme kept for the
endpoints that existed before (migration 0018), rotation and switching in both."""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from hub import migrations
from hub.db import sync_url
from hub.events.signing import encrypt_secret, sign_standard, standard_form, verify
from tests.hub.events.receiver import Received, Receiver, running_receiver
from tests.hub.events.support import (
    LOOPBACK,
    add_endpoint,
    by_hand_verifies,
    emit,
    legacy_verifies,
    standard_verifies,
    tick_until,
    worker,
)
from tests.hub.harness import (
    Account,
    Hub,
    create_database,
    drop_database,
    hub_settings,
    running_hub,
)
from tests.services.postgres import Postgres


def by_hand_standard_form(old_secret: str) -> str:
    """docs/webhooks.md's conversion of a secret made before the standard scheme (URL-safe
    base64 without padding) to the Standard Webhooks form, written apart from the hub."""
    return "whsec_" + old_secret.removeprefix("whsec_").replace("-", "+").replace("_", "/") + "="


async def ping_once(hub: Hub, owner: Account, endpoint_id: str, rx: Receiver) -> Received:
    """Queue a ping for one endpoint and return the request the receiver got for it."""
    before = len(rx.requests)
    await hub.post(owner, f"/webhooks/endpoints/{endpoint_id}/ping", {})
    w = worker(hub)
    await tick_until([w], lambda: len(rx.requests) == before + 1)
    await w.close()
    return rx.requests[-1]


async def test_new_endpoints_sign_by_standard_webhooks(hub: Hub) -> None:
    owner = await hub.new_tenant("wh-std")
    async with running_receiver() as rx:
        made = await add_endpoint(hub, owner, rx.url)
        assert made["signature_scheme"] == "standard"
        assert len(base64.b64decode(made["secret"].removeprefix("whsec_"), validate=True)) == 32
        got = await ping_once(hub, owner, made["id"], rx)
    signature = got.headers["webhook-signature"]
    assert signature.startswith("v1,") and len(base64.b64decode(signature[3:])) == 32
    assert Webhook(made["secret"]).verify(got.body, got.headers)["type"] == "webhook.ping"
    assert by_hand_verifies(made["secret"], got.headers, got.body)
    assert not by_hand_verifies(made["secret"], got.headers, got.body.replace(b"ping", b"pong"))
    assert not standard_verifies(made["secret"], got.headers, got.body + b" ")
    assert not standard_verifies(made["secret"], {**got.headers, "webhook-id": "msg_other"},
                                 got.body)
    assert not legacy_verifies(made["secret"], got.headers, got.body)  # not the old scheme
    shown = await hub.client.get(f"/webhooks/endpoints/{made['id']}", headers=owner.headers)
    assert shown.json()["signature_scheme"] == "standard" and made["secret"] not in shown.text


async def test_legacy_endpoint_keeps_the_old_scheme_and_rotates(hub: Hub) -> None:
    owner = await hub.new_tenant("wh-legacy")
    async with running_receiver() as rx:
        made = await add_endpoint(hub, owner, rx.url, signature_scheme="legacy")
        assert made["signature_scheme"] == "legacy"
        got = await ping_once(hub, owner, made["id"], rx)
        assert got.headers["webhook-signature"].startswith("v1=")
        assert legacy_verifies(made["secret"], got.headers, got.body)
        assert not standard_verifies(made["secret"], got.headers, got.body)
        rotated = await hub.post(owner, f"/webhooks/endpoints/{made['id']}/rotate-secret", {})
        assert rotated["secret"] != made["secret"] and rotated["signature_scheme"] == "legacy"
        got = await ping_once(hub, owner, made["id"], rx)
    assert legacy_verifies(rotated["secret"], got.headers, got.body)
    assert not legacy_verifies(made["secret"], got.headers, got.body)


async def test_rotation_and_switching_schemes_on_a_standard_endpoint(hub: Hub) -> None:
    owner = await hub.new_tenant("wh-switch")
    async with running_receiver() as rx:
        made = await add_endpoint(hub, owner, rx.url)
        rotated = await hub.post(owner, f"/webhooks/endpoints/{made['id']}/rotate-secret", {})
        assert rotated["secret"] != made["secret"] and rotated["signature_scheme"] == "standard"
        got = await ping_once(hub, owner, made["id"], rx)
        assert standard_verifies(rotated["secret"], got.headers, got.body)
        assert not standard_verifies(made["secret"], got.headers, got.body)
        back = await hub.client.patch(f"/webhooks/endpoints/{made['id']}",
                                      json={"signature_scheme": "legacy"},
                                      headers=owner.headers)
        assert back.status_code == 200 and back.json()["signature_scheme"] == "legacy"
        got = await ping_once(hub, owner, made["id"], rx)
        assert legacy_verifies(rotated["secret"], got.headers, got.body)
        wrong = await hub.client.patch(f"/webhooks/endpoints/{made['id']}",
                                       json={"signature_scheme": "v2"}, headers=owner.headers)
    assert wrong.status_code == 422 and "signature_scheme" in wrong.text
    refused = await hub.client.post("/webhooks/endpoints", headers=owner.headers, json={
        "url": rx.url, "event_types": ["*"], "signature_scheme": "hex"})
    assert refused.status_code == 422


def test_standard_signature_matches_the_reference_library() -> None:
    secret, body, wid, now = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(), \
        b'{"id":"x"}', "msg_1", 1_800_000_000
    reference = Webhook(secret).sign(wid, datetime.fromtimestamp(now, UTC), body)
    assert sign_standard(secret, wid, now, body) == reference
    assert verify(secret, wid, now, body, f"v1,bm90IGl0 {reference}", now=now + 299,
                  scheme="standard")  # rotation: any listed signature
    assert not verify(secret, wid, now, body, reference, now=now + 301, scheme="standard")
    old = "whsec_" + secrets.token_urlsafe(32)  # as secrets were made before the scheme
    assert standard_form(old) == by_hand_standard_form(old)
    assert sign_standard(old, wid, now, body) == Webhook(by_hand_standard_form(old)).sign(
        wid, datetime.fromtimestamp(now, UTC), body)


async def test_migration_keeps_existing_endpoints_on_the_legacy_scheme(
        postgres: Postgres) -> None:
    """An endpoint stored at 0017 with a secret of the old form signs exactly as before after
    0018 (its receiver's old verifier passes); switched to standard, the documented
    conversion of its secret verifies with the standardwebhooks package; new rows default
    to standard."""
    name = create_database(postgres.admin_dsn, "hub_wh_0018")
    url = f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"
    settings = hub_settings(url)
    old_secret = "whsec_" + secrets.token_urlsafe(32)
    try:
        migrations.upgrade(url, "0017")
        tenant = uuid.uuid4()
        async with running_receiver() as rx:
            endpoint = _insert_endpoint_at_0017(url, tenant, rx.url,
                                                encrypt_secret(old_secret, settings.secret_key))
            migrations.upgrade(url)
            async with running_hub(settings) as lite:
                await emit(lite, tenant, "ticket.created", ticket_id=uuid.uuid4())
                w = worker(lite, allow_private_nets=LOOPBACK)
                await tick_until([w], lambda: len(rx.requests) == 1)
                got = rx.requests[0]
                assert legacy_verifies(old_secret, got.headers, got.body)
                await _set_scheme(lite, endpoint, "standard")
                await emit(lite, tenant, "ticket.created", ticket_id=uuid.uuid4())
                await tick_until([w], lambda: len(rx.requests) == 2)
                await w.close()
            got = rx.requests[1]
        assert standard_verifies(by_hand_standard_form(old_secret), got.headers, got.body)
        assert _scheme_of_a_new_row(url, tenant) == "standard"
    finally:
        drop_database(postgres.admin_dsn, name)


_ENDPOINTS = sa.table("webhook_endpoints", sa.column("id", sa.Uuid),
                      sa.column("tenant_id", sa.Uuid),
                      sa.column("created_at", sa.DateTime(timezone=True)),
                      sa.column("url"), sa.column("secret_encrypted"),
                      sa.column("event_types", sa.JSON), sa.column("active", sa.Boolean),
                      sa.column("description"), sa.column("signature_scheme"))


def _insert_endpoint_at_0017(url: str, tenant: uuid.UUID, target: str,
                             secret_encrypted: str) -> uuid.UUID:
    tenants = sa.table("tenants", sa.column("id", sa.Uuid), sa.column("name"),
                       sa.column("created_at", sa.DateTime(timezone=True)))
    endpoint = uuid.uuid4()
    engine = sa.create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(tenants).values(id=tenant, name="isp-0017",
                                                   created_at=datetime.now(UTC)))
            conn.execute(sa.insert(_ENDPOINTS).values(
                id=endpoint, tenant_id=tenant, created_at=datetime.now(UTC), url=target,
                secret_encrypted=secret_encrypted, event_types=["*"], active=True,
                description="made before 0018"))
    finally:
        engine.dispose()
    return endpoint


async def _set_scheme(hub: Hub, endpoint: uuid.UUID, scheme: str) -> None:
    """What PATCH signature_scheme stores (the tenant made at 0017 has no users to call it)."""
    async with hub.app.state.sessions() as session:
        await session.execute(sa.update(_ENDPOINTS).where(_ENDPOINTS.c.id == endpoint)
                              .values(signature_scheme=scheme))
        await session.commit()


def _scheme_of_a_new_row(url: str, tenant: uuid.UUID) -> str:
    engine = sa.create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(_ENDPOINTS).values(
                id=uuid.uuid4(), tenant_id=tenant, created_at=datetime.now(UTC),
                url="https://portal.example/hook", secret_encrypted="g1:x", event_types=["*"],
                active=False, description="raw insert after 0018"))
            found: str = conn.execute(sa.select(_ENDPOINTS.c.signature_scheme).where(
                _ENDPOINTS.c.description == "raw insert after 0018")).scalar_one()
    finally:
        engine.dispose()
    return found


def test_migration_on_the_embedded_sqlite_database(tmp_path: Path) -> None:
    """0018 on SQLite (batch mode rebuilds the table): the existing row is legacy, a new row
    standard; down to 0017 and up again keeps working."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    migrations.upgrade(url, "0017")
    tenant = uuid.uuid4()
    endpoint = _insert_endpoint_at_0017(url, tenant, "https://portal.example/old", "g1:x")
    migrations.upgrade(url)
    assert _scheme_of_a_new_row(url, tenant) == "standard"
    engine = sa.create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            old = conn.execute(sa.select(_ENDPOINTS.c.signature_scheme).where(
                _ENDPOINTS.c.id == endpoint)).scalar_one()
    finally:
        engine.dispose()
    assert old == "legacy"
    migrations.downgrade(url, "0017")
    migrations.upgrade(url)
    assert migrations.current(url) == migrations.head()
