"""Which device sent a message, from its source address.

A router often sends traps and syslog from a loopback or management address that is not
the address it is polled on, so the map is built from the polled hosts plus each device's
extra `event_sources`. Addresses are normalised (IPv4-mapped IPv6 becomes IPv4) so a
dual-stack socket and the config agree.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

from edge_agent.events.model import DeviceRef


def normalise_address(address: str) -> str:
    """Canonical text of an IP address; anything else (a host name) is lower-cased."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address.strip().lower()
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


class SourceMap:
    """Source address -> device; unknown addresses answer None."""

    def __init__(self, entries: Mapping[str, DeviceRef]) -> None:
        self._by_address = {normalise_address(a): ref for a, ref in entries.items()}

    @classmethod
    def build(cls, devices: Iterable[tuple[DeviceRef, Iterable[str]]]) -> SourceMap:
        """From (device, its addresses) pairs; an address claimed twice is refused."""
        entries: dict[str, DeviceRef] = {}
        for ref, addresses in devices:
            for address in addresses:
                key = normalise_address(address)
                other = entries.get(key)
                if other is not None and other.device_id != ref.device_id:
                    raise ValueError(
                        f"event source {key} is claimed by devices {other.name!r} and "
                        f"{ref.name!r}; list each address under one device only")
                entries[key] = ref
        return cls(entries)

    def device(self, address: str) -> DeviceRef | None:
        """The device sending from `address`, or None when it is not one of ours."""
        return self._by_address.get(normalise_address(address))

    def __len__(self) -> int:
        return len(self._by_address)
