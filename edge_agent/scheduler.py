"""Poll scheduler: when each device is polled, and nothing else.

The only module that knows about asyncio tasks. Each device gets one task and a stable
phase inside its interval (hash of its name, anchored to the wall clock), so 500 devices
spread over the interval and keep their phases across restarts. One task per device means
at most one in-flight poll per device; a global semaphore bounds concurrency; a poll that
overruns its interval skips the missed cycles (counted) instead of piling up; an exception
or a deadline in one device is caught, logged and counted and never reaches the others.

    scheduler = Scheduler(devices, poll=poll_one, sink=enqueue, concurrency=32)
    scheduler.start()
    scheduler.update(new_devices)     # hot reload: only changed devices are touched
    health = scheduler.stats()
    await scheduler.stop()
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar, cast

__all__ = [
    "DEADLINE_EXCEEDED",
    "INTERNAL_ERROR",
    "DeviceSpec",
    "DeviceStats",
    "PollFn",
    "Scheduler",
    "SchedulerStats",
    "SinkFn",
    "next_slot",
    "percentile",
    "stable_phase",
]

log = logging.getLogger(__name__)

DEADLINE_EXCEEDED = "deadline_exceeded"
INTERNAL_ERROR = "internal"
_WINDOW = 10_000  # recent lag/duration observations kept for percentiles


class DeviceSpec(Protocol):
    """What the scheduler needs of a device (``edge_agent.config.DeviceConfig`` fits)."""

    @property
    def name(self) -> str:
        """Unique device name."""
        ...

    @property
    def interval_s(self) -> float:
        """Seconds between polls."""
        ...


D = TypeVar("D", bound=DeviceSpec)
D_contra = TypeVar("D_contra", bound=DeviceSpec, contravariant=True)
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
R_contra = TypeVar("R_contra", contravariant=True)


class PollFn(Protocol[D_contra, R_co]):
    """Poll one device once; may raise (the scheduler isolates it)."""

    def __call__(self, device: D_contra, /) -> Awaitable[R_co]:
        """Run one poll."""
        ...


class SinkFn(Protocol[D_contra, R_contra]):
    """Receive one poll result (e.g. batch it into the durable queue)."""

    def __call__(self, device: D_contra, result: R_contra, /) -> Awaitable[None]:
        """Take the result."""
        ...


def stable_phase(name: str, interval_s: float, jitter: float = 1.0) -> float:
    """Offset of ``name``'s polls within its interval: uniform, stable across restarts."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return fraction * jitter * interval_s


def next_slot(now: float, interval_s: float, phase: float) -> float:
    """First slot ``k * interval_s + phase`` (wall-clock seconds) at or after ``now``."""
    k = math.ceil((now - phase) / interval_s)
    return k * interval_s + phase


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0..100) of ``values``; 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True)
class DeviceStats:
    """Per-device counters since the device was scheduled."""

    cycles: int
    failures: int
    skipped: int
    last_error: str | None
    last_duration_s: float | None
    last_lag_s: float | None


@dataclass(frozen=True)
class SchedulerStats:
    """Figures for the agent's health message and ``status``."""

    devices_total: int
    devices_failing: int
    cycles: int
    failures: int
    skipped_cycles: int
    lag_p50_s: float
    lag_p99_s: float
    duration_p50_s: float
    duration_p95_s: float
    device_errors: dict[str, str]
    devices: dict[str, DeviceStats]


@dataclass
class _DeviceState(Generic[D]):
    spec: D
    task: asyncio.Task[None] | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    cycles: int = 0
    failures: int = 0
    skipped: int = 0
    last_error: str | None = None
    last_duration_s: float | None = None
    last_lag_s: float | None = None

    def snapshot(self) -> DeviceStats:
        return DeviceStats(self.cycles, self.failures, self.skipped, self.last_error,
                           self.last_duration_s, self.last_lag_s)


class Scheduler(Generic[D, R]):
    """Runs ``poll`` for every device on its schedule and hands results to ``sink``.

    ``error_of`` classifies a returned result (a poll that reports device errors instead of
    raising) into an error code or None. ``clock`` is wall-clock seconds (phases are
    anchored to it); a poll running longer than ``deadline_factor`` intervals is cancelled.
    """

    def __init__(
        self,
        devices: Iterable[D],
        poll: PollFn[D, R],
        sink: SinkFn[D, R],
        concurrency: int,
        *,
        jitter: float = 1.0,
        deadline_factor: float = 2.0,
        error_of: Callable[[R], str | None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be >= 1, got {concurrency}")
        self._poll, self._sink, self._error_of = poll, sink, error_of
        self._jitter, self._deadline_factor, self._clock = jitter, deadline_factor, clock
        self._semaphore = asyncio.Semaphore(concurrency)
        self._states: dict[str, _DeviceState[D]] = {}
        self._lags: deque[float] = deque(maxlen=_WINDOW)
        self._durations: deque[float] = deque(maxlen=_WINDOW)
        self._running = False
        for device in devices:
            if device.name in self._states:
                raise ValueError(f"device {device.name!r} is listed twice")
            self._states[device.name] = _DeviceState(device)

    def start(self) -> None:
        """Start one task per device (call from inside the running event loop)."""
        self._running = True
        for state in self._states.values():
            self._launch(state)

    def update(self, devices: Iterable[D]) -> None:
        """Hot reload: add new devices, drop removed ones, re-time changed ones.

        Unchanged devices are not touched; a changed device keeps its task (an in-flight
        poll finishes) and picks up the new settings at its next slot.
        """
        wanted = {device.name: device for device in devices}
        for name in [n for n in self._states if n not in wanted]:
            state = self._states.pop(name)
            if state.task is not None:
                state.task.cancel()
        for name, device in wanted.items():
            current = self._states.get(name)
            if current is None:
                self._states[name] = added = _DeviceState(device)
                if self._running:
                    self._launch(added)
            elif current.spec != device:
                current.spec = device
                current.wake.set()

    async def stop(self) -> None:
        """Cancel every device task and wait until all have finished."""
        self._running = False
        tasks = [s.task for s in self._states.values() if s.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stats(self) -> SchedulerStats:
        """Current figures: lag and duration percentiles, failures, skips, errors."""
        devices = {name: state.snapshot() for name, state in self._states.items()}
        errors = {n: d.last_error for n, d in devices.items() if d.last_error is not None}
        lags, durations = list(self._lags), list(self._durations)
        return SchedulerStats(
            devices_total=len(devices), devices_failing=len(errors),
            cycles=sum(d.cycles for d in devices.values()),
            failures=sum(d.failures for d in devices.values()),
            skipped_cycles=sum(d.skipped for d in devices.values()),
            lag_p50_s=percentile(lags, 50), lag_p99_s=percentile(lags, 99),
            duration_p50_s=percentile(durations, 50),
            duration_p95_s=percentile(durations, 95),
            device_errors=errors, devices=devices,
        )

    def _launch(self, state: _DeviceState[D]) -> None:
        state.task = asyncio.create_task(self._run(state), name=f"poll:{state.spec.name}")

    async def _run(self, state: _DeviceState[D]) -> None:
        slot = self._first_slot(state.spec)
        while True:
            if state.wake.is_set():  # settings changed by update(): re-time
                state.wake.clear()
                slot = self._first_slot(state.spec)
            if await self._sleep_until(state, slot):
                end = await self._cycle(state, slot)
                slot = self._after(state, slot, end)

    def _first_slot(self, spec: D) -> float:
        phase = stable_phase(spec.name, spec.interval_s, self._jitter)
        return next_slot(self._clock(), spec.interval_s, phase)

    async def _sleep_until(self, state: _DeviceState[D], slot: float) -> bool:
        """Sleep until ``slot``; False when woken early by ``update``."""
        delay = slot - self._clock()
        if delay <= 0:
            return True
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancel that lands
        # just after `update` set the wake event, and `stop` then waited for ever.
        try:
            async with asyncio.timeout(delay):
                await state.wake.wait()
        except TimeoutError:
            return True
        return False

    def _after(self, state: _DeviceState[D], slot: float, end: float) -> float:
        """Next slot after a cycle that ended at ``end``; count the ones it overran."""
        interval = state.spec.interval_s
        passed = max(1, math.floor((end - slot) / interval) + 1)
        state.skipped += passed - 1
        if passed > 1:
            log.info("poll_overrun device=%s skipped_cycles=%d interval_s=%g",
                     state.spec.name, passed - 1, interval)
        return slot + passed * interval

    async def _cycle(self, state: _DeviceState[D], slot: float) -> float:
        """Run one poll (bounded by the semaphore and a deadline); return its end time."""
        spec = state.spec
        async with self._semaphore:
            start = self._clock()
            state.last_lag_s = start - slot  # includes waiting for a free slot
            self._lags.append(state.last_lag_s)
            result, error = await self._guarded_poll(spec)
            end = self._clock()
        state.last_duration_s = end - start
        self._durations.append(end - start)
        if error is None:
            error = await self._accept(spec, cast(R, result))
        self._record(state, error)
        return end

    async def _accept(self, spec: D, result: R) -> str | None:
        """Hand a result (even a partial one) to the sink; classify its error, if any."""
        sink_error = await self._deliver(spec, result)
        classified = self._error_of(result) if self._error_of is not None else None
        return classified or sink_error

    async def _guarded_poll(self, spec: D) -> tuple[R | None, str | None]:
        deadline = self._deadline_factor * spec.interval_s
        scope = asyncio.timeout(deadline)
        try:
            async with scope:
                return await self._poll(spec), None
        except Exception as exc:  # isolation: one device never stops the scheduler
            if isinstance(exc, TimeoutError) and scope.expired():
                log.warning("poll_failed device=%s error=%s deadline_s=%g",
                            spec.name, DEADLINE_EXCEEDED, deadline)
                return None, DEADLINE_EXCEEDED
            # Only the type at warning level: a message or traceback could carry a secret
            # some library put in it; the traceback is there for debug runs.
            log.warning("poll_failed device=%s error=%s exc_type=%s",
                        spec.name, INTERNAL_ERROR, type(exc).__name__)
            log.debug("poll_traceback device=%s", spec.name, exc_info=exc)
            return None, INTERNAL_ERROR

    async def _deliver(self, spec: D, result: R) -> str | None:
        try:
            await self._sink(spec, result)
        except Exception as exc:
            log.error("sink_failed device=%s exc_type=%s", spec.name, type(exc).__name__)
            log.debug("sink_traceback device=%s", spec.name, exc_info=exc)
            return "sink_failed"
        return None

    @staticmethod
    def _record(state: _DeviceState[D], error: str | None) -> None:
        state.cycles += 1
        state.last_error = error
        if error is not None:
            state.failures += 1
