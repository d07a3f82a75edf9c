"""Golden scenario: a GB plan whose usage comes from RADIUS accounting (usage_source radius),
beside the same plan read from the switch port (snmp).

Plan "Sessions" 30.00 EUR a month, cap 100 GB, 0.50 EUR per GB over it, overage and
throttle at 1 024 / 512 kb/s. The subscriber's sessions carried 70 GB on 3 March and 50 GB on
9 March (hourly usage rows as accounting stores them); its port counters say 10 GB. Invoiced
on 1 April: 30.00 + 20 GB x 0.50 = 40.00; the cap run of 10 March throttles it. The same plan
on snmp reads the port: 10 GB, no overage, no throttle. A radius plan must be a gb plan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest_asyncio

from hub.access.sessions.models import SessionUsageHour
from hub.billing.caps import enforce_usage_caps
from hub.billing.network import RecordedNetworkActions
from hub.billing.repository import invoice_lines
from tests.hub.billing.books import Books, open_books, utc
from tests.hub.harness import Hub

GB = 10**9
PLAN = {"name": "Sessions", "usage_kind": "gb", "gb_cap": Decimal(100),
        "overage_per_gb": Decimal("0.50"), "cap_action": "overage_and_throttle",
        "cap_throttle_down_kbps": 1024, "cap_throttle_up_kbps": 512}


@pytest_asyncio.fixture(loop_scope="session")
async def books(hub: Hub) -> AsyncIterator[Books]:
    opened, _ = await open_books(hub, "radius-usage")
    try:
        yield opened
    finally:
        await opened.session.rollback()
        await opened.session.close()


async def _accounted(books: Books, sub_id: Any, day: date, gb: int) -> None:
    """`gb` GB of session traffic in the noon hour of `day` (in and out halves)."""
    books.session.add(SessionUsageHour(subscription_id=sub_id, tenant_id=books.tenant_id,
                                       hour=utc(day) + timedelta(hours=12),
                                       input_octets=gb * GB // 2, output_octets=gb * GB // 2))
    await books.session.flush()


async def test_radius_usage_is_invoiced_and_throttles_the_snmp_twin_reads_the_port(
        books: Books) -> None:
    customer = await books.customer()
    radius_sub = await books.subscribe(customer, await books.plan(3000, **PLAN,
                                                                  usage_source="radius"),
                                       date(2026, 2, 1), if_index=21)
    snmp_sub = await books.subscribe(customer, await books.plan(3000, **PLAN),
                                     date(2026, 2, 1), if_index=22)
    for if_index in (21, 22):  # the ports say 10 GB each
        await books.rollups(if_index, utc(date(2026, 3, 4)), [(5 * GB, 5 * GB)])
    await _accounted(books, radius_sub.id, date(2026, 3, 3), 70)
    await _accounted(books, radius_sub.id, date(2026, 3, 9), 50)
    await _accounted(books, radius_sub.id, date(2026, 4, 2), 500)  # April: not March's

    report = await enforce_usage_caps(books.session, books.tenant_id, date(2026, 3, 10),
                                      RecordedNetworkActions(books.session, books.tenant_id))
    assert report.throttled == [radius_sub.id]
    assert await books.actions(radius_sub) == [("activate", None),
                                               ("change_speed", "cap_throttle")]
    assert await books.actions(snmp_sub) == [("activate", None)]

    made = await books.invoicing.run(date(2026, 3, 1), date(2026, 4, 1))
    totals = {inv.subscription_id: inv.total_minor for inv in made}
    assert totals == {radius_sub.id: 4000, snmp_sub.id: 3000}
    radius_invoice = next(inv for inv in made if inv.subscription_id == radius_sub.id)
    usage = [line for line in await invoice_lines(books.session, radius_invoice.id)
             if line.kind == "usage"]
    assert [(line.quantity, line.amount_minor) for line in usage] == [(Decimal(20), 1000)]
    assert "Data 120" in usage[0].description


async def test_radius_usage_needs_a_gb_plan(hub: Hub) -> None:
    owner = await hub.new_tenant("radius-usage-check")
    resp = await hub.client.post("/billing/plans", json={
        "name": "p95 via radius", "currency": "EUR", "down_kbps": 1000, "up_kbps": 1000,
        "price_minor": 100, "usage_kind": "none", "usage_source": "radius"},
        headers=owner.headers)
    assert resp.status_code == 422 and "usage_source radius needs usage_kind gb" in resp.text
    made = await hub.post(owner, "/billing/plans", {
        "name": "gb via radius", "currency": "EUR", "down_kbps": 1000, "up_kbps": 1000,
        "price_minor": 100, "usage_kind": "gb", "gb_cap": "10", "overage_per_gb": "1",
        "usage_source": "radius", "radius_suspended_action": "walled_garden"})
    assert (made["usage_source"], made["radius_suspended_action"]) == (
        "radius", "walled_garden")
