"""The agent's job executor: `protocol.JobRequest` in, `JobProgress`/`JobResult` out.

    executor = Executor(config)                      # pool size: polling.ssh_workers
    result = await executor.run(job, progress=send)  # send(JobProgress) for each step
    await executor.close()

Blocking SSH runs in a bounded thread pool so the asyncio poller never starves. At most
one job runs per device (a per-device lock). Effects are exactly-once per idempotency key
(`JobStore`, SQLite in the state dir). A job past its deadline is never started.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from edge_agent.config import AgentConfig, DeviceConfig
from edge_agent.executor.backup import ConfigBackup
from edge_agent.executor.host_keys import KnownHosts
from edge_agent.executor.runner import Outcome, run_action, run_getter
from edge_agent.executor.session import (
    Connector,
    MissingCredentialsError,
    NetmikoSession,
    napalm_available,
    ssh_target,
)
from edge_agent.executor.store import JOBS_FILE, JobStore
from firmware_profiles.actions import (
    Action,
    ActionError,
    ParamError,
    PlatformActions,
    load_actions,
    render,
    render_rollback,
)
from firmware_profiles.scrub import Scrubber, scrubber
from protocol import JobErrorCode, JobProgress, JobRequest, JobResult
from protocol.messages import MAX_OUTPUT_CHARS

__all__ = ["Executor", "ProgressSink"]

log = logging.getLogger(__name__)
ProgressSink = Callable[[JobProgress], object]  # may return an awaitable


class _Refusal(Exception):  # noqa: N818 - carries a result, not a bug
    def __init__(self, code: JobErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class Executor:
    """Runs provisioning jobs for the devices of one agent config."""

    def __init__(self, config: AgentConfig, *, state_dir: Path | None = None,
                 connect: Connector = NetmikoSession, workers: int | None = None,
                 next_seq: Callable[[], int] | None = None,
                 profiles_root: Path | None = None) -> None:
        self.config = config
        self.agent_id = config.agent.id
        self.connect = connect
        self.profiles_root = profiles_root
        self.pool = ThreadPoolExecutor(max_workers=workers or config.polling.ssh_workers,
                                       thread_name_prefix="ssh")
        self.store = JobStore((state_dir or config.agent.state_dir) / JOBS_FILE)
        self.known_hosts = KnownHosts.in_state_dir(state_dir or config.agent.state_dir).path
        self._seq = next_seq or itertools.count(1).__next__
        self._locks: dict[str, asyncio.Lock] = {}
        self._inflight: dict[str, asyncio.Future[JobResult]] = {}
        self._platforms: dict[str, PlatformActions] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    async def close(self) -> None:
        """Wait for running jobs, then release the pool and the store."""
        await asyncio.gather(*self._inflight.values(), return_exceptions=True)
        self.pool.shutdown(wait=True)
        self.store.close()

    # -- lookup ----------------------------------------------------------------------------
    def platform(self, device: DeviceConfig) -> PlatformActions:
        """The actions of the device's profile (cached)."""
        name = device.profile
        if name == "auto":
            raise _Refusal(JobErrorCode.INTERNAL,
                           f"device {device.name}: profile is auto; SSH jobs need a known OS, "
                           f"set devices[{device.name}].profile (e.g. cisco_ios)")
        if name not in self._platforms:
            try:
                self._platforms[name] = load_actions(name, self.profiles_root)
            except ActionError as exc:
                raise _Refusal(JobErrorCode.INTERNAL, str(exc)) from exc
        return self._platforms[name]

    def device_of(self, job: JobRequest) -> DeviceConfig:
        """The job's device: by hub id (a pushed device's name), else a local (agent.yaml)
        device named ``device_name``; KeyError when neither exists."""
        try:
            return self.config.device(job.device)
        except KeyError:
            pass
        for device in self.config.devices:
            if job.device_name and device.label is None and device.name == job.device_name:
                return device
        raise KeyError(job.device)

    def _resolve(self, job: JobRequest) -> tuple[DeviceConfig, PlatformActions, Action]:
        try:
            device = self.device_of(job)
        except KeyError:
            raise _Refusal(JobErrorCode.INTERNAL,
                           f"no device {job.device!r} (name {job.device_name!r}) in this "
                           "agent's config; push it from the hub or add it to agent.yaml, or "
                           "send the job to the agent that polls it") from None
        platform = self.platform(device)
        try:
            action = platform.action(job.action)
        except ActionError as exc:
            raise _Refusal(JobErrorCode.COMMAND_REJECTED, str(exc)) from exc
        return device, platform, action

    # -- messages --------------------------------------------------------------------------
    def _result(self, job: JobRequest, started: datetime,
                outcome: Literal["succeeded", "failed", "rolled_back"],
                code: JobErrorCode | None, output: str) -> JobResult:
        # Every output leaves scrubbed (show output, change transcripts, error texts): the
        # hub shows job outputs to roles that must never read a device secret.
        output = self._secrets(job).scrub_output(output)
        if len(output) > MAX_OUTPUT_CHARS:
            output = output[: MAX_OUTPUT_CHARS - 40] + "\n... (output truncated)"
        return JobResult(agent_id=self.agent_id, seq=self._seq(), ts=datetime.now(UTC),
                         job_id=job.job_id, outcome=outcome, error_code=code, output=output,
                         started_at=started, finished_at=datetime.now(UTC))

    def _secrets(self, job: JobRequest) -> Scrubber:
        """The secret rules of the device's platform (every platform's when unknown)."""
        try:
            profile: str | None = self.device_of(job).profile
        except KeyError:
            profile = None
        return scrubber(profile)

    def _progress(self, job: JobRequest, sink: ProgressSink | None,
                  loop: asyncio.AbstractEventLoop) -> Callable[[str, str, float | None], None]:
        secrets = self._secrets(job)

        def emit(step: str, message: str = "", percent: float | None = None) -> None:
            if sink is None:
                return
            event = JobProgress(agent_id=self.agent_id, seq=self._seq(), ts=datetime.now(UTC),
                                job_id=job.job_id, state="running", step=step[:256],
                                message=secrets.scrub(message)[:4096], percent=percent)
            loop.call_soon_threadsafe(self._deliver, sink, event)
        return emit

    def _deliver(self, sink: ProgressSink, event: JobProgress) -> None:
        returned = sink(event)
        if inspect.isawaitable(returned):
            task = asyncio.ensure_future(returned)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    # -- running -----------------------------------------------------------------------------
    async def run(self, job: JobRequest, progress: ProgressSink | None = None) -> JobResult:
        """Run `job` to a definite result (never raises for device or job trouble)."""
        started = datetime.now(UTC)
        if job.deadline <= started:
            return self._result(job, started, "failed", JobErrorCode.EXPIRED,
                                f"deadline {job.deadline.isoformat()} passed before the job "
                                "started; nothing was sent to the device")
        try:
            device, platform, action = self._resolve(job)
            if job.dry_run:
                return self._result(job, started, "succeeded", None, _dry_run(action, job))
            render(action, job.params)  # refuse bad params before claiming the key
        except _Refusal as exc:
            return self._result(job, started, "failed", exc.code, str(exc))
        except ParamError as exc:
            return self._result(job, started, "failed", JobErrorCode.COMMAND_REJECTED, str(exc))
        return await self._once(job, device, platform, action, progress, started)

    async def _once(self, job: JobRequest, device: DeviceConfig, platform: PlatformActions,
                    action: Action, progress: ProgressSink | None, started: datetime
                    ) -> JobResult:
        key = job.idempotency_key
        if key in self._inflight:  # the same job delivered twice while it runs
            return await asyncio.shield(self._inflight[key])
        remembered = await asyncio.to_thread(self.store.claim, key, str(job.job_id),
                                             job.device, job.action)
        if remembered is not None:
            return await self._remembered(job, remembered.result, started)
        future: asyncio.Future[JobResult] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            result = await self._locked(job, device, platform, action, progress, started)
            await asyncio.to_thread(self.store.finish, key, result)
            future.set_result(result)
            return result
        finally:
            del self._inflight[key]
            if not future.done():
                future.cancel()  # duplicates waiting on it fail instead of hanging

    async def _remembered(self, job: JobRequest, result: JobResult | None,
                          started: datetime) -> JobResult:
        if result is not None:
            log.info("job.duplicate key=%s job_id=%s", job.idempotency_key, job.job_id)
            return result
        # Claimed by an agent process that died mid-job: settle it once and for all.
        settled = self._result(job, started, "failed", JobErrorCode.INTERNAL,
                               "the agent restarted while this job was running; the device may "
                               "be partly changed; check it (run a backup) and send a new job")
        await asyncio.to_thread(self.store.finish, job.idempotency_key, settled)
        return settled

    async def _locked(self, job: JobRequest, device: DeviceConfig, platform: PlatformActions,
                      action: Action, progress: ProgressSink | None, started: datetime
                      ) -> JobResult:
        lock = self._locks.setdefault(device.name, asyncio.Lock())
        async with lock:
            if job.deadline <= datetime.now(UTC):
                return self._result(job, started, "failed", JobErrorCode.EXPIRED,
                                    "deadline passed while waiting for another job on "
                                    f"{device.name}; nothing was sent")
            outcome = await self._execute(job, device, platform, action, progress)
        return self._result(job, started, outcome.outcome, outcome.error_code, outcome.output)

    async def _execute(self, job: JobRequest, device: DeviceConfig, platform: PlatformActions,
                       action: Action, progress: ProgressSink | None) -> Outcome:
        try:
            target = ssh_target(device, platform, self.known_hosts)
        except MissingCredentialsError as exc:
            return Outcome("failed", JobErrorCode.AUTH_FAILED, str(exc))
        loop = asyncio.get_running_loop()
        emit = self._progress(job, progress, loop)
        previous = await asyncio.to_thread(self.store.backup_hash, device.name)
        log.info("job.start job_id=%s device=%s action=%s", job.job_id, device.name, action.name)
        if _napalm_getter(platform, action):  # same pool: napalm blocks like netmiko
            outcome = await loop.run_in_executor(self.pool, run_getter, target, platform,
                                                 action, emit)
        else:
            outcome = await loop.run_in_executor(
                self.pool, run_action, target, platform, action, dict(job.params),
                self.connect, emit, previous)
        if outcome.backup is not None:
            await asyncio.to_thread(self.store.set_backup_hash, device.name, outcome.backup.sha256)
        log.info("job.end job_id=%s device=%s outcome=%s code=%s", job.job_id, device.name,
                 outcome.outcome, outcome.error_code)
        return outcome

    async def backup(self, device_name: str) -> ConfigBackup:
        """Back up one device now (the `dotmac-agent backup` command); raises on failure."""
        device = self.config.device(device_name)
        platform = self.platform(device)
        target = ssh_target(device, platform, self.known_hosts)
        previous = await asyncio.to_thread(self.store.backup_hash, device.name)
        outcome = await asyncio.get_running_loop().run_in_executor(
            self.pool, run_action, target, platform, platform.action("backup_config"), {},
            self.connect, lambda *_: None, previous)
        if outcome.backup is None:
            raise RuntimeError(outcome.output)
        await asyncio.to_thread(self.store.set_backup_hash, device.name, outcome.backup.sha256)
        return outcome.backup


def _napalm_getter(platform: PlatformActions, action: Action) -> bool:
    """The action names a napalm getter, the profile a driver, and napalm is installed."""
    return bool(action.napalm and platform.napalm_driver and napalm_available())


def _dry_run(action: Action, job: JobRequest) -> str:
    params: Mapping[str, Any] = job.params
    lines = render(action, params)
    rollback = render_rollback(action, params) if action.rollback else []
    return json.dumps({"dry_run": True, "action": action.name, "commands": lines,
                       "rollback": rollback,
                       "verify": action.verify.command if action.verify else None})
