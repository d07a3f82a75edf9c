"""Issue 18 (edge): the real agent process receives traps, informs and syslog from the standard
senders and delivers them as `device_events` on dm/v1/<agent>/up/events through its durable
queue; a broker outage loses nothing and keeps the original times; a 10,000 traps/s storm
from another process neither stops polling nor grows memory past a bound, and its drops are
counted in the health message.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.agent_delivery.helpers import Hub, connect_hub, unique_id
from tests.agent_e2e.harness import BIN, Agent, samples, stop_and_read_status, wait_until
from tests.agent_events.runtime_harness import (
    ROUTER_SOURCE,
    SENDER_ENGINE,
    V3_AUTH,
    V3_PRIV,
    V3_USER,
    EventsPop,
    find,
    healths,
    link_down,
    logger,
    rss_kib,
    snmp,
)
from tests.services.mosquitto import Broker, start_broker
from tests.services.snmp import Snmpd

pytestmark = pytest.mark.services("mosquitto", "snmpd")

WITHIN_S = 30.0  # generous: fold window 2 s + pump + MQTT, on a busy 2-core CI box
STORM_RATE = 10_000
STORM_S = 10.0
# The agent's resident memory may not pass this during the storm: storm control keeps
# 10,000 pending events and 4,096 sources at most, far below it. Measured: ~80 MiB peak.
RSS_BOUND_KIB = 300 * 1024


@pytest.fixture
def pop(tmp_path: Path, mosquitto: Broker, snmpd: Snmpd) -> Iterator[tuple[EventsPop, Hub]]:
    """A configured events agent (not started) on the session broker, and the hub's view."""
    agent_id = unique_id("ev")
    creds = mosquitto.add_user(agent_id)
    site = EventsPop(tmp_path, agent_id, creds.password)
    site.write(mosquitto.port, snmpd)
    hub = connect_hub(mosquitto, f"dm/v1/{agent_id}/up/#", client_id=f"hub-{agent_id}")
    yield site, hub
    hub.close()


def _started(site: EventsPop) -> Agent:
    agent = site.agent()
    agent.start()
    return agent


async def _wait_listening(site: EventsPop, agent: Agent) -> None:
    await wait_until(lambda: "events.started" in agent.log or not _alive(agent), WITHIN_S,
                     "the agent to bind its event ports")
    assert _alive(agent), agent.log[-3000:]


def _alive(agent: Agent) -> bool:
    return agent.proc is not None and agent.proc.alive()


async def test_traps_informs_and_syslog_reach_the_hub_as_device_events(
        pop: tuple[EventsPop, Hub]) -> None:
    site, hub = pop
    agent = _started(site)
    try:
        await _wait_listening(site, agent)
        before = datetime.now(UTC)
        await snmp("snmptrap", *link_down(site, 7))
        await snmp("snmpinform", "-t", "5", "-r", "2", *link_down(site, 8))
        await snmp("snmptrap", "-v3", "-e", SENDER_ENGINE, "-u", V3_USER, "-l", "authPriv",
                   "-a", "SHA", "-A", V3_AUTH, "-x", "AES", "-X", V3_PRIV,
                   f"--clientaddr={ROUTER_SOURCE}", site.trap_target, "", LINK_DOWN_V3,
                   "1.3.6.1.2.1.2.2.1.1.9", "i", "9")
        line = "%LINK-3-UPDOWN: Interface GigabitEthernet0/{n}, changed state to down"
        await logger(site, "--rfc5424", "-t", "sw", line.format(n=1))
        await logger(site, "--rfc3164", "-t", "sw", line.format(n=2))
        await logger(site, "--rfc5424", "-t", "sw", line.format(n=3), tcp=True)
        await logger(site, "--rfc3164", "-t", "sw", "--octet-count", line.format(n=4), tcp=True)
        await snmp("snmptrap", *link_down(site, 10, community="not-our-community"))
        await wait_until(lambda: len(find(hub, event_type="link_down")) >= 7, WITHIN_S,
                         "seven link_down events on up/events")
        await wait_until(lambda: _health_refused(hub) >= 1, WITHIN_S,
                         "the refused trap counted in health")
    finally:
        status = await stop_and_read_status(agent)
    assert status["events"]["traps"]["rejected"] == {"unknown_community": 1}
    assert status["events"]["counters"]["accepted"] >= 7
    proc = await asyncio.create_subprocess_exec(
        str(BIN / "dotmac-agent"), "status", "--config", str(site.config),
        stdout=asyncio.subprocess.PIPE, env={**os.environ, **agent.env})
    shown = (await asyncio.wait_for(proc.communicate(), 60))[0].decode()
    assert "events: received" in shown and "traps refused: unknown_community x1" in shown
    assert not find(hub, labels={"ifIndex": "10"})

    trap, inform = (find(hub, origin="snmp_trap", labels={"ifIndex": str(i)})[0] for i in (7, 8))
    for event in (trap, inform):
        assert (event.event_type, event.severity, event.source) == ("link_down", "major",
                                                                    "127.0.0.1")
        assert (event.device_id, event.device_name) == ("pop-linux", "pop-linux")
        assert event.rule == "IF-MIB::linkDown" and event.device_time is None
        assert before <= event.received_at <= datetime.now(UTC)
    assert inform.raw.startswith("v2c inform ") and trap.raw.startswith("v2c trap ")
    (v3,) = find(hub, origin="snmp_trap", labels={"ifIndex": "9"})
    assert (v3.source, v3.device_id) == (ROUTER_SOURCE, "core-rtr")  # from event_sources
    assert v3.raw.startswith("v3 trap ")
    for n in (1, 2, 3, 4):
        (line_event,) = find(hub, origin="syslog", labels={"ifName": f"GigabitEthernet0/{n}"})
        assert (line_event.event_type, line_event.device_id) == ("link_down", "pop-linux")
        # pop-linux's own profile has no such pattern: the first profile that maps it wins.
        assert line_event.rule is not None and line_event.rule.endswith(".link_down")
        # The device's own clock is kept beside the agent's (logger stamps in UTC here).
        assert line_event.device_time is not None
        assert abs((line_event.received_at - line_event.device_time).total_seconds()) < 5
    assert site.community not in agent.log and V3_AUTH not in agent.log
    assert V3_PRIV not in agent.log


LINK_DOWN_V3 = "1.3.6.1.6.3.1.1.5.3"


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[Broker]:
    """A broker of this test's own: it is stopped mid-test."""
    broker = start_broker(tmp_path / "broker")
    yield broker
    broker.stop()


async def test_events_received_while_the_broker_is_down_arrive_later_with_their_times(
        tmp_path: Path, own_broker: Broker, snmpd: Snmpd) -> None:
    agent_id = unique_id("evq")
    creds = own_broker.add_user(agent_id)
    site = EventsPop(tmp_path / "pop", agent_id, creds.password)
    site.dir.mkdir()
    site.write(own_broker.port, snmpd)
    hub = connect_hub(own_broker, f"dm/v1/{agent_id}/up/#", client_id=f"hub-{agent_id}")
    agent = _started(site)
    try:
        await _wait_listening(site, agent)
        await wait_until(lambda: bool(healths(hub)), WITHIN_S, "the agent online")
        own_broker.stop()
        await wait_until(lambda: site.status().get("delivery", {}).get("connected") is False,
                         WITHIN_S, "the agent to notice the outage")
        for if_index in (21, 22, 23):
            await snmp("snmptrap", *link_down(site, if_index))
        await logger(site, "--rfc5424", "-t", "sw",
                     "%LINK-3-UPDOWN: Interface Gi0/24, changed state to down")
        # Queued durably while the broker is away: counted as accepted, queue not empty.
        await wait_until(lambda: _accepted(site) >= 4 and _queue_depth(site) > 0, WITHIN_S,
                         "the events in the agent's queue")
        assert not find(hub, event_type="link_down")
        back_at = datetime.now(UTC)
        own_broker.start()
        await wait_until(lambda: len(find(hub, event_type="link_down")) >= 4, WITHIN_S,
                         "the queued events after the broker returned")
    finally:
        await stop_and_read_status(agent)
        hub.close()
    delivered = find(hub, event_type="link_down")
    assert {e.labels.get("ifIndex") for e in delivered} >= {"21", "22", "23"}
    (line,) = [e for e in delivered if e.origin == "syslog"]
    # Original times: received (and stamped by the device) before the broker came back.
    assert all(e.received_at < back_at for e in delivered)
    assert line.device_time is not None and line.device_time < back_at


def _accepted(site: EventsPop) -> int:
    counters = (site.status().get("events") or {}).get("counters") or {}
    return int(counters.get("accepted", 0))


def _queue_depth(site: EventsPop) -> int:
    return int(site.status().get("queue", {}).get("depth", 0))


def _poll_times(hub: Hub, since: float, until: float) -> list[float]:
    times = {ts for ts, _i, _v in samples(hub, "pop-linux", "sys_uptime_ticks")}
    return sorted(t for t in times if since <= t <= until)


async def test_a_trap_storm_from_another_process_neither_stops_polling_nor_grows_memory(
        tmp_path: Path, mosquitto: Broker, snmpd: Snmpd) -> None:
    agent_id = unique_id("evs")
    creds = mosquitto.add_user(agent_id)
    site = EventsPop(tmp_path, agent_id, creds.password)
    site.write(mosquitto.port, snmpd, interval_s=1)
    hub = connect_hub(mosquitto, f"dm/v1/{agent_id}/up/#", client_id=f"hub-{agent_id}")
    agent = _started(site)
    try:
        await _wait_listening(site, agent)
        await wait_until(lambda: len(_poll_times(hub, 0, time.time())) >= 2, WITHIN_S,
                         "polls of pop-linux before the storm")
        assert agent.proc is not None and agent.proc.proc is not None
        pid = agent.proc.proc.pid
        sender = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).with_name("storm_sender.py")), "127.0.0.1",
            str(site.trap_port), site.community, str(STORM_RATE), str(STORM_S),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        started = time.time()
        peak = 0
        finished = asyncio.ensure_future(sender.communicate())
        while not finished.done():
            peak = max(peak, rss_kib(pid))
            await asyncio.sleep(0.25)
        ended = time.time()
        out, err = await finished
        assert sender.returncode == 0, err.decode()
        report = json.loads(out)
        print(f"storm sender: {report}; agent peak VmRSS {peak} KiB")
        # A busy CI box may not reach 10,000/s exactly; half of it is still a storm.
        assert report["sent"] >= 50_000, report
        assert _alive(agent), agent.log[-3000:]
        assert peak < RSS_BOUND_KIB, f"agent VmRSS peaked at {peak} KiB"
        # Polling went on: a 1 s poll of pop-linux kept landing throughout the storm.
        await wait_until(lambda: len(_poll_times(hub, ended, time.time())) >= 1, WITHIN_S,
                         "a poll after the storm")
        during = _poll_times(hub, started, ended)
        print(f"polls during the storm: {len(during)} in {ended - started:.1f} s; "
              f"schedule {site.status().get('schedule')}")
        assert len(during) >= (ended - started) / 3, (during, started, ended)
        # Drops are counted and reported in the health message.
        await wait_until(lambda: _health_drops(hub) > 0, WITHIN_S, "drops in health")
        last = healths(hub)[-1].events
        assert last is not None and last.received > 0 and last.accepted > 0
        # The agent still works: a trap after the storm is delivered.
        await snmp("snmptrap", *link_down(site, 4242))
        await wait_until(lambda: bool(find(hub, labels={"ifIndex": "4242"})), WITHIN_S,
                         "a trap after the storm")
    finally:
        status = await stop_and_read_status(agent)
        hub.close()
    dropped = _health_drops(hub)
    events = status["events"]
    print(f"health after the storm: {healths(hub)[-1].events}; status {events['counters']}, "
          f"kernel drops {events['kernel_drops']}")
    assert dropped >= 10_000  # the storm's source ran far over its rate limit
    # Every datagram is accounted for: taken in by the receiver, or dropped by the kernel
    # from the full socket buffer while the agent was busy (read from /proc/net/udp).
    taken = events["traps"]["received"]["v2c_trap"] + events["kernel_drops"]
    assert taken >= 0.95 * report["sent"], (taken, report)
    assert events["storm"]["dropped_by_source"]["127.0.0.1"] >= dropped


def _health_refused(hub: Hub) -> int:
    return max((h.events.refused for h in healths(hub) if h.events is not None), default=0)


def _health_drops(hub: Hub) -> int:
    values = [h.events.dropped for h in healths(hub) if h.events is not None]
    return max(values, default=0)


async def test_a_trap_port_already_in_use_stops_the_start_with_the_port_and_the_fix(
        pop: tuple[EventsPop, Hub]) -> None:
    site, _hub = pop
    holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # another trap daemon
    holder.bind(("127.0.0.1", site.trap_port))
    try:
        agent = _started(site)
        assert agent.proc is not None and agent.proc.proc is not None
        code = await asyncio.to_thread(agent.proc.proc.wait, 60)
    finally:
        holder.close()
    assert code == 2, agent.log[-3000:]
    message = " ".join(agent.log.split())  # the console wraps long lines
    assert f"cannot bind udp 127.0.0.1:{site.trap_port} (Address already in use)" in message
    assert "CAP_NET_BIND_SERVICE" in message and "choose another port" in message
    assert "Traceback" not in agent.log
    assert not (site.dir / "state" / "queue.sqlite3").exists()  # refused before anything ran
