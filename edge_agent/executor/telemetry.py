"""SSH telemetry: a profile's `cli_metrics` polled over a reused session, parsed by TextFSM.

    poller = CliPoller(pool)
    result = await poller.poll(device, platform)          # edge_agent.poll.PollResult

Counters are reported raw (like SNMP); per-device sessions and locks keep one slow or
broken device from touching another's poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import textfsm

from edge_agent.config import DeviceConfig
from edge_agent.executor.actions import CliMetric, PlatformActions
from edge_agent.executor.classify import classify
from edge_agent.executor.session import (
    CliSession,
    Connector,
    MissingCredentialsError,
    NetmikoSession,
    SshTarget,
    ssh_target,
)
from edge_agent.poll import PollError, PollErrorCode, PollResult
from protocol import JobErrorCode, Sample

__all__ = ["CliPoller", "parse_metric", "poll_cli"]

_CODES = {
    JobErrorCode.UNREACHABLE: PollErrorCode.UNREACHABLE,
    JobErrorCode.TIMEOUT: PollErrorCode.TIMEOUT,
    JobErrorCode.AUTH_FAILED: PollErrorCode.AUTH_FAILED,
    JobErrorCode.PROMPT_MISMATCH: PollErrorCode.BAD_RESPONSE,
    JobErrorCode.COMMAND_REJECTED: PollErrorCode.BAD_RESPONSE,
}


def parse_metric(metric: CliMetric, output: str, device: str, ts: datetime) -> list[Sample]:
    """Samples from one command's output (pure): one per row and mapped field."""
    with metric.textfsm.open() as handle:
        fsm = textfsm.TextFSM(io.StringIO(handle.read()))
    rows = [dict(zip(fsm.header, row, strict=True)) for row in fsm.ParseText(output)]
    samples = []
    for row in rows:
        labels = {label: str(row.get(column, ""))[:256]
                  for label, column in metric.labels.items() if row.get(column)}
        for field in metric.metrics:
            raw = str(row.get(field.field, "")).strip()
            if not raw.isdigit():
                continue  # an absent value is no sample, never a zero
            samples.append(Sample(device=device, metric=field.metric, labels=labels,
                                  value=int(raw), kind=field.kind, ts=ts, unit=field.unit))
    return samples


class CliPoller:
    """Keeps one SSH session per device between polls; drops it on any error."""

    def __init__(self, pool: ThreadPoolExecutor, connect: Connector = NetmikoSession) -> None:
        self.pool = pool
        self.connect = connect
        self._sessions: dict[str, CliSession] = {}
        self._locks: dict[str, threading.Lock] = {}
        self.logins: dict[str, int] = {}  # device -> sessions opened (proves reuse)

    def _poll_blocking(self, target: SshTarget, platform: PlatformActions,
                       metrics: tuple[CliMetric, ...], ts: datetime) -> list[Sample]:
        with self._locks.setdefault(target.device, threading.Lock()):
            session = self._sessions.get(target.device)
            if session is None:
                session = self.connect(target, platform)
                self._sessions[target.device] = session
                self.logins[target.device] = self.logins.get(target.device, 0) + 1
            try:
                samples: list[Sample] = []
                for metric in metrics:
                    output = session.show(metric.command)
                    samples += parse_metric(metric, output, target.device, ts)
                return samples
            except Exception:
                self._sessions.pop(target.device, None)
                session.close()
                raise

    async def poll(self, device: DeviceConfig, platform: PlatformActions, *,
                   now: datetime | None = None, metrics: set[str] | None = None) -> PollResult:
        """One CLI poll of `device`; never raises for device trouble."""
        started = time.monotonic()
        result = PollResult(device.name, platform.os)
        chosen = tuple(m for m in platform.cli_metrics
                       if metrics is None or any(f.metric in metrics for f in m.metrics))
        ts = (now or datetime.now(UTC)).astimezone(UTC)
        try:
            target = ssh_target(device, platform)
            result.samples = await asyncio.get_running_loop().run_in_executor(
                self.pool, self._poll_blocking, target, platform, chosen, ts)
        except MissingCredentialsError as exc:
            result.errors.append(PollError(PollErrorCode.AUTH_FAILED, str(exc)))
        except Exception as exc:
            code = classify(exc, connected=device.name in self._sessions)
            result.errors.append(PollError(_CODES.get(code, PollErrorCode.INTERNAL),
                                           f"ssh {device.name}: {type(exc).__name__}: {exc}"))
        result.duration_s = time.monotonic() - started
        return result

    def close(self) -> None:
        """Log out of every kept session."""
        for session in self._sessions.values():
            with contextlib.suppress(Exception):
                session.close()
        self._sessions.clear()


async def poll_cli(device: DeviceConfig, platform: PlatformActions, poller: CliPoller, *,
                   now: datetime | None = None) -> PollResult:
    """The SNMP-like entry point the scheduler calls: one CLI poll through `poller`."""
    return await poller.poll(device, platform, now=now)
