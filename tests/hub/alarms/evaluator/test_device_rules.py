"""Device and interface rules on rows written by ingest: each alarm raises when its condition
holds, starts when the condition really began, and clears by itself when it is over."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import pytest

from hub.alarms.service import dedupe_key
from hub.db import utcnow
from protocol import InterfaceFacts
from tests.hub.alarms.conftest import World
from tests.hub.alarms.evaluator.conftest import (
    Sessions,
    alarms,
    counter,
    evaluate,
    feed_for,
    gauge,
    only,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_unreachable_after_polls_times_interval_and_cleared_when_back(
        sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    await feed.health(t0 - timedelta(minutes=5))  # polled fine: rows exist, device up
    await feed.samples(gauge(world.device_name, "cpu_load_percent", 10, t0))
    await feed.health(t0, failing={world.device_name: "timeout"})

    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=179))
    assert await alarms(sessions, world.tenant_id, "device.unreachable") == []

    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=180))  # 3 polls x 60 s
    alarm = await only(sessions, world.tenant_id, "device.unreachable")
    assert alarm.state == "raised"
    assert alarm.first_raised_at == t0  # when it went down, not when the pass ran
    assert alarm.device_id == world.device_id and alarm.agent_id == world.agent_id
    assert alarm.dedupe_key == dedupe_key("device.unreachable", world.device_id)
    assert "timeout" in alarm.summary

    # Back up: the state change clears it at once, at the time it came back.
    back = t0 + timedelta(minutes=4)
    await feed.health(back)
    [cleared] = await alarms(sessions, world.tenant_id, "device.unreachable", "cleared")
    assert cleared.id == alarm.id and cleared.cleared_at == back
    assert cleared.cleared_by == "system"


async def test_cpu_memory_temperature_thresholds(sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    dev = world.device_name
    await feed.samples(
        gauge(dev, "cpu_load_percent", 97, t0, cpmCPUTotalIndex="1"),
        gauge(dev, "cpu_load_percent", 12, t0, cpmCPUTotalIndex="2"),
        # Cisco pools: used + free bytes; Processor 95 % used, I/O 10 %
        gauge(dev, "mem_used_bytes", 950, t0, ciscoMemoryPoolName="Processor"),
        gauge(dev, "mem_free_bytes", 50, t0, ciscoMemoryPoolName="Processor"),
        gauge(dev, "mem_used_bytes", 10, t0, ciscoMemoryPoolName="I/O"),
        gauge(dev, "mem_free_bytes", 90, t0, ciscoMemoryPoolName="I/O"),
        gauge(dev, "temperature_celsius", 71.5, t0, entPhysicalIndex="21598"),
        gauge(world.other_device_name, "mem_used_percent", 40, t0))
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=30))

    cpu = await only(sessions, world.tenant_id, "device.cpu")
    assert cpu.first_raised_at == t0 and cpu.details["value"] == 97
    assert cpu.device_id == world.device_id
    memory = await only(sessions, world.tenant_id, "device.memory")
    assert memory.details["value"] == 95.0 and "Processor" in memory.details["series"]
    temperature = await only(sessions, world.tenant_id, "device.temperature")
    assert temperature.details["value"] == 71.5

    t1 = t0 + timedelta(minutes=1)
    await feed.samples(
        gauge(dev, "cpu_load_percent", 40, t1, cpmCPUTotalIndex="1"),
        gauge(dev, "cpu_load_percent", 12, t1, cpmCPUTotalIndex="2"),
        gauge(dev, "mem_used_bytes", 500, t1, ciscoMemoryPoolName="Processor"),
        gauge(dev, "mem_free_bytes", 500, t1, ciscoMemoryPoolName="Processor"))
    await evaluate(sessions, world.tenant_id, t1 + timedelta(seconds=30))
    [cpu_cleared] = await alarms(sessions, world.tenant_id, "device.cpu", "cleared")
    assert cpu_cleared.cleared_at == t1  # the reading that showed it over
    [mem_cleared] = await alarms(sessions, world.tenant_id, "device.memory", "cleared")
    assert mem_cleared.cleared_at == t1
    # The temperature was not read again: still 71.5 and fresh, still raised.
    assert (await only(sessions, world.tenant_id, "device.temperature")).state == "raised"


async def test_stale_values_neither_raise_nor_clear(sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0) - timedelta(hours=2)
    await feed.samples(gauge(world.device_name, "temperature_celsius", 80, t0))
    await evaluate(sessions, world.tenant_id, t0 + timedelta(minutes=1))
    assert (await only(sessions, world.tenant_id, "device.temperature")).state == "raised"
    # An hour later nothing new arrived: the value says nothing about now; the alarm stays.
    await evaluate(sessions, world.tenant_id, t0 + timedelta(hours=1))
    assert (await only(sessions, world.tenant_id, "device.temperature")).state == "raised"


async def test_optical_rx_out_of_range_unless_port_shut(sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    dev = world.device_name
    await feed.inventory(dev, t0 - timedelta(minutes=1),
                         InterfaceFacts(if_index=5, name="Ethernet5", admin_status="up",
                                        oper_status="up"),
                         InterfaceFacts(if_index=6, name="Ethernet6", admin_status="down",
                                        oper_status="down"))
    await feed.samples(
        gauge(dev, "optical_rx_dbm", -33.98, t0, entPhysicalIndex="100305213",
              ifName="Ethernet5"),
        gauge(dev, "optical_rx_dbm", -40.0, t0, entPhysicalIndex="100306213",
              ifName="Ethernet6"),
        gauge(dev, "optical_rx_dbm", -3.2, t0, ifIndex="7", ifName="xe-0/0/7"))
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=20))
    alarm = await only(sessions, world.tenant_id, "interface.optical_rx")
    assert alarm.if_index == 5 and alarm.subject.endswith("Ethernet5")
    assert alarm.dedupe_key == dedupe_key("interface.optical_rx", world.device_id, 5)
    assert alarm.details["value"] == -33.98

    t1 = t0 + timedelta(minutes=1)
    await feed.samples(gauge(dev, "optical_rx_dbm", -4.0, t1, entPhysicalIndex="100305213",
                             ifName="Ethernet5"))
    await evaluate(sessions, world.tenant_id, t1 + timedelta(seconds=20))
    [cleared] = await alarms(sessions, world.tenant_id, "interface.optical_rx", "cleared")
    assert cleared.cleared_at == t1


async def test_ups_on_battery_since_and_battery_state(sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    ups = world.other_device_name
    await feed.samples(gauge(ups, "ups_on_battery", 1, t0),
                       gauge(ups, "ups_time_on_battery_seconds", 90, t0),
                       gauge(ups, "ups_battery_state", 2, t0))
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=10))
    on_battery = await only(sessions, world.tenant_id, "ups.on_battery")
    assert on_battery.first_raised_at == t0 - timedelta(seconds=90)  # when mains went
    assert on_battery.device_id == world.other_device_id
    battery = await only(sessions, world.tenant_id, "ups.battery")
    assert battery.details["state"] == "low"

    t1 = t0 + timedelta(minutes=1)
    await feed.samples(gauge(ups, "ups_on_battery", 0, t1),
                       gauge(ups, "ups_time_on_battery_seconds", 0, t1),
                       gauge(ups, "ups_battery_state", 1, t1))
    await evaluate(sessions, world.tenant_id, t1 + timedelta(seconds=10))
    assert [a.cleared_at for a in await alarms(sessions, world.tenant_id, "ups.on_battery",
                                                "cleared")] == [t1]
    assert len(await alarms(sessions, world.tenant_id, "ups.battery", "cleared")) == 1


async def test_interface_down_on_customer_and_uplink_ports_only(
        sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    dev = world.device_name

    def port(index: int, alias: str = "", admin: Literal["up", "down"] = "up",
             ) -> InterfaceFacts:
        return InterfaceFacts(if_index=index, name=f"Gi0/{index}", alias=alias,
                              admin_status=admin, oper_status="down")

    # 1: the customer's port; 2: terminated subscription; 3: uplink by alias; 4: nothing;
    # 5: uplink shut down on purpose.
    await feed.inventory(dev, t0, port(1), port(2), port(3, "UPLINK to core-1"), port(4),
                         port(5, "uplink spare", admin="down"))
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=30))
    found = {a.if_index: a for a in await alarms(sessions, world.tenant_id, "interface.down")}
    assert set(found) == {1, 3}
    assert found[1].first_raised_at == t0 and found[1].details["why"] == "subscription"
    assert found[3].details["why"] == "uplink"
    # The customer's port lists who it affects (the service's impacts from port bindings).
    assert [i["customer_name"] for i in found[1].impacts] == [world.customer_name]

    # The per-poll status gauge says port 1 is up again: cleared at that reading.
    t1 = t0 + timedelta(minutes=2)
    await feed.samples(gauge(dev, "if_oper_status", 1, t1, ifIndex="1", ifName="Gi0/1"),
                       gauge(dev, "if_admin_status", 1, t1, ifIndex="1", ifName="Gi0/1"))
    await evaluate(sessions, world.tenant_id, t1 + timedelta(seconds=30))
    [cleared] = await alarms(sessions, world.tenant_id, "interface.down", "cleared")
    assert cleared.if_index == 1 and cleared.cleared_at == t1

    # Down again (the inventory row still says down from before): raised again, as of the
    # reading that says so, not from the older inventory time.
    t2 = t1 + timedelta(minutes=2)
    await feed.samples(gauge(dev, "if_oper_status", 2, t2, ifIndex="1", ifName="Gi0/1"))
    await evaluate(sessions, world.tenant_id, t2 + timedelta(seconds=30))
    again = {a.if_index: a for a in await alarms(sessions, world.tenant_id, "interface.down")}
    assert again[1].state == "raised" and again[1].raised_count == 2
    assert again[1].last_raised_at >= t2


async def test_interface_errors_from_rollups(sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    now = utcnow().replace(microsecond=0)
    t0 = now - timedelta(minutes=3)
    dev = world.device_name
    labels = {"ifIndex": "3", "ifName": "Gi0/3"}
    await feed.samples(counter(dev, "if_in_errors", 1000, t0, **labels),
                       counter(dev, "if_hc_in_octets", 10_000_000, t0, **labels),
                       gauge(dev, "sys_uptime_ticks", 100_000, t0))
    t1 = t0 + timedelta(minutes=1)
    # 6,000 errors in a minute: 20/s over the 300 s window, above 10/s.
    await feed.samples(counter(dev, "if_in_errors", 7000, t1, **labels),
                       counter(dev, "if_hc_in_octets", 10_600_000, t1, **labels),
                       gauge(dev, "sys_uptime_ticks", 106_000, t1))
    await evaluate(sessions, world.tenant_id, t1 + timedelta(seconds=10))
    alarm = await only(sessions, world.tenant_id, "interface.errors")
    assert alarm.if_index == 3 and alarm.details["errors"] == 6000
    assert alarm.details["errors_per_s"] >= 10

    # Ten minutes on, with no errors since: the window holds none, the alarm clears.
    t2 = t1 + timedelta(minutes=11)
    await feed.samples(counter(dev, "if_in_errors", 7000, t2, **labels),
                       counter(dev, "if_hc_in_octets", 90_600_000, t2, **labels),
                       gauge(dev, "sys_uptime_ticks", 172_000, t2))
    await evaluate(sessions, world.tenant_id, t2 + timedelta(seconds=10))
    assert len(await alarms(sessions, world.tenant_id, "interface.errors", "cleared")) == 1
