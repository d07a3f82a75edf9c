"""DeviceEvents, the object the runtime will wire: both receivers, one storm control, a
clock the test owns (no sleeps), health for the health message, sources swapped live."""

from __future__ import annotations

import json
import socket

import pytest

from edge_agent.events import (
    DeviceEvents,
    DeviceRef,
    EventCatalog,
    EventSettings,
    ReceiverError,
    SourceMap,
    StormSettings,
    SyslogSettings,
    TrapSettings,
)
from tests.agent_events.conftest import DEVICE, source_map, wait_state
from tests.agent_events.test_traps import LINK_DOWN, send
from tests.services._proc import free_port

LINE = b"<187>Mar  4 10:15:02 sw1 %LINK-3-UPDOWN: Interface Gi0/9, changed state to down"


class Clock:
    """Monotonic time the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def settings() -> EventSettings:
    return EventSettings(
        TrapSettings("127.0.0.1", free_port(socket.SOCK_DGRAM), ("svc-community",)),
        SyslogSettings("127.0.0.1", free_port(socket.SOCK_DGRAM), free_port()),
        StormSettings(window_s=2.0))


async def test_traps_and_syslog_leave_through_storm_control(catalog: EventCatalog) -> None:
    clock = Clock()
    events = DeviceEvents(settings(), catalog, source_map("cisco_ios"), clock)
    await events.start()
    try:
        assert events.traps is not None and events.syslog is not None
        target = f"udp:127.0.0.1:{events.traps.port}"
        for _ in range(3):
            rc, err = await send("snmptrap", "-v2c", "-c", "svc-community", target, "",
                                 LINK_DOWN, "1.3.6.1.2.1.2.2.1.1.9", "i", "9")
            assert rc == 0, err
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(LINE, ("127.0.0.1", events.syslog.udp_port or 0))
        storm = events.storm
        await wait_state(lambda: storm.health().accepted + storm.health().folded == 4, "4 in")
        assert events.next_due() == 0.0, "first events are due at once"
        trap, line = events.due()
        assert (trap.event_type, trap.count, trap.labels) == ("link_down", 1, {"ifIndex": "9"})
        assert (line.event_type, line.count, line.labels) == ("link_down", 1, {"ifName": "Gi0/9"})
        assert trap.device == line.device == DEVICE
        assert events.due() == [] and events.next_due() == 2.0  # the trap's two repeats wait
        clock.now += 2.0
        [repeats] = events.due()
        assert (repeats.event_type, repeats.count, repeats.labels) == (
            "link_down", 2, {"ifIndex": "9"})
        health = json.loads(json.dumps(events.health()))
        assert health["storm"]["folded"] == 2 and health["traps"]["received"] == {"v2c_trap": 3}
        assert health["syslog"]["received"] == {"udp": 1}
    finally:
        await events.close()


async def test_sources_swapped_while_running(catalog: EventCatalog) -> None:
    clock = Clock()
    events = DeviceEvents(settings(), catalog, SourceMap({}), clock)
    await events.start()
    try:
        assert events.syslog is not None
        port = events.syslog.udp_port or 0
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(LINE, ("127.0.0.1", port))
            await wait_state(lambda: events.storm.health().accepted == 1, "the first line")
            moved = DeviceRef("dev-0002", "pop1-sw2", "cisco_ios")
            events.set_sources(SourceMap.build([(moved, ["127.0.0.1"])]))
            sock.sendto(LINE, ("127.0.0.1", port))
            await wait_state(lambda: events.storm.health().accepted == 2, "the second line")
        clock.now += 5
        before, after = events.due()
        assert before.device is None and after.device == moved
        assert events.syslog.stats.unknown_sources == 1
    finally:
        await events.close()


async def test_a_failed_start_leaves_nothing_bound(catalog: EventCatalog) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        base = settings()
        taken = SyslogSettings("127.0.0.1", None, busy.getsockname()[1])
        events = DeviceEvents(EventSettings(base.traps, taken), catalog, SourceMap({}))
        with pytest.raises(ReceiverError, match="syslog receiver: cannot bind"):
            await events.start()
        assert base.traps is not None
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", base.traps.port))  # the trap port was released
