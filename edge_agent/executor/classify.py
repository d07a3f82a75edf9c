"""Map SSH/CLI failures to the stable `protocol.JobErrorCode`s, with a sentence for people."""

from __future__ import annotations

import socket

from edge_agent.executor.host_keys import HostKeyChanged
from protocol import JobErrorCode

__all__ = ["Refused", "classify"]


class Refused(Exception):  # noqa: N818 - a refusal is an outcome, not a programming error
    """The device answered a command with one of the profile's `error_patterns`."""

    def __init__(self, command: str, answer: str) -> None:
        super().__init__(f"device refused {command!r}: {answer}")
        self.command = command
        self.answer = answer


class VerifyFailed(Exception):  # noqa: N818
    """The verify command's output did not prove the change."""


def _netmiko_code(exc: BaseException, connected: bool) -> JobErrorCode | None:
    try:
        from netmiko import exceptions as nx
    except ImportError:  # pragma: no cover - netmiko is a hard dependency
        return None
    if isinstance(exc, nx.NetmikoAuthenticationException):
        return JobErrorCode.AUTH_FAILED
    if isinstance(exc, nx.NetmikoTimeoutException):
        return JobErrorCode.TIMEOUT if connected else JobErrorCode.UNREACHABLE
    if isinstance(exc, nx.ReadTimeout):
        return JobErrorCode.PROMPT_MISMATCH
    if isinstance(exc, nx.ConfigInvalidException):
        return JobErrorCode.COMMAND_REJECTED
    return None


def _value_error_code(exc: ValueError) -> JobErrorCode:
    text = str(exc).lower()
    if "commit failed" in text:
        return JobErrorCode.COMMAND_REJECTED
    if "enable mode" in text or ("enable" in text and "password" in text):
        return JobErrorCode.AUTH_FAILED
    return JobErrorCode.PROMPT_MISMATCH


# Outcomes decided by the job logic or the host-key check, not by the transport.
_OUTCOMES: tuple[tuple[type[Exception], JobErrorCode], ...] = (
    (Refused, JobErrorCode.COMMAND_REJECTED), (VerifyFailed, JobErrorCode.VERIFY_FAILED),
    (HostKeyChanged, JobErrorCode.HOST_KEY_CHANGED))


def classify(exc: BaseException, *, connected: bool) -> JobErrorCode:
    """The stable code for `exc`; `connected` says whether login had succeeded."""
    for kind, direct in _OUTCOMES:
        if isinstance(exc, kind):
            return direct
    code = _netmiko_code(exc, connected)
    if code is not None:
        return code
    if type(exc).__name__ == "ConnectionException" and "napalm" in type(exc).__module__:
        return JobErrorCode.UNREACHABLE  # napalm's wrapper of netmiko's connect timeout
    if isinstance(exc, socket.timeout | TimeoutError):
        return JobErrorCode.TIMEOUT if connected else JobErrorCode.UNREACHABLE
    if isinstance(exc, OSError | EOFError):
        return JobErrorCode.UNREACHABLE
    if type(exc).__module__.startswith("paramiko"):
        # SSHException and friends: the transport died under us.
        if "authentication" in str(exc).lower():
            return JobErrorCode.AUTH_FAILED
        return JobErrorCode.UNREACHABLE
    if isinstance(exc, ValueError) and type(exc).__module__ == "builtins":
        return _value_error_code(exc)
    return JobErrorCode.INTERNAL


FIXES: dict[JobErrorCode, str] = {
    JobErrorCode.UNREACHABLE: "check the device address/port and that SSH is enabled on it",
    JobErrorCode.AUTH_FAILED: "check devices[].ssh username/password/enable_secret in the "
                              "agent config (or DOTMAC_AGENT_SSH_PASSWORD)",
    JobErrorCode.TIMEOUT: "the device answered too slowly; raise devices[].ssh.timeout_s",
    JobErrorCode.PROMPT_MISMATCH: "the CLI did not show the expected prompt; check the "
                                  "profile's netmiko_device_type or ssh.device_type",
    JobErrorCode.COMMAND_REJECTED: "the device refused a command; check the parameters and "
                                   "the profile's template for this OS version",
    JobErrorCode.VERIFY_FAILED: "the change did not show up in the verify output; check the "
                                "device by hand",
    JobErrorCode.INTERNAL: "report a bug with the agent log",
    JobErrorCode.HOST_KEY_CHANGED: "the device showed a new SSH host key (no password was "
                                   "sent); check it on the console, then run "
                                   "dotmac-agent ssh-trust DEVICE",
}
