"""From the file's rows to the changes an import makes (pure: no database, no I/O).

Each row is checked on its own (types and ranges, through `DeviceRow`), then against the
tenant (site, agent and credential sets by name, the agent in the device's site and not
revoked, a credential set of the right kind bound to no site or to the device's), then
against the rest of the file (a name appears once), and last, with the tenant's other
devices of the same agents, for sender addresses (`source_errors`: an event source names
one device of an agent). A row naming an existing device updates it; every other row
creates one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from hub.fleet.bulk.csvfile import Record
from hub.fleet.bulk.repository import AgentRef, CredentialRef, SiteRef
from hub.fleet.bulk.schemas import REFERENCE_COLUMNS, DeviceRow, RowError
from hub.inventory.models import Device
from hub.inventory.sources import SourceOwner, clashes

# A new device's values where the file leaves a cell empty (the devices table's defaults).
DEFAULTS: Mapping[str, Any] = {
    "profile": "auto", "telemetry": "snmp", "snmp_port": 161, "ssh_port": 22,
    "interval_s": 60.0, "timeout_s": 2.0, "retries": 1, "enabled": True, "maintenance": False}
# Reference column -> (device attribute, credential kinds it accepts; None for agents).
REFERENCES: Mapping[str, tuple[str, tuple[str, ...] | None]] = {
    "agent": ("agent_id", None),
    "snmp_credential": ("snmp_credential_id", ("snmp_v2c", "snmp_v3")),
    "ssh_credential": ("ssh_credential_id", ("ssh",)),
}


@dataclass(frozen=True)
class Tenant:
    """The tenant's names a file may use, and its devices the file names."""

    sites: Mapping[str, SiteRef]
    agents: Mapping[str, AgentRef]
    credentials: Mapping[str, CredentialRef]
    devices: Mapping[str, Device]
    by_id: Mapping[uuid.UUID, AgentRef | CredentialRef]  # for references a file keeps

    @classmethod
    def of(cls, sites: Iterable[SiteRef], agents: Iterable[AgentRef],
           credentials: Iterable[CredentialRef], devices: Iterable[Device]) -> Tenant:
        """Index each list by name (agents and credential sets by id too)."""
        agents, credentials = list(agents), list(credentials)
        refs: list[AgentRef | CredentialRef] = [*agents, *credentials]
        return cls({s.name: s for s in sites}, {a.name: a for a in agents},
                   {c.name: c for c in credentials}, {d.name: d for d in devices},
                   {r.id: r for r in refs})


@dataclass(frozen=True)
class Change:
    """One row's effect: a new device (`device` None) or an existing one's changed values."""

    name: str
    device: Device | None
    values: dict[str, Any]
    line: int = 0  # where the row starts in the file


@dataclass
class Plan:
    """What the file does: creates, updates, rows already true, and every error."""

    creates: list[Change] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    unchanged: int = 0
    agents: set[uuid.UUID] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)


def read_rows(records: Sequence[Record]) -> tuple[list[tuple[int, DeviceRow]], list[RowError]]:
    """Each record as a `DeviceRow` (empty cells as not given), or the errors of its cells."""
    rows, errors = [], []
    for record in records:
        cells = {column: value or None for column, value in record.cells.items()}
        try:
            rows.append((record.line, DeviceRow.model_validate(cells)))
        except ValidationError as exc:
            errors += [_cell_error(record.line, error) for error in exc.errors()]
    return rows, errors


def _cell_error(line: int, error: Any) -> RowError:
    column = str(error["loc"][0]) if error.get("loc") else None
    if error.get("input") is None and error["type"] in ("string_type", "missing"):
        return RowError(row=line, column=column, message=f"empty; every row needs a {column}")
    return RowError(row=line, column=column, message=str(error["msg"]))


def plan(rows: Sequence[tuple[int, DeviceRow]], tenant: Tenant) -> Plan:
    """The changes of the rows (already valid on their own) against the tenant."""
    result, first_line = Plan(), dict[str, int]()
    for line, row in rows:
        if row.name in first_line:
            result.errors.append(RowError(row=line, column="name", message=(
                f"device {row.name!r} is also on line {first_line[row.name]}; a device may "
                "appear once in a file")))
            continue
        first_line[row.name] = line
        values, errors = _values(line, row, tenant)
        result.errors += errors
        if not errors:
            _classify(result, Change(row.name, tenant.devices.get(row.name), values, line))
    return result


def _classify(result: Plan, change: Change) -> None:
    device, agent_id = change.device, change.values["agent_id"]
    if device is None:
        result.creates.append(change)
        touched = [agent_id]
    else:
        changed = {k: v for k, v in change.values.items() if getattr(device, k) != v}
        if not changed:
            result.unchanged += 1
            return
        result.updates.append(Change(change.name, device, changed, change.line))
        touched = [device.agent_id, agent_id]  # the old agent drops it, the new one polls it
    result.agents.update(a for a in touched if a is not None)


def _values(line: int, row: DeviceRow, tenant: Tenant) -> tuple[dict[str, Any], list[RowError]]:
    """Every column value of the device the row describes, or why it cannot be."""
    device = tenant.devices.get(row.name)
    values: dict[str, Any] = {"management_address": str(row.management_address)}
    for column, default in DEFAULTS.items():
        given = getattr(row, column)
        values[column] = given if given is not None else (
            getattr(device, column) if device is not None else default)
    values["event_sources"] = _event_sources(row, device)
    site = tenant.sites.get(row.site)
    if site is None:
        return values, [RowError(row=line, column="site", message=(
            f"no site {row.site!r} in this tenant; create it first or fix the name"))]
    values["site_id"] = site.id
    errors = []
    for column in REFERENCE_COLUMNS:
        attribute, problem = _reference(row, column, device, site, tenant)
        values[REFERENCES[column][0]] = attribute
        if problem:
            errors.append(RowError(row=line, column=column, message=problem))
    return values, errors or _polling_errors(line, values)


def _event_sources(row: DeviceRow, device: Device | None) -> list[str]:
    """The cell's addresses (an empty cell: none); a file without the column keeps them."""
    if "event_sources" in row.model_fields_set:
        return list(row.event_sources or [])
    return list(device.event_sources or []) if device is not None else []


def changed_owners(result: Plan) -> list[tuple[int, SourceOwner]]:
    """(line, the device as it will be) of every device the file creates or changes."""
    owners = []
    for change in (*result.creates, *result.updates):
        device = change.device

        def value(column: str, change: Change = change, device: Device | None = device) -> Any:
            return change.values[column] if column in change.values else getattr(device, column)

        owners.append((change.line, SourceOwner(
            device.id if device is not None else None, change.name, value("agent_id"),
            value("management_address"), list(value("event_sources") or []))))
    return owners


def source_errors(result: Plan, stored: Sequence[SourceOwner]) -> list[RowError]:
    """Sender-address clashes the file would make among the devices of an agent: the
    devices it creates or changes, over the `stored` ones of the same agents."""
    changed = changed_owners(result)
    lines = {owner.name: line for line, owner in changed}
    owners = {owner.name: owner for owner in stored}
    owners.update({owner.name: owner for _, owner in changed})
    errors = []
    for clash in clashes(owners.values()):
        # Said on the row of the device listing the address, when the file has it.
        name = clash.lister.name if clash.lister.name in lines else clash.other.name
        if name not in lines:
            continue  # a clash already stored, not the file's doing
        column = ("management_address" if clash.polled and name == clash.other.name
                  else "event_sources")
        errors.append(RowError(row=lines[name], column=column, message=clash.message(name)))
    return errors


def _polling_errors(line: int, values: Mapping[str, Any]) -> list[RowError]:
    """Telemetry, profile and credential sets must fit together (as the device API asks):
    the agent could not poll the device otherwise."""
    telemetry = values["telemetry"]
    if telemetry != "snmp" and values["ssh_credential_id"] is None:
        return [RowError(row=line, column="ssh_credential", message=(
            f"empty, but telemetry {telemetry} reads the device over SSH; name an ssh "
            "credential set"))]
    if telemetry == "ssh" and values["profile"] == "auto":
        return [RowError(row=line, column="profile", message=(
            "auto is detected over SNMP, which telemetry ssh does not use; name the firmware "
            "profile or use telemetry both"))]
    return []


def _reference(row: DeviceRow, column: str, device: Device | None, site: SiteRef,
               tenant: Tenant) -> tuple[uuid.UUID | None, str | None]:
    """The id a reference column resolves to (a column the file lacks keeps the device's
    current one), and the problem with it, if any."""
    attribute, kinds = REFERENCES[column]
    if column not in row.model_fields_set:
        kept = getattr(device, attribute) if device is not None else None
        return kept, _check_kept(column, kept, kinds, site, tenant)
    name = getattr(row, column)
    if name is None:
        return None, None
    noun = "agent" if kinds is None else "credential set"
    found = (tenant.agents if kinds is None else tenant.credentials).get(name)
    if found is None:
        return None, f"no {noun} {name!r} in this tenant; create it first or fix the name"
    if isinstance(found, AgentRef):
        return found.id, _agent_problem(found, site)
    return found.id, _credential_problem(found, kinds or (), site)


def _check_kept(column: str, kept: uuid.UUID | None, kinds: tuple[str, ...] | None,
                site: SiteRef, tenant: Tenant) -> str | None:
    """A reference the file leaves as it is must still fit the (maybe new) site."""
    if kept is None:
        return None
    found = tenant.by_id.get(kept)
    if found is None:
        return None
    problem = (_agent_problem(found, site) if isinstance(found, AgentRef)
               else _credential_problem(found, kinds or (), site))
    return f"(kept, the file has no {column} column) {problem}" if problem else None


def _agent_problem(agent: AgentRef, site: SiteRef) -> str | None:
    if agent.site_id != site.id:
        return (f"agent {agent.name!r} is in another site than {site.name!r}; pick an agent "
                "of the device's site")
    if agent.status == "revoked":
        return f"agent {agent.name!r} is revoked; pick an active agent of the site"
    return None


def _credential_problem(found: CredentialRef, kinds: tuple[str, ...],
                        site: SiteRef) -> str | None:
    if found.kind not in kinds:
        return (f"credential set {found.name!r} is {found.kind}; this column takes "
                f"{' or '.join(kinds)}")
    if found.site_id is not None and found.site_id != site.id:
        return (f"credential set {found.name!r} is bound to another site than {site.name!r}; "
                "use a set of this site or one without a site")
    return None
