"""Issue #18 proof, broker outage: the module's own Mosquitto is stopped while traps and a
syslog line arrive at the agent; they wait in its durable queue, reach the hub after the
broker returns, and the alarms carry the devices' original times (the agent's receive time
for traps, the device's own RFC 5424 stamp for syslog), not the time the hub got them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.hub.alarms.e2e.harness import (
    LINE,
    POP,
    WITHIN_S,
    Stack,
    logger,
    parse_time,
    v2c_trap,
    wait_for,
)

pytestmark = pytest.mark.services("postgres", "mosquitto", "snmpd")

TRAPPED = (61, 62, 63)
LOGGED = "GigabitEthernet0/64"


def _accepted(stack: Stack) -> int:
    counters = (stack.pop.status().get("events") or {}).get("counters") or {}
    return int(counters.get("accepted", 0))


def _queued(stack: Stack) -> int:
    return int(stack.pop.status().get("queue", {}).get("depth", 0))


def _mine(alarm: dict[str, Any]) -> bool:
    return alarm["if_index"] in TRAPPED or alarm["subject"] == f"{POP} {LOGGED}"


async def test_events_queued_during_a_broker_outage_raise_alarms_at_their_own_time(
        stack: Stack) -> None:
    stack.broker.stop()
    try:
        await wait_for(lambda: stack.pop.status().get("delivery", {}).get("connected") is False,
                       WITHIN_S, "the agent to notice the broker is gone")
        before = _accepted(stack)
        sent_at = datetime.now(UTC)
        for if_index in TRAPPED:
            await v2c_trap(stack.pop, if_index)
        await logger(stack.pop, LINE.format(name=LOGGED, state="down"), "5424", tcp=False)
        await wait_for(lambda: _accepted(stack) >= before + 4 and _queued(stack) > 0,
                       WITHIN_S, "the four events in the agent's durable queue")
        assert not [e for e in await stack.events(device_name=POP, event_type="link_down")
                    if e["labels"].get("ifName") == LOGGED]
        assert not [a for a in await stack.alarms(rule="event.link") if _mine(a)]
    finally:
        back_at = datetime.now(UTC)
        stack.broker.start()

    async def all_raised() -> bool:
        return len([a for a in await stack.alarms(rule="event.link") if _mine(a)]) == 4

    try:
        await wait_for(all_raised, WITHIN_S, "the four alarms after the broker returned")
    except AssertionError as exc:
        delivery = stack.pop.status().get("delivery", {})
        raise AssertionError(
            f"{exc}; the agent's delivery: {delivery}. A non-zero no_subscribers means the "
            "agent reconnected to the restarted broker before the hub's ingest worker "
            "re-subscribed, and the broker acknowledged (and dropped) its queued messages "
            "with reason 16 'no matching subscribers', which the agent counts as delivered "
            "(edge_agent/delivery/service.py, _accepted)") from None
    events = {(e["labels"].get("ifIndex"), e["labels"].get("ifName")): e
              for e in await stack.events(device_name=POP, event_type="link_down")}
    alarms = [a for a in await stack.alarms(rule="event.link") if _mine(a)]
    for alarm in alarms:
        key = (str(alarm["if_index"]), None) if alarm["if_index"] in TRAPPED else (None, LOGGED)
        event = events[key]
        received, ingested = parse_time(event["received_at"]), parse_time(event["ingested_at"])
        assert sent_at <= received < back_at < ingested, (alarm["subject"], event)
        first = parse_time(alarm["first_raised_at"])
        if event["origin"] == "syslog":  # the device's own clock (RFC 5424 stamp)
            assert event["device_time"] is not None
            assert first == parse_time(event["device_time"]), (alarm, event)
        else:  # a trap carries no clock: the agent's receive time
            assert first == received, (alarm, event)
        assert first < back_at and alarm["state"] == "raised"
