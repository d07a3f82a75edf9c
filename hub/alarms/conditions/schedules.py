"""Rules about the tenant's schedules (hub.schedules): a run that failed for good."""

from __future__ import annotations

from datetime import datetime

from hub.alarms.conditions.base import Outcome, alarm_type, dedupe_key, severity
from hub.alarms.conditions.snapshot import Snapshot
from hub.alarms.rules import Rule
from hub.alarms.service import Condition

FAILED_FOR_GOOD = ("failed", "abandoned")


def schedule_failed(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """A schedule's most recently finished run failed for good (out of attempts, or its
    process stopped during every attempt): one alarm per schedule, cleared when a later run
    of it succeeds."""
    del now
    out = Outcome()
    for row in snapshot.schedules:
        key = dedupe_key(rule.key, row.schedule_id)
        if row.status not in FAILED_FOR_GOOD:
            out.ended[key] = row.finished_at
            continue
        out.add(Condition(
            tenant_id=snapshot.tenant_id, rule=rule.key, dedupe_key=key,
            alarm_type=alarm_type(rule), severity=severity(rule),
            subject=f"schedule {row.kind}"[:255], origin="hub", at=row.finished_at,
            summary=f"scheduled {row.kind} for {row.due_at:%Y-%m-%d %H:%M} UTC {row.status} "
                    f"after {row.attempt} attempts: {(row.error or 'no error recorded')[:200]}",
            details={"schedule_id": str(row.schedule_id), "kind": row.kind,
                     "due_at": row.due_at.isoformat(), "status": row.status,
                     "attempts": row.attempt, "error": (row.error or "")[:300]}))
    return out
