"""Typed view of a profile's `actions.yaml` (what the hub and the executor read, never YAML)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

ACTIONS_FILE = "actions.yaml"
Kind = Literal["config", "show", "backup"]


class ActionError(ValueError):
    """A profile's actions file is invalid: names the file, the key and the fix."""

    def __init__(self, file: Path | str, key: str, problem: str, fix: str) -> None:
        where = f"{file}: {key}" if key else str(file)
        super().__init__(f"{where}: {problem}; fix: {fix}")


@dataclass(frozen=True)
class Expectation:
    """One verify check: the regex must (`match`) or must not (`absent`) occur."""

    kind: Literal["match", "absent"]
    regex: str


@dataclass(frozen=True)
class Verify:
    """A show command whose output proves the change took."""

    command: str
    expect: tuple[Expectation, ...]


@dataclass(frozen=True)
class Capture:
    """What to read before a change so rollback can restore it (`before.<field>`)."""

    command: str
    fields: Mapping[str, str]


@dataclass(frozen=True)
class Action:
    """One CLI action of one platform."""

    name: str
    description: str
    kind: Kind
    schema: Mapping[str, Any]
    template: str | None = None
    verify: Verify | None = None
    rollback: str | None = None
    capture: Capture | None = None
    parse: Mapping[str, str] = field(default_factory=dict)
    napalm: str | None = None  # a napalm getter used instead of the template when available


@dataclass(frozen=True)
class Backup:
    """How to fetch and clean a configuration for backup."""

    command: str
    start_at: str | None = None
    scrub: tuple[tuple[str, str], ...] = ()
    normalise: tuple[str, ...] = ()


@dataclass(frozen=True)
class MetricField:
    """A TextFSM value mapped to a sample."""

    field: str
    metric: str
    kind: Literal["counter", "gauge"]
    unit: str | None = None


@dataclass(frozen=True)
class CliMetric:
    """SSH telemetry: a show command parsed by TextFSM, or a napalm getter, into samples.

    Exactly one of (`command`, `textfsm`) and `napalm` is set. `interval` None: read every
    poll of the device; otherwise at most once per `interval` seconds.
    """

    command: str | None
    textfsm: Path | None
    labels: Mapping[str, str]
    metrics: tuple[MetricField, ...]
    interval: int | None = None
    napalm: str | None = None

    @property
    def source(self) -> str:
        """What is run: the command, or `napalm:<getter>`."""
        return self.command if self.command is not None else f"napalm:{self.napalm}"


class Prompts(NamedTuple):
    """Prompt lines of a platform whose netmiko driver tells modes by waiting for silence."""

    config: str  # regex of the whole prompt line in configuration mode
    exec: str  # regex of the whole prompt line in exec/operational mode
    leave: str | None = None  # command leaving configuration mode, read up to `exec`


@dataclass(frozen=True)
class PlatformActions:
    """Everything `actions.yaml` says about driving one OS over SSH."""

    os: str
    device_type: str
    actions: Mapping[str, Action]
    napalm_driver: str | None = None
    enable: bool = False
    commit: bool = False
    discard_command: str | None = None
    save_command: str | None = None
    save_in_config: bool = False  # save_command runs in configuration mode (EdgeOS `save`)
    save_confirm: tuple[str, str] | None = None  # (question regex, answer) `save_command` asks
    prompts: Prompts | None = None  # prompt-line regexes, where the driver waits for silence
    error_patterns: tuple[str, ...] = ()
    suspend_mode: str = "shutdown"
    backup: Backup | None = None
    cli_metrics: tuple[CliMetric, ...] = ()

    def action(self, name: str) -> Action:
        """The action `name`; ActionError listing the known ones when absent."""
        try:
            return self.actions[name]
        except KeyError:
            known = ", ".join(sorted(self.actions))
            raise ActionError(f"{self.os}/{ACTIONS_FILE}", f"actions.{name}", "no such action",
                              f"use one of {known}") from None

    def refused(self, output: str) -> str | None:
        """The first output line the device used to refuse a command, if any."""
        for pattern in self.error_patterns:
            found = re.search(pattern, output, re.MULTILINE)
            if found:
                start = output.rfind("\n", 0, found.start()) + 1
                end = output.find("\n", found.end())
                return output[start : end if end >= 0 else None].strip()
        return None
