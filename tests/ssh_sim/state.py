"""Configuration state of one simulated device: what commands change and tests inspect.

The personalities mutate it from the simulator's thread; tests read it from theirs, so
every mutation and snapshot goes through `DeviceState.lock`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class Counters:
    """Interface counters as last shown by `show interfaces` (they move on every show)."""

    in_octets: int = 0
    out_octets: int = 0
    in_packets: int = 0
    out_packets: int = 0
    in_errors: int = 0
    out_errors: int = 0

    def tick(self, step: int) -> None:
        """Advance like live traffic would; deterministic so tests can reason about it."""
        self.in_packets += 7 * step
        self.out_packets += 5 * step
        self.in_octets += 7 * step * 812
        self.out_octets += 5 * step * 1033
        self.in_errors += step // 3
        self.out_errors += step // 5


@dataclass
class Interface:
    """One port: admin state, customer description, rate limit, access VLAN, counters."""

    name: str
    index: int
    mac: str
    description: str = ""
    admin_up: bool = True
    link_up: bool = True
    rate_in_bps: int | None = None
    rate_out_bps: int | None = None
    access_vlan: int | None = None
    ip: str | None = None
    in_policy: str | None = None  # EOS/NX-OS `service-policy type qos input <name>`
    counters: Counters = field(default_factory=Counters)

    @property
    def oper_up(self) -> bool:
        """Line protocol: up only when enabled and the link is there."""
        return self.admin_up and self.link_up


@dataclass
class SimpleQueue:
    """A RouterOS `/queue simple` entry."""

    name: str
    target: str
    max_limit: str  # "<upload>/<download>", e.g. 10M/10M


@dataclass
class Faults:
    """Per-device fault switches a test flips to provoke each failure class."""

    wrong_password: bool = False
    reject: list[str] = field(default_factory=list)  # regexes of commands to refuse
    ignore: list[str] = field(default_factory=list)  # accepted silently, never applied
    drop_after_config_lines: int | None = None  # fires once, then disarms
    delay_s: float = 0.0  # added before every command's output


@dataclass
class DeviceState:
    """Everything a simulated device remembers between sessions."""

    platform: str
    hostname: str
    interfaces: dict[str, Interface]
    domain: str = "pop1.example.net"
    serial: str = "FTX1840ABCD"
    address_lists: dict[str, set[str]] = field(default_factory=dict)
    queues: dict[str, SimpleQueue] = field(default_factory=dict)
    junos_lines: list[str] = field(default_factory=list)  # committed `set` statements
    edgeos_lines: list[str] = field(default_factory=list)  # EdgeOS committed `set` lines
    edgeos_saved: list[str] = field(default_factory=list)  # EdgeOS /config/config.boot
    global_lines: list[str] = field(default_factory=list)  # other config, verbatim
    policers: dict[str, int] = field(default_factory=dict)  # EOS/NX-OS QoS policy -> bps
    last_change: datetime = field(default_factory=lambda: datetime.now(UTC))
    config_commands: int = 0  # configuration lines applied, across all sessions
    commands: list[str] = field(default_factory=list)  # every line received, in order
    logins: int = 0
    key_logins: int = 0  # of which with a public key
    password_attempts: int = 0  # every password offered, right or wrong
    connections: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def interface(self, name: str) -> Interface:
        """The interface called `name` (KeyError when absent)."""
        return self.interfaces[name]

    def touch(self) -> None:
        """Record one applied configuration line."""
        self.config_commands += 1
        self.last_change = datetime.now(UTC)


def make_interfaces(names: list[str], mac_prefix: str) -> dict[str, Interface]:
    """Interfaces with distinct MACs and counters that differ per port."""
    out: dict[str, Interface] = {}
    for index, name in enumerate(names, start=1):
        mac = f"{mac_prefix}.{index:04x}"
        iface = Interface(name=name, index=index, mac=mac)
        iface.counters.tick(1000 * index)
        out[name] = iface
    return out
