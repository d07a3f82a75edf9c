"""Agent rules: offline, queue backlog, configuration not applied, device events dropped."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hub.alarms.conditions.base import (
    SUBJECT_MAX,
    Outcome,
    alarm_type,
    dedupe_key,
    number,
    severity,
)
from hub.alarms.conditions.snapshot import AgentRow, DropMark, Snapshot
from hub.alarms.rules import Rule
from hub.alarms.service import Condition


def agent_condition(snapshot: Snapshot, rule: Rule, agent: AgentRow, *, at: datetime,
                    summary: str, details: dict[str, Any] | None = None) -> Condition:
    """A condition about one agent (`rule|agent id|`)."""
    return Condition(
        tenant_id=snapshot.tenant_id, rule=rule.key, dedupe_key=dedupe_key(rule.key,
                                                                           agent.agent_id),
        alarm_type=alarm_type(rule), severity=severity(rule), subject=agent.name[:SUBJECT_MAX],
        summary=summary, origin="agent", at=at, site_id=agent.site_id, agent_id=agent.agent_id,
        details=details or {})


def _silent_for(agent: AgentRow, now: datetime) -> float | None:
    if agent.last_seen_at is None:
        return None
    return (now - agent.last_seen_at).total_seconds()


def agent_offline(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """Offline (its retained Last Will, or a goodbye) for `after_s`, or nothing heard from
    it for `stale_s` although it never said goodbye. It began when it went offline or
    when it was last heard from; it ends when it comes back online."""
    after_s, stale_s = number(rule, "after_s", 60), number(rule, "stale_s", 180)
    out = Outcome()
    for agent in snapshot.agents:
        key = dedupe_key(rule.key, agent.agent_id)
        if agent.revoked or (agent.last_seen_at is None and agent.state != "offline"):
            continue  # revoked, or never heard from
        silent = _silent_for(agent, now)
        if agent.state == "offline":
            since = agent.state_since or agent.last_seen_at or now
            if now - since >= timedelta(seconds=after_s):
                out.add(agent_condition(
                    snapshot, rule, agent, at=since,
                    summary=f"agent {agent.name} offline since {since:%Y-%m-%d %H:%M:%S} UTC",
                    details={"reason": "offline", "after_s": after_s}))
            else:
                out.unknown.add(key)
        elif silent is not None and silent >= stale_s and agent.last_seen_at is not None:
            out.add(agent_condition(
                snapshot, rule, agent, at=agent.last_seen_at,
                summary=f"agent {agent.name} silent for {silent:.0f} s (no health, no Last "
                        "Will: network or broker path down?)",
                details={"reason": "stale", "silent_s": round(silent), "stale_s": stale_s}))
        elif agent.state_since is not None and now - agent.state_since <= \
                timedelta(seconds=stale_s):
            out.ended[key] = agent.state_since  # back online lately: that is when it ended
    return out


def _reporting(agent: AgentRow, now: datetime, stale_s: float = 180.0) -> bool:
    """Not offline and heard from lately: its health figures describe now."""
    silent = _silent_for(agent, now)
    return agent.state != "offline" and silent is not None and silent < stale_s \
        and agent.health_ts is not None


def agent_queue_backlog(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """The oldest message in the agent's durable queue is older than `max_age_s`: it began
    when that message crossed the limit."""
    max_age = number(rule, "max_age_s", 600)
    out = Outcome()
    for agent in snapshot.agents:
        key = dedupe_key(rule.key, agent.agent_id)
        if agent.revoked:
            continue
        if not _reporting(agent, now) or agent.oldest_queued_age_s is None:
            out.unknown.add(key)
            continue
        assert agent.health_ts is not None
        age = agent.oldest_queued_age_s
        if age <= max_age:
            out.ended[key] = agent.health_ts
            continue
        out.add(agent_condition(
            snapshot, rule, agent,
            at=agent.health_ts - timedelta(seconds=age) + timedelta(seconds=max_age),
            summary=f"agent {agent.name}: oldest queued message {age:.0f} s old "
                    f"(above {max_age:g} s)",
            details={"oldest_queued_age_s": age, "max_age_s": max_age}))
    return out


def agent_config_not_applied(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """The agent runs an older configuration than the hub wants: it refused the new one
    (at once), or has not applied it `after_s` after it was wanted."""
    after_s = number(rule, "after_s", 600)
    out = Outcome()
    for config in snapshot.configs:
        agent = snapshot.agents_by_id.get(config.agent_id)
        if agent is None or agent.revoked:
            continue
        key = dedupe_key(rule.key, agent.agent_id)
        if config.desired_version <= config.applied_version:
            continue
        versions = {"desired_version": config.desired_version,
                    "applied_version": config.applied_version}
        if config.last_error_code is not None:
            out.add(agent_condition(
                snapshot, rule, agent, at=config.last_error_at or config.desired_at or now,
                summary=f"agent {agent.name} refused configuration version "
                        f"{config.desired_version}: {config.last_error_code}",
                details={**versions, "error_code": config.last_error_code,
                         "error_detail": (config.last_error_detail or "")[:500]}))
        elif agent.state == "offline":
            out.unknown.add(key)  # agent.offline says why; applying waits for it
        elif config.desired_at is not None and \
                now - config.desired_at >= timedelta(seconds=after_s):
            out.add(agent_condition(
                snapshot, rule, agent, at=config.desired_at,
                summary=f"agent {agent.name} runs configuration version "
                        f"{config.applied_version}, not {config.desired_version} "
                        f"(wanted since {config.desired_at:%Y-%m-%d %H:%M:%S} UTC)",
                details=versions))
        else:
            out.unknown.add(key)
    return out


def agent_events_dropped(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """The agent's storm control dropped device events between two of its health reports
    (`events_dropped` counts since the agent started; the count and the report it came
    from are kept in this alarm's details). Decided once per new health report: until the
    next one the alarm stays as it is. A restarted agent counts from zero again."""
    out = Outcome()
    for agent in snapshot.agents:
        if agent.revoked or agent.events_dropped is None or not _reporting(agent, now):
            continue
        assert agent.health_ts is not None
        key = dedupe_key(rule.key, agent.agent_id)
        mark = snapshot.drop_marks.get(agent.agent_id)
        run, report = _iso(agent.state_since), _iso(agent.health_ts)
        if mark is not None and mark.health_ts == report:
            out.unknown.add(key)  # no report since the last decision
            continue
        new = _new_drops(agent.events_dropped, mark, run)
        marks = {"events_dropped": agent.events_dropped, "agent_run": run, "health_ts": report}
        if new <= 0:
            out.ended[key] = agent.health_ts
            continue
        out.add(agent_condition(
            snapshot, rule, agent, at=agent.health_ts,
            summary=f"agent {agent.name} dropped {new} device events (storm control; "
                    f"{agent.events_dropped} since it started)",
            details={**marks, "new": new}))
    return out


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _new_drops(dropped: int, mark: DropMark | None, run: str | None) -> int:
    """Drops since the mark (all of them when the mark is of an earlier run of the agent,
    or the counter went back: a restart)."""
    before = mark.dropped if mark is not None and mark.run == run else 0
    return dropped - (before if dropped >= before else 0)
