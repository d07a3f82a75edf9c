"""The composition root of domain events: which domain reacts to which other domain's facts.

Every entry point calls `wire()` once at start-up (the API app in `hub.app.create_app`, the
standalone ingest worker, dispatcher and webhook worker in `hub.cli`), so every process reacts
the same way. It starts from an empty registry, so calling it again changes nothing.

Facts published with no subscriber yet (AgentStateChanged, DeviceStateChanged,
SubscriptionChanged) are the seams for alarms and device management: subscribe here.
"""

from __future__ import annotations

from hub import domain_events
from hub.billing.network import on_job_finished
from hub.domain_events import DomainEvents
from hub.fleet.acks import on_config_reported
from hub.fleet.discovery.service import on_discovery_reported
from hub.fleet.versioning import on_edge_config_changed
from hub.ingest.events import ConfigReported, DiscoveryReported, JobReported
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
    # An inventory change (device, credential set, agent) re-versions the agents' configs.
    bus.subscribe(EdgeConfigChanged, on_edge_config_changed)
    # What agents say about their configuration and their discoveries.
    bus.subscribe(ConfigReported, on_config_reported)
    bus.subscribe(DiscoveryReported, on_discovery_reported)
    return bus
