"""What agents answer on up/config reaches the config state through the real ingest
pipeline (decode, authorize, dedupe) and moves it by the rules of hub.fleet.acks."""

from __future__ import annotations

import asyncio
import secrets
import time
from datetime import UTC, datetime

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.fleet.acks import ACKS, REJECTS
from hub.fleet.models import AgentConfigState
from hub.fleet.pusher import ConfigPusher
from hub.ingest import AgentRegistry, Pipeline
from hub.inventory.models import Device
from hub.jobs.mqtt import MqttCommandPublisher
from hub.metrics import Metrics
from hub.tsdb import InfluxStore
from protocol import Channel, ConfigAck, ConfigPush, build, decode_for_topic, encode
from tests.hub.fleet.conftest import SECRET_KEY, Where, new_agent, new_device, state_of
from tests.hub.fleet.test_pusher import Inbox
from tests.hub.ingest.harness import Publisher, Workers, make_workers
from tests.services.mosquitto import Broker
from tests.services.victoria import Victoria

pytestmark = pytest.mark.asyncio(loop_scope="session")
Sessions = async_sessionmaker[AsyncSession]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def pipeline(sessions: Sessions, victoria: Victoria) -> Pipeline:
    """Ingest's pipeline on this module's database (agents known by id, as in production)."""
    return Pipeline(sessions, InfluxStore(victoria.url), AgentRegistry(sessions, ttl_s=0.1))


def _ack(where: Where, status: str, version: int, applied: int, **extra: object) -> ConfigAck:
    return ConfigAck.model_validate({
        "agent_id": str(where.agent_id), "seq": time.time_ns() // 1000, "ts": datetime.now(UTC),
        "status": status, "config_version": version, "applied_version": applied,
        "content_hash": "a" * 64, **extra})


async def _report(pipeline: Pipeline, where: Where, ack: ConfigAck) -> str:
    outcome = await pipeline.handle(build(str(where.agent_id), Channel.CONFIG_ACK), encode(ack))
    return outcome.result


async def _agent_at(sessions: Sessions, versions: int) -> Where:
    where = await new_agent(sessions)
    for _ in range(versions):
        await new_device(sessions, where)
    return where


async def test_applied_then_a_late_older_ack_keeps_the_newest(
        sessions: Sessions, pipeline: Pipeline) -> None:
    where = await _agent_at(sessions, 3)
    before = Metrics().value(ACKS, status="applied")
    assert await _report(pipeline, where, _ack(where, "applied", 3, 3, devices=3)) == "stored"
    assert await _report(pipeline, where, _ack(where, "applied", 2, 2)) == "stored"
    state = await state_of(sessions, where.agent_id)
    assert state is not None
    assert (state.applied_version, state.desired_version, state.last_status) == (3, 3, "applied")
    assert state.acked_at is not None and state.last_error_code is None
    assert Metrics().value(ACKS, status="applied") == before + 2


async def test_a_rejection_keeps_what_runs_and_says_why(
        sessions: Sessions, pipeline: Pipeline) -> None:
    where = await _agent_at(sessions, 2)
    await _report(pipeline, where, _ack(where, "applied", 1, 1))
    before = Metrics().value(REJECTS, error_code="unknown_profile")
    ack = _ack(where, "rejected", 2, 1, error_code="unknown_profile",
               detail="devices.1.profile: no profile named 'foo_os' on this agent")
    assert await _report(pipeline, where, ack) == "stored"
    state = await state_of(sessions, where.agent_id)
    assert state is not None
    assert (state.applied_version, state.last_status, state.last_error_code) == (
        1, "rejected", "unknown_profile")
    assert "foo_os" in (state.last_error_detail or "") and state.last_error_at is not None
    assert Metrics().value(REJECTS, error_code="unknown_profile") == before + 1
    # The next applied version clears the error.
    await _report(pipeline, where, _ack(where, "applied", 2, 2))
    state = await state_of(sessions, where.agent_id)
    assert state is not None and state.last_error_code is None and state.applied_version == 2


async def test_a_duplicate_ack_is_stored_once(sessions: Sessions, pipeline: Pipeline) -> None:
    where = await _agent_at(sessions, 1)
    ack = _ack(where, "rejected", 1, 0, error_code="store_failed", detail="disk full")
    before = Metrics().value(REJECTS, error_code="store_failed")
    assert await _report(pipeline, where, ack) == "stored"
    assert await _report(pipeline, where, ack) == "duplicate"
    assert Metrics().value(REJECTS, error_code="store_failed") == before + 1


async def test_current_behind_asks_for_a_prompt_push_and_ahead_moves_desired_past_it(
        sessions: Sessions, pipeline: Pipeline) -> None:
    behind = await _agent_at(sessions, 3)
    async with sessions() as session, session.begin():
        state = await session.get(AgentConfigState, behind.agent_id)
        assert state is not None
        state.pushed_version, state.pushed_at = 3, datetime.now(UTC)
    # A reinstalled agent runs nothing: the hub believes that and pushes at the next pass.
    await _report(pipeline, behind, _ack(behind, "current", 0, 0))
    state = await state_of(sessions, behind.agent_id)
    assert state is not None and (state.applied_version, state.pushed_version) == (0, 0)
    ahead = await _agent_at(sessions, 1)
    # The hub's database was restored: the agent runs version 7 the hub forgot.
    await _report(pipeline, ahead, _ack(ahead, "current", 7, 7))
    state = await state_of(sessions, ahead.agent_id)
    assert state is not None and (state.applied_version, state.desired_version) == (7, 8)


async def test_an_agent_never_versioned_gets_a_first_version_when_it_reports(
        sessions: Sessions, pipeline: Pipeline) -> None:
    where = await new_agent(sessions)
    async with sessions() as session, session.begin():  # devices from before config push
        session.add_all([Device(tenant_id=where.tenant_id, site_id=where.site_id,
                                agent_id=where.agent_id, name=f"old-{i}-{where.agent_id}",
                                management_address="192.0.2.9", profile="cisco_ios")
                         for i in range(2)])
    assert await state_of(sessions, where.agent_id) is None
    await _report(pipeline, where, _ack(where, "current", 0, 0))
    state = await state_of(sessions, where.agent_id)
    assert state is not None
    assert (state.desired_version, state.desired_devices, state.applied_version,
            state.pushed_version) == (1, 2, 0, 0)


async def test_push_apply_ack_round_trip_over_the_broker(
        sessions: Sessions, mosquitto: Broker, victoria: Victoria) -> None:
    where = await _agent_at(sessions, 2)
    creds = mosquitto.add_user(str(where.agent_id))
    topic = build(str(where.agent_id), Channel.CONFIG)
    inbox, agent = Inbox(mosquitto, creds, topic), Publisher(mosquitto, creds)
    workers: Workers = make_workers(mosquitto, sessions, victoria.url,
                                    f"fleet-{secrets.token_hex(3)}", count=1)
    await workers.start()
    publisher = MqttCommandPublisher(mosquitto.host, mosquitto.port, mosquitto.hub.username,
                                     mosquitto.hub.password, f"acks-{secrets.token_hex(3)}")
    try:
        await ConfigPusher(sessions, publisher, SECRET_KEY).tick()
        [payload] = await inbox.wait_for(topic)
        push = decode_for_topic(topic, payload)
        assert isinstance(push, ConfigPush)
        agent.send(_ack(where, "applied", push.config_version, push.config_version,
                        devices=2), Channel.CONFIG_ACK)
        state = await _applied(sessions, where, push.config_version)
    finally:
        await publisher.close()
        await workers.stop()
        inbox.close()
        agent.close()
    assert (state.desired_version, state.pushed_version, state.applied_version) == (2, 2, 2)


async def _applied(sessions: Sessions, where: Where, version: int) -> AgentConfigState:
    for _ in range(300):  # 15 s
        state = await state_of(sessions, where.agent_id)
        if state is not None and state.applied_version == version:
            return state
        await asyncio.sleep(0.05)
    raise AssertionError(f"agent {where.agent_id} never acknowledged version {version}")

