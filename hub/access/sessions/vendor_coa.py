"""What a CoA-Request carries to re-rate or wall-garden a live session, per NAS vendor.

The attributes are the same ones the Access-Accept carries (hub/access/vendors/*.yaml, read
by hub.access.answer): a CoA only re-applies them to the live session. Values arrive as text;
the dictionary's integer attributes are sent as integers.
"""

from __future__ import annotations

from typing import Any

from hub.access import answer
from hub.access.sessions.coa import dictionary

_INTEGER_TYPES = ("integer", "date", "short", "byte")


def _by_name(pairs: list[tuple[str, str]]) -> dict[str, list[Any]]:
    attributes = dictionary().attributes
    found: dict[str, list[Any]] = {}
    for name, value in pairs:
        typed: Any = int(value) if attributes[name].type in _INTEGER_TYPES else value
        found.setdefault(name, []).append(typed)
    return found


def rate_attributes(vendor: str, down_kbps: int, up_kbps: int) -> dict[str, list[Any]]:
    """Attributes that set a session's rate on this vendor's NAS."""
    return _by_name(answer.rate_attributes(vendor, down_kbps, up_kbps))


def walled_garden_attributes(vendor: str, walled_garden: str) -> dict[str, list[Any]]:
    """Attributes that put a session in the walled garden named `walled_garden`."""
    return _by_name(answer.walled_garden_attributes(vendor, walled_garden))
