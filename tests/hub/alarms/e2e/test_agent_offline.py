"""Issue #18 proof, agent offline: SIGKILL the real agent process -> the broker publishes its
Last Will -> "agent offline" is raised after the configured time (agent.offline after_s,
set through PUT /alarm-rules/agent.offline), and the reachability alarm of a device it polls
is suppressed under it, naming it as its root; the agent started again clears the offline
alarm and the device's alarm stands on its own again.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from hub.ingest.models import AgentHealthRow
from tests.hub.alarms.e2e.harness import DEAD, WITHIN_S, Stack, agent_online, parse_time, wait_for

pytestmark = pytest.mark.services("postgres", "mosquitto", "snmpd")

AFTER_S = 3  # agent.offline: offline (Last Will) for this long raises the alarm


def _actions(alarm: dict[str, Any]) -> list[str]:
    return [h["action"] for h in alarm["history"]]


async def test_killed_agent_is_offline_after_its_time_and_roots_its_devices_alarms(
        stack: Stack) -> None:
    rule = await stack.put("/alarm-rules/agent.offline", {"params": {"after_s": AFTER_S}})
    assert rule["params"]["after_s"] == AFTER_S, rule
    # Unreachable after one failed poll (every 2 s) rather than three: a quicker test.
    await stack.put("/alarm-rules/device.unreachable", {"params": {"polls": 1}})
    # core-rtr answers no poll (a closed port): its reachability alarm comes first.
    unreachable = await stack.wait_alarm(
        lambda a: a["device_name"] == DEAD and a["state"] == "raised",
        "core-rtr's device.unreachable alarm", rule="device.unreachable")
    assert unreachable["device_id"] == stack.devices[DEAD]
    assert unreachable["agent_id"] == stack.agent_id and unreachable["suppressed_by"] is None

    assert stack.pop.agent is not None and stack.pop.agent.proc is not None
    killed_at, killed = datetime.now(UTC), time.monotonic()
    stack.pop.agent.proc.kill()  # SIGKILL: no goodbye, the broker sends the Last Will
    offline = await stack.wait_alarm(lambda a: a["state"] == "raised", "agent.offline",
                                     rule="agent.offline")
    visible_after = time.monotonic() - killed
    print(f"\nagent.offline visible {visible_after:.2f} s after SIGKILL (after_s {AFTER_S})")
    assert visible_after >= AFTER_S - 0.5, "raised before the configured time"
    assert (offline["agent_id"], offline["severity"], offline["origin"]) == (
        stack.agent_id, "critical", "agent")
    # It began when the agent went away (the Last Will's arrival), not when it was raised.
    began = parse_time(offline["first_raised_at"])
    assert killed_at - timedelta(seconds=1) <= began <= killed_at + timedelta(seconds=3)

    child = await stack.alarm(unreachable["id"])
    assert child["suppressed_by"] == offline["id"] and child["state"] == "raised"
    assert child["root"] is not None and child["root"]["id"] == offline["id"]
    assert "suppressed" in _actions(child)
    listed = await stack.alarms(rule="device.unreachable", device_name=DEAD, active="true")
    assert [a["suppressed_by"] for a in listed] == [offline["id"]]

    stack.pop.start()
    await stack.pop.listening()
    await agent_online(stack)

    async def cleared() -> bool:
        return bool((await stack.alarm(offline["id"]))["state"] == "cleared")

    await wait_for(cleared, WITHIN_S, "agent.offline cleared by the agent's return")
    back = await stack.alarm(offline["id"])
    assert back["cleared_by"] == "system" and parse_time(back["cleared_at"]) > began

    async def standing_alone() -> bool:
        child = await stack.alarm(unreachable["id"])
        return child["suppressed_by"] is None and child["state"] == "raised"

    # core-rtr is still down: its own alarm is active again, under no root.
    await wait_for(standing_alone, WITHIN_S, "core-rtr's alarm released from its root")
    assert "unsuppressed" in _actions(await stack.alarm(unreachable["id"]))


async def _health_stored_since(stack: Stack, since: datetime) -> bool:
    async with stack.hub.app.state.sessions() as session:
        stored = (await session.execute(select(AgentHealthRow.health_ts).where(
            AgentHealthRow.agent_id == uuid.UUID(stack.agent_id)))).scalar_one_or_none()
    return stored is not None and stored > since


async def test_a_restarted_agent_does_not_clear_the_alarm_of_a_device_still_down(
        stack: Stack) -> None:
    """core-rtr stays unreachable across an agent restart: its alarm stays raised. (The
    agent's first health after a start, sent before its first poll, names no failing
    device; read as "every device is up", it clears the alarm, which comes back
    polls x interval later: a false clear, and one more transition towards flapping.)"""
    alarm = await stack.wait_alarm(
        lambda a: a["device_name"] == DEAD and a["state"] == "raised"
        and a["suppressed_by"] is None, "core-rtr's device.unreachable alarm",
        rule="device.unreachable")
    stack.pop.stop()  # SIGTERM: a clean stop (an upgrade, a reboot)
    restarted = datetime.now(UTC)
    stack.pop.start()
    await stack.pop.listening()
    # The agent polled core-rtr (and failed) in this run, then a health saying so arrived.

    def failed_again() -> bool:  # status.json of this run (the last run's stays until then)
        status = stack.pop.status()
        written = status.get("written_at")
        return written is not None and parse_time(written) > restarted \
            and status.get("devices", {}).get(DEAD, {}).get("failures", 0) >= 1

    await wait_for(failed_again, WITHIN_S, "the agent to poll core-rtr again")
    polled = datetime.now(UTC)
    await wait_for(lambda: _health_stored_since(stack, polled), WITHIN_S,
                   "a health report of the restarted agent after that poll")
    after = [h for h in (await stack.alarm(alarm["id"]))["history"]
             if parse_time(h["at"]) >= restarted - timedelta(seconds=1)]
    assert not [h for h in after if h["action"] == "cleared"], (
        "core-rtr never answered, yet its alarm was cleared on the agent's restart: "
        f"{[(h['action'], h['at'], h['text']) for h in after]}")
