"""Site, agent and device request and response bodies."""

from __future__ import annotations

import functools
import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import pydantic_core
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    IPvAnyAddress,
    model_validator,
)
from pydantic.fields import FieldInfo

import firmware_profiles
from hub.pagination import Page
from protocol.edge_config import MAX_EVENT_SOURCES, EventSources

log = logging.getLogger("dotmac.hub.api")

NAME = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"  # usable in topics, hostnames and file names
Name = Field(min_length=1, max_length=100, pattern=NAME, examples=["ams1-pop"])
OptName = Field(None, min_length=1, max_length=100, pattern=NAME)


AUTO_PROFILE = "auto"  # as in the agent's devices.yaml: the agent detects it over SNMP


@functools.cache
def profile_names() -> tuple[str, ...]:
    """What a device's profile may be: `auto` or a firmware profile (they ship with the
    code, so the folder is read once)."""
    return (AUTO_PROFILE, *firmware_profiles.names())


def _agent_spelling(value: object) -> object:
    # Deprecated for one release: the hub used to store `cisco-ios` where the agent says
    # `cisco_ios`; dashed names are accepted and stored the agent's way.
    if isinstance(value, str) and "-" in value:
        _deprecated("dashed_profile_name")
        return value.replace("-", "_")
    return value


def _deprecated(what: str) -> None:
    # Logged (and counted by anyone grepping the log) so operators see which integrations
    # still send old spellings before the aliases are removed.
    log.warning("api.deprecated_input what=%s", what)


class _ProfileInput(BaseModel):
    """Base of the device inputs: notes the deprecated `snmp_profile` field name in the log."""

    @model_validator(mode="before")
    @classmethod
    def _note_old_name(cls, data: object) -> object:
        if isinstance(data, Mapping) and "snmp_profile" in data:
            _deprecated("snmp_profile_field")
        return data


def _known_profile(name: str) -> str:
    allowed = profile_names()
    if name not in allowed:
        # Echo the value only when it is a plain name: a 422 must not reflect markup back.
        shown = repr(name) if re.fullmatch(NAME, name) else "(not a plain name)"
        raise ValueError(f"profile {shown} is not a firmware profile; use one of "
                         f"{', '.join(allowed)}")
    return name


PROFILE_DOC = ("Firmware profile of the device, as the agent names it: a folder of "
               "firmware_profiles/ (cisco_ios, juniper_junos, ...) or `auto` (the agent detects "
               "it over SNMP). Deprecated, accepted for one release: "
               "the field name `snmp_profile` and dashed names (`cisco-ios`), which are stored "
               "as `profile` with underscores.")
ProfileName = Annotated[str, BeforeValidator(_agent_spelling),
                        Field(min_length=1, max_length=64),
                        AfterValidator(_known_profile)]
# `snmp_profile` is the deprecated input name; responses carry `profile` (and, for one
# release, `snmp_profile` too: see DevicePublic).
PROFILE_INPUT = AliasChoices("profile", "snmp_profile")
PROFILE_SCHEMA: dict[str, Any] = {"enum": list(profile_names())}


class Telemetry(StrEnum):
    """How an agent reads a device."""

    SNMP = "snmp"
    SSH = "ssh"
    BOTH = "both"


# Bounds as in protocol.edge_config.PushedDevice (what an agent accepts in a push).
Port = Annotated[int, Field(ge=1, le=65535)]
IntervalS = Annotated[float, Field(ge=1, le=86400, description="seconds between polls")]
TimeoutS = Annotated[float, Field(gt=0, le=60, description="seconds per SNMP/SSH request")]
Retries = Annotated[int, Field(ge=0, le=10)]
EVENT_SOURCES_DOC = (
    "More addresses the device sends SNMP traps and syslog from (a loopback, another "
    "interface), besides its management_address: IPv4 or IPv6 addresses, at most "
    f"{MAX_EVENT_SOURCES}, each once, stored in canonical form. Pushed to its agent, which "
    "maps those senders to this device (agents of protocol 1.3 or newer). An address another "
    "device of the same agent lists, or is polled on, is refused (409).")
EventSourceList = Annotated[EventSources, Field(description=EVENT_SOURCES_DOC,
                                                examples=[["10.255.0.1", "2001:db8::1"]])]
TELEMETRY_DOC = ("`snmp`, `ssh` (CLI only; needs an ssh credential set and a known profile) "
                 "or `both`")


class _PollingFields(BaseModel):
    """What the polling agent needs besides the address and profile (pushed on cmd/config)."""

    snmp_port: Port = 161
    ssh_port: Port = 22
    telemetry: Telemetry = Field(Telemetry.SNMP, description=TELEMETRY_DOC)
    interval_s: IntervalS = 60.0
    timeout_s: TimeoutS = 2.0
    retries: Retries = 1
    enabled: bool = Field(True, description="false: the agent stops polling it")
    maintenance: bool = Field(False, description="polled, but alarms are expected")
    snmp_credential_id: uuid.UUID | None = Field(
        None, description="an snmp_v2c or snmp_v3 credential set of the tenant (unbound or "
        "bound to the device's site)")
    ssh_credential_id: uuid.UUID | None = Field(
        None, description="an ssh credential set of the tenant (unbound or bound to the "
        "device's site)")
    event_sources: EventSourceList = Field(default_factory=list)


class AgentStatus(StrEnum):
    """Lifecycle of an agent."""

    PENDING = "pending"
    ACTIVE = "active"
    REVOKED = "revoked"


WalledGardenVlan = Field(None, ge=1, le=4094, examples=[999], description=(
    "The VLAN a switch profile in suspend_mode walled_garden_vlan moves a suspended "
    "customer's port into (where the payment portal is reachable); null: none, and such "
    "suspensions at this site fail with that reason. PATCH null clears it."))


class SiteCreate(BaseModel):
    """A new site."""

    model_config = ConfigDict(extra="forbid")
    name: str = Name
    description: str = Field("", max_length=500, examples=["Equinix AM3, rack 12"])
    walled_garden_vlan: int | None = WalledGardenVlan


class SiteUpdate(BaseModel):
    """Changes to a site."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = OptName
    description: str | None = Field(None, max_length=500)
    walled_garden_vlan: int | None = WalledGardenVlan


class SitePublic(BaseModel):
    """A site."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    description: str
    walled_garden_vlan: int | None
    created_at: datetime


class SitesPublic(Page[SitePublic]):
    """A page of sites."""


class AgentCreate(BaseModel):
    """A new agent record in a site (it gets credentials at enrollment)."""

    model_config = ConfigDict(extra="forbid")
    site_id: uuid.UUID
    name: str = Field(min_length=1, max_length=100, pattern=NAME, examples=["ams1-agent-01"])


class AgentUpdate(BaseModel):
    """Changes to an agent (its site is fixed: re-enroll to move it)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = OptName


class AgentPublic(BaseModel):
    """An agent."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    status: AgentStatus
    revoked_at: datetime | None
    last_seen_at: datetime | None
    created_at: datetime


class AgentsPublic(Page[AgentPublic]):
    """A page of agents."""


class DeviceCreate(_PollingFields, _ProfileInput):
    """A new device; its polling agent, if given, must be in the same site."""

    model_config = ConfigDict(extra="forbid")
    site_id: uuid.UUID
    name: str = Field(min_length=1, max_length=100, pattern=NAME, examples=["ams1-core-sw1"])
    management_address: IPvAnyAddress = Field(examples=["192.0.2.10"])
    profile: ProfileName = Field(validation_alias=PROFILE_INPUT, description=PROFILE_DOC,
                                 examples=["cisco_ios"], json_schema_extra=PROFILE_SCHEMA)
    agent_id: uuid.UUID | None = None


class DeviceUpdate(_ProfileInput):
    """Changes to a device (agent_id, snmp_credential_id or ssh_credential_id null detaches
    it from its agent or credential set)."""

    model_config = ConfigDict(extra="forbid")
    site_id: uuid.UUID | None = None
    name: str | None = OptName
    management_address: IPvAnyAddress | None = None
    profile: ProfileName | None = Field(None, validation_alias=PROFILE_INPUT,
                                        description=PROFILE_DOC)
    agent_id: uuid.UUID | None = None
    snmp_port: Port | None = None
    ssh_port: Port | None = None
    telemetry: Telemetry | None = Field(None, description=TELEMETRY_DOC)
    interval_s: IntervalS | None = None
    timeout_s: TimeoutS | None = None
    retries: Retries | None = None
    enabled: bool | None = None
    maintenance: bool | None = None
    snmp_credential_id: uuid.UUID | None = None
    ssh_credential_id: uuid.UUID | None = None
    event_sources: EventSourceList | None = Field(
        None, description="the whole new list ([] removes them all; null or absent leaves "
        "it as it is)")


class DevicePublic(BaseModel):
    """A device."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    site_id: uuid.UUID
    agent_id: uuid.UUID | None
    name: str
    management_address: str = Field(examples=["192.0.2.10"])
    profile: str = Field(examples=["cisco_ios"], description="Firmware profile of the device "
                         "(a folder of firmware_profiles/, or `auto`).")
    # The old name, read from the same `profile` column, for integrations not yet moved.
    snmp_profile: str = Field(validation_alias=AliasChoices("profile"),
                              json_schema_extra={"deprecated": True},
                              description="Deprecated, removed in the next release: the same "
                              "value as `profile`; read `profile`.")
    snmp_port: int
    ssh_port: int
    telemetry: Telemetry
    interval_s: float
    timeout_s: float
    retries: int
    enabled: bool
    maintenance: bool
    snmp_credential_id: uuid.UUID | None
    ssh_credential_id: uuid.UUID | None
    event_sources: list[str] = Field(examples=[["10.255.0.1"]],
                                     description="More addresses the device sends traps and "
                                     "syslog from, besides its management_address.")
    created_at: datetime


class DevicesPublic(Page[DevicePublic]):
    """A page of devices."""


def _column_of(name: str, field: FieldInfo) -> str:
    """The row column a response field is read from: its (first) validation alias, if any."""
    alias = field.validation_alias
    first = alias.choices[0] if isinstance(alias, AliasChoices) else alias
    return first if isinstance(first, str) else name


def _columns_of(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(response field, row column) of `model`, in the response's order."""
    return tuple((name, _column_of(name, field)) for name, field in model.model_fields.items())


_DEVICE_COLUMNS = _columns_of(DevicePublic)


def devices_page_json(rows: Sequence[Mapping[str, Any]], cursor: str | None) -> bytes:
    """The JSON body of `DevicesPublic.of(rows, cursor)`, byte for byte, without validating
    the rows a second time: they are rows of the devices table, whose column types are the
    response's (uuid, str, UTC datetime; the database checked them on the way in). Validating
    50 rows cost a fifth of the page's serialisation; tests/hub/inventory/
    test_list_fast_path.py holds the two bodies equal."""
    data = [{name: row[column] for name, column in _DEVICE_COLUMNS} for row in rows]
    return pydantic_core.to_json({"data": data, "next_cursor": cursor})
