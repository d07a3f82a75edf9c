"""Storm control: per-source token buckets, folding of repeated events, bounded memory.

The first event of a key (device, type, labels) is due at once: an alarm does not wait for
a fold window. It opens a window of `window_s` for its key; repeats inside the window cost
a counter increment, not a token, and leave together as one follow-up event when the
window closes, carrying their count, the first repeat's times and the last one's
(`last_received_at`). A key seen once costs one message; 10,000 identical traps in one
window cost two (the first, and a follow-up with count 9,999). A window that folded
repeats opens the next one at once, so a continuous storm costs one follow-up per window;
a window that saw none closes silently and the key is forgotten.

Only an event that opens a new key spends a token from its source's bucket; with none left
it is dropped and counted against that source.

Memory is bounded twice: at most `max_keys` open windows and `max_sources` buckets (and
per-source drop counters). Past the cap the oldest goes: a window is closed early (its
repeats released, not lost), a bucket is forgotten (its source starts full again); both are
counted. Events waiting for `due()` are capped at `max_keys` too (overflow counted).
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
class _Window:
    """One key's fold window: when it opened and the repeats it folded so far."""

    opened: float
    repeats: int = 0
    first: DeviceEvent | None = None  # the first repeat: the follow-up's times and text
    last: datetime | None = None  # when the latest repeat was received


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
        self._windows: OrderedDict[Hashable, _Window] = OrderedDict()  # oldest opened first
        self._ready: deque[DeviceEvent] = deque()
        self._ready_since: float | None = None  # monotonic time the oldest ready one came
        self._health = StormHealth()

    def offer(self, event: DeviceEvent, now: float) -> bool:
        """Take one event at monotonic time `now`; False when it was dropped (rate limit)."""
        key = event.fold_key()
        window = self._windows.get(key)
        if window is not None and now - window.opened >= self.settings.window_s:
            window = self._close(key, window, now)  # due() has not come round yet
        if window is not None:
            window.repeats += 1
            window.first = window.first or event
            window.last = event.received_at
            self._health.folded += 1
            return True
        if not self._buckets.take(event.source, now):
            self._count_drop(event.source)
            return False
        self._windows[key] = _Window(now)
        self._health.accepted += 1
        self._release(event, now)
        while len(self._windows) > self.settings.max_keys:
            self._flush_window(self._windows.popitem(last=False)[1], now)
            self._health.evicted_keys += 1
        return True

    def due(self, now: float) -> list[DeviceEvent]:
        """First events at once, follow-ups of windows that closed, oldest first."""
        while self._windows:
            key, first = next(iter(self._windows.items()))
            if now - first.opened < self.settings.window_s:
                break
            self._close(key, first, now)
        out = list(self._ready)
        self._ready.clear()
        self._ready_since = None
        return out

    def flush(self) -> list[DeviceEvent]:
        """Every waiting event and every window's repeats now, regardless of windows and
        caps (shutdown)."""
        out = list(self._ready)
        out += [w.first.folded(w.repeats, w.last or w.first.received_at)
                for w in self._windows.values() if w.first is not None]
        self._ready.clear()
        self._ready_since = None
        self._windows.clear()
        return out

    def next_due(self) -> float | None:
        """Monotonic time at which `due()` may have something (in the past when events are
        waiting; else when the oldest fold window closes), None when idle."""
        if self._ready_since is not None:
            return self._ready_since
        if not self._windows:
            return None
        return next(iter(self._windows.values())).opened + self.settings.window_s

    def health(self) -> StormHealth:
        """A snapshot of the counters and current sizes."""
        h = self._health
        return StormHealth(h.accepted, h.folded, h.dropped, dict(h.dropped_by_source),
                           h.evicted_keys, self._buckets.evicted, h.overflowed,
                           len(self._windows), len(self._buckets))

    def _close(self, key: Hashable, window: _Window, now: float) -> _Window | None:
        """End `window`: release its repeats as one follow-up and open the next window for
        the key (the storm may go on); forget the key when nothing was repeated."""
        del self._windows[key]
        if window.repeats == 0:
            return None
        self._flush_window(window, now)
        self._windows[key] = fresh = _Window(now)
        return fresh

    def _flush_window(self, window: _Window, now: float) -> None:
        if window.first is not None:
            self._release(window.first.folded(window.repeats,
                                              window.last or window.first.received_at), now)

    def _release(self, event: DeviceEvent, now: float) -> None:
        if len(self._ready) >= self.settings.max_keys:
            # Nobody called due() for a while: the oldest waiting event goes, counted.
            self._ready.popleft()
            self._health.overflowed += 1
        if self._ready_since is None:
            self._ready_since = now
        self._ready.append(event)

    def _count_drop(self, source: str) -> None:
        self._health.dropped += 1
        drops = self._health.dropped_by_source
        if source not in drops and len(drops) >= self.settings.max_sources:
            # Spoofed sources must not grow this map: past the cap they share one counter.
            source = OTHER_SOURCES
        drops[source] = drops.get(source, 0) + 1
