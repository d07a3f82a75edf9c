"""The composition root of domain events: which domain reacts to which other domain's facts.

Every entry point calls `wire()` once at start-up (the API app in `hub.app.create_app`, the
standalone ingest worker, dispatcher and webhook worker in `hub.cli`), so every process reacts
the same way. It starts from an empty registry, so calling it again changes nothing.

SubscriptionChanged has no subscriber yet: it is the seam for subscriber access (CoA).
"""

from __future__ import annotations

from hub import domain_events
from hub.alarms.evaluator import on_agent_state_changed, on_device_state_changed
from hub.alarms.event_rules import on_device_events_reported
from hub.alarms.events import AlarmChanged
from hub.alarms.notify.staging import on_alarm_changed
from hub.billing.documents.issue import on_invoice_finalized
from hub.billing.invoicing import InvoiceFinalized
from hub.billing.network import on_job_finished
from hub.domain_events import DomainEvents
from hub.fleet.acks import on_config_reported
from hub.fleet.discovery.service import on_discovery_reported
from hub.fleet.versioning import on_edge_config_changed
from hub.ingest.events import (
    AgentStateChanged,
    ConfigReported,
    DeviceEventsReported,
    DeviceStateChanged,
    DiscoveryReported,
    JobReported,
)
from hub.inventory.events import EdgeConfigChanged
from hub.jobs.events import JobFinished
from hub.jobs.results import on_job_reported


def wire(bus: DomainEvents | None = None) -> DomainEvents:
    """Register every handler on `bus` (the process's registry by default) and return it."""
    bus = domain_events.bus if bus is None else bus
    bus.clear()
    # An agent's job report moves its job (jobs owns the state machine).
    bus.subscribe(JobReported, on_job_reported)
    # A finished job settles the billing network step that asked for it.
    bus.subscribe(JobFinished, on_job_finished)
    # An issued invoice or credit note gets its PDF, stored once, and its mail staged.
    bus.subscribe(InvoiceFinalized, on_invoice_finalized)
    # An inventory change (device, credential set, agent) re-versions the agents' configs.
    bus.subscribe(EdgeConfigChanged, on_edge_config_changed)
    # What agents say about their configuration and their discoveries.
    bus.subscribe(ConfigReported, on_config_reported)
    bus.subscribe(DiscoveryReported, on_discovery_reported)
    # Alarms: what devices said (traps, syslog) and availability changes decide alarms at
    # once; every alarm change stages the notifications its tenant's policies owe.
    bus.subscribe(DeviceEventsReported, on_device_events_reported)
    bus.subscribe(AgentStateChanged, on_agent_state_changed)
    bus.subscribe(DeviceStateChanged, on_device_state_changed)
    bus.subscribe(AlarmChanged, on_alarm_changed)
    return bus
