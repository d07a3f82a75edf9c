"""The hub's own broker logins over TLS (DOTMAC_HUB_BROKER_TLS, one switch for all of them).

Against the real Mosquitto's TLS listener: an ingest worker built from settings stores what
an agent sends, the job publisher's commands arrive, and dynsec administration grants a
login; a broker whose certificate does not chain to the configured CA gets no password and
no acknowledgement, and the worker says why in its log.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.broker import DynsecAdmin
from hub.ingest import IngestSettings
from hub.ingest.service import build_worker
from hub.jobs.mqtt import MqttCommandPublisher
from hub.jobs.settings import JobsSettings
from hub.metrics import Metrics
from hub.settings import BrokerSettings
from hub.tls import client_context
from hub.tsdb import InfluxStore
from protocol import Channel, build
from tests.hub.ingest.harness import (
    Publisher,
    aligned_start,
    counter_batch,
    new_tenancy,
    register_agent,
    sql,
    token,
    wait_for,
)
from tests.services.mosquitto import Broker, make_ca
from tests.services.victoria import Victoria


def _tls_settings(broker: Broker, ca_file: Path | None, group: str) -> IngestSettings:
    assert broker.ca_file is not None
    tls = BrokerSettings(host="127.0.0.1", tls_port=broker.tls_port, tls=True, ca_file=ca_file)
    return IngestSettings(broker=tls, username=broker.hub.username,
                          password=broker.hub.password, client_id=token(group), group=group,
                          registry_ttl_s=0.5)


async def test_ingest_worker_over_tls_stores_an_agents_batch(
        mosquitto: Broker, victoria: Victoria,
        sessions: async_sessionmaker[AsyncSession]) -> None:
    where = await new_tenancy(sessions)
    agent, device = token("agent"), token("tls-sw")
    agent = str(await register_agent(sessions, where, agent))  # its registry id logs in
    settings = _tls_settings(mosquitto, mosquitto.ca_file, token("tls"))
    worker = build_worker(sessions, settings, InfluxStore(victoria.url), Metrics())
    task = asyncio.create_task(worker.run())
    publisher = Publisher(mosquitto, mosquitto.add_user(agent))
    try:
        await worker.wait_connected()
        publisher.send(counter_batch(agent, 1, device, aligned_start(), {1: (1000, 2000)}),
                       Channel.TELEMETRY)
        await wait_for(lambda: worker.metrics.value("dotmac_ingest_messages_total",
                                                    result="stored") == 1, 30, "stored")
    finally:
        worker.stop()
        await asyncio.gather(task, return_exceptions=True)
        publisher.close()
    gauges = await sql(sessions, "SELECT metric, value FROM latest_values WHERE device = :d",
                       d=device)
    counters = await sql(sessions, "SELECT count(*) FROM counter_state WHERE device = :d",
                         d=device)
    assert [tuple(row) for row in gauges] == [("cpu_load_percent", 1.0)]
    assert counters[0][0] == 2  # in and out octets, ready for the next delta


async def test_untrusted_broker_certificate_is_refused_and_logged(
        mosquitto: Broker, sessions: async_sessionmaker[AsyncSession], tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    other_ca = tmp_path / "other-ca.pem"
    other_ca.write_text(make_ca("not the broker's CA").pem)
    settings = _tls_settings(mosquitto, other_ca, token("tls-bad"))
    worker = build_worker(sessions, settings, InfluxStore("http://127.0.0.1:9"), Metrics())
    caplog.set_level(logging.WARNING, logger="dotmac.hub.ingest.mqtt")
    task = asyncio.create_task(worker.run())
    try:
        with pytest.raises(TimeoutError):
            await worker.wait_connected(timeout_s=3)
        failures = [r.getMessage() for r in caplog.records
                    if "ingest.mqtt.connect_failed" in r.getMessage()]
        assert failures and "CERTIFICATE_VERIFY_FAILED" in failures[0]
        assert "tls=True" in failures[0] and str(mosquitto.tls_port) in failures[0]
        assert len(failures) == 1  # paho retries every few seconds; logged once a minute
    finally:
        worker.stop()
        await asyncio.gather(task, return_exceptions=True)
    assert mosquitto.hub.password not in caplog.text


def test_ca_file_that_does_not_exist_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is not a file"):
        BrokerSettings(tls=True, ca_file=tmp_path / "missing.pem")


def test_tls_uses_the_tls_port() -> None:
    assert BrokerSettings(tls=True).connect_port == 8883
    assert BrokerSettings(tls=True, tls_port=18883, port=1884).connect_port == 18883
    assert BrokerSettings().connect_port == 1883


def _ingest(**broker: Any) -> IngestSettings:
    return IngestSettings(broker=BrokerSettings(**broker))


def test_production_refuses_clear_text_logins_to_a_remote_broker() -> None:
    remote = _ingest(host="broker.pop.example", tls=False)
    problems = remote.problems(production=True)
    assert len(problems) == 1 and problems[0].startswith("DOTMAC_HUB_BROKER_TLS:")
    assert remote.problems(production=False) == []
    assert _ingest(host="broker.pop.example", tls=True).problems(True) == []
    assert _ingest(host="::1").problems(True) == []  # same machine
    assert JobsSettings(broker=remote.broker).problems(True)[0].startswith(
        "DOTMAC_HUB_BROKER_TLS:")


async def test_job_commands_and_dynsec_administration_over_tls(mosquitto: Broker) -> None:
    assert mosquitto.ca_file is not None
    agent = token("tls-agent")
    admin = DynsecAdmin("127.0.0.1", mosquitto.tls_port, mosquitto.dynsec_admin.username,
                        mosquitto.dynsec_admin.password, tls=client_context(mosquitto.ca_file))
    password = token("pw")
    await admin.grant_agent(agent, password)
    received: list[bytes] = []
    listener = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=agent, protocol=mqtt.MQTTv5)
    listener.username_pw_set(agent, password)  # the login dynsec just made, its own prefix
    subscribed = threading.Event()
    listener.on_message = lambda _c, _u, msg: received.append(msg.payload)
    listener.on_subscribe = lambda *_args: subscribed.set()
    listener.connect(mosquitto.host, mosquitto.port)
    listener.loop_start()
    topic = build(agent, Channel.JOB)
    listener.subscribe(topic, qos=1)
    ingest = _tls_settings(mosquitto, mosquitto.ca_file, token("jobs"))
    settings = JobsSettings(broker=ingest.broker, username=ingest.username,
                            password=ingest.password, client_id=token("jobs"))
    publisher = MqttCommandPublisher.from_settings(settings, "tls")
    try:
        await wait_for(subscribed.is_set, 10, "the agent's subscription")
        await publisher.publish(topic, b'{"job": 1}')
        await wait_for(lambda: received == [b'{"job": 1}'], 10, "the command delivered")
    finally:
        await publisher.close()
        listener.loop_stop()
        listener.disconnect()
        await admin.revoke_agent(agent)
