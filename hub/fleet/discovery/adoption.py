"""Adopting candidates: every row is checked first, then all devices are made or none.

DeviceService.create commits each device on its own, so the rows are written here through the
discovery repository, in the request's one transaction, and the agents' configs are
re-versioned once (EdgeConfigChanged for every agent that gained a device).
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass, field

from hub.db import new_id
from hub.fleet.discovery.repository import DiscoveryRepository
from hub.fleet.models import Discovery, DiscoveryCandidate
from hub.inventory.credentials.models import CredentialSet
from hub.inventory.models import Agent, Device
from hub.inventory.schemas import AUTO_PROFILE, profile_names

SNMP_KINDS = frozenset({"snmp_v2c", "snmp_v3"})
DEFAULT_INTERVAL_S = 60.0
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_.\-]+")


class AdoptionRefused(Exception):  # noqa: N818 - a refusal the API renders, not a bug
    """Some rows cannot be adopted; nothing was created. `errors` holds one entry per
    problem: (row index, field, message)."""

    def __init__(self, errors: list[tuple[int, str, str]]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


def device_name(candidate: DiscoveryCandidate) -> str:
    """The default name: the sysName (its first label, made a valid device name), else the
    address with its separators as dashes."""
    base = (candidate.sys_name or "").strip().split(".")[0] if candidate.sys_name else ""
    for text in (base, candidate.address):
        name = _NOT_IN_NAME.sub("-", text).strip("-._")[:100]
        if name:
            return name
    return "device"


def credential_problem(found: CredentialSet | None, site_id: uuid.UUID) -> str | None:
    """Why a credential set cannot serve SNMP in this site, or None when it can."""
    if found is None:
        return "no such credential set in this tenant"
    if found.kind not in SNMP_KINDS:
        return (f"set {found.name!r} is {found.kind}; discovery and polling over SNMP need "
                "a snmp_v2c or snmp_v3 set")
    if found.site_id is not None and found.site_id != site_id:
        return f"set {found.name!r} is bound to another site; use an unbound set or this site's"
    return None


def agent_problem(agent: Agent | None, site_id: uuid.UUID) -> str | None:
    """Why an agent cannot poll devices of this site, or None when it can."""
    if agent is None:
        return "no such agent in this tenant"
    if agent.site_id != site_id:
        return f"agent {agent.name} is in another site; pick an agent of the discovery's site"
    if agent.status == "revoked" or agent.revoked_at is not None:
        return f"agent {agent.name} is revoked"
    return None


@dataclass
class Row:
    """One requested adoption resolved to what the device will be."""

    index: int
    candidate: DiscoveryCandidate | None
    name: str = ""
    profile: str = AUTO_PROFILE
    agent_id: uuid.UUID | None = None
    credential_id: uuid.UUID | None = None
    interval_s: float = DEFAULT_INTERVAL_S
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Checks:
    """What the rows are checked against, loaded once for the whole request."""

    discovery: Discovery
    managed: dict[tuple[str, int], uuid.UUID]  # (address, SNMP port) -> device
    taken: set[str]
    agents: dict[uuid.UUID, Agent | None]
    credentials: dict[uuid.UUID, CredentialSet]


def resolve_profile(requested: str | None, candidate: DiscoveryCandidate) -> str:
    """The requested profile, else the matched one when the hub knows it, else auto."""
    if requested:
        return requested
    return candidate.profile if candidate.profile in profile_names() else AUTO_PROFILE


def check(rows: list[Row], checks: Checks) -> list[tuple[int, str, str]]:
    """Every problem of every row (empty: all can be adopted)."""
    seen: dict[str, int] = {}
    for row in rows:
        if row.candidate is not None:
            _check_row(row, checks)
            if row.name in seen:
                row.problems.append(("name", f"name {row.name!r} is also given to "
                                             f"candidates[{seen[row.name]}]; name them apart"))
            seen.setdefault(row.name, row.index)
    return [(row.index, where, msg) for row in rows for where, msg in row.problems]


def _check_row(row: Row, checks: Checks) -> None:
    candidate = row.candidate
    assert candidate is not None
    site_id = checks.discovery.site_id
    if candidate.adopted_device_id is not None:
        row.problems.append(("candidate_id", f"already adopted as device "
                                             f"{candidate.adopted_device_id}"))
    elif (endpoint := (candidate.address, candidate.port)) in checks.managed:
        row.problems.append(("candidate_id", f"{candidate.address}:{candidate.port} is already "
                                             f"managed as device {checks.managed[endpoint]}"))
    if not _is_address(candidate.address):
        row.problems.append(("candidate_id", "the candidate's address is not an IP address"))
    if row.name in checks.taken:
        row.problems.append(("name", f"device name {row.name!r} is already used; give a "
                                     "name"))
    assert row.agent_id is not None
    problem = agent_problem(checks.agents.get(row.agent_id), site_id)
    if problem:
        row.problems.append(("agent_id", f"agent_id {row.agent_id}: {problem}"))
    if row.credential_id is None:
        row.problems.append(("snmp_credential_id", "no credential set answered for this "
                             "candidate; give snmp_credential_id"))
    else:
        problem = credential_problem(checks.credentials.get(row.credential_id), site_id)
        if problem:
            row.problems.append(("snmp_credential_id", f"snmp_credential_id "
                                                       f"{row.credential_id}: {problem}"))


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def create_devices(repo: DiscoveryRepository, rows: list[Row],
                   discovery: Discovery) -> list[Device]:
    """Stage one device per checked row (ids are assigned here, so candidates can point at
    them before the flush)."""
    devices = []
    for row in rows:
        candidate = row.candidate
        assert candidate is not None
        device = repo.add_device(Device(
            id=new_id(), site_id=discovery.site_id,
            agent_id=row.agent_id, name=row.name, management_address=candidate.address,
            profile=row.profile, snmp_port=candidate.port, telemetry="snmp",
            interval_s=row.interval_s, snmp_credential_id=row.credential_id))
        devices.append(device)
    return devices
