"""The materialized answers of the sql backend, without FreeRADIUS: what the hub writes into
radius_answers, what FreeRADIUS's query (one index look-up) returns per tenant, and the
reconcile task (drift repaired; rows removed when the backend is rest); `dotmac-hub radius
config --backend sql`."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import delete, func, select, text
from typer.testing import CliRunner

from hub.access import answers
from hub.access.cli import radius_app
from hub.access.models import RadiusAnswer
from hub.access.radius_sql import PREPARE, QUERY
from hub.access.settings import RadiusSettings
from hub.schedules.tasks import task
from tests.hub.access.conftest import hub, pg_url
from tests.hub.harness import Account, Hub

__all__ = ["hub", "pg_url"]
NAS_A = "192.0.2.1"


def _config(hub: Hub) -> answers.AnswerConfig:
    return answers.AnswerConfig(hub.settings.secret_key, RadiusSettings(), 300)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def owner(hub: Hub) -> AsyncIterator[Account]:
    """A tenant with a MikroTik NAS, the hub materializing answers."""
    answers.enable(hub.app.state.engine, _config(hub))
    made = await hub.new_tenant("answers")
    site = await hub.post(made, "/sites", {"name": "pop"})
    await hub.post(made, "/access/nas", {"site_id": site["id"], "name": "bng-a",
                                         "address": NAS_A, "secret": "s" * 16,
                                         "vendor": "mikrotik"})
    yield made
    answers.enable(hub.app.state.engine, None)


async def _subscriber(hub: Hub, owner: Account, username: str) -> str:
    customer = await hub.post(owner, "/billing/customers", {"name": username, "currency": "EUR"})
    plan = await hub.post(owner, "/billing/plans", {
        "name": f"p-{uuid.uuid4().hex[:8]}", "currency": "EUR", "down_kbps": 8000,
        "up_kbps": 2000, "price_minor": 1000})
    sub = await hub.post(owner, "/billing/subscriptions", {"customer_id": customer["id"],
                                                           "plan_id": plan["id"]})
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "activate", "on": "2026-01-01"})
    put = await hub.client.put(f"/access/subscriptions/{sub['id']}/credentials",
                               json={"username": username, "password": "pw-12345678",
                                     "mac": "02:00:00:00:00:01" if "mac" in username else None},
                               headers=owner.headers)
    assert put.status_code == 200, put.text
    return str(sub["id"])


def _bound() -> str:
    """FreeRADIUS's prepared look-up (mods-enabled/sql) with its EXECUTE arguments, the
    expansions of its query, as bind parameters."""
    arguments = QUERY[QUERY.index("(") + 1:QUERY.rindex(")")].split(", ")
    names = {"'%{client:dotmac_tenant}'": ":tenant", "'%{client:nas_type}'": ":vendor",
             "'%{control:Tmp-String-7}'": ":lookup", "'%{SQL-User-Name}'": ":key",
             "'%{ADSL-Agent-Remote-Id}'": ":remote"}
    statement = PREPARE[PREPARE.index(" AS ") + 4:]
    for number, argument in enumerate(arguments, start=1):
        statement = re.sub(rf"\${number}\b", names[argument], statement)
    assert "$" not in statement and "%{" not in statement
    return statement


async def _items(hub: Hub, kind: str, tenant: Account, key: str, lookup: str = "user"
                 ) -> list[Any]:
    """The rows of `kind` (check or reply) FreeRADIUS's query returns to a MikroTik NAS of
    `tenant` (all check rows come before the reply rows)."""
    async with hub.app.state.sessions() as session:
        rows = list(await session.execute(text(_bound().replace(
            "SELECT position,", "SELECT kind, position,")), {
            "tenant": str(tenant.tenant_id), "vendor": "mikrotik", "lookup": lookup,
            "key": key, "remote": ""}))
    kinds = [r.kind for r in rows]
    assert kinds == sorted(kinds), kinds
    return [(r.attribute, r.op, r.value) for r in rows if r.kind == kind]


async def _count(hub: Hub, sub_id: str) -> int:
    async with hub.app.state.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(RadiusAnswer).where(
            RadiusAnswer.subscription_id == uuid.UUID(sub_id)))).scalar_one())


async def test_each_login_is_materialized_and_found_only_through_its_tenants_nas(
        hub: Hub, owner: Account) -> None:
    sub_id = await _subscriber(hub, owner, "lena-mac")
    assert await _count(hub, sub_id) > 0
    assert await _items(hub, "check", owner, "lena-mac") == [
        ("Cleartext-Password", ":=", "pw-12345678")]
    reply = await _items(hub, "reply", owner, "lena-mac")
    assert ("Mikrotik-Rate-Limit", ":=", "2000k/8000k") in reply
    # by MAC (the key FreeRADIUS's policy computes): the NAS vouches, no password
    assert await _items(hub, "check", owner, "020000000001", "mac") == [
        ("Auth-Type", ":=", "Accept")]
    assert await _items(hub, "check", owner, "020000000001") == []  # not a User-Name
    other = await hub.new_tenant("answers-other")
    assert await _items(hub, "check", other, "lena-mac") == []
    # the credential gone: so is the answer
    gone = await hub.client.delete(f"/access/subscriptions/{sub_id}/credentials",
                                   headers=owner.headers)
    assert gone.status_code == 204 and await _count(hub, sub_id) == 0


async def test_freeradius_query_is_one_look_up_of_the_index_in_answer_order(
        hub: Hub, owner: Account) -> None:
    await _subscriber(hub, owner, "nora")
    async with hub.app.state.sessions() as session:
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(row[0] for row in await session.execute(
            text("EXPLAIN " + _bound()), {
                "tenant": owner.tenant_id, "vendor": "mikrotik", "lookup": "user",
                "key": "nora", "remote": ""}))
    assert "ix_radius_answers_lookup" in plan and "Sort" not in plan, plan
    assert "Join" not in plan and "Nested Loop" not in plan, plan


async def test_reconcile_repairs_drift_and_empties_the_table_when_the_backend_is_rest(
        hub: Hub, owner: Account) -> None:
    sub_id = await _subscriber(hub, owner, "mona")
    before = await _count(hub, sub_id)
    async with hub.app.state.sessions() as session:  # drift the listener cannot see
        await session.execute(delete(RadiusAnswer).where(
            RadiusAnswer.subscription_id == uuid.UUID(sub_id)))
        await session.commit()
    assert await _items(hub, "check", owner, "mona") == []
    assert task("access.reconcile_answers") is not None
    async with hub.app.state.sessions() as session:
        summary = await answers.reconcile_answers(session, owner.tenant_id)
    assert summary.endswith("subscriber answers rebuilt"), summary
    assert await _count(hub, sub_id) == before
    answers.enable(hub.app.state.engine, None)
    try:
        async with hub.app.state.sessions() as session:
            off = await answers.reconcile_answers(session, owner.tenant_id)
        assert off.startswith("sql backend off"), off
        assert await _count(hub, sub_id) == 0
    finally:
        answers.enable(hub.app.state.engine, _config(hub))


def test_radius_config_sql_backend_needs_postgresql_and_keeps_the_password_unlogged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOTMAC_HUB_RADIUS_TOKEN", "cli-test-token-0123456789")
    monkeypatch.setenv("DOTMAC_HUB_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/hub.db")
    out = tmp_path / "freeradius"
    argv = ["config", "--out", str(out), "--hub-url", "http://127.0.0.1:8080", "--run-as", "",
            "--accounting-spool", str(tmp_path / "spool"), "--backend", "sql",
            "--sql-dsn", "host=db.example.net dbname=hub user=freeradius_ro password=Pw-123"]
    refused = CliRunner().invoke(radius_app, argv)
    assert refused.exit_code == 2 and "needs the hub on PostgreSQL" in refused.output
    monkeypatch.setenv("DOTMAC_HUB_DATABASE_URL", "postgresql+psycopg://hub@db.example.net/hub")
    written = CliRunner().invoke(radius_app, argv)
    assert written.exit_code == 0, written.output
    module = (out / "mods-enabled/sql").read_text()
    assert 'radius_db = "host=db.example.net dbname=hub user=freeradius_ro"' in module
    assert 'password = "Pw-123"' in module
    assert f'open_query = "{PREPARE}"' in module
    assert f'authorize_check_query = "{QUERY}"' in module
    assert "authorize_reply_query" not in module  # one query: check and reply rows
    policy = (out / "policy.d/dotmac_backend").read_text()
    assert "sql {" in policy
    assert "&Mikrotik-Rate-Limit += &control:Mikrotik-Rate-Limit[*]" in policy
    assert "&Cleartext-Password" not in policy.split("update reply {")[-1].split("}")[0]
    no_dsn = CliRunner().invoke(radius_app, argv[:-2])
    assert no_dsn.exit_code == 2 and "--sql-dsn" in no_dsn.output
