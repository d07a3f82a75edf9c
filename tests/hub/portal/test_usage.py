"""GET /portal/subscriptions/{id}/usage: daily GB in and out, and the numbers the plan is
rated by, equal to what billing computes for the same period from the same rollups."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hub.access.sessions.models import SessionUsageHour
from hub.billing.charges import Charge
from hub.billing.invoicing import Invoicing
from hub.billing.models import Plan, Subscription
from tests.hub.harness import Account, Hub
from tests.hub.portal.support import device, member, plan, subscription, traffic

MARCH = {"from": "2026-03-01", "to": "2026-04-01"}
GIGA = 10**9


async def _billing_usage(hub: Hub, owner: Account, sub_id: str,
                         started: date = date(2026, 3, 1)) -> Charge:
    """The usage charge billing computes for March 2026 (the subscription on its plan from
    `started`: the test staged the activation, so it passes the plan history itself)."""
    async with hub.app.state.sessions() as session:
        sub = await session.get_one(Subscription, uuid.UUID(sub_id))
        on_plan = [(started, await session.get_one(Plan, sub.plan_id))]
        found = await Invoicing(session, owner.tenant_id).charges_for(
            sub, date(2026, 3, 1), date(2026, 4, 1), on_plan)
    [usage] = [c for c in found if c.kind == "usage"]
    return usage


async def _usage(hub: Hub, who: Account, sub_id: str, period: dict[str, str]) -> Any:
    resp = await hub.client.get(f"/portal/subscriptions/{sub_id}/usage", params=period,
                                headers=who.headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


async def _march_traffic(hub: Hub, owner: Account, dev: dict[str, Any]) -> None:
    """Buckets on 1, 2 and 31 March, and one either side of the month (not counted)."""
    at = datetime(2026, 3, 1, tzinfo=UTC)
    await traffic(hub, owner.tenant_id, dev["id"], at, [(2 * GIGA, GIGA)] * 3)
    await traffic(hub, owner.tenant_id, dev["id"], at + timedelta(days=1),
                  [(GIGA * n // 10, GIGA * n // 20) for n in range(1, 41)])
    await traffic(hub, owner.tenant_id, dev["id"], datetime(2026, 3, 31, 23, 55, tzinfo=UTC),
                  [(GIGA, 3 * GIGA)])
    for outside in (datetime(2026, 2, 28, 23, 55, tzinfo=UTC),
                    datetime(2026, 4, 1, tzinfo=UTC)):
        await traffic(hub, owner.tenant_id, dev["id"], outside, [(50 * GIGA, 50 * GIGA)])


async def test_gb_cap_plan_usage_equals_billing(hub: Hub) -> None:
    owner = await hub.new_tenant("usage-gb")
    me, dev = await member(hub, owner), await device(hub, owner)
    capped = await plan(hub, owner, usage_kind="gb", gb_cap="50", overage_per_gb="0.10")
    sub = await subscription(hub, owner, me.customer_id, capped["id"], dev["id"],
                             started=date(2026, 3, 1))
    await _march_traffic(hub, owner, dev)
    body = await _usage(hub, me.account, sub["id"], MARCH)
    assert (body["usage_kind"], body["start"], body["end"]) == ("gb", "2026-03-01",
                                                                 "2026-04-01")
    days = {d["day"]: (Decimal(d["in_gb"]), Decimal(d["out_gb"])) for d in body["days"]}
    assert days == {"2026-03-01": (Decimal(6), Decimal(3)),
                    "2026-03-02": (Decimal(82), Decimal(41)),
                    "2026-03-31": (Decimal(1), Decimal(3))}
    used = Decimal(body["used_gb"])
    assert used == sum(i + o for i, o in days.values()) == Decimal(136)
    assert (Decimal(body["gb_cap"]), Decimal(body["over_gb"])) == (Decimal(50), Decimal(86))
    billed = await _billing_usage(hub, owner, sub["id"])
    assert billed.quantity == Decimal(body["over_gb"])
    assert f"Data {used} GB, cap {Decimal(body['gb_cap'])} GB" in billed.description
    assert body["billable_mbps"] is None


async def test_radius_plan_usage_is_its_sessions_not_its_port_and_equals_billing(
        hub: Hub) -> None:
    """A plan whose usage source is RADIUS: the portal shows the sessions' hourly usage (as
    accounting stored it), not the port counters, and over_gb is what billing charges."""
    owner = await hub.new_tenant("usage-radius")
    me, dev = await member(hub, owner), await device(hub, owner)
    capped = await plan(hub, owner, usage_kind="gb", gb_cap="50", overage_per_gb="0.10",
                        usage_source="radius")
    sub = await subscription(hub, owner, me.customer_id, capped["id"], dev["id"],
                             started=date(2026, 3, 1))
    await _march_traffic(hub, owner, dev)  # the port's counters: not this plan's usage
    hours = [(datetime(2026, 2, 28, 23, tzinfo=UTC), 9, 9),  # before the period
             (datetime(2026, 3, 1, 0, tzinfo=UTC), 30, 10),
             (datetime(2026, 3, 1, 13, tzinfo=UTC), 4, 1),
             (datetime(2026, 3, 31, 23, tzinfo=UTC), 20, 5),
             (datetime(2026, 4, 1, 0, tzinfo=UTC), 9, 9)]  # after it
    async with hub.app.state.sessions() as session, session.begin():
        session.add_all(SessionUsageHour(subscription_id=uuid.UUID(sub["id"]),
                                         tenant_id=owner.tenant_id, hour=hour,
                                         input_octets=i * GIGA, output_octets=o * GIGA)
                        for hour, i, o in hours)
    body = await _usage(hub, me.account, sub["id"], MARCH)
    days = {d["day"]: (Decimal(d["in_gb"]), Decimal(d["out_gb"])) for d in body["days"]}
    assert days == {"2026-03-01": (Decimal(34), Decimal(11)),
                    "2026-03-31": (Decimal(20), Decimal(5))}
    assert Decimal(body["used_gb"]) == Decimal(70)
    assert (Decimal(body["gb_cap"]), Decimal(body["over_gb"])) == (Decimal(50), Decimal(20))
    billed = await _billing_usage(hub, owner, sub["id"])
    assert billed.quantity == Decimal(body["over_gb"]) == Decimal(20)


async def test_p95_plan_usage_equals_billing(hub: Hub) -> None:
    owner = await hub.new_tenant("usage-p95")
    me, dev = await member(hub, owner), await device(hub, owner)
    burst = await plan(hub, owner, usage_kind="p95", committed_mbps="50",
                       price_per_mbps="2.00")
    sub = await subscription(hub, owner, me.customer_id, burst["id"], dev["id"],
                             started=date(2026, 3, 1))
    await _march_traffic(hub, owner, dev)
    body = await _usage(hub, me.account, sub["id"], MARCH)
    billed = await _billing_usage(hub, owner, sub["id"])
    billable = Decimal(body["billable_mbps"])
    assert billable == max(Decimal(body["p95_in_mbps"]), Decimal(body["p95_out_mbps"]))
    # 44 buckets in March: p95 is the 42nd smallest, the third largest: 3.8 GB in 5 min in
    assert billable == Decimal(str(8 * float(GIGA * 38 // 10) / 300)) / 10**6
    assert Decimal(body["over_mbps"]) == billable - 50 > 0
    assert f"95th percentile {billable} Mb/s" in billed.description
    assert billed.quantity == Decimal(body["over_mbps"])
    assert Decimal(body["committed_mbps"]) == Decimal(50)
    assert Decimal(body["used_gb"]) == Decimal(136) and body["gb_cap"] is None


async def test_a_subscription_without_a_port_or_traffic_has_empty_usage(hub: Hub) -> None:
    owner = await hub.new_tenant("usage-none")
    me = await member(hub, owner)
    flat = await plan(hub, owner)
    sub = await subscription(hub, owner, me.customer_id, flat["id"], started=date(2026, 3, 1))
    body = await _usage(hub, me.account, sub["id"], MARCH)
    assert (body["usage_kind"], body["days"], Decimal(body["used_gb"])) == ("none", [], Decimal(0))
    assert body["p95_in_mbps"] is None and body["over_gb"] is None


async def test_periods_are_checked(hub: Hub) -> None:
    owner = await hub.new_tenant("usage-period")
    me = await member(hub, owner)
    sub = await subscription(hub, owner, me.customer_id, (await plan(hub, owner))["id"])
    path = f"/portal/subscriptions/{sub['id']}/usage"
    for period, words in (({"from": "2026-03-02", "to": "2026-03-01"}, "must be after"),
                          ({"from": "2026-01-01", "to": "2026-06-01"}, "longer than 93 days")):
        resp = await hub.client.get(path, params=period, headers=me.account.headers)
        assert resp.status_code == 422 and words in resp.json()["detail"], resp.text
    default = await _usage(hub, me.account, sub["id"], {})
    today = datetime.now(UTC).date()
    assert default["start"] == today.replace(day=1).isoformat()
    assert default["end"] == (today + timedelta(days=1)).isoformat()


async def test_only_days_in_service_are_shown(hub: Hub) -> None:
    """The port carried someone's traffic on 1 March; this subscription started on the 2nd."""
    owner = await hub.new_tenant("usage-service")
    me, dev = await member(hub, owner), await device(hub, owner)
    capped = await plan(hub, owner, usage_kind="gb", gb_cap="50", overage_per_gb="0.10")
    later = await subscription(hub, owner, me.customer_id, capped["id"], dev["id"],
                               started=date(2026, 3, 2))
    await _march_traffic(hub, owner, dev)
    body = await _usage(hub, me.account, later["id"], MARCH)
    assert [d["day"] for d in body["days"]] == ["2026-03-02", "2026-03-31"]
    assert Decimal(body["used_gb"]) == 82 + 41 + 1 + 3
    billed = await _billing_usage(hub, owner, later["id"], date(2026, 3, 2))
    assert f"Data {Decimal(body['used_gb'])} GB" in billed.description
    pending = await subscription(hub, owner, me.customer_id, capped["id"], dev["id"])
    assert (await _usage(hub, me.account, pending["id"], MARCH))["days"] == []
