"""`dotmac-agent run` end to end: real devices, real broker, outages and crashes.

The agent runs as a real process from its console script; the hub side is a persistent
MQTT v5 subscriber, so what the broker held while the hub was away is seen too.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import time

from protocol import Inventory, TelemetryBatch
from tests.agent_e2e.harness import (
    INTERVAL_S,
    arrival_times,
    assert_no_missing_cycle,
    cycle_times,
    inventoried,
    samples,
    stop_and_read_status,
    wait_until,
)
from tests.agent_e2e.test_field_commands import bulkwalk


async def test_run_delivers_counters_inventory_and_errors(pop, snmpd, snmpsim) -> None:  # type: ignore[no-untyped-def]
    agent, hub = pop
    agent.start()
    await wait_until(lambda: len(cycle_times(hub, "pop-cisco")) >= 2, 60, "two cisco cycles")
    await wait_until(lambda: {"pop-cisco", "pop-arista", "pop-linux"} <= inventoried(hub), 60,
                     "inventory of every live device")
    # Recordings do not move: the counters equal what snmpbulkwalk reads from the same agent.
    walked = bulkwalk(snmpsim.target, snmpsim.communities["cisco-ios"], "1.3.6.1.2.1.31.1.1.1.6")
    got = {i: v for _t, i, v in samples(hub, "pop-cisco", "if_hc_in_octets")}
    assert got == walked
    # The live snmpd's counters only go up and stay within what snmpbulkwalk reads now.
    now = bulkwalk(snmpd.target, snmpd.community, "1.3.6.1.2.1.31.1.1.1.6")
    for _t, index, value in samples(hub, "pop-linux", "if_hc_in_octets"):
        assert 0 <= value <= now[index]
    inventory = {d.device: d for r in hub.messages(Inventory) for d in r.message.devices}
    assert inventory["pop-cisco"].profile == "cisco_ios"
    assert inventory["pop-arista"].profile == "arista_eos"
    assert inventory["pop-linux"].interfaces, "interfaces published with the inventory"
    # The dead device never delays the others and shows up as an error in status (once its
    # poll has timed out and the status file has been written since: wait for that).
    status_file = agent.config.parent / "state" / "status.json"

    def dead_reported() -> bool:
        devices = json.loads(status_file.read_text())["devices"]
        return bool(devices.get("pop-dead", {}).get("last_error") == "timeout")

    await wait_until(dead_reported, 60, "the dead device's timeout in status.json")
    status = json.loads(status_file.read_text())
    assert status["devices"]["pop-linux"]["failures"] == 0
    assert "pop-dead" not in {s.device for r in hub.messages(TelemetryBatch)
                              for s in r.message.samples}


async def test_broker_outage_loses_nothing(pop, mosquitto) -> None:  # type: ignore[no-untyped-def]
    agent, hub = pop
    agent.start()
    # Every device has delivered before the outage, so the accounting below never rests on
    # a slow recording managing a poll in the few seconds left after it.
    await wait_until(lambda: len(cycle_times(hub, "pop-linux")) >= 2
                     and all(cycle_times(hub, d) for d in ("pop-cisco", "pop-arista")), 60,
                     "first cycles of every live device")
    mosquitto.stop()
    await asyncio.sleep(INTERVAL_S * 4)  # the agent keeps polling into its disk queue
    mosquitto.start()
    outage_end = time.time()
    await wait_until(lambda: any(t > outage_end for t in cycle_times(hub, "pop-linux")), 60,
                     "polls after the outage")
    # The fast device never overruns: one poll per interval, none missing across the outage.
    assert_no_missing_cycle(cycle_times(hub, "pop-linux"), since=0)
    # In order per device: first arrivals of each device's polls are in poll-time order.
    for device in ("pop-linux", "pop-cisco"):
        arrivals = arrival_times(hub, device)
        assert arrivals == sorted(arrivals), device
    # Exact accounting for every device: SIGTERM drains, then every successful cycle the
    # agent counted must have reached the hub (slow recordings may skip overrun cycles,
    # which the scheduler counts; those produced nothing to lose).
    status = await stop_and_read_status(agent)
    for device in ("pop-linux", "pop-cisco", "pop-arista"):
        stats = status["devices"][device]
        produced = stats["cycles"] - stats["failures"]
        await wait_until(lambda d=device, n=produced: len(cycle_times(hub, d)) >= n, 15,
                         f"all {produced} cycles of {device}")
        assert len(cycle_times(hub, device)) == produced > 0, (device, stats)


async def test_agent_killed_during_outage_loses_nothing_queued(pop, mosquitto) -> None:  # type: ignore[no-untyped-def]
    agent, hub = pop
    agent.start()
    await wait_until(lambda: len(cycle_times(hub, "pop-linux")) >= 1, 30, "first cycle")
    mosquitto.stop()
    await asyncio.sleep(INTERVAL_S * 3)
    assert agent.proc is not None
    agent.proc.kill()  # SIGKILL: no drain, no goodbye
    queue = agent.config.parent / "state" / "queue.sqlite3"
    with sqlite3.connect(queue) as db:
        queued = {row[0] for row in db.execute("SELECT seq FROM batches")}
    assert queued, "batches produced during the outage were on disk"
    mosquitto.start()
    agent.start()

    def delivered() -> set[int]:
        return {r.message.seq for r in hub.messages()}  # telemetry and inventory

    await wait_until(lambda: queued <= delivered(), 60, "every queued batch after restart")
    # Duplicates are allowed only as exact redeliveries (same seq, same content).
    by_seq: dict[int, bytes] = {}
    for r in hub.messages(TelemetryBatch):
        body = r.message.model_dump_json(exclude={"ts"}).encode()
        assert by_seq.setdefault(r.message.seq, body) == body


async def test_sigterm_drains_and_says_goodbye(pop) -> None:  # type: ignore[no-untyped-def]
    agent, hub = pop
    agent.start()
    await wait_until(lambda: len(cycle_times(hub, "pop-linux")) >= 1, 30, "first cycle")
    assert agent.proc is not None
    agent.proc.signal(signal.SIGTERM)
    assert agent.proc.proc is not None
    assert agent.proc.proc.wait(timeout=30) == 0
    # the goodbye reaches the hub's subscriber through the broker, after the exit maybe
    await wait_until(lambda: any(s.state == "offline" for s in hub.states()), 10, "goodbye")
    states = hub.states()
    assert states[-1].state == "offline" and states[-1].reason == "shutdown"
    assert "agent.stopped" in agent.log
    assert agent.env["DOTMAC_AGENT_BROKER_PASSWORD"] not in agent.log  # never log secrets
