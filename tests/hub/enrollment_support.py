"""Helpers for the enrollment tests: a broker-enabled hub and an MQTT client as the agent."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import aiomqtt

from edge_agent.delivery import AckingClient
from hub.settings import BrokerSettings, DynsecSettings, HubSettings
from tests.hub.harness import Account, Hub, hub_settings
from tests.services.mosquitto import Broker


def broker_hub_settings(database_url: str, broker: Broker, **overrides: Any) -> HubSettings:
    """Test hub settings wired to the session's Mosquitto (dynsec admin, TLS port, CA);
    `broker_<field>` overrides a field of its `BrokerSettings`."""
    values: dict[str, Any] = {
        "host": broker.host, "port": broker.port, "tls_port": broker.tls_port,
        "ca_file": broker.ca_file, "timeout": 5.0,
        **{k.removeprefix("broker_"): v for k, v in overrides.items() if k.startswith("broker_")},
    }
    rest = {k: v for k, v in overrides.items() if not k.startswith("broker_")}
    dynsec = DynsecSettings(username=broker.dynsec_admin.username,
                            password=broker.dynsec_admin.password)
    return hub_settings(database_url, broker=BrokerSettings(**values), dynsec=dynsec, **rest)


async def issue(hub: Hub, owner: Account, site_id: str, **body: Any) -> str:
    """Issue an enrollment token for a site; returns the token text."""
    made = await hub.client.post(f"/sites/{site_id}/enrollment-tokens", json=body,
                                 headers=owner.headers)
    assert made.status_code == 201, made.text
    token: str = made.json()["token"]
    return token


async def audit(hub: Hub, owner: Account, action: str) -> list[dict[str, Any]]:
    """Audit events of the owner's tenant with this action."""
    resp = await hub.client.get("/audit-events", params={"action": action, "limit": 200},
                                headers=owner.headers)
    assert resp.status_code == 200, resp.text
    events: list[dict[str, Any]] = resp.json()["data"]
    return events


def tls_params(ca_file: Path | str) -> aiomqtt.TLSParameters:
    """Verify the broker against `ca_file` (hostname included)."""
    return aiomqtt.TLSParameters(ca_certs=str(ca_file), cert_reqs=ssl.CERT_REQUIRED)


@asynccontextmanager
async def agent_client(broker: Broker, username: str, password: str, *,
                       ca_file: Path | str | None = None) -> AsyncIterator[AckingClient]:
    """The enrolled agent's MQTT v5 connection: TLS port with `ca_file`, else plain."""
    port = broker.tls_port if ca_file else broker.port
    async with AckingClient(broker.host, port, username=username, password=password,
                            identifier=username, timeout=5,
                            protocol=aiomqtt.ProtocolVersion.V5,
                            tls_params=tls_params(ca_file) if ca_file else None) as client:
        yield client


async def received_within(client: aiomqtt.Client, seconds: float) -> list[str]:
    """Topics of the messages the client gets in the next `seconds`."""
    topics: list[str] = []

    async def read() -> None:
        async for message in client.messages:
            topics.append(str(message.topic))

    with suppress(TimeoutError):  # listening for the whole window is the point
        await asyncio.wait_for(read(), seconds)
    return topics


async def hub_publish(broker: Broker, topic: str, payload: bytes) -> None:
    """Publish as the hub's own broker user (it may write every agent's cmd topics)."""
    async with aiomqtt.Client(broker.host, broker.port, username=broker.hub.username,
                              password=broker.hub.password,
                              protocol=aiomqtt.ProtocolVersion.V5) as client:
        await client.publish(topic, payload, qos=1)


async def execute(settings: HubSettings, sql: str, **params: Any) -> None:
    """Run one statement straight against the database and commit it."""
    from sqlalchemy import text

    from hub.db import create_engine

    engine = create_engine(settings.database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql), params)
    finally:
        await engine.dispose()
