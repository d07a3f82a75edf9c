"""IPAM endpoints under /ipam (thin: parse, call the service, shape the answer)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from hub.api.deps import ReadEngineDep, RequirePermission, SessionDep
from hub.errors import error_docs
from hub.ipam.pools import AllocationService, PoolService, PrefixService
from hub.ipam.repository import (
    AllocationRows,
    PoolRows,
    PrefixRows,
    VlanAllocationRows,
    VlanPoolRows,
)
from hub.ipam.schemas import (
    AllocationCreate,
    AllocationPublic,
    AllocationsPublic,
    PoolCreate,
    PoolPublic,
    PoolsPublic,
    PoolUpdate,
    PrefixCreate,
    PrefixesPublic,
    PrefixPublic,
    PrefixUpdate,
    ReservationCreate,
    SubscriberAddressesPublic,
    Utilization,
    UtilizationPublic,
    VlanAllocationCreate,
    VlanAllocationPublic,
    VlanAllocationsPublic,
    VlanPoolCreate,
    VlanPoolPublic,
    VlanPoolsPublic,
    VlanPoolUpdate,
)
from hub.ipam.service import address_utilization, pool_utilization, subscriber_addresses
from hub.ipam.vlans import VlanService, vlan_pool_utilization, vlan_utilization
from hub.pagination import PageDep
from hub.principal import Principal

router = APIRouter(prefix="/ipam", tags=["ipam"])
READ, WRITE, ONE = (error_docs(401, 403, 422, 429), error_docs(401, 403, 409, 422, 429),
                    error_docs(401, 403, 404, 409, 422, 429))
OptId = Annotated[uuid.UUID | None, Query()]

IpamRead = Annotated[Principal, RequirePermission("ipam:read")]
IpamWrite = Annotated[Principal, RequirePermission("ipam:write")]


# -- prefixes ------------------------------------------------------------------------------

@router.get("/prefixes", operation_id="ipam_prefixes_list", response_model=PrefixesPublic,
            responses=READ)
async def list_prefixes(db: ReadEngineDep, page: PageDep, principal: IpamRead,
                        site_id: OptId = None) -> PrefixesPublic:
    """Prefixes of the caller's tenant, optionally of one site."""
    rows, cursor = await PrefixRows(db, principal.tenant_id).list(page, site_id)
    return PrefixesPublic.of(rows, cursor)


@router.post("/prefixes", operation_id="ipam_prefixes_create", response_model=PrefixPublic,
             status_code=201, responses=WRITE)
async def create_prefix(body: PrefixCreate, session: SessionDep,
                        principal: IpamWrite) -> PrefixPublic:
    """Add an IPv4 or IPv6 prefix to a site (409 when it overlaps one of the tenant's)."""
    made = await PrefixService(session, principal).create(body)
    return PrefixPublic.model_validate(made)


@router.get("/prefixes/{prefix_id}", operation_id="ipam_prefixes_get",
            response_model=PrefixPublic, responses=ONE)
async def get_prefix(prefix_id: uuid.UUID, session: SessionDep,
                     principal: IpamRead) -> PrefixPublic:
    """One prefix."""
    return PrefixPublic.model_validate(
        await PrefixService(session, principal).get(prefix_id))


@router.patch("/prefixes/{prefix_id}", operation_id="ipam_prefixes_update",
              response_model=PrefixPublic, responses=ONE)
async def update_prefix(prefix_id: uuid.UUID, body: PrefixUpdate, session: SessionDep,
                        principal: IpamWrite) -> PrefixPublic:
    """Change a prefix's description."""
    return PrefixPublic.model_validate(
        await PrefixService(session, principal).update(prefix_id, body))


@router.delete("/prefixes/{prefix_id}", operation_id="ipam_prefixes_delete", status_code=204,
               responses=ONE)
async def delete_prefix(prefix_id: uuid.UUID, session: SessionDep,
                        principal: IpamWrite) -> Response:
    """Delete a prefix without pools (409 otherwise)."""
    await PrefixService(session, principal).delete(prefix_id)
    return Response(status_code=204)


# -- pools ---------------------------------------------------------------------------------

@router.get("/pools", operation_id="ipam_pools_list", response_model=PoolsPublic,
            responses=READ)
async def list_pools(db: ReadEngineDep, page: PageDep, principal: IpamRead,
                     site_id: OptId = None, prefix_id: OptId = None) -> PoolsPublic:
    """Address pools of the caller's tenant, optionally of one site and/or prefix."""
    rows, cursor = await PoolRows(db, principal.tenant_id).list(page, site_id, prefix_id)
    return PoolsPublic.of(rows, cursor)


@router.post("/pools", operation_id="ipam_pools_create", response_model=PoolPublic,
             status_code=201, responses=WRITE)
async def create_pool(body: PoolCreate, session: SessionDep, principal: IpamWrite,
                      ) -> PoolPublic:
    """Cut a static, dynamic or delegated pool from a prefix (409 when its range overlaps
    another pool of the prefix)."""
    return PoolPublic.model_validate(
        await PoolService(session, principal).create(body))


@router.get("/pools/{pool_id}", operation_id="ipam_pools_get", response_model=PoolPublic,
            responses=ONE)
async def get_pool(pool_id: uuid.UUID, session: SessionDep, principal: IpamRead) -> PoolPublic:
    """One pool."""
    return PoolPublic.model_validate(await PoolService(session, principal).get(pool_id))


@router.patch("/pools/{pool_id}", operation_id="ipam_pools_update", response_model=PoolPublic,
              responses=ONE)
async def update_pool(pool_id: uuid.UUID, body: PoolUpdate, session: SessionDep,
                      principal: IpamWrite) -> PoolPublic:
    """Rename a pool or change its description."""
    return PoolPublic.model_validate(
        await PoolService(session, principal).update(pool_id, body))


@router.delete("/pools/{pool_id}", operation_id="ipam_pools_delete", status_code=204,
               responses=ONE)
async def delete_pool(pool_id: uuid.UUID, session: SessionDep, principal: IpamWrite,
                      ) -> Response:
    """Delete a pool holding no allocated or quarantined address (409 otherwise)."""
    await PoolService(session, principal).delete(pool_id)
    return Response(status_code=204)


@router.get("/pools/{pool_id}/utilization", operation_id="ipam_pools_utilization",
            response_model=Utilization, responses=ONE)
async def get_pool_utilization(pool_id: uuid.UUID, session: SessionDep,
                               principal: IpamRead) -> Utilization:
    """How full one pool is."""
    return await pool_utilization(session, principal.tenant_id, pool_id)


@router.post("/pools/{pool_id}/allocations", operation_id="ipam_allocations_create",
             response_model=AllocationPublic, status_code=201, responses=ONE)
async def allocate(pool_id: uuid.UUID, body: AllocationCreate, session: SessionDep,
                   principal: IpamWrite) -> AllocationPublic:
    """Allocate the lowest free address (or `address`) of the pool to a subscription; 409
    when it is taken or the pool is exhausted."""
    return AllocationPublic.model_validate(
        await AllocationService(session, principal).allocate(pool_id, body))


@router.post("/pools/{pool_id}/reservations", operation_id="ipam_reservations_create",
             response_model=AllocationPublic, status_code=201, responses=ONE)
async def reserve(pool_id: uuid.UUID, body: ReservationCreate, session: SessionDep,
                  principal: IpamWrite) -> AllocationPublic:
    """Reserve an address of the pool (never allocated; release it to free it)."""
    return AllocationPublic.model_validate(
        await AllocationService(session, principal).reserve(pool_id, body))


# -- allocations ---------------------------------------------------------------------------

@router.get("/allocations", operation_id="ipam_allocations_list",
            response_model=AllocationsPublic, responses=READ)
async def list_allocations(db: ReadEngineDep, page: PageDep, principal: IpamRead,
                           pool_id: OptId = None, subscription_id: OptId = None,
                           ) -> AllocationsPublic:
    """Allocations (released ones included) of one pool and/or subscription."""
    rows, cursor = await AllocationRows(db, principal.tenant_id).list(page, pool_id,
                                                                      subscription_id)
    return AllocationsPublic.of(rows, cursor)


@router.get("/allocations/{allocation_id}", operation_id="ipam_allocations_get",
            response_model=AllocationPublic, responses=ONE)
async def get_allocation(allocation_id: uuid.UUID, session: SessionDep,
                         principal: IpamRead) -> AllocationPublic:
    """One allocation."""
    return AllocationPublic.model_validate(
        await AllocationService(session, principal).get(allocation_id))


@router.post("/allocations/{allocation_id}/release", operation_id="ipam_allocations_release",
             response_model=AllocationPublic, responses=ONE)
async def release_allocation(allocation_id: uuid.UUID, session: SessionDep,
                             principal: IpamWrite) -> AllocationPublic:
    """Release an allocation (an address goes to quarantine first) or a reservation."""
    return AllocationPublic.model_validate(
        await AllocationService(session, principal).release(allocation_id))


@router.get("/subscriptions/{subscription_id}", operation_id="ipam_subscription_get",
            response_model=SubscriberAddressesPublic, responses=READ)
async def get_subscription(subscription_id: uuid.UUID, session: SessionDep,
                           principal: IpamRead) -> SubscriberAddressesPublic:
    """What RADIUS and provisioning get for a subscription (nulls when it holds nothing)."""
    found = await subscriber_addresses(session, principal.tenant_id, subscription_id)
    return SubscriberAddressesPublic.model_validate(found, from_attributes=True)


@router.get("/utilization", operation_id="ipam_utilization", response_model=UtilizationPublic,
            responses=READ)
async def utilization(session: SessionDep, principal: IpamRead) -> UtilizationPublic:
    """Every pool of the tenant: size, used, reserved, quarantined, free, percent."""
    pools = await address_utilization(session, principal.tenant_id)
    vlans = await vlan_utilization(session, principal.tenant_id)
    return UtilizationPublic(pools=[p.utilization for p in pools],
                             vlan_pools=[v.utilization for v in vlans])


# -- VLAN pools ----------------------------------------------------------------------------

@router.get("/vlan-pools", operation_id="ipam_vlan_pools_list", response_model=VlanPoolsPublic,
            responses=READ)
async def list_vlan_pools(db: ReadEngineDep, page: PageDep, principal: IpamRead,
                          site_id: OptId = None) -> VlanPoolsPublic:
    """VLAN pools of the caller's tenant, optionally of one site."""
    rows, cursor = await VlanPoolRows(db, principal.tenant_id).list(page, site_id)
    return VlanPoolsPublic.of(rows, cursor)


@router.post("/vlan-pools", operation_id="ipam_vlan_pools_create",
             response_model=VlanPoolPublic, status_code=201, responses=WRITE)
async def create_vlan_pool(body: VlanPoolCreate, session: SessionDep,
                           principal: IpamWrite) -> VlanPoolPublic:
    """Add a single-tag or QinQ VLAN pool to a site."""
    return VlanPoolPublic.model_validate(
        await VlanService(session, principal).create(body))


@router.get("/vlan-pools/{pool_id}", operation_id="ipam_vlan_pools_get",
            response_model=VlanPoolPublic, responses=ONE)
async def get_vlan_pool(pool_id: uuid.UUID, session: SessionDep,
                        principal: IpamRead) -> VlanPoolPublic:
    """One VLAN pool."""
    return VlanPoolPublic.model_validate(
        await VlanService(session, principal).get(pool_id))


@router.patch("/vlan-pools/{pool_id}", operation_id="ipam_vlan_pools_update",
              response_model=VlanPoolPublic, responses=ONE)
async def update_vlan_pool(pool_id: uuid.UUID, body: VlanPoolUpdate, session: SessionDep,
                           principal: IpamWrite) -> VlanPoolPublic:
    """Rename a VLAN pool or change its description."""
    return VlanPoolPublic.model_validate(
        await VlanService(session, principal).update(pool_id, body))


@router.delete("/vlan-pools/{pool_id}", operation_id="ipam_vlan_pools_delete",
               status_code=204, responses=ONE)
async def delete_vlan_pool(pool_id: uuid.UUID, session: SessionDep,
                           principal: IpamWrite) -> Response:
    """Delete a VLAN pool without allocated tags (409 otherwise)."""
    await VlanService(session, principal).delete(pool_id)
    return Response(status_code=204)


@router.get("/vlan-pools/{pool_id}/utilization", operation_id="ipam_vlan_pools_utilization",
            response_model=Utilization, responses=ONE)
async def get_vlan_pool_utilization(pool_id: uuid.UUID, session: SessionDep,
                                    principal: IpamRead) -> Utilization:
    """How full one VLAN pool is."""
    return await vlan_pool_utilization(session, principal.tenant_id, pool_id)


@router.post("/vlan-pools/{pool_id}/allocations", operation_id="ipam_vlan_allocations_create",
             response_model=VlanAllocationPublic, status_code=201, responses=ONE)
async def allocate_vlan(pool_id: uuid.UUID, body: VlanAllocationCreate, session: SessionDep,
                        principal: IpamWrite) -> VlanAllocationPublic:
    """Allocate the lowest free tag (or `tag` / `tag`+`inner_tag`) to a subscription; 409
    when it is taken or the pool is exhausted."""
    return VlanAllocationPublic.model_validate(
        await VlanService(session, principal).allocate(pool_id, body))


@router.get("/vlan-allocations", operation_id="ipam_vlan_allocations_list",
            response_model=VlanAllocationsPublic, responses=READ)
async def list_vlan_allocations(db: ReadEngineDep, page: PageDep, principal: IpamRead,
                                pool_id: OptId = None, subscription_id: OptId = None,
                                ) -> VlanAllocationsPublic:
    """VLAN allocations (released ones included) of one pool and/or subscription."""
    rows, cursor = await VlanAllocationRows(db, principal.tenant_id).list(page, pool_id,
                                                                          subscription_id)
    return VlanAllocationsPublic.of(rows, cursor)


@router.get("/vlan-allocations/{allocation_id}", operation_id="ipam_vlan_allocations_get",
            response_model=VlanAllocationPublic, responses=ONE)
async def get_vlan_allocation(allocation_id: uuid.UUID, session: SessionDep,
                              principal: IpamRead) -> VlanAllocationPublic:
    """One VLAN allocation."""
    return VlanAllocationPublic.model_validate(
        await VlanService(session, principal).get_allocation(allocation_id))


@router.post("/vlan-allocations/{allocation_id}/release",
             operation_id="ipam_vlan_allocations_release", response_model=VlanAllocationPublic,
             responses=ONE)
async def release_vlan_allocation(allocation_id: uuid.UUID, session: SessionDep,
                                  principal: IpamWrite) -> VlanAllocationPublic:
    """Release a VLAN allocation (the tag is free at once)."""
    return VlanAllocationPublic.model_validate(
        await VlanService(session, principal).release(allocation_id))
