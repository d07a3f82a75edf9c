"""SSH telemetry as the runtime schedules it: one `CliPoller` on its own thread pool.

    ssh = SshTelemetry(workers=4)
    result = await ssh.poll(device, "cisco_ios")     # PollResult, like an SNMP poll
    ssh.close()

The pool is separate from the job executor's, so a burst of CLI polls never delays a
provisioning job and a long job never delays telemetry. Failures are logged with their
code; the scheduler counts them and the health message reports them per device.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from edge_agent.config import DeviceConfig
from edge_agent.executor.telemetry import CliPoller
from edge_agent.poll import PollError, PollErrorCode, PollResult
from firmware_profiles.actions import ActionError, PlatformActions, load_actions

__all__ = ["SshTelemetry", "cli_platform"]

log = logging.getLogger(__name__)


def cli_platform(profile: str, root: Path | None = None) -> PlatformActions:
    """The actions of `profile`; ActionError when it has none or no `cli_metrics`."""
    platform = load_actions(profile, root)
    if not platform.cli_metrics:
        raise ActionError(f"{profile}/actions.yaml", "cli_metrics",
                          "no cli_metrics: nothing to poll over SSH",
                          "add cli_metrics (docs/profiles.md) or set telemetry: snmp")
    return platform


class SshTelemetry:
    """Polls devices' `cli_metrics` over reused SSH sessions."""

    def __init__(self, workers: int, profiles_root: Path | None = None,
                 known_hosts: Path | None = None) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ssh-poll")
        self.poller = CliPoller(self.pool, known_hosts=known_hosts)
        self.profiles_root = profiles_root
        self._platforms: dict[str, PlatformActions] = {}

    def platform(self, profile: str) -> PlatformActions:
        """The CLI side of `profile` (cached); ActionError when it has none or no metrics."""
        if profile not in self._platforms:
            self._platforms[profile] = cli_platform(profile, self.profiles_root)
        return self._platforms[profile]

    async def poll(self, device: DeviceConfig, profile: str) -> PollResult:
        """One scheduled CLI poll of `device`; never raises for device trouble."""
        try:
            platform = self.platform(profile)
        except ActionError as exc:
            result = PollResult(device.name, profile,
                                errors=[PollError(PollErrorCode.NO_SUCH_PROFILE, str(exc))])
        else:
            result = await self.poller.poll(device, platform, scheduled=True)
        for error in result.errors:
            log.warning("ssh_poll_failed device=%s error=%s detail=%s",
                        device.name, error.code.value, error.detail)
        return result

    def close(self) -> None:
        """Log out of every session; threads stuck on a hung device are not waited for."""
        self.poller.close()
        self.pool.shutdown(wait=False, cancel_futures=True)
