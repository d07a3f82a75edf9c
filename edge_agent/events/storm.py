"""Storm control: per-source token buckets, folding of identical events, bounded memory.

Order matters. An event first folds into a pending one with the same key (device, type,
labels) if one is open: a device repeating itself costs a counter increment, not a token.
Only an event that opens a new key spends a token from its source's bucket; with none
left it is dropped and counted against that source. A folded event leaves after `window_s`
with its count, so 10,000 identical traps become one event with count 10,000.

Memory is bounded twice: at most `max_keys` pending events and `max_sources` buckets (and
per-source drop counters). Past the cap the oldest goes: a pending event is released early
(not lost), a bucket is forgotten (its source starts full again); both are counted. Released
events wait for `due()` in a list capped at `max_keys` too (overflow counted).
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime

from edge_agent.events.model import DeviceEvent

OTHER_SOURCES = "other"


@dataclass(frozen=True)
class StormSettings:
    """Limits; defaults suit one POP (a few hundred devices)."""

    rate_per_s: float = 50.0
    burst: float = 200.0
    window_s: float = 2.0
    max_keys: int = 10_000
    max_sources: int = 4_096


@dataclass
class StormHealth:
    """Counters for the agent's health message (monotonic since start)."""

    accepted: int = 0
    folded: int = 0
    dropped: int = 0
    dropped_by_source: dict[str, int] = field(default_factory=dict)
    evicted_keys: int = 0
    evicted_sources: int = 0
    overflowed: int = 0
    tracked_keys: int = 0
    tracked_sources: int = 0


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class _Pending:
    event: DeviceEvent
    opened: float
    count: int
    last: datetime


class TokenBuckets:
    """One token bucket per source, at most `capacity` of them (least recently used go)."""

    def __init__(self, rate_per_s: float, burst: float, capacity: int) -> None:
        self._rate, self._burst, self._capacity = rate_per_s, burst, capacity
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self.evicted = 0

    def take(self, source: str, now: float) -> bool:
        """Spend one token of `source` at monotonic time `now`; False when it has none."""
        bucket = self._buckets.get(source)
        if bucket is None:
            bucket = self._buckets[source] = _Bucket(self._burst, now)
            self._evict()
        else:
            self._buckets.move_to_end(source)
            elapsed = max(0.0, now - bucket.stamp)
            bucket.tokens = min(self._burst, bucket.tokens + elapsed * self._rate)
            bucket.stamp = now
        if bucket.tokens < 1.0:
            return False
        bucket.tokens -= 1.0
        return True

    def _evict(self) -> None:
        while len(self._buckets) > self._capacity:
            self._buckets.popitem(last=False)
            self.evicted += 1

    def __len__(self) -> int:
        return len(self._buckets)


class StormControl:
    """Where every received event goes; `due()` hands out what may leave now."""

    def __init__(self, settings: StormSettings | None = None) -> None:
        self.settings = settings or StormSettings()
        s = self.settings
        self._buckets = TokenBuckets(s.rate_per_s, s.burst, s.max_sources)
        self._pending: OrderedDict[Hashable, _Pending] = OrderedDict()
        self._ready: deque[DeviceEvent] = deque()
        self._health = StormHealth()

    def offer(self, event: DeviceEvent, now: float) -> bool:
        """Take one event at monotonic time `now`; False when it was dropped (rate limit)."""
        key = event.fold_key()
        pending = self._pending.get(key)
        if pending is not None:
            pending.count += 1
            pending.last = event.received_at
            self._health.folded += 1
            return True
        if not self._buckets.take(event.source, now):
            self._count_drop(event.source)
            return False
        self._pending[key] = _Pending(event, now, 1, event.received_at)
        self._health.accepted += 1
        while len(self._pending) > self.settings.max_keys:
            self._release(self._pending.popitem(last=False)[1])
            self._health.evicted_keys += 1
        return True

    def due(self, now: float) -> list[DeviceEvent]:
        """Events whose fold window has closed (or that were evicted), oldest first."""
        while self._pending:
            first = next(iter(self._pending.values()))
            if now - first.opened < self.settings.window_s:
                break
            self._release(self._pending.popitem(last=False)[1])
        out = list(self._ready)
        self._ready.clear()
        return out

    def flush(self) -> list[DeviceEvent]:
        """Every waiting and pending event now, regardless of windows and caps (shutdown)."""
        out = list(self._ready)
        out += [p.event.folded(p.count, p.last) for p in self._pending.values()]
        self._ready.clear()
        self._pending.clear()
        return out

    def next_due(self) -> float | None:
        """Monotonic time at which the oldest pending event is due, None when idle."""
        if not self._pending:
            return None
        return next(iter(self._pending.values())).opened + self.settings.window_s

    def health(self) -> StormHealth:
        """A snapshot of the counters and current sizes."""
        h = self._health
        return StormHealth(h.accepted, h.folded, h.dropped, dict(h.dropped_by_source),
                           h.evicted_keys, self._buckets.evicted, h.overflowed,
                           len(self._pending), len(self._buckets))

    def _release(self, pending: _Pending) -> None:
        if len(self._ready) >= self.settings.max_keys:
            # Nobody called due() for a while: the oldest released event goes, counted.
            self._ready.popleft()
            self._health.overflowed += 1
        self._ready.append(pending.event.folded(pending.count, pending.last))

    def _count_drop(self, source: str) -> None:
        self._health.dropped += 1
        drops = self._health.dropped_by_source
        if source not in drops and len(drops) >= self.settings.max_sources:
            # Spoofed sources must not grow this map: past the cap they share one counter.
            source = OTHER_SOURCES
        drops[source] = drops.get(source, 0) + 1
