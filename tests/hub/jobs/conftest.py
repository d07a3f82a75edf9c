"""The whole provisioning path on real services: hub API + PostgreSQL, ingest worker and
job dispatcher on Mosquitto, an in-process agent runtime, and the SSH simulator."""

from __future__ import annotations

import asyncio
import contextlib
import faulthandler
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edge_agent.runtime import AgentRuntime
from hub import migrations
from hub.jobs.dispatcher import JobDispatcher
from hub.jobs.mqtt import MqttCommandPublisher
from tests.hub.harness import (
    Account,
    Hub,
    create_database,
    drop_database,
    hub_settings,
    running_hub,
)
from tests.hub.ingest.harness import Workers, engine_and_sessions, make_workers, pg_url
from tests.services.mosquitto import Broker
from tests.services.postgres import Postgres
from tests.services.snmp import Snmpd
from tests.services.victoria import Victoria
from tests.ssh_sim import SimDevice


@dataclass
class Stack:
    """The hub side, running for the whole module."""

    hub: Hub
    owner: Account
    sessions: async_sessionmaker[AsyncSession]
    broker: Broker
    snmpd: Snmpd
    dispatcher: JobDispatcher


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack(postgres: Postgres, mosquitto: Broker, victoria: Victoria,
                snmpd: Snmpd) -> AsyncIterator[Stack]:
    """Hub app, one ingest worker and the dispatcher on a private database."""
    url = pg_url(postgres, create_database(postgres.admin_dsn, "jobs"))
    migrations.upgrade(url)
    engine, sessions = engine_and_sessions(url)
    group = f"jobs-{secrets.token_hex(3)}"
    workers: Workers = make_workers(mosquitto, sessions, victoria.url, group, count=1)
    await workers.start()
    publisher = MqttCommandPublisher(mosquitto.host, mosquitto.port, mosquitto.hub.username,
                                     mosquitto.hub.password, f"{group}-dispatch")
    dispatcher = JobDispatcher(sessions, publisher, interval_s=0.2)
    task = asyncio.create_task(dispatcher.run())
    async with running_hub(hub_settings(url), migrate=False) as hub:
        owner = await hub.new_tenant("jobs")
        yield Stack(hub, owner, sessions, mosquitto, snmpd, dispatcher)
    dispatcher.stop()
    await task
    await publisher.close()
    await workers.stop()
    await engine.dispose()
    drop_database(postgres.admin_dsn, url.rsplit("/", 1)[1])


@dataclass
class Site:
    """An agent with one simulated device, registered at the hub."""

    agent_id: str
    device_id: str
    config: Path
    runtime: AgentRuntime | None = None
    task: asyncio.Task[None] | None = None

    async def start(self, stack: Stack) -> None:
        """Run the agent runtime in this event loop; return once the hub has seen it."""
        self.runtime = AgentRuntime(self.config)
        self.task = asyncio.create_task(self.runtime.run())
        await agent_seen(stack, self.agent_id)

    async def stop(self) -> None:
        """Drain and stop the agent (and its shutdown watchdog: the test process stays)."""
        if self.runtime is not None and self.task is not None:
            self.runtime.request_stop()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.task, 30)
            faulthandler.cancel_dump_traceback_later()
        self.runtime = self.task = None


async def agent_seen(stack: Stack, agent_id: str, within_s: float = 20) -> None:
    """Wait until the hub has a message from the agent, i.e. its broker session (and with it
    the command subscription) exists: the broker drops commands for a never-seen client."""
    for _ in range(int(within_s / 0.1)):
        resp = await stack.hub.client.get(f"/agents/{agent_id}", headers=stack.owner.headers)
        assert resp.status_code == 200, resp.text
        if resp.json()["last_seen_at"] is not None:
            await asyncio.sleep(0.3)  # the subscribe runs beside the first publish
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"agent {agent_id} never reached the hub within {within_s}s")


async def new_site(stack: Stack, device: SimDevice, tmp_path: Path) -> Site:
    """Create site, agent (broker login = its id) and device at the hub; write the agent's
    config: the device has an ssh block to the simulator and SNMP on the snmpd fixture."""
    hub, owner = stack.hub, stack.owner
    site = await hub.post(owner, "/sites", {"name": f"pop-{secrets.token_hex(3)}"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"],
                                              "name": f"agent-{secrets.token_hex(3)}"})
    made = await hub.post(owner, "/devices", {
        "site_id": site["id"], "agent_id": agent["id"], "name": device.name,
        "management_address": "127.0.0.1", "profile": device.platform})
    creds = stack.broker.add_user(agent["id"])
    host, port = stack.snmpd.target.rsplit(":", 1)
    config = tmp_path / f"agent-{agent['id']}.yaml"
    config.write_text(
        f"agent:\n  id: '{agent['id']}'\n  state_dir: {tmp_path / agent['id']}\n"
        f"broker:\n  host: {stack.broker.host}\n  port: {stack.broker.port}\n  tls: false\n"
        f"  username: '{creds.username}'\n  password: '{creds.password}'\n"
        "health_interval_s: 5\n"
        f"devices:\n  - name: {device.name}\n    host: {host}\n    port: {port}\n"
        f"    profile: {device.platform}\n    interval_s: 300\n"
        f"    snmp: {{community: {stack.snmpd.community}}}\n"
        f"    ssh: {{username: {device.username}, password: {device.password}, "
        f"port: {device.port}, enable_secret: {device.enable_secret}, timeout_s: 5}}\n")
    return Site(agent["id"], made["id"], config)


@pytest_asyncio.fixture(loop_scope="session")
async def sites() -> AsyncIterator[list[Site]]:
    """Sites made by a test; their agents are stopped afterwards."""
    made: list[Site] = []
    yield made
    for site in made:
        await site.stop()


async def create_job(stack: Stack, device_id: str, action: str, key: str | None = None,
                     deadline_s: int = 60, **params: Any) -> dict[str, Any]:
    """POST /jobs as the tenant owner; must be accepted."""
    headers = dict(stack.owner.headers)
    headers["Idempotency-Key"] = key or secrets.token_hex(8)
    resp = await stack.hub.client.post("/jobs", headers=headers, json={
        "device_id": device_id, "action": action, "params": params, "deadline_s": deadline_s})
    assert resp.status_code == 201, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def wait_job(stack: Stack, job_id: str, done: Callable[[dict[str, Any]], bool],
                   within_s: float = 30) -> dict[str, Any]:
    """Poll GET /jobs/{id} until `done(job)`; fail with the last state otherwise."""
    last: dict[str, Any] = {}
    for _ in range(int(within_s / 0.2)):
        resp = await stack.hub.client.get(f"/jobs/{job_id}", headers=stack.owner.headers)
        assert resp.status_code == 200, resp.text
        last = resp.json()
        if done(last):
            return last
        await asyncio.sleep(0.2)
    raise AssertionError(f"job {job_id} did not get there in {within_s}s: {last}")


def final(job: dict[str, Any]) -> bool:
    """The job reached a final state."""
    return job["state"] in {"succeeded", "failed", "rolled_back", "expired", "cancelled"}
