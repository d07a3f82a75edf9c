"""Pool utilization gauges as Prometheus scrapes them (and the numbers the API gives)."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector

from hub.ipam.metrics import PoolGauges, pool_families, pool_gauges
from tests.hub.harness import Hub
from tests.hub.ipam.support import pool, site, subscription, subscriptions


class _Shown(Collector):
    """Shows one snapshot, as hub.hub_health's collector shows its own."""

    def __init__(self, gauges: PoolGauges) -> None:
        self.gauges = gauges

    def collect(self) -> Iterable[Metric]:
        return pool_families(self.gauges)


async def test_gauges_carry_tenant_site_and_pool(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-metrics")
    made = await pool(hub, owner, "100.110.0.0/29", gateway="100.110.0.1")  # 6 slots
    for sub in await subscriptions(hub, owner, 2):
        await hub.post(owner, f"/ipam/pools/{made['id']}/allocations",
                       {"subscription_id": sub})
    vlans = await hub.post(owner, "/ipam/vlan-pools", {
        "site_id": await site(hub, owner), "name": "m-vlans", "first_tag": 10,
        "last_tag": 13})
    await hub.post(owner, f"/ipam/vlan-pools/{vlans['id']}/allocations",
                   {"subscription_id": await subscription(hub, owner)})
    async with hub.app.state.sessions() as session:
        gauges = await pool_gauges(session)
    registry = CollectorRegistry()
    registry.register(_Shown(gauges))
    samples = {(s.name, s.labels.get("pool"), s.labels.get("state", "")): (s.value, s.labels)
               for family in text_string_to_metric_families(generate_latest(registry).decode())
               for s in family.samples}
    ratio, labels = samples[("dotmac_ipam_pool_utilization_ratio", made["name"], "")]
    assert ratio == 0.5  # gateway + two subscribers of 6
    assert labels == {"tenant": str(owner.tenant_id), "site": made["site_id"],
                      "pool": made["name"]}
    assert samples[("dotmac_ipam_pool_slots", made["name"], "used")][0] == 2
    assert samples[("dotmac_ipam_pool_slots", made["name"], "reserved")][0] == 1
    assert samples[("dotmac_ipam_pool_slots", made["name"], "free")][0] == 3
    assert samples[("dotmac_ipam_vlan_pool_utilization_ratio", "m-vlans", "")][0] == 0.25
