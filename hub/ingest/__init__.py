"""Hub ingest: MQTT (shared, persistent, manually acknowledged) -> time-series store +
hub database, exactly once per (agent, seq). See docs/ingest.md.

    worker = build_worker(sessions, IngestSettings(), InfluxStore(url))
    await worker.run()

Layout: `models` (its tables), `repository/` (every statement it runs); `pipeline`,
`registry`, `dedupe` and `writes` (the rules: size, decode, authorize, dedupe, then what
each message changes); `service` (building and running workers). Ingest has no HTTP
routes and no request schemas of its own: its input is MQTT, its message schemas are
`protocol`'s, and what it stores is read through the domains that serve it
(network_analytics, billing usage).

The names below load on first use: reading `hub.ingest.settings` (the CLI, the settings
listing) must not import the pipeline, the database layer and the MQTT client.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.ingest.pipeline import Outcome, Pipeline
    from hub.ingest.registry import AgentIdentity, AgentRegistry
    from hub.ingest.service import (
        EmbeddedIngest,
        build_worker,
        mqtt_options,
        run_standalone,
        tsdb_for,
    )
    from hub.ingest.settings import IngestSettings
    from hub.ingest.transport import Delivery, MqttOptions, MqttSource
    from hub.ingest.worker import IngestWorker

_HOMES = {"Outcome": "pipeline", "Pipeline": "pipeline", "AgentIdentity": "registry",
          "AgentRegistry": "registry", "EmbeddedIngest": "service", "build_worker": "service",
          "mqtt_options": "service", "run_standalone": "service", "tsdb_for": "service",
          "IngestSettings": "settings", "Delivery": "transport", "MqttOptions": "transport",
          "MqttSource": "transport", "IngestWorker": "worker"}
__all__ = ["AgentIdentity", "AgentRegistry", "Delivery", "EmbeddedIngest", "IngestSettings",
           "IngestWorker", "MqttOptions", "MqttSource", "Outcome", "Pipeline", "build_worker",
           "mqtt_options", "run_standalone", "tsdb_for"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'hub.ingest' has no attribute {name!r}")
    return getattr(import_module(f"hub.ingest.{home}"), name)
