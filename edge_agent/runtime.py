"""`dotmac-agent run`: wires config, profiles, scheduler, queue and delivery together.

Only this module and the scheduler know about tasks and signals. SIGHUP reloads the
config (devices are added/removed/changed without touching the others); SIGTERM and
SIGINT stop polling, drain the queue to the broker within a deadline and exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import faulthandler
import hashlib
import json
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from edge_agent.batching import Batcher
from edge_agent.config import AgentConfig, ConfigError, DeviceConfig, load_config
from edge_agent.delivery import BrokerSettings, Delivery, DeliverySettings, PollHealth
from edge_agent.delivery.commands import ConfigIntake, JobIntake, route_commands
from edge_agent.discovery_runner import DiscoveryProgress, DiscoveryRunner
from edge_agent.events import DeviceEvent, ReceiverError
from edge_agent.events.configured import ConfiguredEvents
from edge_agent.executor import Executor
from edge_agent.executor.host_keys import KnownHosts
from edge_agent.executor.scheduled import SshTelemetry, cli_platform
from edge_agent.hub_config import (
    AppliedConfig,
    HubConfigError,
    HubConfigStatus,
    HubConfigStore,
    check_document,
    log_shadowed,
    merge_devices,
    to_devices,
    validate_push,
)
from edge_agent.poll import PollError, PollErrorCode, PollFailure, PollResult, detect, poll_device
from edge_agent.profiles import Profile, ProfileError, ProfileSet, load_profiles
from edge_agent.queue import QueueLimits, SqliteQueue
from edge_agent.scheduler import Scheduler
from firmware_profiles.actions import ActionError
from protocol import Channel, ConfigAck, ConfigPush, DeviceFacts, DiscoveryReport
from protocol.edge_config import ConfigErrorCode

log = logging.getLogger(__name__)

STATUS_FILE = "status.json"
# Facts (serial, interfaces...) cost a walk of their own; read them at start, then this often.
FACTS_EVERY_S = 600.0
# Drain deadline (10 s) + offline message + disconnect, with margin.
SHUTDOWN_WATCHDOG_S = 45.0
QUEUE_FILE = "queue.sqlite3"


def broker_settings(config: AgentConfig) -> BrokerSettings:
    """The delivery's view of the `broker:` section."""
    b = config.broker
    return BrokerSettings(
        host=b.host, port=b.port, username=b.username or config.agent.id,
        password=b.password.get_secret_value() if b.password else None,
        tls=b.tls, tls_ca_file=b.ca_file,
    )


def facts_fingerprint(facts: DeviceFacts) -> str:
    """Hash of what an inventory consumer cares about (uptime excluded: it always moves)."""
    data = facts.model_dump(mode="json", exclude={"uptime_s"})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass
class ProfileResolver:
    """Which profile each device uses: configured, or detected once and remembered."""

    profiles: ProfileSet
    detected: dict[str, str] = field(default_factory=dict)  # "name@host:port" -> profile
    # Syslog patterns are per profile: the event source map is rebuilt when one is learnt.
    on_detected: Callable[[], None] | None = None

    async def resolve(self, device: DeviceConfig, config: AgentConfig) -> Profile:
        """The device's profile; raises PollFailure when auto-detection cannot read it."""
        if device.profile != "auto":
            return self.profiles.get(device.profile)
        key = f"{device.name}@{device.host}:{device.port}"
        if key not in self.detected:
            found = await detect(config.snmp_target(device), self.profiles)
            log.info("profile.detected device=%s profile=%s", device.name, found.profile)
            self.detected[key] = found.profile
            if self.on_detected is not None:
                self.on_detected()
        return self.profiles.get(self.detected[key])


class AgentRuntime:
    """One running agent: polls on schedule, queues durably, delivers to the broker."""

    def __init__(self, config_path: Path, profiles_root: Path | None = None) -> None:
        self.config_path = config_path
        self.profiles_root = profiles_root
        self.config = load_config(config_path)
        self.resolver = ProfileResolver(load_profiles(profiles_root))
        self.resolver.on_detected = self._update_sources
        self._check_profiles(self.config)
        self._inventory: dict[str, str] = {}  # device -> facts fingerprint last queued
        self._facts_due: dict[str, float] = {}  # device -> monotonic time facts are due
        self._stop = asyncio.Event()
        self.scheduler: Scheduler[DeviceConfig, PollResult] | None = None
        self.delivery: Delivery | None = None
        self.batcher: Batcher | None = None
        self.jobs: JobIntake | None = None
        self.executor: Executor | None = None
        self.host_keys = KnownHosts.in_state_dir(self.config.agent.state_dir)
        self.ssh = SshTelemetry(self.config.polling.ssh_workers, profiles_root,
                                known_hosts=self.host_keys.path)
        self.started = time.time()
        # Hub-pushed devices are authoritative; agent.yaml devices they do not shadow are
        # polled too (docs/agent-config.md "Devices from the hub").
        self.local_devices = list(self.config.devices)
        self.hub_store = HubConfigStore(self.config.agent.state_dir)
        self.hub = HubConfigStatus()
        self.hub_devices: list[DeviceConfig] = []
        self.config_intake: ConfigIntake | None = None
        self.discovery: DiscoveryRunner | None = None
        self._reports: set[asyncio.Task[object]] = set()
        self.events: ConfiguredEvents | None = None  # traps and syslog, when configured
        self._events_task: asyncio.Task[None] | None = None
        self._set_devices(self._load_hub_config())

    def _load_hub_config(self) -> list[DeviceConfig]:
        """The stored push's devices; a corrupt or unusable store means local devices only."""
        try:
            applied = self.hub_store.load()
            if applied is None:
                return []
            check_document(applied.config, self.resolver.profiles.names())
            devices = to_devices(applied.config, self.config.polling, self.local_devices)
        except (ValueError, HubConfigError) as exc:
            log.error("config.hub_store_unusable path=%s error=%s; polling agent.yaml devices "
                      "only until the hub pushes again", self.hub_store.path, exc)
            self.hub.load_error = str(exc)
            return []
        self.hub.use(applied, len(devices))
        log.info("config.hub_loaded version=%d devices=%d", applied.version, len(devices))
        return devices

    def _set_devices(self, hub_devices: list[DeviceConfig]) -> None:
        """Poll ``hub_devices`` plus the local devices they do not shadow, live."""
        merged, shadowed = merge_devices(self.local_devices, hub_devices)
        log_shadowed(shadowed)
        kept = set(merged)
        for device in self.config.devices:
            if device not in kept:  # removed or changed: its SSH session is stale
                self.ssh.poller.forget(device.name)
        self.hub_devices = hub_devices
        self.config = self.config.model_copy(update={"devices": merged})
        if self.executor is not None:
            self.executor.config = self.config
        if self.scheduler is not None:
            self.scheduler.update(merged)
        self._update_sources()

    def _update_sources(self) -> None:
        """Point the event receivers at the devices polled now (and their profiles)."""
        if self.events is not None:
            self.events.update_devices(self.config.devices)

    def _profile_of(self, device: DeviceConfig) -> str | None:
        if device.profile != "auto":
            return device.profile
        return self.resolver.detected.get(f"{device.name}@{device.host}:{device.port}")

    async def apply_push(self, push: ConfigPush) -> ConfigAck:
        """Validate, store, then apply one push; the ack says which (never raises)."""
        agent_id = self.config.agent.id
        if (push.agent_id, push.config_version, push.content_hash) == (
                agent_id, self.hub.version, self.hub.content_hash):
            # The same push again (a hub resend after a lost ack, a broker redelivery):
            # it already runs; say so instead of refusing it as stale.
            return self.hub.ack(agent_id, "applied")
        try:
            config = validate_push(push, agent_id, self.hub.version,
                                   self.resolver.profiles.names())
            devices = to_devices(config, self.config.polling, self.local_devices)
            self._check_pushed_cli(devices)
            applied = AppliedConfig(push.config_version, push.content_hash, config)
            await asyncio.to_thread(self.hub_store.save, applied)
        except HubConfigError as exc:
            return self.hub.reject(agent_id, push, exc.code, exc.detail)
        except OSError as exc:
            return self.hub.reject(agent_id, push, ConfigErrorCode.STORE_FAILED,
                                   f"could not write {self.hub_store.path}: {exc.strerror}; "
                                   "free disk space or fix the state directory's permissions")
        self._set_devices(devices)
        self.hub.use(applied, len(devices))
        self._sync_discoveries()
        log.info("config.applied version=%d devices=%d polled=%d", applied.version,
                 len(devices), len(self.config.devices))
        return self.hub.ack(agent_id, "applied")

    def _check_pushed_cli(self, devices: list[DeviceConfig]) -> None:
        for device in devices:
            if device.polls_ssh and device.profile != "auto":
                problems = self._check_cli_metrics(device)
                if problems:
                    raise HubConfigError(ConfigErrorCode.INVALID,
                                         f"device {device.name}: {problems[0]}")

    def _sync_discoveries(self) -> None:
        """Run the discoveries the applied config lists (and stop the ones it dropped)."""
        if self.discovery is None:
            return
        config = self.hub.applied.config if self.hub.applied else None
        if config is None:
            self.discovery.sync([], {})
            return
        self.discovery.sync(config.discoveries, {c.id: c for c in config.credentials})

    async def _report_discovery(self, progress: DiscoveryProgress) -> None:
        """One discovery step as a durably queued `discovery_report`."""
        if self.batcher is None:
            return
        await self.batcher.add_report(DiscoveryReport(
            agent_id=self.config.agent.id, seq=1, ts=datetime.now(UTC),
            discovery_id=progress.discovery_id, scanned=progress.scanned,
            total=progress.total, done=progress.done, candidates=progress.candidates,
            error=progress.error[:4096] if progress.error else None))

    def report_current(self) -> None:
        """After each (re)subscribe: tell the hub which version runs, so it re-sends newer."""
        if self.batcher is not None:
            self._queue_report(self.hub.ack(self.config.agent.id, "current"))

    def _queue_report(self, ack: ConfigAck) -> None:
        assert self.batcher is not None
        task: asyncio.Task[object] = asyncio.ensure_future(self.batcher.add_report(ack))
        self._reports.add(task)
        task.add_done_callback(self._reports.discard)

    async def _enqueue_report(self, ack: ConfigAck) -> None:
        assert self.batcher is not None
        await self.batcher.add_report(ack)

    def _check_profiles(self, config: AgentConfig) -> None:
        problems = []
        for device in config.devices:
            if device.profile != "auto" and device.profile not in self.resolver.profiles.names():
                problems.append(f"{self.config_path}: devices[{device.name}].profile: "
                                f"no profile {device.profile!r}; use auto or one of "
                                f"{', '.join(self.resolver.profiles.names())}")
            elif device.polls_ssh and device.profile != "auto":
                problems += self._check_cli_metrics(device)
        if problems:
            raise ConfigError(problems)

    def _check_cli_metrics(self, device: DeviceConfig) -> list[str]:
        try:
            cli_platform(device.profile, self.profiles_root)
        except ActionError as exc:
            return [f"{self.config_path}: devices[{device.name}].telemetry: "
                    f"{device.telemetry}: {exc}"]
        return []

    async def poll(self, device: DeviceConfig) -> PollResult:
        """Poll one device over SNMP, SSH or both (see `DeviceConfig.telemetry`)."""
        if not device.polls_snmp:
            return await self.ssh.poll(device, device.profile)
        result = await self.poll_snmp(device)
        if device.polls_ssh:
            profile = device.profile if device.profile != "auto" else result.profile
            cli = await self.ssh.poll(device, profile)
            result.samples += cli.samples
            result.errors += cli.errors
            result.duration_s += cli.duration_s
        return result

    async def poll_snmp(self, device: DeviceConfig) -> PollResult:
        """Poll one device with its profile; detection failures become the poll's error."""
        try:
            profile = await self.resolver.resolve(device, self.config)
        except PollFailure as exc:
            return PollResult(device.name, "unknown", errors=[exc.error])
        except ProfileError as exc:
            return PollResult(device.name, device.profile,
                              errors=[PollError(PollErrorCode.NO_SUCH_PROFILE, str(exc))])
        now = time.monotonic()
        with_facts = now >= self._facts_due.get(device.name, 0.0)
        result = await poll_device(device.name, self.config.snmp_target(device), profile,
                                   with_facts=with_facts)
        if with_facts and result.facts is not None:
            self._facts_due[device.name] = now + FACTS_EVERY_S
        return result

    async def sink(self, device: DeviceConfig, result: PollResult) -> None:
        """Queue the samples (durable on return) and the inventory when it changed."""
        if self.batcher is None:
            return
        if result.samples:
            await self.batcher.add_samples(result.samples)
        if result.facts is not None:
            fingerprint = facts_fingerprint(result.facts)
            if self._inventory.get(device.name) != fingerprint:
                await self.batcher.add_inventory([result.facts])
                self._inventory[device.name] = fingerprint

    def poll_health(self) -> PollHealth:
        """The scheduler's figures for the health message."""
        if self.scheduler is None:
            return PollHealth()
        stats = self.scheduler.stats()
        errors = dict(stats.device_errors)
        # A changed SSH host key stays an error until a tech runs `ssh-trust`, even when
        # only jobs (not polls) touch the device and the device's polls still succeed.
        names = {device.name for device in self.config.devices}
        errors.update({name: PollErrorCode.HOST_KEY_CHANGED.value
                       for name in self.host_keys.changed_devices() & names})
        # Not polled to the end yet (a fresh start, a device just added): unknown, not up.
        polled = {name for name, device in stats.devices.items() if device.cycles}
        pending = sorted(names - polled - errors.keys())
        return PollHealth(
            poll_duration_p50_s=stats.duration_p50_s, poll_duration_p95_s=stats.duration_p95_s,
            devices_total=len(self.config.devices), device_errors=errors,
            events=self.event_counters(), devices_pending=pending,
        )

    def event_counters(self) -> dict[str, int] | None:
        """The health message's event counters; None when no receiver is configured."""
        if self.events is None:
            return None
        return self.events.counters(self.batcher.unsendable_events if self.batcher else 0)

    async def start_events(self) -> None:
        """Bind the trap/syslog ports when `events:` is configured; ConfigError if not
        possible (the message names the port and the fix: another port or the capability)."""
        section = self.config.events
        if section is None or not section.enabled:
            return
        events = ConfiguredEvents(section, self.config.devices, self._profile_of,
                                  self._queue_events, self.profiles_root)
        try:
            await events.start()
        except ReceiverError as exc:
            raise ConfigError([f"{self.config_path}: events: {exc}"]) from exc
        self.events = events

    async def _queue_events(self, events: list[DeviceEvent]) -> None:
        assert self.batcher is not None  # the pump starts after the batcher
        await self.batcher.add_events(events)

    async def _stop_events(self) -> None:
        """Stop receiving, then queue everything storm control still holds."""
        if self.events is None:
            return
        if self._events_task is not None:
            self._events_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._events_task
        await self.events.stop()

    async def run(self) -> None:
        """Run until SIGTERM/SIGINT (or `request_stop`), then drain and close."""
        cfg = self.config
        await self.start_events()  # first: a port that cannot be bound stops the start
        cfg.agent.state_dir.mkdir(parents=True, exist_ok=True)
        queue = await SqliteQueue.open(cfg.agent.state_dir / QUEUE_FILE,
                                       QueueLimits(cfg.queue.max_bytes, cfg.queue.max_age_s))
        seq = queue.seq_counter()
        # Jobs get their own SSH thread pool: a long change never delays an SNMP poll.
        self.executor = Executor(cfg, profiles_root=self.profiles_root)
        self.jobs = JobIntake(cfg.agent.id, self.executor, queue, seq)
        await self.jobs.recover()
        self.config_intake = ConfigIntake(
            self.apply_push, self._enqueue_report,
            lambda code, detail: self.hub.reject(cfg.agent.id, None, code, detail))
        commands = route_commands({Channel.JOB: self.jobs.handle,
                                   Channel.CONFIG: self.config_intake.handle})
        self.delivery = Delivery(cfg.agent.id, broker_settings(cfg), queue, seq,
                                 settings=DeliverySettings(health_interval_s=cfg.health_interval_s),
                                 health=self, on_command=commands,
                                 on_subscribed=self.report_current)
        self.jobs.wake = self.delivery.wake
        self.batcher = Batcher(cfg.agent.id, queue, seq, on_enqueue=self.delivery.wake)
        self.scheduler = Scheduler(cfg.devices, self.poll, self.sink, cfg.polling.concurrency,
                                   jitter=cfg.polling.jitter, error_of=_first_error)
        self.discovery = DiscoveryRunner(cfg.agent.state_dir, self.resolver.profiles,
                                         self._report_discovery)
        self._sync_discoveries()
        self._install_signals()
        delivery_task = asyncio.create_task(self.delivery.run(), name="delivery")
        status_task = asyncio.create_task(self._status_loop(queue), name="status")
        if self.events is not None:
            self._events_task = asyncio.create_task(self.events.pump(), name="events")
        self.scheduler.start()
        log.info("agent.started agent_id=%s devices=%d hub_config_version=%d", cfg.agent.id,
                 len(cfg.devices), self.hub.version)
        try:
            await self._stop.wait()
        finally:
            await self._shutdown(queue, delivery_task, status_task)

    async def _shutdown(self, queue: SqliteQueue, *tasks: asyncio.Task[None]) -> None:
        assert self.scheduler is not None and self.delivery is not None
        await self.scheduler.stop()
        await self._stop_events()
        if self.config_intake is not None:
            await self.config_intake.close()
        if self.discovery is not None:
            await self.discovery.close()
        if self._reports:
            await asyncio.wait(set(self._reports), timeout=5)
        if self.jobs is not None:
            await self.jobs.close()
        await self.delivery.stop()
        if self.executor is not None:
            await self.executor.close()
        self.ssh.close()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._write_status(queue)
        await queue.close()
        log.info("agent.stopped agent_id=%s", self.config.agent.id)

    def request_stop(self) -> None:
        """Ask `run` to drain and return.

        A watchdog dumps every thread's stack to the log and exits if the drain hangs, so
        a stuck shutdown is diagnosable and never outlives systemd's stop timeout quietly.
        """
        if not self._stop.is_set():
            log.info("agent.stopping agent_id=%s", self.config.agent.id)
            faulthandler.dump_traceback_later(SHUTDOWN_WATCHDOG_S, exit=True)
        self._stop.set()

    def reload(self) -> None:
        """Re-read the config file; a bad file is logged and the running config kept."""
        try:
            fresh = load_config(self.config_path)
            self._check_profiles(fresh)
        except ConfigError as exc:
            for problem in exc.problems:
                log.error("config.reload_refused problem=%s", problem)
            return
        if fresh.broker != self.config.broker or fresh.agent != self.config.agent:
            log.warning("config.reload broker/agent changes need a restart; devices reloaded")
        if fresh.events != self.config.events:
            log.warning("config.reload events changes (ports, communities, users, storm) "
                        "need a restart; event sources follow the devices now")
        self.local_devices = list(fresh.devices)
        self.config = self.config.model_copy(update={"polling": fresh.polling})
        self._set_devices(self.hub_devices)
        log.info("config.reloaded devices=%d local=%d", len(self.config.devices),
                 len(fresh.devices))

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGHUP, self.reload)
            loop.add_signal_handler(signal.SIGTERM, self.request_stop)
            loop.add_signal_handler(signal.SIGINT, self.request_stop)

    async def _status_loop(self, queue: SqliteQueue) -> None:
        while True:
            await self._write_status(queue)
            await asyncio.sleep(5)

    async def _write_status(self, queue: SqliteQueue) -> None:
        """Snapshot for `dotmac-agent status` (no IPC needed; never holds secrets)."""
        status = await status_snapshot(self, queue)
        path = self.config.agent.state_dir / STATUS_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(status, indent=2, default=str))
        tmp.replace(path)


async def status_snapshot(runtime: AgentRuntime, queue: SqliteQueue) -> dict[str, object]:
    """What `status` shows: delivery, queue and per-device poll state."""
    stats = runtime.scheduler.stats() if runtime.scheduler else None
    devices = {}
    labels = {device.name: device.label for device in runtime.config.devices}
    if stats is not None:
        for name, dev in stats.devices.items():
            devices[name] = {"last_error": dev.last_error, "cycles": dev.cycles,
                             "failures": dev.failures, "last_duration_s": dev.last_duration_s,
                             "label": labels.get(name)}
    return {
        "agent_id": runtime.config.agent.id,
        "written_at": datetime.now(UTC).isoformat(),
        "uptime_s": round(time.time() - runtime.started, 1),
        "delivery": runtime.delivery.metrics.snapshot() if runtime.delivery else {},
        "queue": {"depth": await queue.depth(), "bytes": await queue.bytes(),
                  "oldest_age_s": await queue.oldest_age(),
                  "dropped_samples": await queue.dropped_samples()},
        "schedule": {"lag_p99_s": stats.lag_p99_s if stats else None,
                     "skipped_cycles": stats.skipped_cycles if stats else 0},
        "devices": devices,
        "hub_config": runtime.hub.snapshot(),
        "events": _events_status(runtime),
    }


def _events_status(runtime: AgentRuntime) -> dict[str, object] | None:
    """Receiver and storm-control counters by reason (never a community or key)."""
    if runtime.events is None:
        return None
    return runtime.events.status(runtime.batcher.unsendable_events if runtime.batcher else 0)


def _first_error(result: PollResult) -> str | None:
    return result.errors[0].code.value if result.errors else None
