"""Pure device-family detection: sysObjectID prefixes, sysDescr regexes, snmpget checks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from edge_agent.profiles.model import Check, Profile, Rule

SnmpgetValues = Mapping[str, str | int | None]


@dataclass
class DetectResult:
    """The profile a device matched and why (human readable)."""

    profile: str
    vendor: str
    reason: str


def _oid_under(oid: str, prefix: str) -> bool:
    return oid == prefix or oid.startswith(prefix + ".")


def _check(check: Check, values: SnmpgetValues) -> bool:
    value = values.get(check.oid)
    if value is None:
        return False
    if check.op == "exists":
        return True
    if check.op == "equals":
        return str(value) == str(check.value)
    return re.search(str(check.value), str(value)) is not None


def _first_oid(prefixes: Iterable[str], oid: str) -> str | None:
    return next((p for p in prefixes if _oid_under(oid, p)), None)


def _first_regex(patterns: Iterable[str], text: str) -> str | None:
    return next((p for p in patterns if re.search(p, text)), None)


def _excluded(rule: Rule, oid: str, descr: str, values: SnmpgetValues) -> bool:
    return bool(
        _first_oid(rule.sys_object_id_except, oid)
        or _first_regex(rule.sys_descr_except, descr)
        or any(_check(c, values) for c in rule.snmpget_except)
    )


def match_rule(rule: Rule, oid: str, descr: str, values: SnmpgetValues) -> str | None:
    """Why `rule` matches (text), or None when it does not."""
    reasons: list[str] = []
    if rule.sys_object_id:
        prefix = _first_oid(rule.sys_object_id, oid)
        if prefix is None:
            return None
        reasons.append(f"sysObjectID {oid} is under {prefix}")
    if rule.sys_descr:
        pattern = _first_regex(rule.sys_descr, descr)
        if pattern is None:
            return None
        reasons.append(f"sysDescr matches /{pattern}/")
    if rule.snmpget:
        if not all(_check(c, values) for c in rule.snmpget):
            return None
        reasons.append("snmpget " + ", ".join(f"{c.oid} {c.op} {c.value or ''}".rstrip()
                                              for c in rule.snmpget))
    if _excluded(rule, oid, descr, values):
        return None
    return " and ".join(reasons)


def detect(
    profiles: Iterable[Profile], sys_object_id: str, sys_descr: str, values: SnmpgetValues
) -> DetectResult | None:
    """The highest-priority profile with a matching rule, or None."""
    ordered = sorted(profiles, key=lambda p: (-p.detection.priority, p.name))
    oid = sys_object_id.lstrip(".")
    for profile in ordered:
        for rule in profile.detection.rules:
            reason = match_rule(rule, oid, sys_descr, values)
            if reason is not None:
                text = f"{profile.detection.text}: {reason}"
                return DetectResult(profile.name, profile.vendor, text)
    return None


def snmpget_oids(profiles: Iterable[Profile]) -> list[str]:
    """Every OID some detection rule GETs, sorted, so detection needs one request."""
    oids = {
        check.oid
        for profile in profiles
        for rule in profile.detection.rules
        for check in (*rule.snmpget, *rule.snmpget_except)
    }
    return sorted(oids)
