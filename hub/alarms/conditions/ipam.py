"""Rules about the tenant's address plan (hub.ipam): a pool running out."""

from __future__ import annotations

from datetime import datetime

from hub.alarms.conditions.base import Outcome, alarm_type, dedupe_key, number, severity
from hub.alarms.conditions.snapshot import Snapshot
from hub.alarms.rules import Rule
from hub.alarms.service import Condition


def pool_full(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """An address or VLAN pool at `threshold_percent` or more (allocated, reserved and
    quarantined slots): one alarm per pool, cleared once it is below the threshold by
    `clear_margin_percent`, so a pool hovering at the threshold does not flap. Dynamic pools
    count subscriptions drawing from the NAS's pool and may pass 100 %."""
    threshold = number(rule, "threshold_percent", 90.0)
    clear_below = threshold - number(rule, "clear_margin_percent", 5.0)
    out = Outcome()
    for pool in snapshot.pools:
        key = dedupe_key(rule.key, pool.pool_id)
        if pool.percent < clear_below:
            out.ended[key] = now
        elif pool.percent < threshold:
            out.unknown.add(key)  # between the two: an open alarm stays, none is raised
        else:
            out.add(Condition(
                tenant_id=snapshot.tenant_id, rule=rule.key, dedupe_key=key,
                alarm_type=alarm_type(rule), severity=severity(rule),
                subject=f"pool {pool.pool} ({pool.site})"[:255], origin="hub", at=now,
                summary=f"{pool.kind} pool {pool.pool} at {pool.site} is {pool.percent:.1f} % "
                        f"full ({pool.size} slots; threshold {threshold:g} %)",
                details={"pool_id": str(pool.pool_id), "pool": pool.pool, "kind": pool.kind,
                         "site": pool.site, "size": pool.size,
                         "percent": round(pool.percent, 1)}))
    return out
