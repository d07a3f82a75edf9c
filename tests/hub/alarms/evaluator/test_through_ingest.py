"""The agent's own messages, encoded as it publishes them, through ingest's pipeline (decode,
authorize, dedupe, store, domain events) into alarms: the Last Will raises agent.offline at
once (after_s 0) and its unreachable device waits under it; the birth clears the agent's
alarm without a pass and the device's alarm stands on its own until a health report says
the device answers again."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from hub.alarms.evaluator import run_pass
from hub.db import utcnow
from hub.ingest import AgentRegistry, Pipeline
from hub.ingest.pipeline import Outcome
from hub.tsdb import InfluxStore
from protocol import AgentHealth, AgentState, Channel, Envelope, build, encode
from tests.hub.alarms.conftest import World
from tests.hub.alarms.evaluator.conftest import Sessions, alarms, feed_for, gauge, only, override
from tests.services.victoria import Victoria

pytestmark = pytest.mark.asyncio(loop_scope="session")
SEQ = itertools.count(1)


async def test_agent_messages_through_the_pipeline_raise_and_clear(
        sessions: Sessions, world: World, victoria: Victoria) -> None:
    await override(sessions, world.tenant_id, "agent.offline", after_s=0)
    feed = await feed_for(sessions, world)
    name = feed.who.name
    pipeline = Pipeline(sessions, InfluxStore(victoria.url), AgentRegistry(sessions, names=True))

    async def send(message: Envelope, channel: Channel) -> None:
        outcome = await pipeline.handle(build(name, channel), encode(message))
        assert isinstance(outcome, Outcome) and outcome.result == "stored", outcome

    def state(value: str) -> AgentState:
        now = utcnow()
        return AgentState(agent_id=name, seq=next(SEQ), ts=now, state=value,  # type: ignore[arg-type]
                          agent_version="1.3.0", started_at=now - timedelta(seconds=3),
                          reason="lwt" if value == "offline" else None)

    def health(failing: dict[str, str]) -> AgentHealth:
        return AgentHealth(agent_id=name, seq=next(SEQ), ts=utcnow(), queue_depth=0,
                           queue_bytes=0, oldest_queued_age_s=0, dropped_samples=0,
                           poll_duration_p50_s=0.1, poll_duration_p95_s=0.2, devices_total=1,
                           devices_failing=len(failing), device_errors=failing, uptime_s=60)

    await send(state("online"), Channel.STATE)
    await feed.samples(gauge(world.device_name, "cpu_load_percent", 5, utcnow()))
    await send(health({world.device_name: "timeout"}), Channel.HEALTH)
    await send(state("offline"), Channel.STATE)  # the broker delivers the Last Will
    root = await only(sessions, world.tenant_id, "agent.offline")  # no pass ran

    await run_pass(sessions, utcnow() + timedelta(minutes=4))  # 3 polls of 60 s are over
    child = await only(sessions, world.tenant_id, "device.unreachable")
    assert child.suppressed_by == root.id

    await send(state("online"), Channel.STATE)
    assert len(await alarms(sessions, world.tenant_id, "agent.offline", "cleared")) == 1
    child = await only(sessions, world.tenant_id, "device.unreachable")
    assert child.state == "raised" and child.suppressed_by is None

    await send(health({}), Channel.HEALTH)  # the device answers again
    assert len(await alarms(sessions, world.tenant_id, "device.unreachable", "cleared")) == 1
