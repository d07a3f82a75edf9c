"""Threat: one agent login (a stolen POP box) publishes messages of many megabytes.

Two limits stand in the way, each proven alone: the production broker's `max_packet_size`
(docs/hub-operations.md) refuses the publish and drops the agent's connection; and the
hub's own logins advertise an MQTT v5 Maximum Packet Size (`DOTMAC_HUB_BROKER_MAX_PACKET_SIZE`),
so even a broker without a limit of its own never hands such a message to an ingest
worker. Either way the worker keeps running and stores the agent's next valid message, and
nothing of the big one reached it (no message counted, nothing quarantined).
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
import pytest_asyncio
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.broker import DynsecAdmin
from hub.ingest.service import build_worker
from hub.ingest.settings import IngestSettings
from hub.ingest.worker import REJECTED, IngestWorker
from hub.metrics import Metrics
from hub.settings import MAX_PACKET_SIZE, BrokerSettings
from hub.tsdb.null import NullStore
from protocol import MAX_MESSAGE_BYTES, Channel, build, encode
from tests.hub.ingest.harness import (
    aligned_start,
    counter_batch,
    new_tenancy,
    register_agent,
    sql,
    wait_for,
)
from tests.services.mosquitto import Broker, Credentials, start_broker

HUGE = 4 * 1024 * 1024
DEADLINE_S = 60.0  # generous: the machine is shared; every wait ends on a state
MESSAGES = "dotmac_ingest_messages_total"


def test_the_hub_limit_admits_every_legal_message() -> None:
    assert MAX_PACKET_SIZE >= 2 * MAX_MESSAGE_BYTES
    assert BrokerSettings().max_packet_size == MAX_PACKET_SIZE < HUGE


class AgentLink:
    """An enrolled agent's own connection (its bound client id), noting how it ends."""

    def __init__(self, broker: Broker, creds: Credentials) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=creds.username,
                                  protocol=mqtt.MQTTv5)
        self.client.username_pw_set(creds.username, creds.password)
        self.connected, self.dropped = threading.Event(), threading.Event()
        self.client.on_connect = lambda _c, _u, _f, rc, _p: (
            None if rc.is_failure else self.connected.set())
        self.client.on_disconnect = lambda *_a: self.dropped.set()
        self.client.connect(broker.host, broker.port, keepalive=30)
        self.client.loop_start()
        assert self.connected.wait(DEADLINE_S), "the agent's own login was refused"
        self.agent = creds.username

    def publish(self, payload: bytes) -> mqtt.MQTTMessageInfo:
        """QoS 1 on the agent's telemetry topic (not waiting for the PUBACK)."""
        return self.client.publish(build(self.agent, Channel.TELEMETRY), payload, qos=1)

    def close(self) -> None:
        """Disconnect and stop the network thread."""
        self.client.disconnect()
        self.client.loop_stop()


class Setup:
    """A broker, an enrolled agent registered in the hub and one running ingest worker."""

    def __init__(self, broker: Broker, creds: Credentials, worker: IngestWorker) -> None:
        self.broker, self.creds, self.worker = broker, creds, worker
        self.task: asyncio.Task[None] | None = None

    def stored(self) -> float:
        return self.worker.metrics.value(MESSAGES, result="stored")

    def rejected(self) -> float:
        """Refusals other than `unknown_agent`: the worker's subscription covers every agent
        topic of the suite's shared broker, so leftovers of other tests' agents (unknown to
        this test's database) may arrive; a message of this test's agent is never unknown."""
        unknown = self.worker.metrics.value(REJECTED, reason="unknown_agent")
        return self.worker.metrics.value(MESSAGES, result="rejected") - unknown

    async def send_valid(self, seq: int) -> None:
        """A legal batch from the agent, on a fresh connection of its own."""
        link = AgentLink(self.broker, self.creds)
        try:
            batch = counter_batch(self.creds.username, seq, f"dev-{self.creds.username[:8]}",
                                  aligned_start(), {1: (1000 * seq, 2000 * seq)})
            info = link.publish(encode(batch))
            info.wait_for_publish(DEADLINE_S)
            assert info.is_published()
        finally:
            link.close()


async def _setup(broker: Broker, sessions: async_sessionmaker[AsyncSession]
                 ) -> AsyncIterator[Setup]:
    admin = broker.dynsec_admin
    dynsec = DynsecAdmin(broker.host, broker.port, admin.username, admin.password)
    where = await new_tenancy(sessions)
    agent_id = await register_agent(sessions, where, f"big-{secrets.token_hex(4)}")
    creds = Credentials(str(agent_id), secrets.token_urlsafe(32))
    await dynsec.grant_agent(creds.username, creds.password)
    settings = IngestSettings(
        username=broker.hub.username, password=broker.hub.password,
        group=f"oversize-{secrets.token_hex(4)}", session_expiry_s=300,
        concurrency=1,  # messages handled in arrival order: a big one would count first
        client_id=f"dotmac-ingest-oversize-{secrets.token_hex(4)}",
        broker=BrokerSettings(host=broker.host, port=broker.port))
    setup = Setup(broker, creds, build_worker(sessions, settings, NullStore(), Metrics()))
    setup.task = asyncio.create_task(setup.worker.run())
    try:
        await setup.worker.wait_connected(timeout_s=DEADLINE_S)
        await setup.send_valid(1)  # the subscription is in place and storing works
        await wait_for(lambda: setup.stored() == 1, DEADLINE_S, "the first batch stored")
        yield setup
    finally:
        setup.worker.stop()
        await asyncio.gather(setup.task, return_exceptions=True)
        await dynsec.revoke_agent(creds.username)


@pytest_asyncio.fixture
async def production(mosquitto: Broker, sessions: async_sessionmaker[AsyncSession]
                     ) -> AsyncIterator[Setup]:
    """The broker configured as docs/hub-operations.md says (max_packet_size 1 MiB)."""
    async for setup in _setup(mosquitto, sessions):
        yield setup


@pytest.fixture
def unlimited_broker(tmp_path: Path) -> Iterator[Broker]:
    """A broker someone forgot to give a max_packet_size: only the hub's limit is left."""
    broker = start_broker(tmp_path / "unlimited-broker", max_packet_size=None)
    yield broker
    broker.stop()


@pytest_asyncio.fixture
async def unlimited(unlimited_broker: Broker, sessions: async_sessionmaker[AsyncSession]
                    ) -> AsyncIterator[Setup]:
    async for setup in _setup(unlimited_broker, sessions):
        yield setup


async def _nothing_of_it_reached_the_hub(setup: Setup,
                                         sessions: async_sessionmaker[AsyncSession]) -> None:
    # Delivery is in order on the worker's session: once the next valid message is stored,
    # the big one would have arrived before it.
    await setup.send_valid(2)
    await wait_for(lambda: setup.stored() == 2, DEADLINE_S, "the next valid batch stored")
    assert setup.rejected() == 0
    assert setup.task is not None and not setup.task.done()
    quarantined = await sql(sessions, "SELECT count(*) FROM ingest_quarantine "
                            "WHERE topic LIKE :t", t=f"%{setup.creds.username}%")
    assert quarantined[0][0] == 0
    latest = await sql(sessions, "SELECT count(*) FROM latest_values WHERE device = :d",
                       d=f"dev-{setup.creds.username[:8]}")
    assert latest[0][0] >= 1


async def test_the_broker_refuses_a_4_mib_publish_and_the_hub_never_sees_it(
        production: Setup, sessions: async_sessionmaker[AsyncSession]) -> None:
    link = AgentLink(production.broker, production.creds)
    try:
        link.publish(secrets.token_bytes(HUGE))
        # Mosquitto closes the connection of a client sending a packet over its limit.
        assert await asyncio.to_thread(link.dropped.wait, DEADLINE_S)
    finally:
        link.close()
    await _nothing_of_it_reached_the_hub(production, sessions)


async def test_the_hubs_packet_limit_keeps_a_4_mib_message_away_from_ingest(
        unlimited: Setup, sessions: async_sessionmaker[AsyncSession]) -> None:
    link = AgentLink(unlimited.broker, unlimited.creds)
    try:
        info = link.publish(secrets.token_bytes(HUGE))
        # This broker takes it (no limit of its own): the PUBACK says so.
        await asyncio.to_thread(info.wait_for_publish, DEADLINE_S)
        assert info.is_published() and not link.dropped.is_set()
    finally:
        link.close()
    await _nothing_of_it_reached_the_hub(unlimited, sessions)


def test_the_documented_production_broker_config_sets_the_same_limit() -> None:
    """docs/hub-operations.md's production mosquitto.conf (the template operators copy) and
    the test broker that proves the limit above use one value, at least twice the protocol's
    largest message."""
    guide = (Path(__file__).parents[2] / "docs" / "hub-operations.md").read_text()
    section = guide.split("### The broker", 1)[1].split("```", 2)[1]
    settings = dict(line.split("#", 1)[0].split(None, 1) for line in section.strip().splitlines()
                    if line.strip() and not line.startswith("#"))
    assert int(settings["max_packet_size"]) == MAX_PACKET_SIZE
    assert MAX_PACKET_SIZE >= 2 * MAX_MESSAGE_BYTES
    assert settings["allow_anonymous"].strip() == "false"
