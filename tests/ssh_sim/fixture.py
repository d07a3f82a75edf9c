"""pytest fixture `ssh_sim`: one simulator per session; each test adds its own devices.

Register with `from tests.ssh_sim.fixture import ssh_sim` in a conftest or plugin.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ssh_sim.server import Simulator, start_simulator


@pytest.fixture(scope="session")
def ssh_sim() -> Iterator[Simulator]:
    """A running SSH device simulator; call `.add_device(platform)` for a fresh device."""
    sim = start_simulator()
    try:
        yield sim
    finally:
        sim.stop()
