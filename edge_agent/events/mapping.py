"""The event vocabulary as data: `firmware_profiles/<os>/events.yaml`, validated and compiled.

Every file is checked against `firmware_profiles/events.schema.json` (unknown keys are
refused) and then for what a schema cannot say: regexes compile, a trap OID is claimed by
one file only, a pattern name is unique in its file. Errors name the file, the key and the
fix, like the polling profiles' loader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

import firmware_profiles
from edge_agent.events.model import Severity

EVENTS_FILE = "events.yaml"
SCHEMA_FILE = "events.schema.json"
GENERIC = "generic"


class EventsFileError(ValueError):
    """An events.yaml is invalid: the message names the file, the key path and the fix."""

    def __init__(self, file: Path | str, key: str, problem: str, fix: str) -> None:
        super().__init__(f"{file}: {key or '(top)'}: {problem}; fix: {fix}")
        self.file = str(file)
        self.key = key


@dataclass(frozen=True)
class SeverityBy:
    """Severity picked by one label's value (e.g. an environment state)."""

    label: str
    values: dict[str, Severity]


@dataclass(frozen=True)
class VarbindLabel:
    """A label read from the varbind whose OID starts with `prefix`."""

    label: str
    prefix: str
    source: Literal["value", "index"] = "value"
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TrapRule:
    """What one notification OID means."""

    oid: str
    symbol: str
    event_type: str
    severity: Severity
    profile: str
    labels: tuple[VarbindLabel, ...] = ()
    severity_by: SeverityBy | None = None


@dataclass(frozen=True)
class SyslogRule:
    """What a message matching `regex` means; named groups become labels."""

    name: str
    regex: re.Pattern[str]
    event_type: str
    severity: Severity
    profile: str
    sample: str
    labels: dict[str, str] = field(default_factory=dict)
    severity_by: SeverityBy | None = None


@dataclass(frozen=True)
class EventCatalog:
    """Every shipped trap and syslog rule, by OID and by profile."""

    traps: dict[str, TrapRule]
    syslog: dict[str, tuple[SyslogRule, ...]]
    # profile -> the profile it `extends` in its polling.yaml (juniper_mx -> juniper_junos)
    parents: dict[str, str] = field(default_factory=dict)

    def lineage(self, profile: str | None) -> list[str]:
        """The profile, the profiles it extends (nearest first), then generic."""
        chain: list[str] = []
        while profile is not None and profile not in chain:
            chain.append(profile)
            profile = self.parents.get(profile)
        return [*chain, GENERIC] if GENERIC not in chain else chain

    def trap_rule(self, trap_oid: str) -> TrapRule | None:
        """The rule for a notification OID, or None (a generic `snmp_trap` event)."""
        return self.traps.get(trap_oid)

    def syslog_rules(self, profile: str | None) -> Iterator[SyslogRule]:
        """Rules to try in order: the device's profile, the profiles it extends, generic, then
        every other profile (an unmapped sender's OS is unknown, but its line may still say
        something known)."""
        first = [p for p in self.lineage(profile) if p in self.syslog]
        for name in first + sorted(set(self.syslog) - set(first)):
            yield from self.syslog[name]


@cache
def _validator(schema_path: Path) -> Draft202012Validator:
    schema = json.loads(schema_path.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def read_events_file(path: Path, schema_path: Path) -> dict[str, Any]:
    """One events.yaml, parsed and schema-validated."""
    try:
        doc = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise EventsFileError(path, "", f"not valid YAML ({exc})", "fix the YAML syntax") from exc
    error = best_match(_validator(schema_path).iter_errors(doc))
    if error is not None:
        key = ".".join(str(p) for p in error.absolute_path)
        fix = "see docs/events.md and firmware_profiles/events.schema.json"
        if error.validator == "additionalProperties":
            fix = "remove or rename the key; allowed: " + ", ".join(
                sorted(error.schema.get("properties", {})))
        raise EventsFileError(path, key, error.message, fix)
    return dict(doc)


def _severity_by(raw: dict[str, Any] | None) -> SeverityBy | None:
    if raw is None:
        return None
    return SeverityBy(raw["label"], {str(k): Severity(v) for k, v in raw["values"].items()})


def _trap_rule(profile: str, raw: dict[str, Any]) -> TrapRule:
    labels = tuple(
        VarbindLabel(item["label"], item["oid"], item.get("from", "value"),
                     {str(k): str(v) for k, v in item.get("values", {}).items()})
        for item in raw.get("labels", []))
    return TrapRule(raw["oid"], raw["symbol"], raw["event"], Severity(raw["severity"]),
                    profile, labels, _severity_by(raw.get("severity_by")))


def _syslog_rule(path: Path, index: int, profile: str, raw: dict[str, Any]) -> SyslogRule:
    try:
        regex = re.compile(raw["match"])
    except re.error as exc:
        raise EventsFileError(path, f"syslog.{index}.match", f"bad regular expression ({exc})",
                              "fix the regex (Python re syntax)") from exc
    return SyslogRule(raw["name"], regex, raw["event"], Severity(raw["severity"]), profile,
                      raw["sample"], dict(raw.get("labels", {})),
                      _severity_by(raw.get("severity_by")))


def _add_traps(path: Path, profile: str, doc: dict[str, Any],
               traps: dict[str, TrapRule]) -> None:
    for index, raw in enumerate(doc.get("traps", [])):
        rule = _trap_rule(profile, raw)
        if rule.oid in traps:
            raise EventsFileError(
                path, f"traps.{index}.oid",
                f"{rule.oid} is already mapped by profile {traps[rule.oid].profile!r}",
                "a notification OID means one thing: keep one of the two entries")
        traps[rule.oid] = rule


def _syslog_rules(path: Path, profile: str, doc: dict[str, Any]) -> tuple[SyslogRule, ...]:
    rules = [_syslog_rule(path, i, profile, raw) for i, raw in enumerate(doc.get("syslog", []))]
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if rule.name in seen:
            raise EventsFileError(path, f"syslog.{index}.name", f"{rule.name!r} used twice",
                                  "give each pattern its own name")
        seen.add(rule.name)
    return tuple(rules)


def event_files(root: Path | None = None) -> list[Path]:
    """Every `<profile>/events.yaml` under the profiles root, sorted."""
    root = root or firmware_profiles.root()
    return [root / name / EVENTS_FILE for name in firmware_profiles.names(root)
            if (root / name / EVENTS_FILE).exists()]


def load_catalog(root: Path | None = None) -> EventCatalog:
    """Read, validate and compile every profile's events.yaml (raises EventsFileError)."""
    root = root or firmware_profiles.root()
    schema = root / SCHEMA_FILE
    traps: dict[str, TrapRule] = {}
    syslog: dict[str, tuple[SyslogRule, ...]] = {}
    for path in event_files(root):
        profile = path.parent.name
        doc = read_events_file(path, schema)
        _add_traps(path, profile, doc, traps)
        syslog[profile] = _syslog_rules(path, profile, doc)
    return EventCatalog(traps, syslog, _parents(root))


def _parents(root: Path) -> dict[str, str]:
    """Which profile each one extends, from the `extends:` of its polling.yaml."""
    found: dict[str, str] = {}
    for name in firmware_profiles.names(root):
        polling = root / name / "polling.yaml"
        if polling.exists():
            parent = (yaml.safe_load(polling.read_text()) or {}).get("extends")
            if isinstance(parent, str):
                found[name] = parent
    return found
