"""Configuration backup: scrub secrets, normalise volatile lines, hash (pure functions).

Two fetches of an unchanged device give the same text and hash, so the hub stores a new
version only when something a person changed is different.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from firmware_profiles.actions import Backup
from firmware_profiles.scrub import Scrubber, scrubber

__all__ = ["ConfigBackup", "clean_config", "config_hash", "normalise", "scrub"]


@dataclass(frozen=True)
class ConfigBackup:
    """A cleaned configuration the hub can store as a version (text + sha256)."""

    device: str
    text: str
    sha256: str
    fetched_at: datetime
    changed: bool | None = None  # against the last backup this agent took, when known

    def as_json(self) -> dict[str, object]:
        """The job result payload for the hub."""
        return {"kind": "config_backup", "device": self.device, "sha256": self.sha256,
                "changed": self.changed, "fetched_at": self.fetched_at.isoformat(),
                "config": self.text}


def scrub(text: str, rules: Iterable[tuple[str, str]]) -> str:
    """Replace secrets line by line (`pattern` -> `replace`, regex backrefs allowed)."""
    compiled = [(re.compile(pattern), replace) for pattern, replace in rules]
    out = []
    for line in text.splitlines():
        for pattern, replace in compiled:
            line = pattern.sub(replace, line)
        out.append(line)
    return "\n".join(out)


def normalise(text: str, volatile: Iterable[str], start_at: str | None = None) -> str:
    """Drop volatile lines and the preamble before `start_at`; unify line ends and spaces."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    if start_at is not None:
        begin = re.compile(start_at)
        first = next((i for i, line in enumerate(lines) if begin.search(line)), 0)
        lines = lines[first:]
    drop = [re.compile(pattern) for pattern in volatile]
    kept = [line for line in lines if not any(p.search(line) for p in drop)]
    while kept and not kept[-1]:
        kept.pop()
    while kept and not kept[0]:
        kept.pop(0)
    return "\n".join(kept) + "\n"


def config_hash(text: str) -> str:
    """sha256 hex digest of the cleaned configuration."""
    return hashlib.sha256(text.encode()).hexdigest()


def clean_config(device: str, raw: str, spec: Backup, previous_hash: str | None = None,
                 now: datetime | None = None, secrets: Scrubber | None = None) -> ConfigBackup:
    """Scrub (the profile's backup rules, then the platform's secret rules: `secrets`, by
    default every platform's), normalise and hash `raw` as `spec` says."""
    secrets = secrets or scrubber(None)
    text = normalise(secrets.scrub(scrub(raw, spec.scrub)), spec.normalise, spec.start_at)
    digest = config_hash(text)
    changed = None if previous_hash is None else digest != previous_hash
    return ConfigBackup(device, text, digest, now or datetime.now(UTC), changed)
