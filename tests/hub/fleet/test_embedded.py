"""A single-process hub (embedded ingest) pushes configs itself: a device added at the hub
reaches its agent's cmd/config, and the agent's ack, through the embedded ingest, shows the
agent in sync in the API."""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from protocol import Channel, ConfigAck, ConfigPush, build, decode_for_topic
from protocol.edge_config import unpack
from tests.hub.fleet.conftest import Where, new_device
from tests.hub.fleet.test_pusher import Inbox
from tests.hub.harness import Account, Hub, hub_settings, running_hub
from tests.hub.ingest.harness import Publisher
from tests.services.mosquitto import Broker
from tests.services.victoria import Victoria

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_an_embedded_hub_pushes_and_records_the_ack(
        pg_url: str, mosquitto: Broker, victoria: Victoria,
        monkeypatch: pytest.MonkeyPatch) -> None:
    tag = secrets.token_hex(3)
    for name, value in {"BROKER_HOST": mosquitto.host, "BROKER_PORT": str(mosquitto.port),
                        "INGEST_USERNAME": mosquitto.hub.username,
                        "INGEST_PASSWORD": mosquitto.hub.password,
                        "JOBS_USERNAME": mosquitto.hub.username,
                        "JOBS_PASSWORD": mosquitto.hub.password, "TSDB_URL": victoria.url,
                        "INGEST_CLIENT_ID": f"fleet-{tag}",
                        "INGEST_GROUP": f"fleet-{tag}"}.items():
        monkeypatch.setenv(f"DOTMAC_HUB_{name}", value)
    async with running_hub(hub_settings(pg_url, ingest_embedded=True)) as hub:
        owner = await hub.new_tenant("fleet-embedded")
        site = await hub.post(owner, "/sites", {"name": f"pop-{tag}"})
        agent = await hub.post(owner, "/agents", {"site_id": site["id"], "name": f"a-{tag}"})
        where = Where(owner.tenant_id, uuid.UUID(site["id"]), uuid.UUID(agent["id"]))
        creds = mosquitto.add_user(agent["id"])
        topic = build(agent["id"], Channel.CONFIG)
        inbox, publisher = Inbox(mosquitto, creds, topic), Publisher(mosquitto, creds)
        try:
            device = await new_device(hub.app.state.sessions, where)
            push = await _push_with(inbox, topic, device)
            publisher.send(ConfigAck(agent_id=agent["id"], seq=time.time_ns() // 1000,
                                     ts=datetime.now(UTC), status="applied",
                                     config_version=push.config_version,
                                     applied_version=push.config_version,
                                     content_hash=push.content_hash, devices=1),
                           Channel.CONFIG_ACK)
            body = await _in_sync(hub, owner, agent["id"])
        finally:
            inbox.close()
            publisher.close()
    assert body["applied_version"] == push.config_version == body["desired_version"]
    assert body["last_status"] == "applied" and body["acked_at"] is not None


async def _push_with(inbox: Inbox, topic: str, device: uuid.UUID) -> ConfigPush:
    """The first push whose document holds `device` (the agent's empty config may come
    first when creating the agent versioned it)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for payload in inbox.on(topic):
            push = decode_for_topic(topic, payload)
            assert isinstance(push, ConfigPush)
            if [d.id for d in unpack(push.document, push.content_hash).devices] == [device]:
                return push
        await inbox.wait_for(topic, len(inbox.on(topic)) + 1, within_s=30)
    raise AssertionError("the embedded hub never pushed the device")


async def _in_sync(hub: Hub, owner: Account, agent_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        resp = await hub.client.get(f"/agents/{agent_id}/config", headers=owner.headers)
        body = resp.json()
        if body["in_sync"] and body["acked_at"] is not None:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"never in sync: {body}")
