"""Threat: an agent login (a stolen POP box) takes over another MQTT session.

Mosquitto lets a login connect with any client id unless dynsec binds one to it, and a
connection with the id of an existing session takes that session over: the hub's ingest
worker is kicked and its queued backlog is re-checked against the intruder's ACL and
dropped (or wiped outright with clean start); another agent's queued commands likewise.

Every agent login is bound to its own client id (its agent id), and the hub's client ids
have a form no agent login is ever granted. Each attack below uses an enrolled agent's real
username and password with somebody else's client id, once asking to take the session over
and once to wipe it, and then checks the victim's backlog is all still there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import threading
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
import pytest_asyncio
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edge_agent.config import AgentConfig, load_config
from edge_agent.doctor import check_broker
from edge_agent.runtime import STATUS_FILE
from hub.broker import BrokerError, DynsecAdmin
from hub.broker.agents import bind_enrolled_logins
from hub.broker.dynsec import HUB_CLIENT_ID_PREFIX, revoke_commands
from hub.db import new_id, utcnow
from hub.enrollment.models import EnrollmentToken
from hub.ingest.service import mqtt_options
from hub.ingest.settings import IngestSettings
from hub.ingest.transport import Delivery, MqttSource
from hub.jobs.runner import publisher_for
from hub.jobs.settings import JobsSettings
from hub.settings import BrokerSettings
from protocol import Channel, build
from tests.hub.ingest.harness import new_tenancy, register_agent
from tests.security.mqtt_attacker import connack
from tests.services.mosquitto import Broker, Credentials

NOT_AUTHORIZED = 135  # MQTT v5 CONNACK reason "Not authorized"
BACKLOG = 10
DEADLINE_S = 60.0  # generous: the machine is shared; every wait ends on a state


async def _until(check: object, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {DEADLINE_S}s waiting for {what}")


@pytest.fixture
def dynsec(mosquitto: Broker) -> DynsecAdmin:
    """The hub's dynsec administration of the session broker."""
    admin = mosquitto.dynsec_admin
    return DynsecAdmin(mosquitto.host, mosquitto.port, admin.username, admin.password)


@pytest_asyncio.fixture
async def enrolled(dynsec: DynsecAdmin) -> AsyncIterator[list[Credentials]]:
    """Two agents with the logins enrollment grants (agent id = the hub's UUID)."""
    agents = [Credentials(str(uuid.uuid4()), secrets.token_urlsafe(32)) for _ in range(2)]
    for agent in agents:
        await dynsec.grant_agent(agent.username, agent.password)
    yield agents
    for agent in agents:
        await dynsec.revoke_agent(agent.username)


class AgentConnection:
    """An agent connected as it really does: its own client id, persistent session."""

    def __init__(self, broker: Broker, creds: Credentials, *, clean_start: bool = False
                 ) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=creds.username,
                                  protocol=mqtt.MQTTv5)
        self.client.username_pw_set(creds.username, creds.password)
        self.received: list[bytes] = []
        self.subscribed = threading.Event()
        self.client.on_message = lambda _c, _u, msg: self.received.append(msg.payload)
        self.client.on_subscribe = lambda *_a: self.subscribed.set()
        self.dropped = threading.Event()
        self.client.on_disconnect = lambda *_a: self.dropped.set()
        connected: list[object] = []
        self.client.on_connect = lambda _c, _u, _f, reason, _p: connected.append(reason)
        props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        props.SessionExpiryInterval = 3600
        self.client.connect(broker.host, broker.port, keepalive=30, clean_start=clean_start,
                            properties=props)
        self.client.loop_start()
        deadline = time.monotonic() + DEADLINE_S
        while not connected and time.monotonic() < deadline:
            time.sleep(0.02)
        assert connected and not connected[0].is_failure, connected  # type: ignore[attr-defined]
        self.agent = creds.username

    def publish(self, channel: Channel, payload: bytes) -> None:
        """QoS 1, waiting for the broker's PUBACK."""
        info = self.client.publish(build(self.agent, channel), payload, qos=1)
        info.wait_for_publish(DEADLINE_S)
        assert info.is_published()

    def close(self) -> None:
        """Disconnect; the session stays at the broker for its expiry."""
        self.client.disconnect()
        self.client.loop_stop()


class HubIngest:
    """The hub's real ingest transport, built from settings as `dotmac-hub ingest` does."""

    def __init__(self, broker: Broker, group: str, suffix: str) -> None:
        settings = IngestSettings(
            username=broker.hub.username, password=broker.hub.password, group=group,
            session_expiry_s=3600, broker=BrokerSettings(host=broker.host, port=broker.port))
        self.options = mqtt_options(settings, suffix)
        self.queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self.source: MqttSource | None = None

    def start(self) -> None:
        """Connect (a new connection to the same persistent session)."""
        self.source = MqttSource(self.options, asyncio.get_running_loop(), self.queue)
        self.source.start()

    def stop(self) -> None:
        """Disconnect: the session and what arrives for it wait at the broker."""
        assert self.source is not None
        self.source.stop()

    async def take(self, agent: str, count: int, prefix: bytes,
                   within_s: float = DEADLINE_S) -> list[bytes]:
        """The next `count` payloads from `agent` starting with `prefix`, acknowledged as
        ingest does (anything else is acknowledged and skipped)."""
        got: list[bytes] = []
        async with asyncio.timeout(within_s):
            while len(got) < count:
                delivery = await self.queue.get()
                assert self.source is not None
                self.source.ack(delivery)
                if (delivery.topic == build(agent, Channel.TELEMETRY)
                        and delivery.payload.startswith(prefix)):
                    got.append(delivery.payload)
        return got

    async def subscribed(self, agent: AgentConnection) -> None:
        """Wait until the worker's shared subscription is in place: the worker subscribes
        on connect without telling anyone, so probe until a probe comes through."""
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            agent.publish(Channel.TELEMETRY, b"probe")
            with contextlib.suppress(TimeoutError):
                await self.take(agent.agent, 1, b"probe", within_s=1.0)
                return
        raise AssertionError("the ingest worker's subscription never delivered a probe")


@pytest_asyncio.fixture
async def hub_ingest(mosquitto: Broker) -> AsyncIterator[HubIngest]:
    """A hub ingest worker's session in a subscription group of its own."""
    hub = HubIngest(mosquitto, group=f"takeover-{secrets.token_hex(4)}",
                    suffix=secrets.token_hex(4))
    yield hub
    if hub.source is not None:
        hub.source.stop()
    # End the session for good, or it would collect every other test's telemetry.
    connack(mosquitto.host, mosquitto.port, mosquitto.hub.username, mosquitto.hub.password,
            hub.options.client_id, clean_start=True, session_expiry_s=0)


def _attack(broker: Broker, thief: Credentials, victim_client_id: str) -> None:
    """The thief's own login with the victim's client id: take over, then wipe."""
    for clean_start in (False, True):
        reason = connack(broker.host, broker.port, thief.username, thief.password,
                         victim_client_id, clean_start=clean_start)
        assert reason.value == NOT_AUTHORIZED, (
            f"{thief.username} connected as {victim_client_id!r} "
            f"(clean_start={clean_start}): {reason}")


async def test_agent_cannot_take_over_the_ingest_session_and_its_backlog_survives(
        mosquitto: Broker, enrolled: list[Credentials], hub_ingest: HubIngest) -> None:
    thief = enrolled[0]
    assert hub_ingest.options.client_id.startswith(HUB_CLIENT_ID_PREFIX)
    agent = AgentConnection(mosquitto, thief)
    try:
        hub_ingest.start()
        await hub_ingest.subscribed(agent)
        hub_ingest.stop()  # the worker is away while the backlog builds up
        backlog = [f"queued-{i}".encode() for i in range(BACKLOG)]
        for payload in backlog:
            agent.publish(Channel.TELEMETRY, payload)
    finally:
        agent.close()
    await asyncio.to_thread(_attack, mosquitto, thief, hub_ingest.options.client_id)
    hub_ingest.start()
    assert sorted(await hub_ingest.take(thief.username, BACKLOG, b"queued-")) == backlog


async def test_agent_cannot_take_over_the_dispatchers_connection(
        mosquitto: Broker, enrolled: list[Credentials]) -> None:
    thief, victim = enrolled
    settings = JobsSettings(username=mosquitto.hub.username, password=mosquitto.hub.password,
                            broker=BrokerSettings(host=mosquitto.host, port=mosquitto.port))
    publisher = publisher_for(settings)
    listener = AgentConnection(mosquitto, victim, clean_start=True)
    try:
        listener.client.subscribe(build(victim.username, Channel.JOB), qos=1)
        await _until(listener.subscribed.is_set, "the victim's subscription")
        await publisher.publish(build(victim.username, Channel.JOB), b"before")
        assert publisher.client_id.startswith(HUB_CLIENT_ID_PREFIX)
        await asyncio.to_thread(_attack, mosquitto, thief, publisher.client_id)
        await publisher.publish(build(victim.username, Channel.JOB), b"after")
        await _until(lambda: listener.received == [b"before", b"after"], "both commands")
    finally:
        await publisher.close()
        listener.close()


async def test_agent_cannot_take_over_another_agents_session_and_its_commands_survive(
        mosquitto: Broker, enrolled: list[Credentials]) -> None:
    thief, victim = enrolled
    commands = build(victim.username, Channel.JOB)
    first = AgentConnection(mosquitto, victim, clean_start=True)
    first.client.subscribe(commands, qos=1)
    await _until(first.subscribed.is_set, "the victim's subscription")
    first.close()  # offline: the hub's commands are queued in its session
    settings = JobsSettings(username=mosquitto.hub.username, password=mosquitto.hub.password,
                            broker=BrokerSettings(host=mosquitto.host, port=mosquitto.port))
    publisher = publisher_for(settings)
    queued = [f"job-{i}".encode() for i in range(BACKLOG)]
    try:
        for payload in queued:
            await publisher.publish(commands, payload)
    finally:
        await publisher.close()
    await asyncio.to_thread(_attack, mosquitto, thief, victim.username)
    back = AgentConnection(mosquitto, victim)
    try:
        await _until(lambda: len(back.received) >= BACKLOG, "the queued commands")
        assert back.received == queued
    finally:
        back.close()


def test_an_agent_login_connects_with_its_own_client_id_only(
        mosquitto: Broker, enrolled: list[Credentials]) -> None:
    agent = enrolled[0]
    own = connack(mosquitto.host, mosquitto.port, agent.username, agent.password,
                  agent.username, clean_start=True)
    assert not own.is_failure, own
    for other in ("", f"{agent.username}.doctor", agent.username.upper()):
        refused = connack(mosquitto.host, mosquitto.port, agent.username, agent.password,
                          other, clean_start=True)
        assert refused.value == NOT_AUTHORIZED, (other, refused)


async def test_no_agent_login_is_granted_a_hub_client_id(dynsec: DynsecAdmin) -> None:
    for hub_like in ("dotmac-ingest-hub1", "dotmac-jobs-hub1-123-abcdef"):
        with pytest.raises(BrokerError, match="reserved for the hub"):
            await dynsec.grant_agent(hub_like, secrets.token_urlsafe(32))


@pytest_asyncio.fixture
async def legacy_login(mosquitto: Broker, dynsec: DynsecAdmin
                       ) -> AsyncIterator[Credentials]:
    """A login as enrollment created it before logins were bound: no client id."""
    creds = Credentials(str(uuid.uuid4()), secrets.token_urlsafe(32))
    responses = await dynsec.run([{"command": "createClient", "username": creds.username,
                                   "password": creds.password}])
    assert not responses[0].get("error"), responses
    yield creds
    await dynsec.run(revoke_commands(creds.username))


async def test_binding_a_login_granted_before_the_fix_closes_the_hole(
        mosquitto: Broker, dynsec: DynsecAdmin, legacy_login: Credentials) -> None:
    hub_like = f"{HUB_CLIENT_ID_PREFIX}ingest-{secrets.token_hex(4)}"
    before = connack(mosquitto.host, mosquitto.port, legacy_login.username,
                     legacy_login.password, hub_like, clean_start=True)
    assert not before.is_failure  # the hole this file is about
    assert await dynsec.bind_agent(legacy_login.username)
    assert await dynsec.bind_agent(legacy_login.username)  # idempotent
    await asyncio.to_thread(_attack, mosquitto, legacy_login, hub_like)
    assert mosquitto.login_ok(legacy_login)  # its own id still works
    assert not await dynsec.bind_agent(str(uuid.uuid4()))  # no such login: nothing to bind



async def test_bind_agent_logins_binds_every_enrolled_agents_login(
        mosquitto: Broker, dynsec: DynsecAdmin,
        sessions: async_sessionmaker[AsyncSession]) -> None:
    where = await new_tenancy(sessions)
    with_login = await register_agent(sessions, where, f"old-{secrets.token_hex(4)}")
    revoked = await register_agent(sessions, where, f"gone-{secrets.token_hex(4)}")
    legacy = Credentials(str(with_login), secrets.token_urlsafe(32))
    made = await dynsec.run([{"command": "createClient", "username": legacy.username,
                              "password": legacy.password}])  # as hubs before the fix did
    assert not made[0].get("error"), made
    async with sessions() as session, session.begin():
        for agent_id in (with_login, revoked):
            session.add(EnrollmentToken(
                id=new_id(), tenant_id=where.tenant_id, site_id=where.site_id,
                token_hash=secrets.token_hex(32), expires_at=utcnow(), used_at=utcnow(),
                agent_id=agent_id))
    try:
        async with sessions() as session:
            assert await bind_enrolled_logins(session, dynsec) == (1, 1)
        await asyncio.to_thread(_attack, mosquitto, legacy, f"{HUB_CLIENT_ID_PREFIX}x")
        assert mosquitto.login_ok(legacy)
    finally:
        await dynsec.run(revoke_commands(legacy.username))


def _agent_config(path: Path, broker: Broker, creds: Credentials) -> AgentConfig:
    (path.parent / "state").mkdir(parents=True, exist_ok=True)
    path.write_text(f"""
agent:
  id: {creds.username}
  state_dir: {path.parent / "state"}
broker:
  host: {broker.host}
  port: {broker.port}
  tls: false
  username: {creds.username}
  password: {creds.password}
""")
    return load_config(path)


async def test_doctor_checks_a_stopped_agents_login_and_leaves_its_commands_queued(
        mosquitto: Broker, enrolled: list[Credentials], tmp_path: Path) -> None:
    agent = enrolled[0]
    config = _agent_config(tmp_path / "agent.yaml", mosquitto, agent)
    commands = build(agent.username, Channel.JOB)
    first = AgentConnection(mosquitto, agent, clean_start=True)
    first.client.subscribe(commands, qos=1)
    await _until(first.subscribed.is_set, "the agent's subscription")
    first.close()
    publisher = publisher_for(JobsSettings(
        username=mosquitto.hub.username, password=mosquitto.hub.password,
        broker=BrokerSettings(host=mosquitto.host, port=mosquitto.port)))
    queued = [f"job-{i}".encode() for i in range(3)]
    try:
        for payload in queued:
            await publisher.publish(commands, payload)
    finally:
        await publisher.close()
    check = await check_broker(config)
    assert check.verdict == "ok", check
    back = AgentConnection(mosquitto, agent)
    try:
        await _until(lambda: len(back.received) >= len(queued), "the queued commands")
        assert back.received == queued
    finally:
        back.close()


async def test_doctor_does_not_take_over_a_running_agents_session(
        mosquitto: Broker, enrolled: list[Credentials], tmp_path: Path) -> None:
    agent = enrolled[0]
    config = _agent_config(tmp_path / "agent.yaml", mosquitto, agent)
    live = AgentConnection(mosquitto, agent, clean_start=True)
    try:
        live.client.subscribe(build(agent.username, Channel.JOB), qos=1)
        await _until(live.subscribed.is_set, "the agent's subscription")
        # what `dotmac-agent run` writes while it is connected
        (config.agent.state_dir / STATUS_FILE).write_text(
            json.dumps({"delivery": {"connected": True}}))
        check = await check_broker(config)
        assert check.verdict == "ok" and "running agent" in check.detail, check
        publisher = publisher_for(JobsSettings(
            username=mosquitto.hub.username, password=mosquitto.hub.password,
            broker=BrokerSettings(host=mosquitto.host, port=mosquitto.port)))
        try:
            await publisher.publish(build(agent.username, Channel.JOB), b"still-mine")
        finally:
            await publisher.close()
        await _until(lambda: live.received == [b"still-mine"], "the command on the live link")
        assert not live.dropped.is_set()
    finally:
        live.close()
