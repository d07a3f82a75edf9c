"""The Grafana datasource role of docs/noc.md can run every dashboard query and read no secret.

The GRANT statements are taken from the SQL block of docs/noc.md itself, so the document and
this test cannot drift apart. They are applied to a freshly migrated hub database on the
suite's PostgreSQL; each dashboard query (panel SQL and SQL template variables, with
variables and time macros substituted as in test_dashboards.py) then runs as that role, and
the tables holding password and API-key hashes, signing keys and webhook secrets are refused.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from dashboards import root
from tests.dashboards.test_dashboards import Filled, _substitute, queried
from tests.hub.harness import drop_database
from tests.hub.ingest.harness import migrated_database
from tests.services.postgres import Postgres

NOC_DOC = Path(__file__).resolve().parents[2] / "docs" / "noc.md"
HUB_DS = "${DS_HUBDB}"
SECRET_TABLES = ("users", "api_keys", "signing_keys", "webhook_endpoints")
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)


@dataclass
class Granted:
    """A migrated database and a role holding exactly the documented grants."""

    dsn: str
    role: str
    statements: list[str]


def documented_grants() -> list[str]:
    """The statements of docs/noc.md's SQL block for the Grafana role, comments removed."""
    blocks = [b for b in SQL_BLOCK.findall(NOC_DOC.read_text()) if "grafana_ro" in b]
    assert len(blocks) == 1, "docs/noc.md must hold exactly one SQL block for grafana_ro"
    text = "\n".join(line.split("--", 1)[0] for line in blocks[0].splitlines())
    return [" ".join(s.split()) for s in text.split(";") if s.strip()]


def _for_role(statement: str, role: str, database: str) -> str:
    statement = re.sub(r"\bgrafana_ro\b", role, statement)
    return re.sub(r"\bON DATABASE \w+", f'ON DATABASE "{database}"', statement)


def _apply(conn: psycopg.Connection, statements: list[str], role: str, database: str) -> None:
    create, *grants = statements
    assert create.startswith("CREATE ROLE grafana_ro LOGIN"), create
    conn.execute(f"CREATE ROLE {role} NOLOGIN")  # the test switches to it with SET ROLE
    for statement in grants:
        assert statement.startswith("GRANT "), statement  # nothing but grants in the block
        conn.execute(_for_role(statement, role, database))


@pytest.fixture(scope="module")
def granted(postgres: Postgres) -> Iterator[Granted]:
    """A migrated hub database with the documented Grafana role applied."""
    url = migrated_database(postgres, "grants")
    name = url.rsplit("/", 1)[1]
    dsn = f"host={postgres.host} port={postgres.port} user={postgres.user} dbname={name}"
    role = f"grafana_ro_{secrets.token_hex(4)}"
    statements = documented_grants()
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            _apply(conn, statements, role, name)
        yield Granted(dsn, role, statements)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                conn.execute(f"DROP OWNED BY {role}")
                conn.execute(f"DROP ROLE {role}")
        drop_database(postgres.admin_dsn, name)


def _queries() -> list[tuple[str, str]]:
    """(where, SQL) of every hub-database query in every shipped dashboard."""
    found: list[tuple[str, str]] = []
    for path in sorted(root().glob("*.json")):
        doc = json.loads(path.read_text())
        for _, panel in queried(doc):  # rows hold no query; their panels do
            for target in panel["targets"]:
                if target["datasource"]["uid"] == HUB_DS:
                    found.append((f"{path.stem} / {panel['title']}", target["rawSql"]))
        for variable in doc["templating"]["list"]:
            if variable.get("datasource", {}).get("uid") == HUB_DS:
                found.append((f"{path.stem} / variable {variable['name']}", variable["query"]))
        for annotation in doc["annotations"]["list"]:
            if annotation["datasource"]["uid"] == HUB_DS:
                found.append((f"{path.stem} / annotation {annotation['name']}",
                              annotation["rawQuery"]))
    return found


def _as_role(conn: psycopg.Connection, role: str, query: str | sql.Composed) -> None:
    conn.execute(f"SET ROLE {role}")
    try:
        conn.execute(query).fetchall()
    finally:
        conn.execute("RESET ROLE")


def _refused(conn: psycopg.Connection, role: str, query: str | sql.Composed) -> bool:
    try:
        _as_role(conn, role, query)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def test_the_documented_block_grants_only_select() -> None:
    statements = documented_grants()
    assert not any("ALL TABLES" in s.upper() for s in statements)
    for statement in statements[1:]:
        assert re.match(r"GRANT (SELECT|CONNECT|USAGE)\b", statement), statement
    assert "GRANT SELECT (tenant_id, state, updated_at) ON provisioning_jobs TO grafana_ro" \
        in statements


def test_the_role_is_not_a_superuser(granted: Granted) -> None:
    with psycopg.connect(granted.dsn, autocommit=True) as conn:
        conn.execute(f"SET ROLE {granted.role}")
        row = conn.execute("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles "
                           "WHERE rolname = current_user").fetchone()
    assert row == (granted.role, False, False)


def test_every_dashboard_query_runs_as_the_role(granted: Granted) -> None:
    queries = _queries()
    assert {where.split(" / ")[0] for where, _ in queries} == {
        "agent-health", "alarms", "billing", "device-detail", "hub-health", "ipam",
        "noc-overview", "tenant-traffic"}
    end = datetime.now(UTC)
    window = Filled(granted.dsn, "", str(uuid.uuid4()), end - timedelta(days=30), end)
    values = {"tenant": window.tenant, "site": "*", "device": "sw-a", "interface": "ge-1"}
    with psycopg.connect(granted.dsn, autocommit=True) as conn:
        for where, raw in queries:
            text = _substitute(raw, values, window)
            assert "$" not in text, (where, text)
            try:
                _as_role(conn, granted.role, text)
            except psycopg.Error as exc:
                pytest.fail(f"{where}: {type(exc).__name__}: {exc}")


@pytest.mark.parametrize("table", SECRET_TABLES)
def test_secret_tables_are_refused(granted: Granted, table: str) -> None:
    with psycopg.connect(granted.dsn, autocommit=True) as conn:
        for query in ("SELECT * FROM {} LIMIT 1", "SELECT count(*) FROM {}"):
            assert _refused(conn, granted.role, sql.SQL(query).format(sql.Identifier(table)))


def test_provisioning_job_params_are_refused(granted: Granted) -> None:
    with psycopg.connect(granted.dsn, autocommit=True) as conn:
        assert _refused(conn, granted.role, "SELECT params FROM provisioning_jobs")
        assert _refused(conn, granted.role, "SELECT output FROM provisioning_jobs")
        assert _refused(conn, granted.role, "SELECT * FROM provisioning_jobs")
        _as_role(conn, granted.role, "SELECT tenant_id, state, updated_at FROM provisioning_jobs")


@pytest.mark.parametrize(("table", "column"), [
    ("event_outbox", "payload"), ("event_outbox", "occurred_at"),
    ("webhook_deliveries", "last_error"), ("webhook_deliveries", "created_at"),
    ("alarm_notifications", "target"), ("alarm_notifications", "created_at")])
def test_queue_tables_are_not_readable(granted: Granted, table: str, column: str) -> None:
    """hub-health reads the queues' ages from the hub's gauges: not even their times."""
    with psycopg.connect(granted.dsn, autocommit=True) as conn:
        assert _refused(conn, granted.role, sql.SQL("SELECT {} FROM {}").format(
            sql.Identifier(column), sql.Identifier(table)))


def test_only_the_documented_tables_are_readable(granted: Granted) -> None:
    """No table outside the GRANT list is readable, whatever migrations add later."""
    listed: set[str] = set()
    by_column: set[str] = set()
    for statement in granted.statements:
        found = re.fullmatch(r"GRANT SELECT (\([^)]*\) )?ON (.+) TO grafana_ro", statement)
        if found:
            named = {t.strip() for t in found.group(2).split(",")}
            (by_column if found.group(1) else listed).update(named)
    with psycopg.connect(granted.dsn, autocommit=True) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        readable = {t for t in tables
                    if conn.execute("SELECT has_table_privilege(%s, %s, 'SELECT')",
                                    (granted.role, f"public.{t}")).fetchone() == (True,)}
    assert set(SECRET_TABLES) <= set(tables)
    assert readable == listed, readable ^ listed  # column grants give no whole table
    assert by_column == {"provisioning_jobs", "schedule_runs"}  # no error text, no host:pid
