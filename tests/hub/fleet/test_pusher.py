"""The pusher publishes each agent's newest config on its cmd/config topic of a real broker,
as the agent's broker login receives it; documents the hub must not send are not published
and say why."""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
import pytest
import pytest_asyncio
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.fleet.builder import build_config
from hub.fleet.models import AgentConfigState
from hub.fleet.pusher import PUSHES, ConfigPusher, PublishError
from hub.inventory.models import Agent, Device
from hub.jobs.mqtt import MqttCommandPublisher
from hub.metrics import Metrics
from protocol import Channel, ConfigPush, build, decode_for_topic
from protocol.edge_config import content_hash, unpack
from tests.hub.fleet.conftest import (
    SECRET_KEY,
    Where,
    announce,
    new_agent,
    new_credential,
    new_device,
    state_of,
)
from tests.services._proc import free_port
from tests.services.mosquitto import Broker, Credentials

pytestmark = pytest.mark.asyncio(loop_scope="session")
Sessions = async_sessionmaker[AsyncSession]


class Inbox:
    """A broker login subscribed to `topic`, keeping what arrives (paho's thread)."""

    def __init__(self, broker: Broker, creds: Credentials, topic: str) -> None:
        self.messages: list[tuple[str, bytes]] = []
        self._lock, self._subscribed = threading.Lock(), threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2,
                                  client_id=f"inbox-{secrets.token_hex(3)}",
                                  protocol=mqtt.MQTTv5)
        self.client.username_pw_set(creds.username, creds.password)
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *_: self._subscribed.set()
        self.client.on_connect = lambda client, *_: client.subscribe(topic, qos=1)
        self.client.connect(broker.host, broker.port, keepalive=30)
        self.client.loop_start()
        assert self._subscribed.wait(10), f"no SUBACK for {topic}"

    def _on_message(self, _client: object, _userdata: object, msg: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.messages.append((msg.topic, bytes(msg.payload)))

    def on(self, topic: str) -> list[bytes]:
        """Payloads received on one topic so far."""
        with self._lock:
            return [payload for t, payload in self.messages if t == topic]

    async def wait_for(self, topic: str, count: int = 1, within_s: float = 15) -> list[bytes]:
        """At least `count` payloads on `topic`, waiting up to `within_s`."""
        deadline = asyncio.get_running_loop().time() + within_s
        while len(self.on(topic)) < count:
            assert asyncio.get_running_loop().time() < deadline, f"nothing on {topic}"
            await asyncio.sleep(0.05)
        return self.on(topic)

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


@pytest_asyncio.fixture(loop_scope="session")
async def publisher(mosquitto: Broker) -> AsyncIterator[MqttCommandPublisher]:
    """The dispatcher's kind of publisher with the hub login."""
    made = MqttCommandPublisher(mosquitto.host, mosquitto.port, mosquitto.hub.username,
                                mosquitto.hub.password, f"pusher-{secrets.token_hex(3)}")
    yield made
    await made.close()


@pytest.fixture
def everything(mosquitto: Broker) -> Iterator[Inbox]:
    """Every config push on the broker, seen with the hub login."""
    inbox = Inbox(mosquitto, mosquitto.hub, "dm/v1/+/cmd/config")
    yield inbox
    inbox.close()


def _topic(where: Where) -> str:
    return build(str(where.agent_id), Channel.CONFIG)


async def test_an_agent_receives_its_newest_config_on_its_own_login(
        sessions: Sessions, mosquitto: Broker, publisher: MqttCommandPublisher) -> None:
    where = await new_agent(sessions)
    cred = await new_credential(sessions, where, "snmp_v2c", {}, {"community": "pushed-c"})
    await new_device(sessions, where, snmp_credential_id=cred)
    await new_device(sessions, where, snmp_credential_id=cred, profile="auto")
    inbox = Inbox(mosquitto, mosquitto.add_user(str(where.agent_id)), _topic(where))
    pushes_before = Metrics().value(PUSHES, outcome="pushed")
    try:
        report = await ConfigPusher(sessions, publisher, SECRET_KEY).tick()
        [payload] = await inbox.wait_for(_topic(where))
    finally:
        inbox.close()
    assert report.pushed >= 1
    push = decode_for_topic(_topic(where), payload)
    assert isinstance(push, ConfigPush)
    async with sessions() as session:
        expected = await build_config(session, where.tenant_id, where.agent_id, SECRET_KEY)
    assert push.agent_id == str(where.agent_id) and push.config_version == 2
    assert unpack(push.document, push.content_hash) == expected
    assert push.content_hash == content_hash(expected)
    state = await state_of(sessions, where.agent_id)
    assert state is not None and (state.pushed_version, state.applied_version) == (2, 0)
    assert Metrics().value(PUSHES, outcome="pushed") >= pushes_before + 1


async def test_a_version_is_sent_once_then_again_only_after_the_resend_interval(
        sessions: Sessions, publisher: MqttCommandPublisher, everything: Inbox) -> None:
    where = await new_agent(sessions)
    await new_device(sessions, where)
    pusher = ConfigPusher(sessions, publisher, SECRET_KEY, resend_after_s=3600)
    await pusher.tick()
    await pusher.tick()
    await everything.wait_for(_topic(where))
    # Nothing applied it yet: once the interval has passed, the same version goes again.
    async with sessions() as session, session.begin():
        await session.execute(update(AgentConfigState)
                              .where(AgentConfigState.agent_id == where.agent_id)
                              .values(pushed_at=datetime.now(UTC) - timedelta(hours=2)))
    await pusher.tick()
    sent = await everything.wait_for(_topic(where), 2)
    pushes = [decode_for_topic(_topic(where), p) for p in sent]
    assert [p.config_version for p in pushes if isinstance(p, ConfigPush)] == [1, 1]


async def test_a_document_too_big_for_one_message_is_not_published(
        sessions: Sessions, publisher: MqttCommandPublisher, everything: Inbox) -> None:
    big, sentinel = await new_agent(sessions), await new_agent(sessions)
    for index in range(40):
        await new_device(sessions, big, management_address=f"198.51.100.{index + 1}")
    await new_device(sessions, sentinel)
    small = ConfigPusher(sessions, publisher, SECRET_KEY, max_message_bytes=2048)
    await small.tick()
    # The sentinel's push went out after the big one would have: once it arrived, the big
    # agent's would have too.
    await everything.wait_for(_topic(sentinel))
    assert everything.on(_topic(big)) == []
    state = await state_of(sessions, big.agent_id)
    assert state is not None and state.last_error_code == "oversize"
    assert "40 devices" in (state.last_error_detail or "")
    assert state.last_status == "refused_by_hub" and state.applied_version == 0


async def test_a_device_the_protocol_refuses_is_reported_not_sent(
        sessions: Sessions, publisher: MqttCommandPublisher, everything: Inbox) -> None:
    bad, sentinel = await new_agent(sessions), await new_agent(sessions)
    device = await new_device(sessions, bad)
    async with sessions() as session, session.begin():
        # A row written around the API's checks: an address with a space in it.
        await session.execute(update(Device).where(Device.id == device)
                              .values(management_address="192.0.2.1 ; reboot"))
        await announce(session, bad)
    await new_device(sessions, sentinel)
    await ConfigPusher(sessions, publisher, SECRET_KEY).tick()
    await everything.wait_for(_topic(sentinel))
    assert everything.on(_topic(bad)) == []
    state = await state_of(sessions, bad.agent_id)
    assert state is not None and state.last_error_code == "invalid"
    assert f"device {device}: host" in (state.last_error_detail or "")
    assert "reboot" not in (state.last_error_detail or "")


async def test_a_change_committed_without_its_event_is_pushed_anyway(
        sessions: Sessions, publisher: MqttCommandPublisher, everything: Inbox) -> None:
    where = await new_agent(sessions)
    device = await new_device(sessions, where)
    async with sessions() as session, session.begin():
        await session.execute(update(Device).where(Device.id == device).values(retries=3))
    await ConfigPusher(sessions, publisher, SECRET_KEY).tick()
    [payload] = await everything.wait_for(_topic(where))
    push = decode_for_topic(_topic(where), payload)
    assert isinstance(push, ConfigPush) and push.config_version == 2
    assert unpack(push.document, push.content_hash).devices[0].retries == 3



async def test_a_revoked_agent_is_not_pushed(
        sessions: Sessions, publisher: MqttCommandPublisher, everything: Inbox) -> None:
    revoked, sentinel = await new_agent(sessions), await new_agent(sessions)
    await new_device(sessions, revoked)
    async with sessions() as session, session.begin():
        await session.execute(update(Agent).where(Agent.id == revoked.agent_id)
                              .values(status="revoked", revoked_at=datetime.now(UTC)))
    await new_device(sessions, sentinel)
    await ConfigPusher(sessions, publisher, SECRET_KEY).tick()
    await everything.wait_for(_topic(sentinel))
    assert everything.on(_topic(revoked)) == []
    state = await state_of(sessions, revoked.agent_id)
    assert state is not None and state.pushed_version == 0


async def test_a_broker_that_refuses_leaves_the_version_unpushed(sessions: Sessions) -> None:
    where = await new_agent(sessions)
    await new_device(sessions, where)
    dead = MqttCommandPublisher("127.0.0.1", free_port(), "hub", "x", "dead", timeout_s=2)
    try:
        with pytest.raises(PublishError):
            await ConfigPusher(sessions, dead, SECRET_KEY).tick()
    finally:
        await dead.close()
    state = await state_of(sessions, where.agent_id)
    assert state is not None and (state.desired_version, state.pushed_version) == (1, 0)
