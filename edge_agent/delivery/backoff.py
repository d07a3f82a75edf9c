"""Exponential backoff with full jitter (AWS architecture blog's "full jitter")."""

from __future__ import annotations

import random

__all__ = ["Backoff"]


class Backoff:
    """Delays ``uniform(0, min(cap, initial * 2**attempt))``; ``reset()`` after a success.

    Full jitter spreads the reconnects of hundreds of agents after a hub outage instead of
    having them all knock at the same second.
    """

    def __init__(self, initial_s: float, cap_s: float, rng: random.Random | None = None) -> None:
        self.initial_s = initial_s
        self.cap_s = cap_s
        self.attempt = 0
        self._rng = rng or random.Random()

    def ceiling(self) -> float:
        """Upper bound of the next delay."""
        return min(self.cap_s, self.initial_s * 2.0 ** min(self.attempt, 62))

    def next(self) -> float:
        """The next delay in seconds; each call doubles the ceiling up to the cap."""
        delay = self._rng.uniform(0.0, self.ceiling())
        self.attempt += 1
        return delay

    def reset(self) -> None:
        """Back to the initial ceiling (after a successful connect or publish)."""
        self.attempt = 0
