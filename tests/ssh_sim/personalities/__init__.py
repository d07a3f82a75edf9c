"""Platform personalities and the factory state each simulated device starts with."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tests.ssh_sim.personalities.edgeos import EdgeOsShell
from tests.ssh_sim.personalities.eos import EosShell
from tests.ssh_sim.personalities.huawei import HuaweiShell
from tests.ssh_sim.personalities.ios import IosShell
from tests.ssh_sim.personalities.junos import JunosShell
from tests.ssh_sim.personalities.nxos import NxosShell
from tests.ssh_sim.personalities.routeros import RouterOsShell
from tests.ssh_sim.shell import Shell
from tests.ssh_sim.state import DeviceState, make_interfaces

if TYPE_CHECKING:
    from tests.ssh_sim.server import SimDevice

PERSONALITIES: dict[str, Callable[[SimDevice], Shell]] = {
    "arista_eos": EosShell,
    "cisco_nxos": NxosShell,
    "cisco_ios": IosShell,
    "huawei_vrp": HuaweiShell,
    "juniper_junos": JunosShell,
    "mikrotik_routeros": RouterOsShell,
    "ubiquiti_edgeos": EdgeOsShell,
}

_PORTS = {
    "arista_eos": [f"Ethernet{n}" for n in range(1, 5)],
    "cisco_nxos": [f"Ethernet1/{n}" for n in range(1, 5)],
    "cisco_ios": [f"GigabitEthernet0/{n}" for n in range(4)],
    "huawei_vrp": [f"GigabitEthernet0/0/{n}" for n in range(1, 5)],
    "juniper_junos": [f"ge-0/0/{n}" for n in range(4)],
    "mikrotik_routeros": [f"ether{n}" for n in range(1, 5)],
    "ubiquiti_edgeos": [f"eth{n}" for n in range(1, 5)],
}


def initial_state(platform: str, name: str) -> DeviceState:
    """A device with four ports; the first is the uplink with an address."""
    interfaces = make_interfaces(_PORTS[platform], "5254.00ab")
    first = next(iter(interfaces.values()))
    first.ip = "10.0.0.1/24"
    first.description = "uplink"
    hostname = {"mikrotik_routeros": "MikroTik"}.get(platform, name.replace("_", "-"))
    state = DeviceState(platform=platform, hostname=hostname, interfaces=interfaces)
    if platform == "juniper_junos":
        state.junos_lines = JunosShell.factory_lines(state)
    if platform == "ubiquiti_edgeos":
        state.edgeos_lines = EdgeOsShell.factory_lines(state)
        state.edgeos_saved = list(state.edgeos_lines)
    return state
