"""Issue #17's proof, end to end on real services: the hub's API on PostgreSQL, its ingest
worker and config pusher on Mosquitto, the real `dotmac-agent run` process, snmpd and the
SSH device simulator. The hub is the only place devices and credentials are written; the
agent's agent.yaml holds identity and broker settings only.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
import pytest_asyncio

from hub import migrations
from hub.fleet.pusher import ConfigPusher
from hub.handlers import wire
from hub.jobs.dispatcher import JobDispatcher
from hub.jobs.mqtt import MqttCommandPublisher
from tests.agent_snmp.test_discovery_runner import second_snmpd
from tests.hub.harness import (
    Account,
    Hub,
    create_database,
    drop_database,
    hub_settings,
    running_hub,
)
from tests.hub.ingest.harness import engine_and_sessions, make_workers, pg_url
from tests.services.mosquitto import Broker
from tests.services.postgres import Postgres
from tests.services.snmp import Snmpd, Snmpsim
from tests.services.victoria import Victoria
from tests.ssh_sim import Simulator

__all__ = ["second_snmpd"]  # the fixture, shared with the agent's discovery tests
pytestmark = pytest.mark.asyncio(loop_scope="session")
AGENT_BIN = Path(sys.executable).parent / "dotmac-agent"
WRONG_COMMUNITY = "wrong-" + secrets.token_hex(6)
T = TypeVar("T")


@dataclass
class Stack:
    """The hub side for the whole module."""

    hub: Hub
    owner: Account
    broker: Broker
    url: str
    make_pusher: Callable[[], ConfigPusher]
    hub_log: list[str] = field(default_factory=list)
    pusher: ConfigPusher | None = None
    pusher_task: asyncio.Task[None] | None = None

    def start_pusher(self) -> None:
        """Run a config pusher (ticking every 0.2 s) until `stop_pusher`."""
        self.pusher = self.make_pusher()
        self.pusher_task = asyncio.create_task(self.pusher.run())

    async def stop_pusher(self) -> None:
        """Stop pushing (as if the hub were down; broker and ingest keep running)."""
        if self.pusher is not None and self.pusher_task is not None:
            self.pusher.stop()
            await self.pusher_task
        self.pusher = self.pusher_task = None


class _Capture:
    """Every log line the hub process writes while the module runs (for the secrets check)."""

    def __init__(self, lines: list[str]) -> None:
        import logging

        self.lines = lines
        self.handler = logging.Handler(level=logging.DEBUG)
        self.handler.emit = lambda record: lines.append(  # type: ignore[method-assign]
            record.getMessage() + (str(record.exc_info) if record.exc_info else ""))
        self.root = logging.getLogger()

    def __enter__(self) -> None:
        import logging

        self.level = self.root.level
        self.root.setLevel(logging.DEBUG)
        self.root.addHandler(self.handler)

    def __exit__(self, *_exc: object) -> None:
        self.root.removeHandler(self.handler)
        self.root.setLevel(self.level)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack(postgres: Postgres, mosquitto: Broker,
                victoria: Victoria) -> AsyncIterator[Stack]:
    """Hub API, one ingest worker, the job dispatcher and the config pusher."""
    url = pg_url(postgres, create_database(postgres.admin_dsn, "proof17"))
    migrations.upgrade(url)
    engine, sessions = engine_and_sessions(url)
    settings = hub_settings(url)
    lines: list[str] = []
    group = f"proof-{secrets.token_hex(3)}"
    with _Capture(lines):
        async with running_hub(settings, migrate=False) as hub:
            wire()
            workers = make_workers(mosquitto, sessions, victoria.url, group, count=1)
            await workers.start()
            publisher = MqttCommandPublisher(mosquitto.host, mosquitto.port,
                                             mosquitto.hub.username, mosquitto.hub.password,
                                             f"{group}-cmd")
            dispatcher = JobDispatcher(sessions, publisher, interval_s=0.2)
            task = asyncio.create_task(dispatcher.run())
            owner = await hub.new_tenant("proof")
            made = Stack(hub, owner, mosquitto, url, lambda: ConfigPusher(
                sessions, publisher, settings.secret_key, interval_s=0.2, resend_after_s=5.0),
                lines)
            made.start_pusher()
            try:
                yield made
            finally:
                await made.stop_pusher()
                dispatcher.stop()
                await task
                await publisher.close()
                await workers.stop()
    await engine.dispose()
    drop_database(postgres.admin_dsn, url.rsplit("/", 1)[1])


class AgentProcess:
    """`dotmac-agent run` with an agent.yaml of identity and broker settings only."""

    def __init__(self, stack: Stack, agent_id: str, workdir: Path) -> None:
        creds = stack.broker.add_user(agent_id)
        self.password = creds.password
        self.dir = workdir
        self.config = workdir / "agent.yaml"
        self.config.write_text(
            f"agent:\n  id: '{agent_id}'\n  state_dir: {workdir / 'state'}\n"
            f"broker:\n  host: {stack.broker.host}\n  port: {stack.broker.port}\n  tls: false\n"
            f"  username: '{creds.username}'\n  password: '{creds.password}'\n"
            "health_interval_s: 5\n")
        self.log = workdir / "agent.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            out.write(b"### START\n")
            self.proc = subprocess.Popen([str(AGENT_BIN), "run", "--config", str(self.config)],
                                         stdout=out, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(60)
        self.proc = None

    def status(self) -> dict[str, Any]:
        path = self.dir / "state" / "status.json"
        try:
            data: dict[str, Any] = json.loads(path.read_text())
        except (OSError, ValueError):  # not written yet, or being replaced
            return {}
        return data

    def polled(self, device_id: str) -> dict[str, Any] | None:
        device: dict[str, Any] | None = self.status().get("devices", {}).get(device_id)
        return device

    def since_last_start(self) -> str:
        return self.log.read_text().rsplit("### START\n", 1)[-1]


async def until(what: str, check: Callable[[], Awaitable[T | None]], within_s: float = 60,
                ) -> T:
    """Wait for `check()` to return something truthy; fail with `what` otherwise."""
    deadline = time.monotonic() + within_s
    while True:
        found = await check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within_s}s")
        await asyncio.sleep(0.25)


async def api(stack: Stack, method: str, path: str, body: dict[str, Any] | None = None,
              expect: int = 200) -> Any:
    resp = await stack.hub.client.request(method, path, json=body,
                                          headers=stack.owner.headers)
    assert resp.status_code == expect, (method, path, resp.status_code, resp.text)
    return resp.json() if resp.content else None


async def new_agent(stack: Stack, tmp_path: Path) -> tuple[dict[str, Any], AgentProcess]:
    site = await api(stack, "POST", "/sites", {"name": f"pop-{secrets.token_hex(3)}"}, 201)
    agent = await api(stack, "POST", "/agents", {"site_id": site["id"],
                                                 "name": f"agent-{secrets.token_hex(3)}"}, 201)
    return {"site": site["id"], "agent": agent["id"]}, AgentProcess(stack, agent["id"],
                                                                    tmp_path)


async def in_sync(stack: Stack, agent_id: str, devices: int | None = None,
                  within_s: float = 60) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        state: dict[str, Any] = await api(stack, "GET", f"/agents/{agent_id}/config")
        ok = state["in_sync"] and state["applied_version"] > 0 and (
            devices is None or state["devices"] == devices)
        return state if ok else None
    return await until(f"agent {agent_id} in sync", check, within_s)


async def test_a_hub_device_is_polled_then_rotated_disabled_and_deleted(
        stack: Stack, snmpd: Snmpd, tmp_path: Path) -> None:
    where, agent = await new_agent(stack, tmp_path)
    host, port = snmpd.target.rsplit(":", 1)
    snmp = await api(stack, "POST", "/credential-sets", {
        "name": f"snmp-{secrets.token_hex(3)}", "kind": "snmp_v2c",
        "community": WRONG_COMMUNITY}, 201)
    device = await api(stack, "POST", "/devices", {
        "site_id": where["site"], "agent_id": where["agent"], "name": "core-1",
        "management_address": host, "snmp_port": int(port), "profile": "linux",
        "interval_s": 2, "timeout_s": 1, "retries": 0, "snmp_credential_id": snmp["id"]}, 201)
    agent.start()
    try:
        await in_sync(stack, where["agent"], devices=1)
        # Polled under its hub id, with the (wrong) community of the set: it times out.
        failing = await until("the wrong community fails", lambda: _async(
            (agent.polled(device["id"]) or {}).get("last_error")))
        assert failing == "timeout"

        await api(stack, "PATCH", f"/credential-sets/{snmp['id']}",
                  {"community": snmpd.community})
        await until("the rotated community works", lambda: _async(
            (d := agent.polled(device["id"])) and d["cycles"] > d["failures"]
            and d["last_error"] is None))
        observed = await until("the hub observed it up under its id", lambda: _observed(
            stack, device["id"]))
        assert observed["interfaces"] and observed["reported_as"] == device["id"], observed

        # Renamed at the hub: nothing the agent keys by changes.
        await api(stack, "PATCH", f"/devices/{device['id']}", {"name": "core-1-renamed"})
        await in_sync(stack, where["agent"], devices=1)
        assert agent.polled(device["id"]) is not None

        await api(stack, "PATCH", f"/devices/{device['id']}", {"enabled": False})
        await in_sync(stack, where["agent"], devices=0)
        await until("disabled: no longer polled", lambda: _async(
            agent.polled(device["id"]) is None))

        await api(stack, "PATCH", f"/devices/{device['id']}", {"enabled": True})
        await in_sync(stack, where["agent"], devices=1)
        await api(stack, "DELETE", f"/devices/{device['id']}", expect=204)
        await in_sync(stack, where["agent"], devices=0)
        await until("deleted: gone from the agent", lambda: _async(
            agent.polled(device["id"]) is None))
    finally:
        agent.stop()


async def test_an_agent_away_during_three_changes_applies_only_the_newest(
        stack: Stack, snmpd: Snmpd, tmp_path: Path) -> None:
    where, agent = await new_agent(stack, tmp_path)
    host, port = snmpd.target.rsplit(":", 1)
    snmp = await api(stack, "POST", "/credential-sets", {
        "name": f"snmp-{secrets.token_hex(3)}", "kind": "snmp_v2c",
        "community": snmpd.community}, 201)
    device = await api(stack, "POST", "/devices", {
        "site_id": where["site"], "agent_id": where["agent"], "name": "edge-1",
        "management_address": host, "snmp_port": int(port), "profile": "linux",
        "interval_s": 2, "timeout_s": 1, "retries": 0, "snmp_credential_id": snmp["id"]}, 201)
    agent.start()
    try:
        before = await in_sync(stack, where["agent"], devices=1)
        agent.stop()
        await until("the hub saw the agent go offline", lambda: _agent_state(
            stack, where["agent"], "offline"))
        for n in range(3):
            await api(stack, "PATCH", f"/devices/{device['id']}", {"name": f"edge-1-v{n}"})
        state = await api(stack, "GET", f"/agents/{where['agent']}/config")
        newest = state["desired_version"]
        assert newest == before["applied_version"] + 3 and not state["in_sync"], state

        agent.start()
        after = await in_sync(stack, where["agent"], devices=1)
        assert after["applied_version"] == newest
        log = agent.since_last_start()
        assert re.findall(r"config\.applied version=(\d+)", log) == [str(newest)], log[-3000:]
        assert f"config.hub_loaded version={before['applied_version']}" in log

        # The hub goes away; the agent restarted meanwhile polls the last applied config.
        agent.stop()
        await stack.stop_pusher()
        try:
            agent.start()
            polled = await until("the stored config polled without the hub", lambda: _async(
                (d := agent.polled(device["id"])) and d["cycles"] >= 2 and d))
            assert polled["last_error"] is None
            assert "config.applied" not in agent.since_last_start()  # nothing was pushed
        finally:
            stack.start_pusher()
    finally:
        agent.stop()


async def test_a_discovery_finds_the_range_and_adopted_devices_are_polled(
        stack: Stack, snmpsim: Snmpsim, second_snmpd: str, tmp_path: Path) -> None:
    """127.0.0.0/30 on snmpsim's port holds the Cisco IOS recording (127.0.0.1) and a
    net-snmp snmpd (127.0.0.2, see tests/agent_snmp/test_discovery_runner.py): the site's
    agent finds both, each through the credential set that works, with the right profile;
    adopting them makes them polled within one push."""
    where, agent = await new_agent(stack, tmp_path)
    sets = [(await api(stack, "POST", "/credential-sets", {
        "name": f"snmp-{secrets.token_hex(3)}", "kind": "snmp_v2c", "site_id": where["site"],
        "community": community}, 201))["id"]
        for community in (snmpsim.communities["cisco-ios"], second_snmpd)]
    discovery = await api(stack, "POST", f"/sites/{where['site']}/discoveries", {
        "cidrs": ["127.0.0.0/30"], "credential_set_ids": sets, "port": snmpsim.port,
        "timeout_s": 3, "concurrency": 4}, 202)
    agent.start()
    try:
        done = await until("the discovery finished", lambda: _discovery_done(
            stack, discovery["id"]), within_s=120)
        found = {c["address"]: c for c in done["candidates"]}
        assert set(found) == {"127.0.0.1", "127.0.0.2"}, done
        assert found["127.0.0.1"]["profile"] == "cisco_ios" and found["127.0.0.1"]["reason"]
        assert found["127.0.0.2"]["profile"] == "linux", found["127.0.0.2"]
        assert found["127.0.0.2"]["credential_set_id"] == sets[1]
        assert (done["scanned"], done["total"]) == (2, 2)

        adopted = await api(stack, "POST", f"/discoveries/{discovery['id']}/adopt", {
            "candidates": [{"candidate_id": c["id"], "interval_s": 5}
                           for c in found.values()]}, 201)
        ids = [d["id"] for d in adopted["devices"]]
        await in_sync(stack, where["agent"], devices=2)
        for device_id in ids:
            await until(f"adopted device {device_id} polled", lambda d=device_id: _async(
                (p := agent.polled(d)) and p["cycles"] >= 1 and p["last_error"] is None),
                within_s=90)
    finally:
        agent.stop()


async def test_secrets_never_leave_the_sets(
        stack: Stack, ssh_sim: Simulator, snmpd: Snmpd, postgres: Postgres,
        tmp_path: Path) -> None:
    """Every secret used by a device is looked for in API responses, hub and agent logs,
    audit events and job outputs: none is found. Between the two jobs the device is
    renamed at the hub: jobs and backups go by its id, so the second job and its backup
    work as before."""
    sim = ssh_sim.add_device("cisco_ios")
    where, agent = await new_agent(stack, tmp_path)
    host, port = snmpd.target.rsplit(":", 1)
    secrets_used = {snmpd.community, sim.password, sim.enable_secret}
    responses: list[str] = []

    async def call(method: str, path: str, body: dict[str, Any] | None = None,
                   expect: int = 200) -> Any:
        resp = await stack.hub.client.request(method, path, json=body,
                                              headers=stack.owner.headers)
        responses.append(resp.text)
        assert resp.status_code == expect, resp.text
        json_body = resp.headers.get("content-type", "").startswith("application/json")
        return resp.json() if json_body else resp.text

    snmp = await call("POST", "/credential-sets", {
        "name": f"snmp-{secrets.token_hex(3)}", "kind": "snmp_v2c",
        "community": snmpd.community}, 201)
    ssh = await call("POST", "/credential-sets", {
        "name": f"ssh-{secrets.token_hex(3)}", "kind": "ssh", "username": sim.username,
        "password": sim.password, "enable_secret": sim.enable_secret}, 201)
    device = await call("POST", "/devices", {
        "site_id": where["site"], "agent_id": where["agent"], "name": sim.name,
        "management_address": host, "snmp_port": int(port), "profile": "cisco_ios",
        "interval_s": 5, "timeout_s": 2, "ssh_port": sim.port,
        "snmp_credential_id": snmp["id"], "ssh_credential_id": ssh["id"]}, 201)
    agent.start()
    try:
        before = await in_sync(stack, where["agent"], devices=1)
        done = []
        for action, params in (("run_show", {"command": "show version"}),
                               ("backup_config", {})):
            if action == "backup_config":  # renamed between the two jobs: nothing breaks
                await call("PATCH", f"/devices/{device['id']}", {"name": f"{sim.name}-new"})
                renamed = await in_sync(stack, where["agent"], devices=1)
                assert renamed["applied_version"] > before["applied_version"]
            job = await stack.hub.client.post("/jobs", headers={
                **stack.owner.headers, "Idempotency-Key": secrets.token_hex(8)}, json={
                "device_id": device["id"], "action": action, "params": params,
                "deadline_s": 60})
            assert job.status_code == 201, job.text
            done.append(await until("the job finished", lambda j=job.json()["id"]: _job_done(
                stack, j)))
            assert done[-1]["state"] == "succeeded", done[-1]
        backups = await call("GET", f"/devices/{device['id']}/config-versions")
        assert len(backups["data"]) == 1, backups  # the backup of the renamed device is kept
        for path in (f"/devices/{device['id']}", "/devices", f"/credential-sets/{snmp['id']}",
                     f"/credential-sets/{ssh['id']}", "/credential-sets",
                     f"/agents/{where['agent']}/config", "/audit-events",
                     *(f"/jobs/{j['id']}" for j in done), f"/devices/{device['id']}/observed",
                     f"/devices/{device['id']}/config-versions", "/inventory/devices.csv"):
            await call("GET", path)
    finally:
        agent.stop()
    audit = _rows(postgres, stack.url, "SELECT action, detail::text FROM audit_events")
    outputs = _rows(postgres, stack.url, "SELECT output FROM provisioning_jobs") + \
        _rows(postgres, stack.url, "SELECT text FROM config_versions")
    sealed = _rows(postgres, stack.url, "SELECT sealed, public::text FROM credential_sets")
    places = {"API responses": "\n".join(responses), "hub log": "\n".join(stack.hub_log),
              "agent log": agent.log.read_text(), "audit events": audit,
              "job outputs": outputs, "credential_sets rows": sealed}
    assert all(places.values()), {k: len(v) for k, v in places.items()}  # we looked at text
    for secret in secrets_used:
        for where_, content in places.items():
            assert secret not in content, f"a secret leaked into the {where_}"


# ---- helpers --------------------------------------------------------------------------------

async def _async(value: T) -> T:
    return value


async def _discovery_done(stack: Stack, discovery_id: str) -> dict[str, Any] | None:
    body: dict[str, Any] = await api(stack, "GET", f"/discoveries/{discovery_id}")
    assert body["state"] != "failed", body
    return body if body["state"] == "done" else None


async def _observed(stack: Stack, device_id: str) -> dict[str, Any] | None:
    body = await api(stack, "GET", f"/devices/{device_id}/observed")
    observed: dict[str, Any] | None = body["observed"]
    return observed if observed and observed.get("interfaces") and \
        observed.get("status") == "up" else None


async def _agent_state(stack: Stack, agent_id: str, state: str) -> bool:
    agents = (await api(stack, "GET", "/analytics/agents/health"))["data"]
    return any(a["agent_id"] == agent_id and a["state"] == state for a in agents)


async def _job_done(stack: Stack, job_id: str) -> dict[str, Any] | None:
    job: dict[str, Any] = await api(stack, "GET", f"/jobs/{job_id}")
    return job if job["state"] in {"succeeded", "failed", "rolled_back", "expired"} else None


def _rows(postgres: Postgres, url: str, sql: str) -> str:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"host={postgres.host} port={postgres.port} user={postgres.user} "
                         f"dbname={name}") as conn:
        return "\n".join(" ".join(str(v) for v in row) for row in conn.execute(sql))
