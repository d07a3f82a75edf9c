"""The IPAM dashboard shows the pools as the API counts them.

A migrated hub database gets a tenant with two sites, address pools and a VLAN pool filled
through the IPAM services (allocations, a reservation, a release into quarantine). The hub's
pool gauges, rendered by the real `hub.ipam.metrics` families, are scraped into
VictoriaMetrics every minute for ten minutes. Each panel is then run as Grafana runs it
(variables and macros substituted as in test_dashboards.py): the tables must equal
`/ipam/utilization`'s numbers, the bars the gauges' ratios, the site variable must narrow
every panel, and the variables show names while keeping ids.
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.parse
import urllib.request
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest_asyncio
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dashboards import root
from hub.billing.models import Customer, Plan, Subscription
from hub.billing.service import scheduler_principal
from hub.inventory.models import Site
from hub.ipam.metrics import PoolGauges, pool_families, pool_gauges
from hub.ipam.pools import AllocationService, PoolService, PrefixService
from hub.ipam.schemas import (
    AllocationCreate,
    PoolCreate,
    PrefixCreate,
    ReservationCreate,
    VlanAllocationCreate,
    VlanPoolCreate,
)
from hub.ipam.service import address_utilization
from hub.ipam.vlans import VlanService, vlan_utilization
from tests.dashboards.test_dashboards import Filled, _options, _series, _substitute, queried
from tests.hub.harness import drop_database
from tests.hub.ingest.harness import engine_and_sessions, migrated_database, new_tenancy
from tests.services.postgres import Postgres
from tests.services.victoria import Victoria

PATH = root() / "ipam.json"
HUB = Path(__file__).resolve().parents[2] / "hub"
ALL = ".*"  # the site variable's "All"
COLUMNS = ("size", "used", "reserved", "quarantined", "free")


@dataclass
class Made:
    """Where the pools are and what the API says about them."""

    filled: Filled
    sites: dict[str, str]  # site name -> id
    pools: dict[str, dict[str, Any]]  # pool name -> utilization (API numbers)
    vlans: dict[str, dict[str, Any]]


def _doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(PATH.read_text())
    return doc


async def _fill(sessions: async_sessionmaker[AsyncSession], tenant: uuid.UUID,
                site: uuid.UUID) -> uuid.UUID:
    """Pool `core` (14 slots: gateway, 3 allocated, 1 reserved, 1 quarantined) on the first
    site; `edge` (6 slots, 1 allocated) and VLAN pool `olt` (4 tags, 1 reserved, 1
    allocated) on a second one, returned."""
    async with sessions() as session:
        other = Site(tenant_id=tenant, name=f"pop-b-{secrets.token_hex(3)}")
        session.add(other)
        await session.commit()
        core = await _pool(session, tenant, site, "100.120.0.0/28", "core", "100.120.0.1")
        edge = await _pool(session, tenant, other.id, "100.121.0.0/29", "edge", None)
        subs = await _subscriptions(session, tenant, 6)
        allocations = AllocationService(session, scheduler_principal(tenant))
        made = [await allocations.allocate(core, AllocationCreate(subscription_id=sub))
                for sub in subs[:4]]
        await allocations.release(made[0].id)
        await allocations.reserve(core, ReservationCreate(address="100.120.0.14", note="sw"))
        await allocations.allocate(edge, AllocationCreate(subscription_id=subs[4]))
        vlans = VlanService(session, scheduler_principal(tenant))
        olt = await vlans.create(VlanPoolCreate(site_id=other.id, name="olt", first_tag=100,
                                                last_tag=103, reserved=[100]))
        await vlans.allocate(olt.id, VlanAllocationCreate(subscription_id=subs[5]))
        return other.id


async def _subscriptions(session: AsyncSession, tenant: uuid.UUID, count: int,
                         ) -> list[uuid.UUID]:
    """Billing subscriptions to allocate to (the hub may check the ids against billing)."""
    customer = Customer(tenant_id=tenant, name="Ann", currency="EUR")
    plan = Plan(tenant_id=tenant, name="Fibre", currency="EUR", down_kbps=1000, up_kbps=1000,
                price_minor=1000)
    session.add_all([customer, plan])
    await session.flush()
    subs = [Subscription(tenant_id=tenant, customer_id=customer.id, plan_id=plan.id)
            for _ in range(count)]
    session.add_all(subs)
    await session.commit()
    return [sub.id for sub in subs]


async def _pool(session: AsyncSession, tenant: uuid.UUID, site: uuid.UUID, prefix: str,
                name: str, gateway: str | None) -> uuid.UUID:
    who = scheduler_principal(tenant)
    made = await PrefixService(session, who).create(PrefixCreate(site_id=site, prefix=prefix))
    pool = await PoolService(session, who).create(PoolCreate(prefix_id=made.id, name=name,
                                                             gateway=gateway))
    return pool.id


class _Shown(Collector):
    def __init__(self, gauges: PoolGauges) -> None:
        self.gauges = gauges

    def collect(self) -> Any:
        return pool_families(self.gauges)


def _scrape(vm_url: str, gauges: PoolGauges, start: datetime, end: datetime) -> None:
    """The gauges as one API replica exports them, scraped every minute into VM."""
    registry = CollectorRegistry()
    registry.register(_Shown(gauges))
    lines = [line for line in generate_latest(registry).decode().splitlines()
             if line and not line.startswith("#")]
    body, at = [], start
    while at <= end:
        ms = int(at.timestamp() * 1000)
        body += [f"{line} {ms}\n" for line in lines]
        at += timedelta(minutes=1)
    labels = urllib.parse.urlencode([("extra_label", "job=dotmac-hub"),
                                     ("extra_label", f"instance=ipam-{secrets.token_hex(4)}")])
    request = urllib.request.Request(f"{vm_url}/api/v1/import/prometheus?{labels}",
                                     data="".join(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=60) as resp:
        assert resp.status == 204, resp.status
    urllib.request.urlopen(f"{vm_url}/internal/force_flush", timeout=10).close()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def made(postgres: Postgres, victoria: Victoria) -> AsyncIterator[Made]:
    url = migrated_database(postgres, "ipamdash")
    name = url.rsplit("/", 1)[1]
    engine, sessions = engine_and_sessions(url)
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        where = await new_tenancy(sessions)
        other = await _fill(sessions, where.tenant_id, where.site_id)
        async with sessions() as session:
            gauges = await pool_gauges(session)
            pools = await address_utilization(session, where.tenant_id)
            vlans = await vlan_utilization(session, where.tenant_id)
            site_names = {s.id: s.name for s in (await session.get(Site, where.site_id),
                                                  await session.get(Site, other)) if s}
    finally:
        await engine.dispose()
    _scrape(victoria.url, gauges, now - timedelta(minutes=10), now)
    dsn = f"host={postgres.host} port={postgres.port} user={postgres.user} dbname={name}"
    yield Made(Filled(dsn, victoria.url, str(where.tenant_id), now - timedelta(minutes=10),
                      now),
               {n: str(i) for i, n in site_names.items()},
               {p.utilization.pool: p.utilization.model_dump() for p in pools},
               {v.utilization.pool: v.utilization.model_dump() for v in vlans})
    drop_database(postgres.admin_dsn, name)


def _panel(title: str) -> dict[str, Any]:
    return next(p for _, p in queried(_doc()) if p["title"] == title)


def _rows(title: str, m: Made, site: str = ALL) -> dict[str, dict[str, Any]]:
    (target,) = _panel(title)["targets"]
    values = {"tenant": m.filled.tenant, "site": site}
    with psycopg.connect(m.filled.dsn) as conn:
        cur = conn.execute(_substitute(target["rawSql"], values, m.filled))
        names = [c.name for c in cur.description or ()]
        found = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    return {row["pool"]: row for row in found}


def _bars(title: str, m: Made, site: str = ALL) -> dict[str, float]:
    (target,) = _panel(title)["targets"]
    values = {"tenant": m.filled.tenant, "site": site}
    return {s["metric"]["pool"]: round(float(s["values"][-1][1]), 6)  # VM keeps 12 digits
            for s in _series(target, values, m.filled)}


def test_ipam_dashboard_is_well_formed() -> None:
    doc = _doc()
    assert doc["uid"] == "dotmac-ipam" and "dotmac" in doc["tags"]
    assert [v["name"] for v in doc["templating"]["list"]] == ["DS_VICTORIA", "DS_HUBDB",
                                                              "tenant", "site"]
    assert [p["type"] for _, p in queried(doc)] == ["table", "bargauge", "table", "bargauge"]
    source = "\n".join(p.read_text() for p in (HUB / "ipam").rglob("*.py"))
    exported = set(re.findall(r'"(dotmac_[a-z0-9_]+)"', source))
    read = {m for _, p in queried(doc) for t in p["targets"] if "expr" in t
            for m in re.findall(r"\b(dotmac_[a-z0-9_]+)", t["expr"])}
    assert read and read <= exported, sorted(read - exported)


def test_the_tables_show_the_apis_numbers(made: Made) -> None:
    pools = _rows("Address pools", made)
    assert list(pools) == ["core", "edge"]  # fullest first
    for name, api in made.pools.items():
        assert {c: pools[name][c] for c in COLUMNS} == {c: api[c] for c in COLUMNS}, name
        assert round(100 * pools[name]["utilization"], 2) == api["percent"]
    assert {c: pools["core"][c] for c in COLUMNS} == {
        "size": 14, "used": 3, "reserved": 2, "quarantined": 1, "free": 8}
    vlans = _rows("VLAN pools", made)
    assert vlans["olt"]["tags"] == "100-103"
    assert (vlans["olt"]["used"], vlans["olt"]["reserved"], vlans["olt"]["free"]) == (1, 1, 2)
    assert made.vlans["olt"]["percent"] == 50.0


def test_the_bars_show_the_hub_gauges(made: Made) -> None:
    bars = _bars("Address pool utilization", made)
    tables = _rows("Address pools", made)
    assert bars == {name: round(row["utilization"], 6) for name, row in tables.items()}
    assert bars["core"] == round(6 / 14, 6)
    assert _bars("VLAN pool utilization", made) == {"olt": 0.5}


def test_the_site_variable_narrows_every_panel(made: Made) -> None:
    site_b = next(i for n, i in made.sites.items() if n.startswith("pop-b-"))
    assert list(_rows("Address pools", made, site_b)) == ["edge"]
    assert list(_bars("Address pool utilization", made, site_b)) == ["edge"]
    assert list(_rows("VLAN pools", made, site_b)) == ["olt"]
    other = next(i for n, i in made.sites.items() if i != site_b)
    assert _rows("VLAN pools", made, other) == {}


def test_the_variables_show_tenant_and_site_names(made: Made) -> None:
    variables = {v["name"]: v for v in _doc()["templating"]["list"]}
    tenants = _options(variables["tenant"], {}, made.filled)
    assert made.filled.tenant in tenants and tenants[made.filled.tenant].startswith("isp")
    sites = _options(variables["site"], {"tenant": made.filled.tenant}, made.filled)
    assert sites == {i: n for n, i in made.sites.items()}
