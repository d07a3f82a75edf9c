"""Discovery request and response bodies, and the address arithmetic of a sweep."""

from __future__ import annotations

import ipaddress
import re
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, computed_field

from hub.inventory.schemas import NAME, ProfileName
from hub.pagination import Page

MAX_CIDRS = 16  # protocol.edge_config.MAX_CIDRS
MAX_ADDRESSES = 65_536  # per network and in total: one sweep stays a few minutes long
MAX_ADOPT = 500
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_SHOWABLE = re.compile(r"^[0-9A-Fa-f:./]{1,64}$")  # echoed back only when it is this plain


def _shown(text: str) -> str:
    return repr(text) if _SHOWABLE.fullmatch(text) else "(not an address/prefix)"


def parse_network(text: str) -> Network:
    """One CIDR, strictly: an address/prefix with no host bits set (a bare address is /32
    or /128); a ValueError names the value, the cause and the fix."""
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        loose = _loose(text)
        if loose is not None:
            raise ValueError(f"{_shown(text)} has host bits set; write the network, "
                             f"{loose}") from exc
        raise ValueError(f"{_shown(text)} is not an IPv4 or IPv6 network; write it as "
                         "192.0.2.0/24 or 2001:db8::/120") from exc


def _loose(text: str) -> str | None:
    try:
        return str(ipaddress.ip_network(text.strip(), strict=False))
    except ValueError:
        return None


def host_count(network: Network) -> int:
    """How many addresses a sweep probes: `network.hosts()` without listing them (no network
    or broadcast address in IPv4 prefixes up to /30, no subnet-router anycast in IPv6 up to
    /126)."""
    if network.num_addresses <= 2:
        return network.num_addresses
    return network.num_addresses - (2 if network.version == 4 else 1)


def _valid_cidrs(values: list[str]) -> list[str]:
    networks: list[Network] = []
    for n, text in enumerate(values):
        try:
            network = parse_network(text)
        except ValueError as exc:
            raise ValueError(f"cidrs[{n}] {exc}") from None
        if network.num_addresses > MAX_ADDRESSES:
            raise ValueError(f"cidrs[{n}] {network} holds {network.num_addresses:,} addresses, "
                             f"more than {MAX_ADDRESSES:,}; split it or sweep a /16 "
                             "(IPv6: a /112) at a time")
        for m, seen in enumerate(networks):
            if network.version == seen.version and network.overlaps(seen):
                raise ValueError(f"cidrs[{n}] {network} overlaps cidrs[{m}] {seen}; "
                                 "list each address once")
        networks.append(network)
    total = sum(net.num_addresses for net in networks)
    if total > MAX_ADDRESSES:
        raise ValueError(f"cidrs hold {total:,} addresses together, more than "
                         f"{MAX_ADDRESSES:,}; start several discoveries")
    return [str(net) for net in networks]


def _unique(values: list[uuid.UUID]) -> list[uuid.UUID]:
    if len(set(values)) != len(values):
        raise ValueError("each credential set may be listed once")
    return values


Cidrs = Annotated[list[Annotated[str, Field(max_length=64)]],
                  Field(min_length=1, max_length=MAX_CIDRS, examples=[["192.0.2.0/24"]]),
                  AfterValidator(_valid_cidrs)]


class DiscoveryCreate(BaseModel):
    """A sweep of a site's networks for SNMP devices, run by one of its agents."""

    model_config = ConfigDict(extra="forbid")
    cidrs: Cidrs = Field(description="1 to 16 IPv4/IPv6 networks, host bits clear, at most "
                         "65,536 addresses each and together")
    credential_set_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=8),
                                  AfterValidator(_unique)] = Field(
        description="SNMP credential sets (snmp_v2c or snmp_v3) of the tenant, unbound or "
                    "bound to this site; tried in this order")
    agent_id: uuid.UUID | None = Field(None, description="The agent that sweeps; default: "
                                       "the site's only non-revoked agent")
    port: int = Field(161, ge=1, le=65535)
    concurrency: int = Field(32, ge=1, le=256, description="Hosts probed at once")
    timeout_s: float = Field(1.0, gt=0, le=10, description="Per SNMP request")


class DiscoveryPublic(BaseModel):
    """A discovery and its progress."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    site_id: uuid.UUID
    agent_id: uuid.UUID
    cidrs: list[str]
    credential_set_ids: list[uuid.UUID]
    port: int
    concurrency: int
    timeout_s: float
    state: str = Field(description="pending, running, done or failed")
    scanned: int
    total: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented idiom
    @property
    def percent(self) -> float:
        """Share of the addresses probed so far, 0 to 100."""
        if self.state == "done":
            return 100.0
        return round(100.0 * min(self.scanned, self.total) / self.total, 1) if self.total else 0.0


class CandidatePublic(BaseModel):
    """A host that answered, what it looks like, and whether the tenant already has it."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    address: str
    port: int
    credential_set_id: uuid.UUID | None
    sys_name: str | None
    sys_descr: str | None
    sys_object_id: str | None
    profile: str | None = Field(description="The firmware profile that matched, or null")
    reason: str = Field(description="Why the profile matched")
    vendor: str | None
    model: str | None
    serial: str | None
    adopted_device_id: uuid.UUID | None
    managed_device_id: uuid.UUID | None = Field(
        None, description="A device of the tenant with this management address, or null")


class DiscoveryDetail(DiscoveryPublic):
    """A discovery with its candidates (by address)."""

    candidates: list[CandidatePublic]


class DiscoveriesPublic(Page[DiscoveryPublic]):
    """A page of discoveries, newest first."""


class AdoptCandidate(BaseModel):
    """One candidate to make a device; every field but the id has a default."""

    model_config = ConfigDict(extra="forbid")
    candidate_id: uuid.UUID
    name: str | None = Field(None, min_length=1, max_length=100, pattern=NAME,
                             description="Default: the sysName made a device name, else the "
                             "address")
    profile: ProfileName | None = Field(None, description="Default: the matched profile, "
                                        "else auto")
    agent_id: uuid.UUID | None = Field(None, description="Default: the discovery's agent")
    snmp_credential_id: uuid.UUID | None = Field(None, description="Default: the set that "
                                                 "answered")
    interval_s: float | None = Field(None, ge=1, le=86_400, description="Default: 60 s")


def _distinct_candidates(rows: list[AdoptCandidate]) -> list[AdoptCandidate]:
    ids = [row.candidate_id for row in rows]
    if len(set(ids)) != len(ids):
        raise ValueError("each candidate_id may be adopted once per request")
    return rows


class AdoptRequest(BaseModel):
    """Candidates to adopt, all in one transaction."""

    model_config = ConfigDict(extra="forbid")
    candidates: Annotated[list[AdoptCandidate], Field(min_length=1, max_length=MAX_ADOPT),
                          AfterValidator(_distinct_candidates)]


class AdoptedDevice(BaseModel):
    """A device made from a candidate."""

    model_config = ConfigDict(from_attributes=True)
    candidate_id: uuid.UUID
    id: uuid.UUID
    name: str
    management_address: str
    profile: str
    agent_id: uuid.UUID | None


class AdoptResult(BaseModel):
    """The devices made, in the request's order."""

    devices: list[AdoptedDevice]
