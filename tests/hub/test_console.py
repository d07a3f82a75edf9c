"""The operators' commands (`dotmac-hub sites|devices|agents|credentials|discoveries|jobs`)
against a real `dotmac-hub serve` on this module's PostgreSQL database.

Each command is invoked through the real typer app with only the environment an operator
has (DOTMAC_HUB_URL and a token or API key); failures must be one line and a non-zero exit.
"""

from __future__ import annotations

import asyncio
import functools
import http.server
import json
import secrets
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from hub.cli import app
from tests.services._proc import ManagedProcess, free_port, tcp_open, wait_until

BIN = Path(sys.executable).parent
PASSWORD = "console-test-password-1"
EMAIL = "noc@console.example"


@dataclass
class LiveHub:
    """A served hub and an operator's credentials for it."""

    url: str
    token: str
    api_key: str

    def env(self, **extra: str) -> dict[str, str]:
        """An operator's environment: the hub's URL and an API key, wide tables."""
        return {"DOTMAC_HUB_URL": self.url, "DOTMAC_HUB_API_KEY": self.api_key,
                "DOTMAC_HUB_TOKEN": "", "COLUMNS": "250", **extra}


def _server_env(pg_url: str, port: int) -> dict[str, str]:
    return {"DOTMAC_HUB_DATABASE_URL": pg_url, "DOTMAC_HUB_PORT": str(port),
            "DOTMAC_HUB_HOST": "127.0.0.1", "DOTMAC_HUB_AUTO_MIGRATE": "true",
            "DOTMAC_HUB_INGEST_EMBEDDED": "false", "DOTMAC_HUB_LOG_LEVEL": "warning",
            "DOTMAC_HUB_ARGON2_TIME_COST": "1", "DOTMAC_HUB_ARGON2_MEMORY_KIB": "1024",
            "DOTMAC_HUB_SECRET_KEY": "console-test-" + "k" * 32,
            "DOTMAC_HUB_BOOTSTRAP_PASSWORD": PASSWORD}


def _api_key(url: str, token: str, scopes: list[str]) -> str:
    made = httpx.post(f"{url}/api-keys", json={"name": f"cli-{secrets.token_hex(3)}",
                                               "scopes": scopes},
                      headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert made.status_code == 201, made.text
    key: str = made.json()["key"]
    return key


@pytest.fixture(scope="module")
def live(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHub]:
    """`dotmac-hub serve` on a free port, bootstrapped, with an owner's token and API key."""
    port, logs = free_port(), tmp_path_factory.mktemp("console-hub")
    env = _server_env(pg_url, port)
    server = ManagedProcess([str(BIN / "dotmac-hub"), "serve"], logs / "hub.log", env=env,
                            cwd=logs).start()
    try:
        wait_until(lambda: tcp_open(port), 60, "dotmac-hub serve", logs / "hub.log")
        made = CliRunner().invoke(app, ["bootstrap", "--tenant", "Console-ISP",
                                        "--admin-email", EMAIL], env=env)
        assert made.exit_code == 0, made.output
        url = f"http://127.0.0.1:{port}"
        signed = CliRunner().invoke(app, ["login", "--email", EMAIL],
                                    env={"DOTMAC_HUB_URL": url, "DOTMAC_HUB_PASSWORD": PASSWORD})
        assert signed.exit_code == 0, signed.output
        token = signed.stdout.strip()
        yield LiveHub(url, token, _api_key(url, token, ["sites:read", "sites:write",
                                                         "agents:read", "agents:write",
                                                         "devices:read", "devices:write",
                                                         "credentials:read",
                                                         "credentials:manage", "jobs:read",
                                                         "jobs:write"]))
    finally:
        server.stop()


def run(live: LiveHub, *args: str, env: dict[str, str] | None = None,
        stdin: str | None = None) -> Result:
    """`dotmac-hub ARGS` as the operator runs it."""
    return CliRunner().invoke(app, list(args), env=env or live.env(), input=stdin)


def ok_json(result: Result) -> Any:
    """The JSON a successful `--json` command printed."""
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def one_line_failure(result: Result, skip: int = 0) -> str:
    """A failed command: non-zero exit, exactly one line on stderr (after `skip` lines of
    prompts), no traceback."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()[skip:]
    assert len(lines) == 1, result.stderr
    return lines[0]


def unique(label: str) -> str:
    """A name no other test of this module uses."""
    return f"{label}-{secrets.token_hex(3)}"


def test_sites_create_list_show_update_delete(live: LiveHub) -> None:
    name = unique("ams1")
    made = ok_json(run(live, "sites", "create", name, "--description", "Equinix AM3 [r12]",
                       "--json"))
    assert made["name"] == name and made["description"] == "Equinix AM3 [r12]"
    listed = ok_json(run(live, "sites", "list", "--json"))
    assert made["id"] in {row["id"] for row in listed}
    table = run(live, "sites", "list")
    assert table.exit_code == 0, table.output
    row = next(line for line in table.stdout.splitlines() if name in line)
    assert made["id"] in row and "Equinix AM3 [r12]" in row  # brackets printed literally
    assert ok_json(run(live, "sites", "show", name, "--json"))["id"] == made["id"]
    renamed = unique("ams2")
    changed = run(live, "sites", "update", name, "--name", renamed)
    assert changed.exit_code == 0 and f"site {renamed} updated" in changed.stderr
    assert ok_json(run(live, "sites", "show", made["id"], "--json"))["name"] == renamed
    gone = run(live, "sites", "delete", renamed, "--yes")
    assert gone.exit_code == 0, gone.output
    missing = one_line_failure(run(live, "sites", "show", made["id"]))
    assert "404" in missing and made["id"] in missing
    assert "no site named" in one_line_failure(run(live, "sites", "show", renamed))


def test_delete_without_yes_and_without_an_answer_changes_nothing(live: LiveHub) -> None:
    name = unique("keep")
    ok_json(run(live, "sites", "create", name, "--json"))
    refused = one_line_failure(run(live, "sites", "delete", name, stdin=""))
    assert "--yes" in refused
    assert ok_json(run(live, "sites", "show", name, "--json"))["name"] == name


def test_devices_take_site_and_agent_names(live: LiveHub) -> None:
    site = ok_json(run(live, "sites", "create", unique("pop"), "--json"))
    agent = ok_json(run(live, "agents", "create", unique("agent"), "--site", site["name"],
                        "--json"))
    assert agent["site_id"] == site["id"] and agent["status"] == "pending"
    name = unique("core-sw1")
    device = ok_json(run(live, "devices", "create", name, "192.0.2.10", "--site",
                         site["name"], "--agent", agent["name"], "--profile", "cisco_ios",
                         "--json"))
    assert (device["site_id"], device["agent_id"]) == (site["id"], agent["id"])
    assert device["management_address"] == "192.0.2.10" and device["profile"] == "cisco_ios"
    listed = ok_json(run(live, "devices", "list", "--site", site["name"], "--json"))
    assert [row["id"] for row in listed] == [device["id"]]
    assert listed[0]["site"] == site["name"] and listed[0]["agent"] == agent["name"]
    table = run(live, "devices", "list", "--agent", agent["name"])
    row = next(line for line in table.stdout.splitlines() if name in line)
    assert site["name"] in row and agent["name"] in row and "192.0.2.10" in row
    moved = ok_json(run(live, "devices", "update", name, "--address", "192.0.2.11",
                        "--agent", "none", "--json"))
    assert moved["management_address"] == "192.0.2.11" and moved["agent_id"] is None
    assert ok_json(run(live, "devices", "delete", device["id"], "--yes", "--json")) == {
        "id": device["id"], "deleted": True}
    assert ok_json(run(live, "devices", "list", "--site", site["id"], "--json")) == []


def test_agents_list_and_show(live: LiveHub) -> None:
    site = ok_json(run(live, "sites", "create", unique("pop"), "--json"))
    agent = ok_json(run(live, "agents", "create", unique("agent"), "--site", site["id"],
                        "--json"))
    listed = ok_json(run(live, "agents", "list", "--site", site["name"], "--json"))
    assert [(row["id"], row["site"]) for row in listed] == [(agent["id"], site["name"])]
    shown = ok_json(run(live, "agents", "show", agent["name"], "--json"))
    assert shown["id"] == agent["id"]
    table = run(live, "agents", "list")
    assert any(agent["name"] in line and "pending" in line
               for line in table.stdout.splitlines()), table.stdout
    renamed = ok_json(run(live, "agents", "update", agent["name"], "--name",
                          unique("agent"), "--json"))
    assert run(live, "agents", "delete", renamed["name"], "--yes").exit_code == 0


def test_jobs_create_show_list_cancel(live: LiveHub) -> None:
    site = ok_json(run(live, "sites", "create", unique("pop"), "--json"))
    agent = ok_json(run(live, "agents", "create", unique("agent"), "--site", site["id"],
                        "--json"))
    device = ok_json(run(live, "devices", "create", unique("sw"), "192.0.2.20", "--site",
                         site["name"], "--agent", agent["name"], "--profile", "cisco_ios",
                         "--json"))
    job = ok_json(run(live, "jobs", "create", "--device", device["name"], "--action",
                      "get_facts", "--json"))
    assert job["device_id"] == device["id"] and job["state"] == "queued"
    shown = ok_json(run(live, "jobs", "show", job["id"], "--json"))
    assert shown["history"] and shown["history"][0]["to_state"] == "queued"
    listed = ok_json(run(live, "jobs", "list", "--device", device["name"], "--json"))
    assert [row["id"] for row in listed] == [job["id"]]
    cancelled = run(live, "jobs", "cancel", job["id"])
    assert cancelled.exit_code == 0 and "cancelled" in cancelled.stderr, cancelled.output
    bad = one_line_failure(run(live, "jobs", "create", "--device", device["name"],
                               "--action", "no_such_action"))
    assert "422" in bad and "action" in bad


def test_a_bearer_token_works_as_well_as_an_api_key(live: LiveHub) -> None:
    env = live.env(DOTMAC_HUB_API_KEY="", DOTMAC_HUB_TOKEN=live.token)
    assert isinstance(ok_json(run(live, "sites", "list", "--json", env=env)), list)


def test_no_credentials_says_how_to_get_them(live: LiveHub) -> None:
    env = live.env(DOTMAC_HUB_API_KEY="", DOTMAC_HUB_TOKEN="")
    result = run(live, "devices", "list", env=env)
    line = one_line_failure(result)
    assert result.exit_code == 2
    assert "DOTMAC_HUB_API_KEY" in line and "DOTMAC_HUB_TOKEN" in line and "bootstrap" in line


def test_a_refused_token_is_one_line(live: LiveHub) -> None:
    env = live.env(DOTMAC_HUB_API_KEY="dmk_not_a_real_key_0000000000")
    line = one_line_failure(run(live, "sites", "list", env=env))
    assert "401" in line and "DOTMAC_HUB_TOKEN" in line


def test_a_key_without_the_scope_is_one_line(live: LiveHub) -> None:
    reader = _api_key(live.url, live.token, ["sites:read"])
    line = one_line_failure(run(live, "sites", "create", unique("x"),
                                env=live.env(DOTMAC_HUB_API_KEY=reader)))
    assert "403" in line


def test_a_hub_that_is_down_is_one_line(live: LiveHub) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    line = one_line_failure(run(live, "sites", "list", env=live.env(DOTMAC_HUB_URL=down)))
    assert "unreachable" in line and down in line and "DOTMAC_HUB_URL" in line


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    """A plain web server's file handler that logs nothing (stderr is the command's)."""

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing."""


def test_a_url_that_is_not_the_hub_is_one_line(live: LiveHub, tmp_path: Path) -> None:
    (tmp_path / "sites").write_text("<html>a web server, not the hub</html>")
    handler = functools.partial(_QuietFiles, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as other:
        threading.Thread(target=other.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{other.server_address[1]}"
            line = one_line_failure(run(live, "sites", "list", env=live.env(DOTMAC_HUB_URL=url)))
        finally:
            other.shutdown()
    assert "other than the hub's JSON" in line and "DOTMAC_HUB_URL" in line


def test_a_validation_problem_is_one_line_with_its_field(live: LiveHub) -> None:
    line = one_line_failure(run(live, "sites", "create", "bad name!"))
    assert "422" in line and "name" in line
    site = ok_json(run(live, "sites", "create", unique("pop"), "--json"))
    line = one_line_failure(run(live, "devices", "create", unique("sw"), "not-an-ip",
                                "--site", site["name"]))
    assert "422" in line and "management_address" in line
    line = one_line_failure(run(live, "devices", "create", unique("sw"), "192.0.2.1",
                                "--site", "no-such-site"))
    assert "no site named 'no-such-site'" in line and "sites list" in line


def test_login_with_a_wrong_password_is_one_line(live: LiveHub) -> None:
    result = CliRunner().invoke(app, ["login", "--email", EMAIL], env={
        "DOTMAC_HUB_URL": live.url, "DOTMAC_HUB_PASSWORD": "wrong-password-123"})
    assert "401" in one_line_failure(result)


def _has(live: LiveHub, path: str) -> bool:
    """Whether the served hub has this API path (the command's API must exist: a test of a
    command never skips)."""
    answer = httpx.get(f"{live.url}/openapi.json", timeout=30)
    assert answer.status_code == 200, answer.text
    return path in answer.json()["paths"]


def test_credential_sets_take_secrets_from_files_never_print_them(live: LiveHub,
                                                                  tmp_path: Path) -> None:
    assert _has(live, "/credential-sets")
    community = "s3cret-" + secrets.token_hex(4)
    (tmp_path / "community").write_text(community + "\n")
    name = unique("v2c")
    made = run(live, "credentials", "create", name, "--kind", "snmp_v2c",
               "--community-file", str(tmp_path / "community"), "--json")
    body = ok_json(made)
    assert body["name"] == name and community not in made.output
    prompted = run(live, "credentials", "create", unique("v2c"), "--kind", "snmp_v2c",
                   stdin=community + "\n")
    assert prompted.exit_code == 0 and community not in prompted.output, prompted.output
    unanswered = run(live, "credentials", "create", unique("v2c"), "--kind", "snmp_v2c",
                     stdin="")  # the prompt, then one line saying where a secret can come from
    assert unanswered.exit_code == 2 and "Traceback" not in unanswered.output
    assert unanswered.stderr.splitlines()[0].strip() == "community:", unanswered.stderr
    line = one_line_failure(unanswered, skip=1)
    assert "--community-file" in line and "DOTMAC_HUB_CRED_COMMUNITY" in line
    from_env = run(live, "credentials", "create", unique("v3"), "--kind", "snmp_v3", "--user",
                   "noc", "--auth-proto", "sha", "--json",
                   env=live.env(DOTMAC_HUB_CRED_AUTH_KEY="auth-" + community))
    assert ok_json(from_env)["secrets_set"] == ["auth_key"], from_env.output
    wrong = one_line_failure(run(live, "credentials", "create", unique("v2c"), "--kind",
                                 "snmp_v2c", "--password-file", str(tmp_path / "community")))
    assert "a snmp_v2c set has no password" in wrong
    shown = run(live, "credentials", "show", name)
    assert "community" in shown.stdout and community not in shown.output
    listed = run(live, "credentials", "list", "--json")
    assert name in listed.stdout and community not in listed.stdout
    site = ok_json(run(live, "sites", "create", unique("pop"), "--json"))
    device = ok_json(run(live, "devices", "create", unique("sw"), "192.0.2.30", "--site",
                         site["name"], "--snmp-credentials", name, "--json"))
    assert device["snmp_credential_id"] == body["id"]
    rotated = run(live, "credentials", "update", name, "--rotate", stdin="new-" + community)
    assert rotated.exit_code == 0 and "1 secret(s) replaced" in rotated.stderr, rotated.output


def test_agents_list_shows_config_state_when_the_hub_has_it(live: LiveHub) -> None:
    assert _has(live, "/agent-configs")
    site = ok_json(run(live, "sites", "create", unique("pop"), "--json"))
    agent = ok_json(run(live, "agents", "create", unique("agent"), "--site", site["id"],
                        "--json"))
    listed = ok_json(run(live, "agents", "list", "--site", site["id"], "--json"))
    assert listed[0]["id"] == agent["id"] and "desired_version" in listed[0]


def test_devices_polling_options_and_credential_names(live: LiveHub, tmp_path: Path) -> None:
    assert _has(live, "/credential-sets")
    (tmp_path / "pw").write_text("ssh-" + secrets.token_hex(4))
    ssh = ok_json(run(live, "credentials", "create", unique("ssh"), "--kind", "ssh",
                      "--username", "backup", "--password-file", str(tmp_path / "pw"),
                      "--json"))
    assert ssh["secrets_set"] == ["password"] and ssh["username"] == "backup"
    site = ok_json(run(live, "sites", "create", unique("pop"), "--json"))
    made = ok_json(run(live, "devices", "create", unique("olt"), "192.0.2.40", "--site",
                       site["name"], "--telemetry", "both", "--ssh-credentials", ssh["name"],
                       "--ssh-port", "2222", "--interval", "30", "--retries", "3",
                       "--maintenance", "--json"))
    assert (made["telemetry"], made["ssh_credential_id"], made["ssh_port"], made["interval_s"],
            made["retries"], made["maintenance"]) == ("both", ssh["id"], 2222, 30, 3, True)
    changed = ok_json(run(live, "devices", "update", made["name"], "--disabled",
                          "--no-maintenance", "--telemetry", "snmp", "--ssh-credentials",
                          "none", "--json"))
    assert (changed["enabled"], changed["maintenance"], changed["ssh_credential_id"]) == (
        False, False, None)
    line = one_line_failure(run(live, "credentials", "delete", "no-such-set", "--yes"))
    assert "no credential set named 'no-such-set'" in line and "credentials list" in line


def test_devices_export_then_import_dry_run_and_row_errors(live: LiveHub, tmp_path: Path
                                                           ) -> None:
    assert _has(live, "/inventory/devices.csv")
    site = ok_json(run(live, "sites", "create", unique("pop"), "--json"))
    ok_json(run(live, "devices", "create", unique("csv-sw"), "192.0.2.50", "--site",
                site["name"], "--json"))
    exported = run(live, "devices", "export")
    assert exported.exit_code == 0 and exported.stdout.startswith("name,"), exported.output
    (tmp_path / "devices.csv").write_text(exported.stdout)
    checked = ok_json(run(live, "devices", "import", str(tmp_path / "devices.csv"),
                          "--dry-run", "--json"))
    assert checked["dry_run"] is True and checked["created"] == 0 and checked["unchanged"] >= 1
    said = run(live, "devices", "import", str(tmp_path / "devices.csv"), "--dry-run")
    assert said.exit_code == 0 and "dry run, nothing changed" in said.stderr, said.output
    new = unique("csv-new")
    (tmp_path / "bad.csv").write_text(
        "name,site,management_address\n"
        f"{new},{site['name']},192.0.2.51\n"
        "bad name!,no-such-site,192.0.2.52\n"
        f"{unique('csv')},{site['name']},not-an-ip\n")
    refused = run(live, "devices", "import", str(tmp_path / "bad.csv"))
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    lines = refused.stderr.strip().splitlines()
    assert "nothing imported" in lines[0] and len(lines) >= 3, refused.stderr
    assert any("line 3" in line for line in lines) and any("line 4" in line for line in lines)
    assert one_line_failure(run(live, "devices", "show", new))  # all or nothing: not created


def test_discoveries_create_list_show_adopt(live: LiveHub, tmp_path: Path) -> None:
    assert _has(live, "/credential-sets") and _has(live, "/discoveries/{discovery_id}/adopt")
    (tmp_path / "community").write_text("disc-" + secrets.token_hex(4))
    v2c = ok_json(run(live, "credentials", "create", unique("v2c"), "--kind", "snmp_v2c",
                      "--community-file", str(tmp_path / "community"), "--json"))
    site = ok_json(run(live, "sites", "create", unique("pop"), "--json"))
    line = one_line_failure(run(live, "discoveries", "create", "--site", site["name"],
                                "--cidr", "192.0.2.0/28", "--credentials", v2c["name"]))
    assert "422" in line and "agent" in line  # no agent in the site to sweep it
    agent = ok_json(run(live, "agents", "create", unique("agent"), "--site", site["name"],
                        "--json"))
    made = ok_json(run(live, "discoveries", "create", "--site", site["name"], "--cidr",
                       "192.0.2.0/28", "--credentials", v2c["name"], "--json"))
    assert made["agent_id"] == agent["id"] and made["cidrs"] == ["192.0.2.0/28"]
    listed = ok_json(run(live, "discoveries", "list", "--site", site["name"], "--json"))
    assert [row["id"] for row in listed] == [made["id"]]
    shown = ok_json(run(live, "discoveries", "show", made["id"], "--json"))
    assert shown["state"] in ("pending", "running") and shown["candidates"] == []
    table = run(live, "discoveries", "show", made["id"])
    assert table.exit_code == 0 and made["id"] in table.stdout, table.output
    waited = one_line_failure(run(live, "discoveries", "show", made["id"], "--wait",
                                  "--wait-timeout", "0"))  # no agent runs it here
    assert f"still {shown['state']}" in waited and "discoveries show" in waited
    assert "nothing to adopt" in one_line_failure(run(live, "discoveries", "adopt",
                                                      made["id"], "--all"))
    assert "not a candidate" in one_line_failure(run(live, "discoveries", "adopt", made["id"],
                                                     "--candidate", "192.0.2.9"))
    assert "--all" in one_line_failure(run(live, "discoveries", "adopt", made["id"]))


def _report_found(pg_url: str, live: LiveHub, discovery: dict[str, Any], credential: str,
                  ) -> None:
    """The sweeping agent's final report, published as ingest publishes it (no agent and no
    broker run in this module): two hosts found, the sweep done."""
    from hub import domain_events
    from hub.db import create_engine, session_factory
    from hub.handlers import wire
    from hub.ingest.events import DiscoveryReported
    from protocol.messages import DiscoveryCandidate, DiscoveryReport

    me = httpx.get(f"{live.url}/auth/me", headers={"Authorization": f"Bearer {live.token}"},
                   timeout=30).json()
    found = [DiscoveryCandidate(address=address, credential=uuid.UUID(credential),
                                sys_name=name, profile="cisco_ios", reason="sysObjectID")
             for address, name in (("192.0.2.1", "found-sw1"), ("192.0.2.2", "found-sw2"))]
    message = DiscoveryReport(agent_id="agent", seq=1, ts=datetime.now(UTC),
                              discovery_id=uuid.UUID(discovery["id"]), scanned=14, total=14,
                              done=True, candidates=found)

    async def deliver() -> None:
        wire()
        engine = create_engine(pg_url)
        try:
            async with session_factory(engine)() as session, session.begin():
                await domain_events.publish(session, DiscoveryReported(
                    uuid.UUID(me["tenant_id"]), uuid.UUID(discovery["agent_id"]), message,
                    datetime.now(UTC)))
        finally:
            await engine.dispose()

    asyncio.run(deliver())


def test_discovery_wait_shows_candidates_and_adopt_makes_devices(
        live: LiveHub, pg_url: str, tmp_path: Path) -> None:
    assert _has(live, "/credential-sets") and _has(live, "/discoveries/{discovery_id}/adopt")
    (tmp_path / "community").write_text("disc-" + secrets.token_hex(4))
    v2c = ok_json(run(live, "credentials", "create", unique("v2c"), "--kind", "snmp_v2c",
                      "--community-file", str(tmp_path / "community"), "--json"))
    site = ok_json(run(live, "sites", "create", unique("pop"), "--json"))
    ok_json(run(live, "agents", "create", unique("agent"), "--site", site["name"], "--json"))
    made = ok_json(run(live, "discoveries", "create", "--site", site["name"], "--cidr",
                       "192.0.2.0/28", "--credentials", v2c["id"], "--json"))
    _report_found(pg_url, live, made, v2c["id"])
    waited = run(live, "discoveries", "show", made["id"], "--wait")
    assert waited.exit_code == 0, waited.output
    assert "found-sw1" in waited.stdout and "found-sw2" in waited.stdout
    candidates = ok_json(run(live, "discoveries", "show", made["id"], "--json"))["candidates"]
    first = next(c for c in candidates if c["address"] == "192.0.2.1")
    name = unique("adopted")
    adopted = ok_json(run(live, "discoveries", "adopt", made["id"], "--candidate",
                          "192.0.2.1", "--name", f"192.0.2.1={name}", "--json"))
    assert [(d["candidate_id"], d["name"]) for d in adopted["devices"]] == [(first["id"], name)]
    assert ok_json(run(live, "devices", "show", name, "--json"))["profile"] == "cisco_ios"
    rest = run(live, "discoveries", "adopt", made["id"], "--all")
    assert rest.exit_code == 0 and "1 candidate(s) adopted" in rest.stderr, rest.output
    assert "nothing to adopt" in one_line_failure(run(live, "discoveries", "adopt",
                                                      made["id"], "--all"))


def test_every_operator_command_has_examples_in_its_help() -> None:
    groups = ("sites", "devices", "credentials", "agents", "discoveries", "jobs")
    runner = CliRunner()
    for group in groups:
        top = runner.invoke(app, [group, "--help"], env={"COLUMNS": "200"})
        assert top.exit_code == 0 and "Examples" in top.output, (group, top.output)
        commands = typer_commands(group)
        assert commands, group
        for command in commands:
            shown = runner.invoke(app, [group, command, "--help"], env={"COLUMNS": "200"})
            assert shown.exit_code == 0 and f"dotmac-hub {group} {command}" in shown.output, (
                group, command, shown.output)


def typer_commands(group: str) -> list[str]:
    """The sub-commands of `dotmac-hub GROUP`, read from the app."""
    import typer

    root = typer.main.get_command(app)
    sub = root.commands[group]  # type: ignore[attr-defined]
    return list(sub.commands)


def test_secrets_are_never_a_plain_option() -> None:
    """No option of `credentials` takes a secret's value: only its file."""
    for command in ("create", "update"):
        shown = CliRunner().invoke(app, ["credentials", command, "--help"],
                                   env={"COLUMNS": "200"}).output
        for secret in ("community", "auth-key", "priv-key", "password", "private-key",
                       "enable-secret"):
            assert f"--{secret}-file" in shown
            assert f"--{secret} " not in shown, (command, secret)


