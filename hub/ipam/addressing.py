"""Address arithmetic of prefixes and pools (pure: no database, no I/O).

A pool is a range of a prefix cut into assignments of `assign_length` bits: slot n is the
n-th assignment from `range_start`. IPv4 assigns single addresses (/32); an IPv6 pool assigns
prefixes (a /64 per subscriber line, a /56 delegated...) or single addresses (/128).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from hub.errors import InvalidRequestError

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_SLOTS = 2**62  # slots are BigInteger on both back-ends; beyond this, cut the range


def parse_prefix(text: str, field: str = "prefix") -> IpNetwork:
    """A network in canonical form; host bits set or junk is a 422 naming the fix."""
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        raise InvalidRequestError(
            f"{field} {text!r}: {exc}; write the network address with its length, "
            "e.g. 10.20.0.0/16 or 2001:db8:100::/40") from exc


def parse_address(text: str, field: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """One address (a prefix written with a length is read as its first address)."""
    try:
        return ipaddress.ip_interface(text.strip()).ip
    except ValueError as exc:
        raise InvalidRequestError(f"{field} {text!r}: not an IPv4 or IPv6 address") from exc


def key(value: int) -> str:
    """Fixed-width hex of an address: sorts like the number on every back-end."""
    return f"{value:032x}"


def usable_bounds(network: IpNetwork) -> tuple[int, int]:
    """First and last address a pool of `network` may hand out by default: IPv4 keeps its
    network and broadcast addresses out (except /31 and /32, RFC 3021)."""
    first, last = int(network.network_address), int(network.broadcast_address)
    if network.version == 4 and network.prefixlen <= 30:
        return first + 1, last - 1
    return first, last


@dataclass(frozen=True)
class Layout:
    """Where a pool's slots lie: slot n starts at start + n * step."""

    family: int
    assign_length: int
    start: int
    size: int

    @property
    def bits(self) -> int:
        """Address width of the family."""
        return 32 if self.family == 4 else 128

    @property
    def step(self) -> int:
        """Addresses per slot."""
        return 1 << (self.bits - self.assign_length)

    def text(self, slot: int) -> str:
        """The address (IPv4, IPv6 /128) or prefix ("2001:db8:100::/56") of a slot."""
        first = ipaddress.ip_address(self.start + slot * self.step)
        if self.assign_length == self.bits:
            return str(first)
        return f"{first}/{self.assign_length}"

    def slot_of(self, text: str) -> int:
        """The slot of an address or prefix in this pool; outside or misaligned is a 422."""
        address = parse_address(text, "address")
        offset = int(address) - self.start
        if address.version != self.family or not 0 <= offset < self.size * self.step:
            raise InvalidRequestError(f"address {text}: outside this pool "
                                      f"({self.text(0)} .. {self.text(self.size - 1)})")
        if offset % self.step:
            raise InvalidRequestError(f"address {text}: not the start of a "
                                      f"/{self.assign_length} of this pool")
        return offset // self.step


def layout(network: IpNetwork, assign_length: int, start: int, end: int) -> Layout:
    """The slots of the range start..end of `network`; a range outside the prefix, not
    aligned to the assignment length, or too large is a 422."""
    bits = network.max_prefixlen
    usable = usable_bounds(network)
    if not network.prefixlen <= assign_length <= bits:
        raise InvalidRequestError(f"assign_length /{assign_length}: must lie between the "
                                  f"prefix length /{network.prefixlen} and /{bits}")
    if start > end or start < usable[0] or end > usable[1]:
        raise InvalidRequestError(
            f"range {ipaddress.ip_address(start)} - {ipaddress.ip_address(end)}: must lie "
            f"inside {network} ({ipaddress.ip_address(usable[0])} - "
            f"{ipaddress.ip_address(usable[1])}; IPv4 network and broadcast excluded)")
    step = 1 << (bits - assign_length)
    if start % step or (end + 1) % step:
        raise InvalidRequestError(f"range: must start and end on /{assign_length} "
                                  "boundaries")
    size = (end - start + 1) // step
    if size > MAX_SLOTS:
        raise InvalidRequestError(f"range: {size} assignments of /{assign_length} is more "
                                  "than one pool holds (2^62); use a longer assign_length "
                                  "or a smaller range")
    return Layout(network.version, assign_length, start, size)
