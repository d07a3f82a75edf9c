"""What every personality shares: replies, fault handling, transcript rendering, paging."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

if TYPE_CHECKING:
    from tests.ssh_sim.server import SimDevice
    from tests.ssh_sim.state import DeviceState

TRANSCRIPTS = Path(__file__).parent / "transcripts"
_env = ImmutableSandboxedEnvironment(
    loader=FileSystemLoader(TRANSCRIPTS), undefined=StrictUndefined,
    keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
)


@dataclass
class Reply:
    """The device's answer to one line.

    `next` takes over the following line (a password or a yes/no question) and `echo`
    says whether that line is echoed; `drop` aborts the TCP connection (fault injection).
    """

    output: str = ""
    close: bool = False
    drop: bool = False
    next: Callable[[str], Reply] | None = None
    echo: bool = True
    prompt: str | None = None


def render(template: str, **values: Any) -> str:
    """A recorded-output template of `transcripts/` filled with the device's state."""
    return _env.get_template(template).render(**values)


class Shell:
    """Base personality: subclasses implement `prompt`, `in_config` and `execute`."""

    platform = ""
    more_prompt = " --More-- "
    page_lines = 24

    def __init__(self, device: SimDevice) -> None:
        self.device = device
        self.state = device.state
        self.faults = device.faults
        self.paging = True
        self.applied = 0  # config lines accepted in this session

    @classmethod
    def seed_rate(cls, state: DeviceState, port: str, bps: int) -> None:
        """Give `port` an ingress rate limit as if configured before a test (no session).

        Personalities that keep rates elsewhere (policy-maps, policers, queues) override it.
        """
        with state.lock:
            state.interface(port).rate_in_bps = bps

    def banner(self) -> str:
        """Text sent before the first prompt."""
        return ""

    def prompt(self) -> str:
        """The prompt for the current mode."""
        raise NotImplementedError

    def in_config(self) -> bool:
        """True in any configuration mode."""
        return False

    def is_config_line(self, line: str) -> bool:
        """Whether `line` changes configuration (counted; the drop fault fires on one)."""
        return self.in_config()

    def execute(self, line: str) -> Reply:
        """Run one command line."""
        raise NotImplementedError

    def rejected(self, line: str) -> Reply:
        """The platform's error for a command it refuses."""
        raise NotImplementedError

    def handle(self, line: str) -> Reply:
        """Faults first (reject, drop), then the command; counts applied config lines."""
        with self.state.lock:
            self.state.commands.append(line)
            if any(re.search(p, line) for p in self.faults.reject) and line.strip():
                return self.rejected(line)
            was_config = self.is_config_line(line)
            drop_at = self.faults.drop_after_config_lines
            if was_config and drop_at is not None and self.applied >= drop_at and line.strip():
                self.faults.drop_after_config_lines = None  # one-shot: the retry must work
                return Reply(drop=True)
            ignored = any(re.search(p, line) for p in self.faults.ignore)
            reply = Reply() if ignored else self.execute(line)
            if was_config and line.strip() and not self.is_error(reply.output):
                self.applied += 1
                self.state.touch()
            return reply

    def is_error(self, output: str) -> bool:
        """Whether `output` is this platform's refusal of a command."""
        return False
