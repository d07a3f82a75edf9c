"""What the condition functions read: one tenant's rows from hub SQL, detached from the
session (plain frozen dataclasses, so the functions are pure and testable without a
database). `hub.alarms.evaluator` fills a `Snapshot`; only the parts the enabled rules need.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class DeviceRow:
    """An observed device (`observed_devices`) with its inventory row when it has one."""

    name: str  # the name its agent polls it by (= inventory devices.name)
    site_id: uuid.UUID
    agent_id: uuid.UUID
    status: str  # up | down | unknown
    status_since: datetime | None = None
    status_reason: str | None = None
    last_seen_at: datetime | None = None
    device_id: uuid.UUID | None = None  # inventory devices.id (None: agent-local device)
    interval_s: float = 60.0
    enabled: bool = True


@dataclass(frozen=True)
class InterfaceRow:
    """An interface from the device's last inventory report (`observed_interfaces`)."""

    device: str
    if_index: int
    name: str
    alias: str = ""
    descr: str = ""
    admin_status: str = "up"
    oper_status: str = "up"
    updated_at: datetime | None = None


@dataclass(frozen=True)
class GaugeRow:
    """The newest value of one gauge series (`latest_values`); `series` is the sorted
    `k=v` label text ingest keys it by."""

    device: str
    metric: str
    series: str
    value: float
    ts: datetime


@dataclass(frozen=True)
class RollupRow:
    """One 5-minute bucket of one interface (`interface_rollup_5m`)."""

    device: str
    if_index: int
    bucket_start: datetime
    in_errors: int = 0
    out_errors: int = 0
    in_octets: int = 0
    out_octets: int = 0


@dataclass(frozen=True)
class AgentRow:
    """An agent's online state and newest health (`agent_health` + `agents`)."""

    agent_id: uuid.UUID
    site_id: uuid.UUID
    name: str
    state: str  # online | offline | unknown
    state_since: datetime | None = None
    last_seen_at: datetime | None = None  # newest message of any kind
    health_ts: datetime | None = None
    oldest_queued_age_s: float | None = None
    lag_s: float | None = None
    events_dropped: int | None = None
    revoked: bool = False


@dataclass(frozen=True)
class ConfigRow:
    """Desired vs applied configuration of one agent (`agent_config_state`)."""

    agent_id: uuid.UUID
    desired_version: int
    applied_version: int
    desired_at: datetime | None = None
    last_status: str | None = None
    last_error_code: str | None = None
    last_error_detail: str | None = None
    last_error_at: datetime | None = None


@dataclass(frozen=True)
class DeliveryRow:
    """One attempted webhook delivery (`webhook_deliveries`)."""

    status: str  # failed | dead | delivered
    created_at: datetime
    attempts: int = 1
    last_status_code: int | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class EndpointRow:
    """An active webhook endpoint and its newest attempted deliveries, newest first."""

    endpoint_id: uuid.UUID
    host: str  # only the host: endpoint URLs may carry tokens
    recent: tuple[DeliveryRow, ...] = ()


@dataclass(frozen=True)
class ScheduleRow:
    """A schedule's newest finished run (`schedules` + `schedule_runs`, hub.schedules)."""

    schedule_id: uuid.UUID
    kind: str
    status: str  # succeeded | failed | abandoned
    due_at: datetime
    finished_at: datetime
    attempt: int = 1
    error: str | None = None


@dataclass(frozen=True)
class PoolRow:
    """How full one address or VLAN pool is (hub.ipam utilization)."""

    pool_id: uuid.UUID
    pool: str
    kind: str  # static | dynamic | delegated | vlan | qinq
    site: str
    size: int
    percent: float


@dataclass(frozen=True)
class DropMark:
    """The events_dropped count an earlier pass saw for an agent (kept in the details of
    that agent's agent.events_dropped alarm) and which run of the agent counted it (its
    online-since time: the counter starts from zero with every run)."""

    dropped: int
    run: str | None
    health_ts: str | None = None  # the health report that count came from (ISO text)


@dataclass
class Snapshot:
    """One tenant's rows, as read at the start of a pass."""

    tenant_id: uuid.UUID
    devices: tuple[DeviceRow, ...] = ()
    interfaces: tuple[InterfaceRow, ...] = ()
    gauges: tuple[GaugeRow, ...] = ()
    rollups: tuple[RollupRow, ...] = ()
    # (inventory device id, ifIndex) of ports with a subscription that is not terminated
    bound_ports: frozenset[tuple[uuid.UUID, int]] = frozenset()
    agents: tuple[AgentRow, ...] = ()
    configs: tuple[ConfigRow, ...] = ()
    endpoints: tuple[EndpointRow, ...] = ()
    drop_marks: dict[uuid.UUID, DropMark] = field(default_factory=dict)
    schedules: tuple[ScheduleRow, ...] = ()
    pools: tuple[PoolRow, ...] = ()
    # What several rules derive from the same rows (interface states), computed once.
    derived: dict[str, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def devices_by_name(self) -> dict[str, DeviceRow]:
        """Observed devices by the name their agent polls them by."""
        return {d.name: d for d in self.devices}

    @cached_property
    def agents_by_id(self) -> dict[uuid.UUID, AgentRow]:
        """Agents by id."""
        return {a.agent_id: a for a in self.agents}

    @cached_property
    def _gauges_by_metric(self) -> dict[str, list[GaugeRow]]:
        found: dict[str, list[GaugeRow]] = {}
        for row in self.gauges:
            found.setdefault(row.metric, []).append(row)
        return found

    def gauges_of(self, *metrics: str) -> dict[str, list[GaugeRow]]:
        """Gauge rows of these metrics, by device."""
        found: dict[str, list[GaugeRow]] = {}
        for metric in metrics:
            for row in self._gauges_by_metric.get(metric, ()):
                found.setdefault(row.device, []).append(row)
        return found
