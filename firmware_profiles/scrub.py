"""Device secrets out of job output and config versions: `secrets.yaml` rules, applied.

Shared by the agent (every job output before it is published, every backup before it is
hashed) and the hub (every job output and config version before it is stored): defence in
depth, so an agent running older rules, or a rule added later, still protects what a role
with `jobs:read` can see.

    from firmware_profiles.scrub import scrubber
    clean = scrubber("cisco_ios").scrub_output(raw)   # JSON outputs: every string inside
    clean = scrubber(None).scrub(text)                 # platform unknown: every platform's rules

Each rule marks the secret's span in the line; the spans of all rules are replaced by
`<removed>` together, so rules never fight over a line and the words around a secret stay.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

import firmware_profiles

__all__ = ["REMOVED", "Scrubber", "SecretRule", "SecretsError", "scrubber"]

SECRETS_FILE = "secrets.yaml"
SCHEMA_FILE = "secrets.schema.json"
REMOVED = "<removed>"
# A bare word, or a quoted string with its quotes (EdgeOS quotes with ', Junos and RouterOS
# with "), so a secret with spaces inside quotes goes whole.
SECRET = r"""(?P<secret>'[^']*'|"(?:[^"\\]|\\.)*"|[^\s'"]\S*)"""  # noqa: S105 - a regex


class SecretsError(ValueError):
    """secrets.yaml is invalid: names the file, the key and the fix."""

    def __init__(self, file: Path, key: str, problem: str, fix: str) -> None:
        super().__init__(f"{file}: {key}: {problem}; fix: {fix}")


@dataclass(frozen=True)
class SecretRule:
    """One place a secret hides: the regex's `secret` group is what gets removed."""

    name: str
    pattern: re.Pattern[str]
    within: re.Pattern[str] | None = None


@dataclass(frozen=True)
class _RuleGroup:
    section: re.Pattern[str] | None  # header lines of the platform's sections, for `within`
    rules: tuple[SecretRule, ...]


@dataclass(frozen=True)
class Scrubber:
    """The secret rules of one platform (or of all), applied line by line."""

    groups: tuple[_RuleGroup, ...]

    def scrub(self, text: str) -> str:
        """`text` with every secret replaced by `<removed>` (lines split on newline only)."""
        sections: list[str] = [""] * len(self.groups)
        out = []
        for line in text.split("\n"):
            spans: list[tuple[int, int]] = []
            for index, group in enumerate(self.groups):
                if group.section is not None and group.section.search(line):
                    sections[index] = line
                spans.extend(_spans(group.rules, line, sections[index]))
            out.append(_replace(line, spans))
        return "\n".join(out)

    def scrub_output(self, output: str) -> str:
        """A job output scrubbed; a JSON output has every string inside it scrubbed."""
        if output.lstrip()[:1] in ("{", "["):
            try:
                data = json.loads(output)
            except ValueError:
                # Broken JSON (cut at the size limit): its strings' lines are joined by `\n`
                # escapes, where line-anchored rules would miss them; unescape, then scrub.
                return self.scrub(output.replace("\\n", "\n"))
            return json.dumps(self._scrub_value(data))
        return self.scrub(output)

    def _scrub_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {key: self._scrub_value(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._scrub_value(item) for item in value]
        return value


def _spans(rules: tuple[SecretRule, ...], line: str, section: str
           ) -> Iterator[tuple[int, int]]:
    for rule in rules:
        if rule.within is not None and not rule.within.search(section):
            continue
        for found in rule.pattern.finditer(line):
            if found.group("secret"):
                yield found.span("secret")


def _replace(line: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return line
    out, end = [], 0
    for start, stop in sorted(spans):
        if stop <= end:
            continue  # inside a span already removed
        out.append(line[end:max(start, end)])
        if start >= end:
            out.append(REMOVED)
        end = stop
    out.append(line[end:])
    return "".join(out)


def _compile(file: Path, key: str, text: str) -> re.Pattern[str]:
    try:
        pattern = re.compile(text.replace("{secret}", SECRET))
    except re.error as exc:
        raise SecretsError(file, key, f"bad regular expression ({exc})", "fix the regex") from exc
    if "secret" not in pattern.groupindex:
        raise SecretsError(file, key, "no {secret} in the pattern",
                           "put {secret} (or a group named secret) where the secret stands")
    return pattern


def _rules(file: Path, key: str, specs: list[dict[str, Any]]) -> tuple[SecretRule, ...]:
    rules = []
    for index, spec in enumerate(specs):
        where = f"{key}.{index}"
        within = spec.get("within")
        rules.append(SecretRule(
            spec["name"], _compile(file, f"{where}.pattern", spec["pattern"]),
            re.compile(within) if within is not None else None))
    return tuple(rules)


@cache
def _document(root: Path) -> dict[str, Any]:
    file = root / SECRETS_FILE
    doc = yaml.safe_load(file.read_text()) or {}
    schema = json.loads((root / SCHEMA_FILE).read_text())
    error = best_match(Draft202012Validator(schema).iter_errors(doc))
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "(top)"
        raise SecretsError(file, where, error.message, f"see {SCHEMA_FILE}")
    return dict(doc)


@cache
def scrubber(os_name: str | None = None, root: Path | None = None) -> Scrubber:
    """The scrubber of profile `os_name`: the common rules plus the platform's own. With
    None or a platform without rules of its own: the common rules plus every platform's
    (a secret is removed even when nobody knows which device printed it)."""
    root = root or firmware_profiles.root()
    file = root / SECRETS_FILE
    doc = _document(root)
    groups = [_RuleGroup(None, _rules(file, "common", doc["common"]))]
    platforms = doc["platforms"]
    chosen = [os_name] if os_name in platforms else sorted(platforms)
    for name in chosen:
        spec = platforms[name]
        section = spec.get("section")
        groups.append(_RuleGroup(re.compile(section) if section else None,
                                 _rules(file, f"platforms.{name}.rules", spec["rules"])))
    return Scrubber(tuple(groups))
