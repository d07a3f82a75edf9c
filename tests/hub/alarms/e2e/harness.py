"""The whole alarm path on real services, for the #18 proof.

A REAL agent process (`dotmac-agent run`) with its trap and syslog receivers on free loopback
ports, a Mosquitto broker of the module's own (the outage test stops it), the hub API on a
migrated PostgreSQL database, an ingest worker, the alarm evaluator, the alarm notifier and
the webhook worker wired as every hub process is (`hub.handlers.wire`, called by
`create_app`), an aiosmtpd server and an HTTP receiver that checks webhook signatures.
Senders are net-snmp's snmptrap/snmpinform and util-linux's logger: standard tools.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import secrets
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hub import migrations
from hub.alarms.evaluator_settings import EvaluatorSettings
from hub.alarms.notify import AlarmNotifier, NotifierSettings, SmtpSettings
from hub.alarms.worker import AlarmEvaluator
from hub.events.delivery import WebhookWorker
from hub.events.settings import WebhookSettings
from hub.ingest import AgentRegistry, IngestWorker, MqttOptions, Pipeline
from hub.metrics import Metrics
from hub.tsdb.null import NullStore
from protocol import hub_ingest_subscription
from tests.agent_e2e.harness import Agent
from tests.agent_events.runtime_harness import SENDER_ENGINE, V3_AUTH, V3_PRIV, V3_USER, run_tool
from tests.hub.alarms.notify.mailserver import Mail, Mailbox, smtp_server
from tests.hub.events.receiver import Received, Receiver, running_receiver
from tests.hub.events.support import FAST, LOOPBACK
from tests.hub.harness import (
    Account,
    Hub,
    create_database,
    drop_database,
    hub_settings,
    running_hub,
)
from tests.services._proc import free_port
from tests.services.mosquitto import Broker, start_broker
from tests.services.postgres import Postgres
from tests.services.snmp import Snmpd

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
LINK_UP = "1.3.6.1.6.3.1.1.5.4"
IF_INDEX = "1.3.6.1.2.1.2.2.1.1"
LINE = "%LINK-3-UPDOWN: Interface {name}, changed state to {state}"
# pop-linux is the real snmpd on 127.0.0.1 and also sends from this loopback (event_sources).
POP_LOOPBACK = "127.0.0.2"
POP, DEAD = "pop-linux", "core-rtr"
POLL_S = 2
WITHIN_S = 30.0  # generous deadline for states (busy 2-core CI box); latencies are measured
SENDER = "DotMac NOC <noc@isp.example>"


@dataclass
class AgentPop:
    """The agent's config (traps and syslog on free loopback ports) and its process."""

    dir: Path
    agent_id: str
    password: str
    community: str = field(default_factory=lambda: f"trap-{secrets.token_hex(6)}")
    trap_port: int = field(default_factory=lambda: free_port(socket.SOCK_DGRAM))
    syslog_udp: int = field(default_factory=lambda: free_port(socket.SOCK_DGRAM))
    syslog_tcp: int = field(default_factory=free_port)
    agent: Agent | None = None
    starts: int = 0

    @property
    def config(self) -> Path:
        """agent.yaml."""
        return self.dir / "agent.yaml"

    def write(self, broker_port: int, snmpd: Snmpd) -> None:
        """pop-linux: the real snmpd (reachable), sending traps from 127.0.0.1 and its
        loopback; core-rtr: a closed UDP port (unreachable), polled every 2 s."""
        dead = free_port(socket.SOCK_DGRAM)
        self.config.write_text(f"""
agent:
  id: '{self.agent_id}'
  state_dir: {self.dir / "state"}
broker: {{host: 127.0.0.1, port: {broker_port}, tls: false}}
polling: {{interval_s: {POLL_S}, timeout_s: 1, retries: 0}}
health_interval_s: 5
events:
  traps:
    listen: 127.0.0.1
    port: {self.trap_port}
    engine_id: 80001f8880c0ffee01
    users:
      - user: {V3_USER}
        auth_proto: SHA
        auth_key: ${{TEST_TRAP_AUTH_KEY}}
        priv_proto: AES
        priv_key: ${{TEST_TRAP_PRIV_KEY}}
        engine_ids: ["{SENDER_ENGINE}"]
  syslog: {{listen: 127.0.0.1, udp_port: {self.syslog_udp}, tcp_port: {self.syslog_tcp}}}
devices:
  - name: {POP}
    host: 127.0.0.1
    port: {snmpd.port}
    snmp: {{community: {snmpd.community}}}
    event_sources: [{POP_LOOPBACK}]
  - name: {DEAD}
    host: 127.0.0.3
    port: {dead}
    profile: cisco_ios
    timeout_s: 0.5
""")

    def start(self) -> Agent:
        """Start the agent process (a new one after a kill); trap secrets from the env."""
        agent = Agent(self.config, self.password)
        agent.env.update({"DOTMAC_AGENT_TRAP_COMMUNITIES": self.community,
                          "TEST_TRAP_AUTH_KEY": V3_AUTH, "TEST_TRAP_PRIV_KEY": V3_PRIV})
        agent.start()
        self.agent, self.starts = agent, self.starts + 1
        return agent

    def stop(self) -> None:
        """Stop the agent process (SIGTERM, then SIGKILL) if one runs."""
        if self.agent is not None and self.agent.proc is not None:
            self.agent.proc.stop()

    def alive(self) -> bool:
        """Whether the agent process runs."""
        return self.agent is not None and self.agent.proc is not None \
            and self.agent.proc.alive()

    def log(self) -> str:
        """The agent's log (every run appends)."""
        path = self.dir / "agent.log"
        return path.read_text() if path.exists() else ""

    async def listening(self) -> None:
        """Wait until this run of the agent bound its event ports."""
        await wait_for(lambda: self.log().count("events.started") >= self.starts
                       or not self.alive(), WITHIN_S, "the agent to bind its event ports")
        assert self.alive(), self.log()[-3000:]

    def status(self) -> dict[str, Any]:
        """The agent's status.json ({} before the first write)."""
        try:
            found: dict[str, Any] = json.loads((self.dir / "state" / "status.json").read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return found

    @property
    def trap_target(self) -> str:
        """Where net-snmp senders send."""
        return f"udp:127.0.0.1:{self.trap_port}"


@dataclass
class Stack:
    """Everything of one test module: hub, workers, agent, mail and webhook receivers."""

    hub: Hub
    owner: Account
    broker: Broker
    site_id: str
    agent_id: str
    devices: dict[str, str]
    pop: AgentPop
    mailbox: Mailbox
    receiver: Receiver
    webhook_secret: str
    ingest: IngestWorker
    noc: str  # the policy's e-mail address

    async def get(self, path: str, **params: Any) -> Any:
        """GET as the tenant owner; must answer 200."""
        resp = await self.hub.client.get(path, params=params, headers=self.owner.headers)
        assert resp.status_code == 200, f"GET {path}: {resp.status_code} {resp.text}"
        return resp.json()

    async def put(self, path: str, body: dict[str, Any]) -> Any:
        """PUT as the tenant owner; must succeed."""
        resp = await self.hub.client.put(path, json=body, headers=self.owner.headers)
        assert resp.status_code in (200, 201), f"PUT {path}: {resp.status_code} {resp.text}"
        return resp.json()

    async def alarms(self, **params: Any) -> list[dict[str, Any]]:
        """GET /alarms (one page of 200, newest first)."""
        page = await self.get("/alarms", limit=200, **params)
        rows: list[dict[str, Any]] = page["data"]
        return rows

    async def alarm(self, alarm_id: str) -> dict[str, Any]:
        """GET /alarms/{id} with its history and root."""
        found: dict[str, Any] = await self.get(f"/alarms/{alarm_id}")
        return found

    async def events(self, **params: Any) -> list[dict[str, Any]]:
        """GET /device-events (one page of 200, newest first)."""
        page = await self.get("/device-events", limit=200, **params)
        rows: list[dict[str, Any]] = page["data"]
        return rows

    async def wait_alarm(self, match: Callable[[dict[str, Any]], bool], what: str,
                         within_s: float = WITHIN_S, **params: Any) -> dict[str, Any]:
        """Poll GET /alarms until an alarm matches; fail naming `what` and what was there."""
        deadline = time.monotonic() + within_s
        seen: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            seen = await self.alarms(**params)
            found = next((a for a in seen if match(a)), None)
            if found is not None:
                return found
            await asyncio.sleep(0.1)
        brief = [(a["rule"], a["subject"], a["state"]) for a in seen]
        raise AssertionError(f"timed out after {within_s}s waiting for {what}; alarms: {brief}"
                             f"\nagent log tail:\n{self.pop.log()[-2000:]}")

    def mails_of(self, alarm_id: str) -> list[Mail]:
        """Messages at the SMTP server about one alarm, in arrival order."""
        with self.mailbox.lock:
            return [m for m in self.mailbox.mails
                    if m.message["X-Dotmac-Alarm-Id"] == alarm_id]

    def hooks_of(self, alarm_id: str, type_: str) -> list[Received]:
        """Webhook requests of one type about one alarm; each must carry a valid signature."""
        found = [r for r in self.receiver.of_type(type_)
                 if r.doc["data"].get("alarm_id") == alarm_id]
        for request in found:
            assert verifies(self.webhook_secret, request.headers, request.body), request.headers
        return found


def verifies(secret: str, headers: dict[str, str], body: bytes, tolerance_s: int = 300,
             ) -> bool:
    """A receiver's check of a webhook's signature, written from docs/webhooks.md and not
    from hub.events.signing: Standard Webhooks (`v1,<base64 HMAC-SHA256>` keyed with the
    bytes after `whsec_`) or the legacy scheme (`v1=<hex>` keyed with the whole secret)."""
    timestamp = int(headers["webhook-timestamp"])
    if abs(time.time() - timestamp) > tolerance_s:
        return False
    message = f"{headers['webhook-id']}.{timestamp}.".encode() + body
    legacy = "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    wanted = {legacy}
    encoded = secret.removeprefix("whsec_").translate(str.maketrans("-_", "+/")).rstrip("=")
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error:
        key = b""
    if key:
        digest = hmac.new(key, message, hashlib.sha256).digest()
        wanted.add("v1," + base64.b64encode(digest).decode())
    given = headers["webhook-signature"].split()
    return any(hmac.compare_digest(g, w) for g in given for w in wanted)


async def wait_for(check: Callable[[], Any], within_s: float, what: str) -> None:
    """Poll a sync or async check until truthy (no sleeping for state)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out after {within_s}s waiting for {what}")


def parse_time(value: str) -> datetime:
    """An API time (ISO 8601 with a zone)."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# ---- senders: the standard tools ----

async def snmp(tool: str, *argv: str) -> None:
    """net-snmp's snmptrap/snmpinform without MIBs or local config; snmpinform exits
    non-zero unless the agent acknowledged the inform."""
    rc, err = await run_tool(tool, "snmp", "-m", "", "-M", "/nonexistent", *argv,
                             env={"MIBS": "", "SNMPCONFPATH": "/nonexistent"})
    assert rc == 0, f"{tool} failed: {err}"


def link_varbinds(up: bool, if_index: int) -> tuple[str, ...]:
    """The notification OID (linkUp/linkDown) and its ifIndex varbind."""
    return ("", LINK_UP if up else LINK_DOWN, f"{IF_INDEX}.{if_index}", "i", str(if_index))


async def v2c_trap(pop: AgentPop, if_index: int, up: bool = False) -> None:
    """snmptrap -v2c from 127.0.0.1 (pop-linux)."""
    await snmp("snmptrap", "-v2c", "-c", pop.community, pop.trap_target,
               *link_varbinds(up, if_index))


async def v2c_inform(pop: AgentPop, if_index: int, up: bool = False) -> None:
    """snmpinform -v2c (acknowledged by the agent)."""
    await snmp("snmpinform", "-v2c", "-c", pop.community, "-t", "5", "-r", "2",
               pop.trap_target, *link_varbinds(up, if_index))


async def v3_trap(pop: AgentPop, if_index: int, up: bool = False) -> None:
    """snmptrap -v3 authPriv (SHA/AES) from pop-linux's loopback address."""
    await snmp("snmptrap", "-v3", "-e", SENDER_ENGINE, "-u", V3_USER, "-l", "authPriv",
               "-a", "SHA", "-A", V3_AUTH, "-x", "AES", "-X", V3_PRIV,
               f"--clientaddr={POP_LOOPBACK}", pop.trap_target, *link_varbinds(up, if_index))


async def logger(pop: AgentPop, text: str, rfc: str, tcp: bool) -> None:
    """util-linux logger to the agent's syslog port: UDP or TCP, RFC 5424 or 3164 (TCP 3164
    with octet counting)."""
    port = pop.syslog_tcp if tcp else pop.syslog_udp
    framing = ("-T", "--octet-count") if tcp and rfc == "3164" else ("-T",) if tcp else ("-d",)
    rc, err = await run_tool("logger", "bsdutils", "-n", "127.0.0.1", "-P", str(port),
                             *framing, f"--rfc{rfc}", "-t", "sw", text, env={"TZ": "UTC"})
    assert rc == 0, f"logger failed: {err}"


# ---- the stack ----

def _pg_url(postgres: Postgres, name: str) -> str:
    return f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"


def _ingest(hub: Hub, broker: Broker) -> IngestWorker:
    """One ingest worker on the hub's database, through the module's broker."""
    sessions = hub.app.state.sessions
    group = f"e2e-{secrets.token_hex(3)}"
    pipeline = Pipeline(sessions, NullStore(), AgentRegistry(sessions, ttl_s=1.0), 100_000)
    options = MqttOptions(broker.host, broker.port, broker.hub.username, broker.hub.password,
                          f"{group}-w0", hub_ingest_subscription(group), session_expiry_s=300)
    return IngestWorker(pipeline, options, Metrics(), concurrency=4, max_backoff_s=1.0)


async def _run(stack: AsyncExitStack, run: Callable[[], Any], stop: Callable[[], Any],
               name: str) -> None:
    """Run a worker loop in this event loop until the module ends."""
    task = asyncio.create_task(run(), name=name)

    async def finish() -> None:
        stop()
        await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 30)

    stack.push_async_callback(finish)


async def _workers(stack: AsyncExitStack, hub: Hub, smtp_port: int) -> None:
    """Evaluator (1 s passes), notifier (0.3 s) and webhook worker (fast)."""
    sessions = hub.app.state.sessions
    evaluator = AlarmEvaluator(sessions, EvaluatorSettings(interval_s=1), Metrics())
    smtp: dict[str, Any] = {"host": "127.0.0.1", "port": smtp_port, "tls": "none",
                            "from_address": SENDER, "timeout_s": 5.0}
    notifier = AlarmNotifier(sessions, SmtpSettings(**smtp),
        NotifierSettings(interval_s=0.3, backoff_base_s=1.0,
                         link_base_url="https://hub.isp.example"), Metrics())
    webhooks = WebhookWorker(sessions, hub.settings.secret_key, WebhookSettings(**FAST),
                             Metrics())
    stack.push_async_callback(notifier.close)
    stack.push_async_callback(webhooks.close)
    await _run(stack, evaluator.run, evaluator.request_stop, "alarm-evaluator")
    await _run(stack, notifier.run, notifier.request_stop, "alarm-notifier")
    await _run(stack, webhooks.run, webhooks.stop, "webhooks")


async def _inventory(hub: Hub, owner: Account) -> tuple[str, str, dict[str, str]]:
    """Site, agent and its two devices at the hub (names as in the agent's config, polled
    every 2 s); returns (site id, agent id, device ids by name)."""
    site = await hub.post(owner, "/sites", {"name": f"pop-{secrets.token_hex(3)}"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"],
                                              "name": f"edge-{secrets.token_hex(3)}"})
    devices = {}
    for name, address, profile in ((POP, "127.0.0.1", "linux"),
                                   (DEAD, "127.0.0.3", "cisco_ios")):
        made = await hub.post(owner, "/devices", {
            "site_id": site["id"], "agent_id": agent["id"], "name": name,
            "management_address": address, "profile": profile, "interval_s": POLL_S})
        devices[name] = made["id"]
    return site["id"], agent["id"], devices


async def _notifications(hub: Hub, owner: Account, receiver: Receiver, noc: str) -> str:
    """A webhook endpoint for alarm events and a notification policy, through the API;
    returns the endpoint's signing secret."""
    endpoint = await hub.post(owner, "/webhooks/endpoints", {
        "url": f"{receiver.url}/hook",
        "event_types": ["alarm.raised", "alarm.cleared", "alarm.flapping"]})
    await hub.post(owner, "/notification-policies", {
        "name": "noc", "min_severity": "minor", "emails": [noc], "webhook": True,
        "notify_clear": True})
    secret: str = endpoint["secret"]
    return secret


@asynccontextmanager
async def alarm_stack(postgres: Postgres, snmpd: Snmpd, workdir: Path,
                      noc: str) -> AsyncIterator[Stack]:
    """Start everything, the agent last; tear it all down after the module."""
    database = create_database(postgres.admin_dsn, "alarms_e2e")
    url = _pg_url(postgres, database)
    async with AsyncExitStack() as stack:
        stack.callback(drop_database, postgres.admin_dsn, database)
        await asyncio.to_thread(migrations.upgrade, url)
        broker = start_broker(workdir / "broker")
        stack.callback(broker.stop)
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        # The receiver listens on loopback: allowed as an operator allows a network.
        patch.setenv("DOTMAC_HUB_WEBHOOK_ALLOW_PRIVATE_NETS", LOOPBACK)
        hub = await stack.enter_async_context(running_hub(hub_settings(url), migrate=False))
        mailbox, smtp_port = await stack.enter_async_context(smtp_server())
        receiver = await stack.enter_async_context(running_receiver())
        owner = await hub.new_tenant("alarms-e2e")
        site_id, agent_id, devices = await _inventory(hub, owner)
        secret = await _notifications(hub, owner, receiver, noc)
        ingest = _ingest(hub, broker)
        await _run(stack, ingest.run, ingest.stop, "ingest")
        await ingest.wait_connected()
        await _workers(stack, hub, smtp_port)
        creds = broker.add_user(agent_id)
        pop = AgentPop(workdir / "pop", agent_id, creds.password)
        pop.dir.mkdir(parents=True)
        pop.write(broker.port, snmpd)
        pop.start()
        stack.callback(pop.stop)
        found = Stack(hub, owner, broker, site_id, agent_id, devices, pop, mailbox, receiver,
                      secret, ingest, noc)
        await pop.listening()
        await agent_online(found)
        yield found


async def agent_online(stack: Stack) -> None:
    """Wait until the hub has heard from the agent (its registry row was touched)."""
    async def seen() -> bool:
        agent = await stack.get(f"/agents/{stack.agent_id}")
        return agent["last_seen_at"] is not None
    await wait_for(seen, WITHIN_S, "the hub to hear from the agent")


def new_address(label: str) -> str:
    """A mailbox no other module uses."""
    return f"{label}-{uuid.uuid4().hex[:6]}@isp.example"
