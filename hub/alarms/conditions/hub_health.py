"""Rules about the hub itself, per tenant: ingest lag, failing webhook endpoints."""

from __future__ import annotations

from datetime import datetime, timedelta

from hub.alarms.conditions.base import Outcome, alarm_type, dedupe_key, number, severity
from hub.alarms.conditions.snapshot import EndpointRow, Snapshot
from hub.alarms.rules import Rule
from hub.alarms.service import Condition

REPORTING_S = 180.0  # an agent heard from this lately has a health report describing now
NAMED_AGENTS = 10


def ingest_lag(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """Health reports of online agents reach the hub more than `max_lag_s` after the agent
    sent them (`agent_health.lag_s`): one alarm for the tenant naming the agents, since
    when the oldest late report was sent."""
    max_lag = number(rule, "max_lag_s", 60)
    key = dedupe_key(rule.key, "hub")
    out = Outcome()
    recent = now - timedelta(seconds=REPORTING_S)
    reporting = [a for a in snapshot.agents
                 if not a.revoked and a.state == "online" and a.lag_s is not None
                 and a.health_ts is not None and a.last_seen_at is not None
                 and a.last_seen_at >= recent]
    late = sorted((a for a in reporting if (a.lag_s or 0.0) > max_lag),
                  key=lambda a: -(a.lag_s or 0.0))
    if not late:
        if reporting:
            out.ended[key] = max(a.last_seen_at or now for a in reporting)
        return out
    worst = late[0]
    out.add(Condition(
        tenant_id=snapshot.tenant_id, rule=rule.key, dedupe_key=key, alarm_type=alarm_type(rule),
        severity=severity(rule), subject="hub ingest", origin="hub",
        at=min(a.health_ts or now for a in late),
        summary=f"agent reports reach the hub late: {worst.name} {worst.lag_s:.0f} s "
                f"(limit {max_lag:g} s; {len(late)} of {len(reporting)} agents)",
        details={"max_lag_s": max_lag, "late_agents": len(late), "agents": len(reporting),
                 "worst": [{"agent": a.name, "agent_id": str(a.agent_id),
                            "lag_s": round(a.lag_s or 0.0, 1)} for a in late[:NAMED_AGENTS]]}))
    return out


def _failing_since(endpoint: EndpointRow, failures: int) -> datetime | None:
    """Creation time of the oldest of the last `failures` attempted deliveries when none of
    them was delivered; None when the endpoint is not failing."""
    last = endpoint.recent[:failures]
    if len(last) < failures or any(d.status == "delivered" for d in last):
        return None
    return min(d.created_at for d in last)


def webhook_failing(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """An active webhook endpoint failed each of its last `failures` attempted deliveries
    (retrying or dead); it ends with the first one delivered."""
    failures = int(number(rule, "failures", 5))
    out = Outcome()
    for endpoint in snapshot.endpoints:
        key = dedupe_key(rule.key, endpoint.endpoint_id)
        since = _failing_since(endpoint, failures)
        if since is None:
            continue
        newest = endpoint.recent[0]
        reason = newest.last_error or (f"HTTP {newest.last_status_code}"
                                       if newest.last_status_code else "no answer")
        out.add(Condition(
            tenant_id=snapshot.tenant_id, rule=rule.key, dedupe_key=key,
            alarm_type=alarm_type(rule), severity=severity(rule),
            subject=f"webhook {endpoint.host}"[:255], origin="hub", at=since,
            summary=f"webhook endpoint {endpoint.host} failed its last {failures} deliveries "
                    f"({reason[:200]})",
            details={"endpoint_id": str(endpoint.endpoint_id), "failures": failures,
                     "last_error": reason[:300]}))
    return out
