"""Operator commands: db upgrade/downgrade/current, bootstrap, keys rotate, refusals."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hub import migrations
from hub.settings import DEFAULT_SECRET_KEY, BrokerSettings, DynsecSettings
from tests.hub.harness import hub_settings, running_hub

HUB = str(Path(sys.executable).parent / "dotmac-hub")


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HUB, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env}, check=False)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"DOTMAC_HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
            "DOTMAC_HUB_ARGON2_TIME_COST": "1", "DOTMAC_HUB_ARGON2_MEMORY_KIB": "1024"}


@pytest.mark.parametrize("command", [["serve"], ["db", "upgrade"], ["db", "downgrade"],
                                     ["db", "current"], ["bootstrap"], ["keys", "rotate"],
                                     ["enroll-token"]])
def test_every_command_has_help_with_examples(command: list[str], env: dict[str, str]) -> None:
    out = _run(*command, "--help", env=env)
    assert out.returncode == 0 and "Example" in out.stdout, out.stdout + out.stderr


def test_db_upgrade_current_downgrade(env: dict[str, str]) -> None:
    assert _run("db", "current", env=env).stdout.strip() == "base"
    up = _run("db", "upgrade", env=env)
    heads = migrations.head()  # every branch of the schema, comma-joined
    assert up.returncode == 0 and f"database at {heads}" in up.stdout, up.stderr
    assert _run("db", "current", env=env).stdout.strip() == heads
    down = _run("db", "downgrade", "base", env=env)
    assert down.returncode == 0 and _run("db", "current", env=env).stdout.strip() == "base"


async def test_bootstrap_prints_a_generated_password_that_logs_in(env: dict[str, str]) -> None:
    made = _run("bootstrap", "--tenant", "Fibernet", "--admin-email", "Owner@Fibernet.example",
                env=env)
    assert made.returncode == 0, made.stderr
    password = re.search(r"generated password \(shown once\): (\S+)", made.stdout)
    assert password is not None
    again = _run("bootstrap", "--tenant", "Fibernet", "--admin-email", "x@y.example", env=env)
    assert again.returncode == 1 and "already exists" in again.stderr
    given = _run("bootstrap", "--tenant", "Other", "--admin-email", "o@other.example",
                 env={**env, "DOTMAC_HUB_BOOTSTRAP_PASSWORD": "chosen-password-123"})
    assert given.returncode == 0 and "chosen-password-123" not in given.stdout
    # Same secret as the CLI used (the default): it encrypted the signing key.
    settings = hub_settings(env["DOTMAC_HUB_DATABASE_URL"], secret_key=DEFAULT_SECRET_KEY)
    async with running_hub(settings, migrate=False) as hub:
        owner = await hub.login("owner@fibernet.example", password.group(1))
        assert owner.role == "owner"
        other = await hub.login("o@other.example", "chosen-password-123")
        assert other.tenant_id != owner.tenant_id


def test_keys_rotate_retires_the_old_key_with_an_overlap(env: dict[str, str]) -> None:
    assert _run("db", "upgrade", env=env).returncode == 0
    first = _run("keys", "rotate", env=env)
    second = _run("keys", "rotate", env=env)
    assert first.returncode == second.returncode == 0, first.stderr
    db = env["DOTMAC_HUB_DATABASE_URL"].split("///", 1)[1]
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT retired_at IS NULL, verify_until IS NOT NULL "
                            "FROM signing_keys ORDER BY created_at").fetchall()
    assert rows == [(0, 1), (1, 0)]


def test_production_refuses_default_secrets_and_names_the_variable(env: dict[str, str]) -> None:
    out = _run("serve", env={**env, "DOTMAC_HUB_MODE": "production",
                             "DOTMAC_HUB_DATABASE_URL": "postgresql+psycopg://hub@db/hub"})
    assert out.returncode == 2
    assert "DOTMAC_HUB_SECRET_KEY" in out.stderr and "DOTMAC_HUB_DATABASE_URL" not in out.stderr
    assert "DOTMAC_HUB_BROKER_DYNSEC_PASSWORD" in out.stderr
    production = {"mode": "production", "secret_key": "s" * 40,
                  "dynsec": DynsecSettings(password="d" * 24), "metrics_token": "m" * 32}
    broker = BrokerSettings(ca_file=__file__, host="mqtt.example.net")
    ok = hub_settings("postgresql+psycopg://hub@db/hub", **production,
                      broker=broker.model_copy(update={"tls": True}))
    assert ok.problems() == [] and ok.migrate_on_start is False
    # the dynsec admin password must not cross the network in clear, even to a broker on
    # this machine: its host name is also what agents are given
    clear = hub_settings("postgresql+psycopg://hub@db/hub", **production, broker=broker)
    assert [p.split(":")[0] for p in clear.problems()] == ["DOTMAC_HUB_BROKER_TLS"]
    # workers that do not administer broker logins need neither TLS nor the dynsec secret
    worker = hub_settings("postgresql+psycopg://hub@db/hub", mode="production",
                          secret_key="s" * 40)
    assert worker.problems(broker_admin=False) == []
    assert "DOTMAC_HUB_BROKER_DYNSEC_PASSWORD" in " ".join(worker.problems())
    # the API's /metrics names tenants: production wants a scrape token
    open_metrics = hub_settings("postgresql+psycopg://hub@db/hub", **{
        **production, "metrics_token": ""}, broker=broker.model_copy(update={"tls": True}))
    assert [p.split(":")[0] for p in open_metrics.problems()] == ["DOTMAC_HUB_METRICS_TOKEN"]


@pytest.mark.parametrize("login", [
    {"DOTMAC_HUB_BROKER_HOST": "mqtt.example.net",
     "DOTMAC_HUB_INGEST_PASSWORD": "hub-broker-password",
     "DOTMAC_HUB_JOBS_PASSWORD": "hub-broker-password"},
    # the names of the last release still work, with a warning naming the new ones
    {"DOTMAC_HUB_MQTT_HOST": "mqtt.example.net",
     "DOTMAC_HUB_MQTT_PASSWORD": "hub-broker-password"},
], ids=["new-names", "old-names"])
def test_production_ingest_refuses_a_clear_text_broker_login(
        env: dict[str, str], login: dict[str, str]) -> None:
    # no dynsec settings at all: workers do not administer broker logins
    production = {**env, "DOTMAC_HUB_MODE": "production", "DOTMAC_HUB_SECRET_KEY": "s" * 40,
                  "DOTMAC_HUB_DATABASE_URL": "postgresql+psycopg://hub@db/hub", **login}
    for command in ("ingest", "dispatch"):
        out = _run(command, env=production)
        assert out.returncode == 2, out.stderr
        assert "refusing to start: DOTMAC_HUB_BROKER_TLS" in out.stderr
        assert "DYNSEC" not in out.stderr
        assert "hub-broker-password" not in out.stdout + out.stderr
        if "DOTMAC_HUB_MQTT_HOST" in login:
            assert "rename it DOTMAC_HUB_BROKER_HOST" in out.stderr


@pytest.mark.parametrize(("command", "variable", "value"), [
    (["serve"], "DOTMAC_HUB_PORT", "http"),
    (["ingest"], "DOTMAC_HUB_INGEST_CONCURRENCY", "0"),
    (["webhooks"], "DOTMAC_HUB_WEBHOOK_MAX_ATTEMPTS", "0"),
    (["db", "current"], "DOTMAC_HUB_TRUSTED_PROXIES", "*"),
    (["serve"], "DOTMAC_HUB_BROKER_CA_FILE", "/nonexistent/broker-ca.pem"),
    (["ingest"], "DOTMAC_HUB_BROKER_CA_FILE", "/nonexistent/broker-ca.pem"),
    (["dispatch"], "DOTMAC_HUB_JOBS_RESEND_AFTER_S", "1"),
])
def test_a_bad_setting_is_refused_by_name(command: list[str], variable: str, value: str,
                                          env: dict[str, str]) -> None:
    """Exit 2 with the variable named, no traceback, nothing started."""
    out = _run(*command, env={**env, variable: value})
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"refusing to start: {variable}" in out.stderr
    said = out.stdout + out.stderr
    assert "Traceback" not in said
    assert not any(banner in said for banner in ("hub API on", "ingest worker ->",
                                                  "webhook worker: delivering")), said
