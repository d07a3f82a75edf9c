"""SSH telemetry: a profile's `cli_metrics` polled over a reused session.

    poller = CliPoller(pool)
    result = await poller.poll(device, platform)          # edge_agent.poll.PollResult

A metric is a show command parsed by TextFSM or a napalm getter; both become rows of
upper-case fields mapped to samples by the same rule. Counters are reported raw (like
SNMP); per-device sessions and locks keep one slow or broken device from touching
another's poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import textfsm

from edge_agent.config import DeviceConfig
from edge_agent.executor.classify import classify
from edge_agent.executor.session import (
    CliSession,
    Connector,
    MissingCredentialsError,
    NapalmSession,
    NetmikoSession,
    SshTarget,
    napalm_available,
    ssh_target,
)
from edge_agent.poll import PollError, PollErrorCode, PollResult
from firmware_profiles.actions import CliMetric, PlatformActions
from protocol import JobErrorCode, Sample

__all__ = ["CliPoller", "DeviceBusyError", "napalm_rows", "parse_metric", "poll_cli",
           "telemetry_session"]

log = logging.getLogger(__name__)
Row = Mapping[str, Any]

_CODES = {
    JobErrorCode.UNREACHABLE: PollErrorCode.UNREACHABLE,
    JobErrorCode.TIMEOUT: PollErrorCode.TIMEOUT,
    JobErrorCode.AUTH_FAILED: PollErrorCode.AUTH_FAILED,
    JobErrorCode.PROMPT_MISMATCH: PollErrorCode.BAD_RESPONSE,
    JobErrorCode.COMMAND_REJECTED: PollErrorCode.BAD_RESPONSE,
    JobErrorCode.HOST_KEY_CHANGED: PollErrorCode.HOST_KEY_CHANGED,
}


class DeviceBusyError(TimeoutError):
    """The device's previous poll is still running in its thread (a hung session)."""


def textfsm_rows(metric: CliMetric, output: str) -> list[Row]:
    """Rows of `output` parsed by the metric's TextFSM template (pure)."""
    assert metric.textfsm is not None
    with metric.textfsm.open() as handle:
        fsm = textfsm.TextFSM(io.StringIO(handle.read()))
    return [dict(zip(fsm.header, row, strict=True)) for row in fsm.ParseText(output)]


def napalm_rows(getter: str, data: Mapping[str, Any]) -> list[Row]:
    """Rows of a napalm getter's result: one per interface, keys upper-cased (pure)."""
    if getter != "get_interfaces_counters":
        raise ValueError(f"napalm getter {getter} is not supported for cli_metrics")
    return [{"INTERFACE": name, **{k.upper(): v for k, v in values.items()}}
            for name, values in data.items() if isinstance(values, Mapping)]


def _value(raw: object) -> int | None:
    # RouterOS groups digits with spaces; "", "-1" (napalm: unsupported) are no sample.
    text = str(raw).strip().replace(" ", "")
    return int(text) if text.isdigit() else None


def row_samples(metric: CliMetric, rows: Iterable[Row], device: str,
                ts: datetime) -> list[Sample]:
    """Samples from parsed rows: one per row and mapped field that holds a number."""
    samples = []
    for row in rows:
        labels = {label: str(row.get(column, ""))[:256]
                  for label, column in metric.labels.items() if row.get(column)}
        for field in metric.metrics:
            value = _value(row.get(field.field, ""))
            if value is None:
                continue  # an absent value is no sample, never a zero
            samples.append(Sample(device=device, metric=field.metric, labels=labels,
                                  value=value, kind=field.kind, ts=ts, unit=field.unit))
    return samples


def parse_metric(metric: CliMetric, output: str, device: str, ts: datetime) -> list[Sample]:
    """Samples from one command's output (pure): one per row and mapped field."""
    return row_samples(metric, textfsm_rows(metric, output), device, ts)


def _uses_napalm(platform: PlatformActions) -> bool:
    return platform.napalm_driver is not None and any(m.napalm for m in platform.cli_metrics)


def telemetry_session(target: SshTarget, platform: PlatformActions) -> CliSession:
    """A napalm-backed session when the profile has napalm metrics and napalm is
    installed, else a plain netmiko one."""
    if _uses_napalm(platform) and napalm_available():
        return NapalmSession(target, platform)
    return NetmikoSession(target, platform)


class CliPoller:
    """Keeps one SSH session per device between polls; drops it on any error."""

    def __init__(self, pool: ThreadPoolExecutor, connect: Connector = telemetry_session,
                 known_hosts: Path | None = None) -> None:
        self.pool = pool
        self.connect = connect
        self.known_hosts = known_hosts  # the agent's trusted host keys (executor.host_keys)
        self._sessions: dict[str, CliSession] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._last_run: dict[tuple[str, str], float] = {}  # (device, source) -> monotonic
        self._warned: set[str] = set()
        self.logins: dict[str, int] = {}  # device -> sessions opened (proves reuse)

    def _session(self, target: SshTarget, platform: PlatformActions) -> CliSession:
        session = self._sessions.get(target.device)
        if session is None:
            session = self.connect(target, platform)
            self._sessions[target.device] = session
            self.logins[target.device] = self.logins.get(target.device, 0) + 1
        return session

    def _read(self, session: CliSession, metric: CliMetric, device: str,
              ts: datetime) -> list[Sample]:
        if metric.napalm is None:
            assert metric.command is not None
            return parse_metric(metric, session.show(metric.command), device, ts)
        if not isinstance(session, NapalmSession):
            if device not in self._warned:
                self._warned.add(device)
                log.warning("ssh_metric_skipped device=%s source=%s reason=napalm_not_installed",
                            device, metric.source)
            return []
        return row_samples(metric, napalm_rows(metric.napalm, session.getter(metric.napalm)),
                           device, ts)

    def _poll_blocking(self, target: SshTarget, platform: PlatformActions,
                       metrics: Sequence[CliMetric], ts: datetime) -> list[Sample]:
        lock = self._locks.setdefault(target.device, threading.Lock())
        # Never queue behind a hung session: that would hold a second pool thread too.
        if not lock.acquire(blocking=False):
            raise DeviceBusyError(f"the previous poll of {target.device} is still running")
        try:
            session = self._session(target, platform)
            try:
                return [s for m in metrics for s in self._read(session, m, target.device, ts)]
            except Exception:
                self._sessions.pop(target.device, None)
                session.close()
                raise
        finally:
            lock.release()

    def due(self, device: str, platform: PlatformActions) -> tuple[CliMetric, ...]:
        """The metrics whose own `interval` has passed (all without one); marks them run."""
        now = time.monotonic()
        chosen = []
        for metric in platform.cli_metrics:
            key = (device, metric.source)
            last = self._last_run.get(key)
            if metric.interval is None or last is None or now - last >= metric.interval:
                chosen.append(metric)
                if metric.interval is not None:
                    self._last_run[key] = now
        return tuple(chosen)

    async def poll(self, device: DeviceConfig, platform: PlatformActions, *,
                   now: datetime | None = None, metrics: set[str] | None = None,
                   scheduled: bool = False) -> PollResult:
        """One CLI poll of `device`; never raises for device trouble.

        `scheduled` honours each metric's `interval` (the runtime's polls); otherwise every
        metric (or those producing a name in `metrics`) is read.
        """
        started = time.monotonic()
        result = PollResult(device.name, platform.os)
        pool = self.due(device.name, platform) if scheduled else platform.cli_metrics
        chosen = tuple(m for m in pool
                       if metrics is None or any(f.metric in metrics for f in m.metrics))
        ts = (now or datetime.now(UTC)).astimezone(UTC)
        try:
            target = ssh_target(device, platform, self.known_hosts)
            result.samples = await asyncio.get_running_loop().run_in_executor(
                self.pool, self._poll_blocking, target, platform, chosen, ts)
        except MissingCredentialsError as exc:
            result.errors.append(PollError(PollErrorCode.AUTH_FAILED, str(exc)))
        except DeviceBusyError as exc:
            result.errors.append(PollError(PollErrorCode.TIMEOUT, str(exc)))
        except Exception as exc:
            code = classify(exc, connected=device.name in self._sessions)
            first = (str(exc).strip().splitlines() or [""])[0][:200]
            result.errors.append(PollError(_CODES.get(code, PollErrorCode.INTERNAL),
                                           f"ssh {device.name}: {type(exc).__name__}: {first}"))
        result.duration_s = time.monotonic() - started
        return result

    def forget(self, device: str) -> None:
        """Log out of `device`'s kept session (its settings changed or it was removed).

        A poll still using the session keeps it; it is dropped at that poll's next error.
        """
        lock = self._locks.get(device)
        if lock is not None and not lock.acquire(blocking=False):
            return
        try:
            session = self._sessions.pop(device, None)
            if session is not None:
                session.close()
        finally:
            if lock is not None:
                lock.release()

    def close(self) -> None:
        """Log out of every kept session."""
        for session in self._sessions.values():
            with contextlib.suppress(Exception):
                session.close()
        self._sessions.clear()


async def poll_cli(device: DeviceConfig, platform: PlatformActions, poller: CliPoller, *,
                   now: datetime | None = None) -> PollResult:
    """The SNMP-like entry point: one CLI poll of every metric through `poller`."""
    return await poller.poll(device, platform, now=now)
