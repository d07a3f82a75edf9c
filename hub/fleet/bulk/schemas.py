"""The device CSV: its columns, one row as validated input, and the import's answer."""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, IPvAnyAddress

from hub.inventory.schemas import NAME, IntervalS, Port, ProfileName, Retries, TimeoutS
from protocol.edge_config import EventSources

# The file's columns, in the order the export writes them. Sites, agents and credential
# sets are named, not numbered, so a file moves between tenants and hubs; the device name
# is the row's key within a tenant (ids are never exported).
COLUMNS: Final = ("name", "site", "agent", "management_address", "profile", "telemetry",
                  "snmp_port", "ssh_port", "interval_s", "timeout_s", "retries", "enabled",
                  "maintenance", "snmp_credential", "ssh_credential", "event_sources")
REQUIRED_COLUMNS: Final = ("name", "site", "management_address")
# Columns naming another object: an empty cell means "none" (no agent, no credential set).
REFERENCE_COLUMNS: Final = ("agent", "snmp_credential", "ssh_credential")

MAX_BODY_BYTES: Final = 5 * 1024 * 1024
MAX_ROWS: Final = 10_000
MAX_ERRORS: Final = 1_000  # shown in one answer; the rest are counted

# Ranges are the device API's (the agent's, protocol.edge_config.PushedDevice).
Telemetry = Literal["snmp", "ssh", "both"]
SetName = Annotated[str, Field(min_length=1, max_length=100)]
EVENT_SOURCES_SEPARATOR: Final = " "  # how the export joins the addresses of one cell


def _split_addresses(value: object) -> object:
    # One cell holds the list: addresses separated by spaces (a comma or semicolon also
    # works; a cell with commas must be quoted).
    if isinstance(value, str):
        return [part for part in re.split(r"[\s,;]+", value) if part]
    return value


EventSourcesCell = Annotated[EventSources, BeforeValidator(_split_addresses)]


class DeviceRow(BaseModel):
    """One data row of the file. A value left empty (or a column the file lacks) is the
    default for a new device and unchanged for an existing one; an empty reference column
    (agent, snmp_credential, ssh_credential) detaches the device from it."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, pattern=NAME)
    site: SetName
    agent: SetName | None = None
    management_address: IPvAnyAddress
    profile: ProfileName | None = None
    telemetry: Telemetry | None = None
    snmp_port: Port | None = None
    ssh_port: Port | None = None
    interval_s: IntervalS | None = None
    timeout_s: TimeoutS | None = None
    retries: Retries | None = None
    enabled: bool | None = None
    maintenance: bool | None = None
    snmp_credential: SetName | None = None
    ssh_credential: SetName | None = None
    event_sources: EventSourcesCell | None = None


class RowError(BaseModel):
    """One problem of the file: its line (1 is the header), the column, what is wrong."""

    row: int | None = Field(description="1-based line of the file where the record starts "
                            "(the header is line 1); null for a note about the whole file",
                            examples=[3])
    column: str | None = Field(examples=["site"])
    message: str = Field(examples=["no site 'ams9' in this tenant; create it first or fix "
                                   "the name"])


class ImportReport(BaseModel):
    """What an import did (or, as a dry run, would do)."""

    dry_run: bool
    created: int = Field(examples=[12])
    updated: int = Field(examples=[3])
    unchanged: int = Field(examples=[40])
    errors: list[RowError] = Field(default_factory=list)
