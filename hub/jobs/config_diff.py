"""Unified diffs of two stored configurations, bounded and off the event loop.

difflib's matcher costs up to the square of the line counts: two 20,000-line configs that
differ on every other line took over 30 s of CPU here. Done on the event loop, one such
request froze every other request of the worker. So a diff runs in a thread, one at a time
per process (a flood queues up instead of taking the thread pool the password hashing also
needs), and inputs over the limits below are refused with a clear reason instead.
"""

from __future__ import annotations

import asyncio
import difflib
import weakref
from dataclasses import dataclass

# Lines per side: 10,000 covers the configs of access and aggregation routers (an IOS or
# EdgeOS config of a few thousand lines, a Junos `display set` of several thousand) while the
# worst case stays near 10 s of one thread on a slow box (typical edits take milliseconds).
MAX_DIFF_LINES = 10_000
# Characters per side: twice the largest job output an agent can send (protocol's 256 KiB),
# so every backup fits and nothing larger is worked on.
MAX_DIFF_CHARS = 512 * 1024

# One gate per event loop (a semaphore belongs to the loop it first waits on).
_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary())


@dataclass(frozen=True)
class TooLarge:
    """Why two configurations are not diffed: the side over a limit and its size."""

    side: str
    size: int
    limit: int
    unit: str

    def __str__(self) -> str:
        return (f"the {self.side} configuration has {self.size:,} {self.unit}, over the "
                f"{self.limit:,} the hub diffs (the work grows with the square of the lines)")


def too_large(old: str, new: str) -> TooLarge | None:
    """The first limit the pair exceeds, or None when it may be diffed."""
    for side, text in (("previous", old), ("new", new)):
        if len(text) > MAX_DIFF_CHARS:
            return TooLarge(side, len(text), MAX_DIFF_CHARS, "characters")
        lines = len(text.splitlines())  # as the diff splits: \r, \x0b, \u2028... count too
        if lines > MAX_DIFF_LINES:
            return TooLarge(side, lines, MAX_DIFF_LINES, "lines")
    return None


def unified(old: str, new: str, fromfile: str, tofile: str) -> str:
    """The unified diff of two texts (blocking: call through `unified_off_loop`)."""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True),
                                        fromfile=fromfile, tofile=tofile))


async def unified_off_loop(old: str, new: str, fromfile: str, tofile: str) -> str:
    """`unified` in a worker thread, one diff at a time per process; check `too_large` first."""
    gate = _gates.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(1))
    async with gate:
        return await asyncio.to_thread(unified, old, new, fromfile, tofile)
