"""SQLite (the embedded default) keeps whole transactions atomic, savepoints included.

Python's sqlite3 legacy transaction control begins a transaction only before DML, so a
savepoint opened after SELECTs used to start the real transaction and its release committed
it. These tests pin the fix in `hub.db` on a file database: directly, through the billing
code (gapless invoice numbers use savepoints), and under the concurrency of a single-box hub
(its transactions are BEGIN IMMEDIATE, so they take turns instead of failing).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy import func, select

from hub import migrations
from hub.billing.invoicing import Invoicing
from hub.billing.models import Invoice, InvoiceCounter
from hub.db import create_engine, session_factory, sqlite_transactions
from hub.ingest.worker import MESSAGES, REJECTED, RETRIES
from hub.tenants.models import Tenant
from protocol import Channel
from tests.hub.billing.books import open_books
from tests.hub.events.receiver import running_receiver
from tests.hub.events.support import LOOPBACK, add_endpoint
from tests.hub.harness import PASSWORD, Hub, hub_settings, one_window, running_hub, scalar
from tests.hub.ingest.harness import (
    Publisher,
    Tenancy,
    aligned_start,
    counter_batch,
    register_agent,
    token,
    wait_for,
)
from tests.services.mosquitto import Broker
from tests.services.victoria import Victoria


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A migrated, file-backed SQLite hub database."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    migrations.upgrade(url)
    return url


@pytest_asyncio.fixture(loop_scope="session")
async def lite_hub(sqlite_url: str) -> AsyncIterator[Hub]:
    """The hub app on the SQLite database (no embedded workers)."""
    async with running_hub(hub_settings(sqlite_url), migrate=False) as hub:
        yield hub


async def _tenants_named(url: str, name: str) -> int:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            query = select(func.count()).select_from(Tenant).where(Tenant.name == name)
            return int((await session.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def test_a_released_savepoint_rolls_back_with_its_transaction(sqlite_url: str) -> None:
    """SELECT, then a savepoint holding an INSERT, released, then ROLLBACK: nothing stays."""
    engine = create_engine(sqlite_url)
    name = f"savepoint-{uuid.uuid4().hex[:8]}"
    try:
        async with session_factory(engine)() as session:
            assert (await session.execute(select(func.count()).select_from(Tenant))
                    ).scalar_one() == 0
            async with session.begin_nested():
                session.add(Tenant(name=name))
            assert session.in_transaction()
            # Visible inside the transaction after the release...
            assert (await session.execute(select(Tenant.name))).scalars().all() == [name]
            await session.rollback()
    finally:
        await engine.dispose()
    assert await _tenants_named(sqlite_url, name) == 0  # ...and gone with its rollback


async def test_a_rolled_back_savepoint_keeps_the_outer_work(sqlite_url: str) -> None:
    """The inner rollback undoes only the savepoint; the outer INSERT commits."""
    engine = create_engine(sqlite_url)
    kept, dropped = (f"{label}-{uuid.uuid4().hex[:8]}" for label in ("kept", "dropped"))
    try:
        async with session_factory(engine)() as session:
            await session.execute(select(func.count()).select_from(Tenant))
            session.add(Tenant(name=kept))
            savepoint = await session.begin_nested()
            session.add(Tenant(name=dropped))
            await session.flush()
            await savepoint.rollback()
            await session.commit()
    finally:
        await engine.dispose()
    assert await _tenants_named(sqlite_url, kept) == 1
    assert await _tenants_named(sqlite_url, dropped) == 0


def test_sync_engines_get_transactional_ddl(tmp_path: Path) -> None:
    """`sqlite_transactions` on a synchronous engine (what Alembic uses): DDL and a released
    savepoint roll back with their transaction."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'ddl.sqlite3'}")
    sqlite_transactions(engine)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE kept (x INTEGER)")
            conn.commit()
            conn.exec_driver_sql("SELECT count(*) FROM kept")
            with conn.begin_nested():
                conn.exec_driver_sql("INSERT INTO kept VALUES (1)")
            conn.exec_driver_sql("CREATE TABLE dropped (x INTEGER)")
            conn.rollback()
        assert sa.inspect(engine).get_table_names() == ["kept"]
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM kept").scalar_one() == 0
    finally:
        engine.dispose()


async def test_read_then_write_transactions_take_turns(sqlite_url: str) -> None:
    """Two sessions read a counter, pause, then write it + 1 (the FOR UPDATE pattern).

    Legacy mode loses an update (reads run outside the transaction); plain deferred BEGIN
    fails one with "database is locked"; the hub's BEGIN IMMEDIATE makes them take turns."""
    engine = create_engine(sqlite_url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            tenant = Tenant(name=f"turns-{uuid.uuid4().hex[:8]}")
            session.add(tenant)
            await session.flush()
            session.add(InvoiceCounter(tenant_id=tenant.id, next_number=1))
            await session.commit()

        async def take_number() -> int:
            async with sessions() as session:
                lock = select(InvoiceCounter).where(InvoiceCounter.tenant_id == tenant.id)
                counter = (await session.execute(lock.with_for_update())).scalar_one()
                number = counter.next_number
                await asyncio.sleep(0.05)  # the other session runs meanwhile
                counter.next_number = number + 1
                await session.commit()
                return number

        taken = await asyncio.gather(*(take_number() for _ in range(4)))
        async with sessions() as session:
            final = (await session.execute(select(InvoiceCounter.next_number).where(
                InvoiceCounter.tenant_id == tenant.id))).scalar_one()
    finally:
        await engine.dispose()
    assert sorted(taken) == [1, 2, 3, 4] and final == 5


async def test_an_invoice_run_that_fails_later_leaves_no_invoice_and_no_number(
        lite_hub: Hub) -> None:
    """Invoice and its number are taken in savepoints; the request then fails (rollback):
    no invoice, no counter row, and the next successful run gets number 1 (gapless)."""
    books, _owner = await open_books(lite_hub, "sqlite-tx")
    try:
        customer = await books.customer()
        plan = await books.plan(3000)
        await books.subscribe(customer, plan, date(2026, 1, 1))
        await books.session.commit()

        made = await books.invoicing.run(date(2026, 2, 1), today=date(2026, 2, 1))
        assert [i.number for i in made] == [1]
        await books.session.rollback()  # e.g. a later step of the request failed

        invoices = select(func.count()).select_from(Invoice).where(
            Invoice.tenant_id == books.tenant_id)
        counters = select(func.count()).select_from(InvoiceCounter).where(
            InvoiceCounter.tenant_id == books.tenant_id)
        assert (await books.session.execute(invoices)).scalar_one() == 0
        assert (await books.session.execute(counters)).scalar_one() == 0
        await books.session.rollback()

        again = await Invoicing(books.session, books.tenant_id).run(
            date(2026, 2, 1), today=date(2026, 2, 1))
        await books.session.commit()
        assert [(i.number, i.total_minor) for i in again] == [(1, 3000)]
    finally:
        await books.session.close()


async def test_failed_logins_are_refused_and_counted(lite_hub: Hub) -> None:
    """A wrong password on SQLite: 401 at once (the failure counters use their own
    connection, which must not wait for the request's own transaction), then 429."""
    await one_window(900)  # DOTMAC_HUB_LOGIN_WINDOW
    owner = await lite_hub.new_tenant("lite-login")
    codes = []
    for _ in range(3):
        resp = await lite_hub.client.post("/auth/login", json={
            "email": owner.email, "password": "wrong-password-123"})
        codes.append(resp.status_code)
    assert codes == [401, 401, 401]
    limited = hub_settings(lite_hub.settings.database_url, login_failures_account=3)
    async with running_hub(limited, migrate=False) as strict:
        refused = await strict.client.post("/auth/login", json={
            "email": owner.email, "password": PASSWORD})
    assert refused.status_code == 429  # the three failures were stored


async def test_concurrent_writes_with_the_embedded_workers_running(
        sqlite_url: str, mosquitto: Broker, victoria: Victoria,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The single-box hub: 20 site+device creations and 10 tickets at once through the API
    while the embedded ingest stores telemetry, the dispatcher sweeps and the webhook worker
    delivers: every request succeeds (no "database is locked"), every row is stored."""
    tag = uuid.uuid4().hex[:6]
    login = {"USERNAME": mosquitto.hub.username, "PASSWORD": mosquitto.hub.password}
    for name, value in {"BROKER_HOST": mosquitto.host, "BROKER_PORT": str(mosquitto.port),
                        **{f"{who}_{k}": v for who in ("INGEST", "JOBS") for k, v in login.items()},
                        "TSDB_URL": victoria.url,
                        "INGEST_CLIENT_ID": f"lite-{tag}", "INGEST_GROUP": f"lite-{tag}",
                        "WEBHOOK_INTERVAL_S": "0.05", "WEBHOOK_ALLOW_PRIVATE_NETS": LOOPBACK,
                        }.items():
        monkeypatch.setenv(f"DOTMAC_HUB_{name}", value)
    settings = hub_settings(sqlite_url, ingest_embedded=True)
    async with running_hub(settings, migrate=False) as hub, running_receiver() as rx:
        owner = await hub.new_tenant("lite-busy")
        await add_endpoint(hub, owner, rx.url, ["ticket.created"])
        home = await hub.post(owner, "/sites", {"name": f"home-{tag}"})
        customer = await hub.post(owner, "/billing/customers", {"name": "c", "currency": "EUR"})
        agent = token("lite-agent")
        agent = str(await register_agent(hub.app.state.sessions,  # its id logs in
                                         Tenancy(owner.tenant_id, uuid.UUID(home["id"])), agent))
        publisher = Publisher(mosquitto, mosquitto.add_user(agent))
        start = aligned_start()

        def publish_telemetry() -> None:
            for seq in range(1, 31):
                ts = start + timedelta(seconds=60 * seq)
                publisher.send(counter_batch(agent, seq, "lite-sw", ts, {1: (seq, seq)}),
                               Channel.TELEMETRY)

        async def site_and_device(n: int) -> int:
            site = await hub.client.post("/sites", json={"name": f"pop-{tag}-{n}"},
                                         headers=owner.headers)
            assert site.status_code == 201, site.text
            device = await hub.client.post("/devices", headers=owner.headers, json={
                "site_id": site.json()["id"], "name": f"sw-{tag}-{n}",
                "management_address": f"198.51.100.{n + 1}", "profile": "juniper_junos"})
            return device.status_code

        async def ticket(n: int) -> int:
            made = await hub.client.post("/tickets", headers=owner.headers, json={
                "customer_id": customer["id"], "subject": f"outage {n}"})
            return made.status_code

        try:
            telemetry = asyncio.create_task(asyncio.to_thread(publish_telemetry))
            codes = await asyncio.gather(*(site_and_device(n) for n in range(20)),
                                         *(ticket(n) for n in range(10)))
            await telemetry
            metrics = hub.app.state.metrics
            await wait_for(lambda: metrics.value(MESSAGES, result="stored") >= 30, 30,
                           "the embedded ingest to store 30 batches")
            await wait_for(lambda: len(rx.requests) >= 10, 30, "10 webhook deliveries")
        finally:
            publisher.close()
        assert codes == [201] * 30
        # (other tests' retained messages reach this fresh group too: refused, unknown agent)
        assert await scalar(settings, "SELECT hwm FROM ingest_hwm WHERE channel = 'telemetry'"
                            ) == 30
        assert metrics.value(REJECTED, reason="internal_error") == 0
        assert RETRIES not in metrics.families  # no storage write failed, not even once
        assert await scalar(settings, "SELECT count(*) FROM devices WHERE name LIKE :n",
                            n=f"sw-{tag}-%") == 20
        assert await scalar(settings, "SELECT count(*) FROM sites") == 21
        assert await scalar(settings, "SELECT count(*) FROM support_tickets") == 10
        assert len({r.headers["webhook-id"] for r in rx.requests}) == 10
