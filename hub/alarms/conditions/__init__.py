"""The alarm rules the hub evaluates itself (telemetry, agent state, the hub), as pure
functions: one tenant's rows (`Snapshot`), the rule with its params and the time of the pass
in; the conditions true now (`Outcome`) out. `read` fills the snapshot from the rows of
`hub.alarms.repository.conditions` (no module here runs a statement); `hub.alarms.evaluator`
raises what is active and clears the rest. Event rules are not here (`hub.alarms.event_rules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from hub.alarms.conditions.agents import (
    agent_config_not_applied,
    agent_events_dropped,
    agent_offline,
    agent_queue_backlog,
)
from hub.alarms.conditions.base import ConditionFn, Outcome, dedupe_key
from hub.alarms.conditions.devices import (
    device_cpu,
    device_memory,
    device_temperature,
    device_unreachable,
    ups_battery,
    ups_on_battery,
)
from hub.alarms.conditions.hub_health import ingest_lag, webhook_failing
from hub.alarms.conditions.interfaces import interface_down, interface_errors, interface_optical_rx
from hub.alarms.conditions.ipam import pool_full
from hub.alarms.conditions.schedules import schedule_failed
from hub.alarms.conditions.snapshot import (
    AgentRow,
    ConfigRow,
    DeliveryRow,
    DeviceRow,
    DropMark,
    EndpointRow,
    GaugeRow,
    InterfaceRow,
    RollupRow,
    Snapshot,
)
from hub.alarms.rules import Rule

# Rule key -> its condition function. A rule of source telemetry/agent/hub with no entry
# here (a placeholder such as pool.utilization) is not evaluated.
RULES: Mapping[str, ConditionFn] = {
    "device.unreachable": device_unreachable,
    "interface.down": interface_down,
    "interface.errors": interface_errors,
    "device.cpu": device_cpu,
    "device.memory": device_memory,
    "device.temperature": device_temperature,
    "interface.optical_rx": interface_optical_rx,
    "ups.on_battery": ups_on_battery,
    "ups.battery": ups_battery,
    "agent.offline": agent_offline,
    "agent.queue_backlog": agent_queue_backlog,
    "agent.config_not_applied": agent_config_not_applied,
    "agent.events_dropped": agent_events_dropped,
    "hub.ingest_lag": ingest_lag,
    "hub.webhook_failing": webhook_failing,
    "hub.schedule_failed": schedule_failed,
    "ipam.pool_full": pool_full,
}


def evaluate(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """What `rule` finds in `snapshot` at `now` (an empty outcome for a rule with no
    condition function)."""
    function = RULES.get(rule.key)
    return function(snapshot, rule, now) if function is not None else Outcome()


__all__ = [
    "RULES", "AgentRow", "ConditionFn", "ConfigRow", "DeliveryRow", "DeviceRow", "DropMark",
    "EndpointRow", "GaugeRow", "InterfaceRow", "Outcome", "RollupRow", "Snapshot", "dedupe_key",
    "evaluate",
]
