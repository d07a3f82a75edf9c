"""Pool utilization gauges, read from the database by the hub-health pass.

The numbers belong to the database, not to a process (as hub.hub_health explains for its
own gauges): `pool_gauges(session)` reads every tenant's pools inside that pass's
transaction, and `pool_families(gauges)` turns the snapshot into metric families at scrape
time. hub.hub_health holds the snapshot and shows it with its own (staleness rules apply).

    dotmac_ipam_pool_utilization_ratio{tenant,site,pool}       (allocated+reserved+quarantined)/size
    dotmac_ipam_pool_slots{tenant,site,pool,state}             used|reserved|quarantined|free
    dotmac_ipam_vlan_pool_utilization_ratio{tenant,site,pool}  the same for VLAN pools

`tenant` and `site` are ids (a rename keeps the series); `pool` is the pool's name, unique
in its tenant. Dashboards show tenant and site names through their variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy.ext.asyncio import AsyncSession

from hub.ipam.schemas import Utilization
from hub.ipam.service import address_utilization
from hub.ipam.vlans import vlan_utilization

RATIO = "dotmac_ipam_pool_utilization_ratio"
SLOTS = "dotmac_ipam_pool_slots"
VLAN_RATIO = "dotmac_ipam_vlan_pool_utilization_ratio"
STATES = ("used", "reserved", "quarantined", "free")


@dataclass(frozen=True)
class PoolGauge:
    """One pool's numbers and labels."""

    tenant: str
    site: str
    utilization: Utilization

    @property
    def labels(self) -> list[str]:
        """tenant id, site id, pool name."""
        return [self.tenant, self.site, self.utilization.pool]

    @property
    def ratio(self) -> float:
        """Slots taken (allocated, reserved, quarantined) over the pool's size."""
        u = self.utilization
        return (u.used + u.reserved + u.quarantined) / u.size if u.size else 0.0


@dataclass(frozen=True)
class PoolGauges:
    """Every tenant's address and VLAN pools at one pass."""

    pools: list[PoolGauge] = field(default_factory=list)
    vlan_pools: list[PoolGauge] = field(default_factory=list)


async def pool_gauges(session: AsyncSession) -> PoolGauges:
    """Read every pool of every tenant (in the caller's transaction)."""
    pools = await address_utilization(session, None)
    vlans = await vlan_utilization(session, None)
    return PoolGauges(
        [PoolGauge(p.tenant_id, str(p.utilization.site_id), p.utilization) for p in pools],
        [PoolGauge(v.tenant_id, str(v.utilization.site_id), v.utilization) for v in vlans])


def pool_families(gauges: PoolGauges) -> list[Metric]:
    """The gauges of a snapshot, as metric families."""
    labels = ["tenant", "site", "pool"]
    ratio = GaugeMetricFamily(RATIO, "Share of an address pool allocated, reserved or "
                              "quarantined (1 = full)", labels=labels)
    slots = GaugeMetricFamily(SLOTS, "Addresses (or prefixes) of an address pool by state",
                              labels=[*labels, "state"])
    for gauge in gauges.pools:
        ratio.add_metric(gauge.labels, gauge.ratio)
        for state in STATES:
            slots.add_metric([*gauge.labels, state], getattr(gauge.utilization, state))
    vlan = GaugeMetricFamily(VLAN_RATIO, "Share of a VLAN pool allocated or reserved "
                             "(1 = full)", labels=labels)
    for gauge in gauges.vlan_pools:
        vlan.add_metric(gauge.labels, gauge.ratio)
    return [ratio, slots, vlan]
