"""Which device an agent maps a trap/syslog sender to: one address, one device.

An agent maps a sender address to the device that lists it in `event_sources`, else to
the device polled on it (`management_address`). So, among the devices of one agent, an
address may be listed in `event_sources` by one device only, and not by one device while
another is polled on it (its events would go to the wrong device). Devices polled on the
same address (one box on several ports) are the agent's business: it maps none of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple


class SourceOwner(NamedTuple):
    """A device as far as sender mapping goes."""

    id: uuid.UUID | None  # None: a device not yet stored (an import row)
    name: str
    agent_id: uuid.UUID | None
    management_address: str
    event_sources: Sequence[str]


@dataclass(frozen=True)
class Clash:
    """`address` is in `lister`'s event_sources and is also `other`'s (listed there too,
    or, `polled`, its management address)."""

    address: str
    lister: SourceOwner
    other: SourceOwner
    polled: bool

    def involves(self, name: str) -> bool:
        """Whether the device named `name` is one of the two."""
        return name in (self.lister.name, self.other.name)

    def message(self, name: str) -> str:
        """What is wrong and how to fix it, said to the device named `name`."""
        if self.polled and name == self.other.name:
            return (f"management_address {self.address}: device {self.lister.name} of the same "
                    "agent lists it in its event_sources, so the agent would give this "
                    f"device's traps and syslog to {self.lister.name}; remove it there first")
        other = self.other if name == self.lister.name else self.lister
        how = ("is polled on it (its management_address)" if self.polled and other is self.other
               else "lists it in its event_sources")
        return (f"event_sources: {self.address} is already used by device {other.name} of "
                f"the same agent, which {how}; an address the agent receives from names one "
                "device: remove it from one of the two")


def clashes(owners: Iterable[SourceOwner]) -> list[Clash]:
    """Every clash among `owners` (compared per agent; devices without agent never clash)."""
    by_agent: dict[uuid.UUID, list[SourceOwner]] = {}
    for owner in owners:
        if owner.agent_id is not None:
            by_agent.setdefault(owner.agent_id, []).append(owner)
    found: list[Clash] = []
    for group in by_agent.values():
        found += _clashes_in(group)
    return found


def _clashes_in(group: Sequence[SourceOwner]) -> list[Clash]:
    listed: dict[str, SourceOwner] = {}
    found: list[Clash] = []
    for owner in group:
        for address in owner.event_sources:
            first = listed.setdefault(address, owner)
            if first.name != owner.name:
                found.append(Clash(address, first, owner, polled=False))
    for owner in group:
        lister = listed.get(owner.management_address)
        if lister is not None and lister.name != owner.name:
            found.append(Clash(owner.management_address, lister, owner, polled=True))
    return found
