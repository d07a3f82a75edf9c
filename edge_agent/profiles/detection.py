"""Pure device-family detection: sysObjectID prefixes, sysDescr regexes, snmpget checks.

When several profiles match one device, the most specific one wins, decided in this order
(docs/profiles.md, "Which profile wins"):

1. A profile that extends another matching profile beats it: the child is the parent's
   special case (juniper_mx over juniper_junos, ubiquiti_edgeos over linux).
2. Higher `priority`: the tier the author declared (generic 0, linux 10, RFC 1628 UPS 20,
   vendor families 50+). net-snmp's own sysObjectID says which agent runs, not which
   product it is, so a long prefix must not lift `linux` above a UPS card's UPS-MIB.
3. Longer matching sysObjectID prefix, counted in arcs (a narrower product line).
4. More snmpget checks that held.
5. A sysDescr regex matched.
6. Profile name, alphabetical: the last resort, so a tie never depends on file order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from edge_agent.profiles.model import Check, Profile, Rule

SnmpgetValues = Mapping[str, str | int | None]


@dataclass(frozen=True)
class Rival:
    """A profile that also matched and lost, with the deciding reason."""

    profile: str
    why: str


@dataclass
class DetectResult:
    """The profile a device matched and why (human readable)."""

    profile: str
    vendor: str
    reason: str
    preferred_over: tuple[Rival, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """How one rule matched: its text and how specific it is."""

    reason: str
    oid_prefix: str | None = None
    snmpget: int = 0
    sys_descr: bool = False

    @property
    def oid_arcs(self) -> int:
        """Length of the matched sysObjectID prefix in arcs (0 without one)."""
        return len(self.oid_prefix.split(".")) if self.oid_prefix else 0

    def strength(self) -> tuple[int, int, int]:
        """Sort key, larger is more specific: prefix arcs, snmpget checks, sysDescr."""
        return (self.oid_arcs, self.snmpget, int(self.sys_descr))


@dataclass(frozen=True)
class Candidate:
    """A matching profile and its most specific matching rule."""

    profile: Profile
    evidence: Evidence

    def rank(self) -> tuple[int, int, int, int, str]:
        """Sort key, smallest first wins: priority, then evidence, then name."""
        arcs, gets, descr = self.evidence.strength()
        return (-self.profile.detection.priority, -arcs, -gets, -descr, self.profile.name)


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


def _longest_oid(prefixes: Iterable[str], oid: str) -> str | None:
    under = [p for p in prefixes if _oid_under(oid, p)]
    return max(under, key=lambda p: len(p.split(".")), default=None)


def _first_regex(patterns: Iterable[str], text: str) -> str | None:
    return next((p for p in patterns if re.search(p, text)), None)


def _excluded(rule: Rule, oid: str, descr: str, values: SnmpgetValues) -> bool:
    return bool(
        _longest_oid(rule.sys_object_id_except, oid)
        or _first_regex(rule.sys_descr_except, descr)
        or any(_check(c, values) for c in rule.snmpget_except)
    )


def _snmpget_text(checks: tuple[Check, ...]) -> str:
    return "snmpget " + ", ".join(f"{c.oid} {c.op} {c.value or ''}".rstrip() for c in checks)


def rule_evidence(rule: Rule, oid: str, descr: str, values: SnmpgetValues) -> Evidence | None:
    """How `rule` matches (text and specificity), or None when it does not."""
    prefix = _longest_oid(rule.sys_object_id, oid) if rule.sys_object_id else None
    pattern = _first_regex(rule.sys_descr, descr) if rule.sys_descr else None
    if (rule.sys_object_id and prefix is None) or (rule.sys_descr and pattern is None):
        return None
    if not all(_check(c, values) for c in rule.snmpget) or _excluded(rule, oid, descr, values):
        return None
    reasons = [f"sysObjectID {oid} is under {prefix}"] if prefix else []
    reasons += [f"sysDescr matches /{pattern}/"] if pattern else []
    reasons += [_snmpget_text(rule.snmpget)] if rule.snmpget else []
    return Evidence(" and ".join(reasons), prefix, len(rule.snmpget), pattern is not None)


def match_rule(rule: Rule, oid: str, descr: str, values: SnmpgetValues) -> str | None:
    """Why `rule` matches (text), or None when it does not."""
    evidence = rule_evidence(rule, oid, descr, values)
    return evidence.reason if evidence else None


def candidates(
    profiles: Iterable[Profile], sys_object_id: str, sys_descr: str, values: SnmpgetValues
) -> list[Candidate]:
    """Every matching profile with its most specific rule, best first (see module doc)."""
    oid = sys_object_id.lstrip(".")
    found: list[Candidate] = []
    for profile in profiles:
        evidence = (rule_evidence(rule, oid, sys_descr, values) for rule in profile.detection.rules)
        matches = [e for e in evidence if e is not None]
        if matches:
            # Ties between a profile's own rules go to the one written first.
            best = max(matches, key=Evidence.strength)
            found.append(Candidate(profile, best))
    return _ordered(found)


def _ordered(found: list[Candidate]) -> list[Candidate]:
    # A profile some other match extends steps behind every match nobody extends.
    extended = {name for c in found for name in c.profile.chain[1:]}
    leaves = sorted((c for c in found if c.profile.name not in extended), key=Candidate.rank)
    parents = sorted((c for c in found if c.profile.name in extended), key=Candidate.rank)
    return leaves + parents


def _why_lost(winner: Candidate, loser: Candidate, others: list[Candidate]) -> str:
    name = loser.profile.name
    if name in winner.profile.chain:
        return f"{winner.profile.name} extends {name}"
    child = next((c.profile.name for c in others if name in c.profile.chain[1:]), None)
    if child is not None:
        return f"its special case {child} also matched"
    won_p, lost_p = winner.profile.detection.priority, loser.profile.detection.priority
    if won_p != lost_p:
        return f"priority {lost_p} is lower than {won_p}"
    return _weaker_evidence(winner.evidence, loser.evidence)


def _weaker_evidence(won: Evidence, lost: Evidence) -> str:
    if won.oid_arcs != lost.oid_arcs:
        if lost.oid_prefix is None:
            return "same priority, matched without a sysObjectID prefix"
        return f"sysObjectID prefix {lost.oid_prefix} is less specific"
    if won.snmpget != lost.snmpget:
        return f"same priority, {lost.snmpget} snmpget check(s) held against {won.snmpget}"
    if won.sys_descr != lost.sys_descr:
        return "same priority, no sysDescr regex matched"
    return "same priority and evidence, the name sorts later"


def explain(ranked: list[Candidate]) -> DetectResult:
    """The winner of `ranked` (best first) with a reason naming every profile it beat."""
    winner, losers = ranked[0], ranked[1:]
    rivals = tuple(Rival(c.profile.name, _why_lost(winner, c, ranked)) for c in losers)
    text = f"{winner.profile.detection.text}: {winner.evidence.reason}"
    if rivals:
        text += "; preferred over " + ", ".join(f"{r.profile} ({r.why})" for r in rivals)
    return DetectResult(winner.profile.name, winner.profile.vendor, text, rivals)


def detect(
    profiles: Iterable[Profile], sys_object_id: str, sys_descr: str, values: SnmpgetValues
) -> DetectResult | None:
    """The most specific matching profile and why it won, or None when none matches."""
    ranked = candidates(profiles, sys_object_id, sys_descr, values)
    return explain(ranked) if ranked else None


def snmpget_oids(profiles: Iterable[Profile]) -> list[str]:
    """Every OID some detection rule GETs, sorted, so detection needs one request."""
    oids = {
        check.oid
        for profile in profiles
        for rule in profile.detection.rules
        for check in (*rule.snmpget, *rule.snmpget_except)
    }
    return sorted(oids)
