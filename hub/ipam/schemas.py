"""IPAM request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.pagination import Page

NAME = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"  # a NAS knows a dynamic pool by this name
Name = Field(min_length=1, max_length=100, pattern=NAME, examples=["ams1-cgnat"])
Description = Field("", max_length=500)
Tag = Field(ge=1, le=4094)
PoolKind = Literal["static", "dynamic", "delegated"]
VlanKind = Literal["single", "qinq"]


class _Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PrefixCreate(BaseModel):
    """A routed block of a site."""

    site_id: uuid.UUID
    prefix: str = Field(max_length=49, examples=["100.64.0.0/16", "2001:db8:100::/40"])
    description: str = Description


class PrefixUpdate(BaseModel):
    """What may change on a prefix (its network never does: create another)."""

    description: str = Description


class PrefixPublic(_Public):
    """A prefix."""

    id: uuid.UUID
    site_id: uuid.UUID
    prefix: str
    family: int
    description: str
    created_at: datetime


class PrefixesPublic(Page[PrefixPublic]):
    """A page of prefixes."""


class PoolCreate(BaseModel):
    """A range of a prefix handed out to subscriptions.

    `assign_length` is what one allocation gets: 32 for IPv4 (the only choice), for IPv6 a
    prefix per subscriber line (64 by default) or, in a `delegated` pool, the delegated
    prefix length (e.g. 56 out of a /48). The range defaults to the whole prefix (IPv4
    without its network and broadcast address)."""

    prefix_id: uuid.UUID
    name: str = Name
    kind: PoolKind = "static"
    assign_length: int | None = Field(None, ge=1, le=128, examples=[56])
    range_start: str | None = Field(None, max_length=45, examples=["100.64.0.10"])
    range_end: str | None = Field(None, max_length=45, examples=["100.64.0.250"])
    gateway: str | None = Field(None, max_length=45, examples=["100.64.0.1"])
    description: str = Description


class PoolUpdate(BaseModel):
    """What may change on a pool (its range never does: create another)."""

    name: str | None = Field(None, min_length=1, max_length=100, pattern=NAME)
    description: str | None = Field(None, max_length=500)


class PoolPublic(_Public):
    """A pool and its slots."""

    id: uuid.UUID
    prefix_id: uuid.UUID
    site_id: uuid.UUID
    name: str
    kind: PoolKind
    family: int
    assign_length: int
    range_start: str
    range_end: str
    size: int
    gateway: str | None
    description: str
    created_at: datetime


class PoolsPublic(Page[PoolPublic]):
    """A page of pools."""


class AllocationCreate(BaseModel):
    """Bind an address (the next free one, or `address`) of a pool to a subscription."""

    subscription_id: uuid.UUID
    address: str | None = Field(None, max_length=49, description="a specific address or "
                                "prefix of the pool; omitted: the lowest free one",
                                examples=["100.64.0.42"])
    note: str = Field("", max_length=255)


class ReservationCreate(BaseModel):
    """Keep an address of a pool out of allocation (a router, a printer, a customer's CPE
    configured by hand)."""

    address: str = Field(max_length=49, examples=["100.64.0.2"])
    note: str = Field(min_length=1, max_length=255, examples=["core router loopback"])


class AllocationPublic(_Public):
    """An allocation: `allocated` to a subscription, `reserved`, `quarantined` after a
    release until `quarantine_until`, or `released` (history)."""

    id: uuid.UUID
    pool_id: uuid.UUID
    slot: int | None
    address: str | None
    state: str
    subscription_id: uuid.UUID | None
    note: str
    created_at: datetime
    released_at: datetime | None
    quarantine_until: datetime | None


class AllocationsPublic(Page[AllocationPublic]):
    """A page of allocations."""


class Utilization(BaseModel):
    """How full a pool is (slots: addresses, prefixes or VLAN tags)."""

    pool_id: uuid.UUID
    pool: str
    kind: str
    site_id: uuid.UUID
    site: str
    size: int
    used: int = Field(description="allocated to subscriptions")
    reserved: int
    quarantined: int
    free: int
    percent: float = Field(description="(used + reserved + quarantined) / size x 100")


class UtilizationPublic(BaseModel):
    """Every pool of the tenant, address pools then VLAN pools."""

    pools: list[Utilization]
    vlan_pools: list[Utilization]


class VlanPoolCreate(BaseModel):
    """VLAN tags of a site: `single` tags first_tag..last_tag, or `qinq` pairs of an S-VLAN
    first_tag..last_tag and a C-VLAN inner_first..inner_last. `reserved` outer tags are never
    allocated."""

    site_id: uuid.UUID
    name: str = Name
    kind: VlanKind = "single"
    first_tag: int = Tag
    last_tag: int = Tag
    inner_first: int | None = Field(None, ge=1, le=4094)
    inner_last: int | None = Field(None, ge=1, le=4094)
    reserved: list[int] = Field(default_factory=list, max_length=64)
    description: str = Description

    @model_validator(mode="after")
    def _ranges(self) -> VlanPoolCreate:
        if self.first_tag > self.last_tag:
            raise ValueError("first_tag must not be above last_tag")
        inner = (self.inner_first, self.inner_last)
        if self.kind == "qinq" and (None in inner or inner[0] > inner[1]):  # type: ignore[operator]
            raise ValueError("qinq needs inner_first <= inner_last (the C-VLAN range)")
        if self.kind == "single" and inner != (None, None):
            raise ValueError("a single-tag pool has no inner (C-VLAN) range")
        outside = [tag for tag in self.reserved if not self.first_tag <= tag <= self.last_tag]
        if outside:
            raise ValueError(f"reserved tags {outside} lie outside first_tag..last_tag")
        return self


class VlanPoolUpdate(BaseModel):
    """What may change on a VLAN pool."""

    name: str | None = Field(None, min_length=1, max_length=100, pattern=NAME)
    description: str | None = Field(None, max_length=500)


class VlanPoolPublic(_Public):
    """A VLAN pool."""

    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    kind: VlanKind
    first_tag: int
    last_tag: int
    inner_first: int | None
    inner_last: int | None
    reserved: list[int]
    size: int
    description: str
    created_at: datetime


class VlanPoolsPublic(Page[VlanPoolPublic]):
    """A page of VLAN pools."""


class VlanAllocationCreate(BaseModel):
    """Bind a VLAN (the lowest free one, or `tag` / `tag`+`inner_tag`) to a subscription."""

    subscription_id: uuid.UUID
    tag: int | None = Field(None, ge=1, le=4094, description="VLAN, or S-VLAN (qinq)")
    inner_tag: int | None = Field(None, ge=1, le=4094, description="C-VLAN (qinq)")
    note: str = Field("", max_length=255)


class VlanAllocationPublic(_Public):
    """A VLAN allocation."""

    id: uuid.UUID
    pool_id: uuid.UUID
    slot: int
    tag: int
    inner_tag: int | None
    state: str
    subscription_id: uuid.UUID | None
    note: str
    created_at: datetime
    released_at: datetime | None


class VlanAllocationsPublic(Page[VlanAllocationPublic]):
    """A page of VLAN allocations."""


class SubscriberAddressesPublic(BaseModel):
    """What RADIUS and provisioning read for one subscription."""

    ipv4: str | None
    ipv6_prefix: str | None
    delegated_prefix: str | None
    pool_name: str | None
    vlan: int | None
    svlan: int | None
    cvlan: int | None
