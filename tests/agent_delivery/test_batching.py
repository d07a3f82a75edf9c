"""Splitting never drops or reorders a sample and always fits the protocol's size limit."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge_agent.batching import Batcher, encode_unchecked, plan_inventory, plan_telemetry
from edge_agent.queue import MemoryQueue, MemorySeqCounter
from protocol import (
    MAX_MESSAGE_BYTES,
    Channel,
    DeviceFacts,
    Inventory,
    Sample,
    TelemetryBatch,
    decode,
    encode,
)
from protocol.messages import MAX_SAMPLES, SEQ_MAX
from tests.agent_delivery.helpers import sample

AGENT = "pop-test-01"
TS = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)

samples_strategy = st.lists(
    st.builds(
        Sample,
        device=st.sampled_from(["sw1", "rtr-core-01", "olt.7"]),
        metric=st.sampled_from(["if_hc_in_octets", "cpu_load", "temp_c"]),
        labels=st.dictionaries(st.sampled_from(["ifName", "ifIndex", "ifAlias"]),
                               st.text(max_size=40), max_size=3),
        value=st.integers(min_value=0, max_value=2**64 - 1) | st.floats(allow_nan=False,
                                                                        allow_infinity=False),
        kind=st.sampled_from(["counter", "gauge"]),
        ts=st.just(TS),
        unit=st.none() | st.just("bytes"),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(samples=samples_strategy, budget=st.integers(min_value=1200, max_value=12_000))
def test_split_preserves_every_sample_in_order(samples: list[Sample], budget: int) -> None:
    chunks = plan_telemetry(AGENT, samples, max_bytes=budget)
    assert [s for chunk in chunks for s in chunk] == samples
    assert all(chunks)
    for chunk in chunks:
        batch = TelemetryBatch(agent_id=AGENT, seq=SEQ_MAX, ts=TS, samples=chunk)
        assert len(encode_unchecked(batch)) <= budget


def test_real_limit_splits_a_large_poll() -> None:
    long = "x" * 200
    samples = [sample(f"sw{i % 7}", i, ifName=f"Gi0/{i}", ifAlias=long) for i in range(3000)]
    chunks = plan_telemetry(AGENT, samples)
    assert len(chunks) > 1
    assert [s for chunk in chunks for s in chunk] == samples
    for chunk in chunks:  # encode() itself enforces MAX_MESSAGE_BYTES
        assert len(encode(TelemetryBatch(agent_id=AGENT, seq=SEQ_MAX, ts=TS, samples=chunk))) \
            <= MAX_MESSAGE_BYTES


def test_sample_count_limit_splits_too() -> None:
    samples = [sample("s", i, metric="m") for i in range(MAX_SAMPLES + 5)]
    chunks = plan_telemetry(AGENT, samples)
    assert [len(c) for c in chunks][-1] >= 5
    assert all(len(c) <= MAX_SAMPLES for c in chunks)
    assert sum(len(c) for c in chunks) == len(samples)


def test_inventory_splits_per_device() -> None:
    devices = [DeviceFacts(device=f"sw{i}", address=f"10.0.0.{i}", profile="generic",
                           sys_descr="d" * 4000) for i in range(100)]
    chunks = plan_inventory(AGENT, devices)
    assert len(chunks) > 1
    assert [d for c in chunks for d in c] == devices


async def test_batcher_enqueues_one_seq_per_batch() -> None:
    queue = MemoryQueue()
    woken: list[bool] = []
    batcher = Batcher(AGENT, queue, MemorySeqCounter(start=100),
                      on_enqueue=lambda: woken.append(True))
    long = "y" * 250
    samples = [sample(f"dev{i % 3}", i, ifAlias=long) for i in range(2000)]
    queued = await batcher.add_samples(samples)
    assert len(queued) > 1 and woken == [True]
    assert [q.item.seq for q in queued] == list(range(100, 100 + len(queued)))
    decoded = [decode(q.item.payload) for q in await queue.peek(100)]
    assert all(isinstance(m, TelemetryBatch) for m in decoded)
    assert [s for m in decoded for s in m.samples] == samples  # type: ignore[union-attr]
    assert [m.seq for m in decoded] == [q.item.seq for q in queued]
    assert sum(q.item.samples for q in queued) == 2000
    assert set(queued[0].item.devices) == {"dev0", "dev1", "dev2"}
    assert await batcher.add_samples([]) == []


async def test_batcher_enqueues_inventory_on_its_channel() -> None:
    queue = MemoryQueue()
    batcher = Batcher(AGENT, queue, MemorySeqCounter())
    facts = DeviceFacts(device="rtr1", address="192.0.2.1", profile="cisco_ios")
    [queued] = await batcher.add_inventory([facts])
    assert queued.item.channel is Channel.INVENTORY
    assert queued.item.devices == ("rtr1",) and queued.item.samples == 0
    message = decode(queued.item.payload)
    assert isinstance(message, Inventory) and message.devices == [facts]
