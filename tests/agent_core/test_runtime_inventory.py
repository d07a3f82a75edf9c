"""The runtime queues inventory at start and again only when the facts change."""

from __future__ import annotations

from pathlib import Path

from edge_agent.batching import Batcher
from edge_agent.poll import PollResult
from edge_agent.queue import MemoryQueue, MemorySeqCounter
from edge_agent.runtime import AgentRuntime, facts_fingerprint
from protocol import Channel, DeviceFacts, InterfaceFacts


def _facts(uptime: int, alias: str) -> DeviceFacts:
    return DeviceFacts(device="r1", address="10.0.0.1", profile="cisco_ios", uptime_s=uptime,
                       interfaces=[InterfaceFacts(if_index=1, name="Gi0/1", alias=alias,
                                                  admin_status="up", oper_status="up")])


def test_fingerprint_ignores_uptime_but_not_interfaces() -> None:
    assert facts_fingerprint(_facts(10, "cust-a")) == facts_fingerprint(_facts(99, "cust-a"))
    assert facts_fingerprint(_facts(10, "cust-a")) != facts_fingerprint(_facts(10, "cust-b"))


async def test_sink_queues_inventory_on_start_and_on_change(tmp_path: Path) -> None:
    config = tmp_path / "agent.yaml"
    config.write_text(f"agent:\n  id: inv-test\n  state_dir: {tmp_path}\n"
                      "broker:\n  host: 127.0.0.1\n  password: x\n"
                      "devices:\n  - name: r1\n    host: 10.0.0.1\n"
                      "    snmp: {community: public}\n")
    runtime = AgentRuntime(config)
    queue = MemoryQueue()
    runtime.batcher = Batcher("inv-test", queue, MemorySeqCounter())
    device = runtime.config.devices[0]
    for uptime, alias in ((10, "cust-a"), (70, "cust-a"), (130, "cust-b")):
        await runtime.sink(device, PollResult("r1", "cisco_ios", facts=_facts(uptime, alias)))
    inventory = [q for q in await queue.peek(10) if q.item.channel is Channel.INVENTORY]
    assert len(inventory) == 2  # the first poll, and the alias change; not the uptime tick
