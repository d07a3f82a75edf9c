"""Shared pieces for the device-event tests: the shipped catalog, a source map, waiting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from edge_agent.events import DeviceEvent, DeviceRef, EventCatalog, SourceMap, load_catalog

DEVICE = DeviceRef("dev-0001", "pop1-sw1", "cisco_ios")


@pytest.fixture(scope="session")
def catalog() -> EventCatalog:
    """Every shipped events.yaml, loaded once."""
    return load_catalog()


def source_map(profile: str = "cisco_ios") -> SourceMap:
    """Loopback (where the test senders run) is one polled device of `profile`."""
    ref = DeviceRef(DEVICE.device_id, DEVICE.name, profile)
    return SourceMap.build([(ref, ["127.0.0.1", "::1"])])


WAIT_S = 15.0  # generous: CI machines are busy; only a broken receiver takes this long


async def next_event(queue: asyncio.Queue[DeviceEvent]) -> DeviceEvent:
    """The next event the receiver produced; fails after WAIT_S on a loaded machine."""
    return await asyncio.wait_for(queue.get(), WAIT_S)


async def wait_state(check: Callable[[], bool], what: str) -> None:
    """Wait until `check()` holds (state, not time), yielding to the receivers meanwhile."""
    deadline = time.monotonic() + WAIT_S
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)
