"""Hub ingest: MQTT (shared, persistent, manually acknowledged) -> time-series store +
hub database, exactly once per (agent, seq). See docs/ingest.md.

    worker = build_worker(sessions, IngestSettings(), InfluxStore(url))
    await worker.run()
"""

from hub.ingest.pipeline import Outcome, Pipeline
from hub.ingest.registry import AgentIdentity, AgentRegistry
from hub.ingest.service import EmbeddedIngest, build_worker, mqtt_options, run_standalone, tsdb_for
from hub.ingest.settings import IngestSettings
from hub.ingest.transport import Delivery, MqttOptions, MqttSource
from hub.ingest.worker import IngestWorker

__all__ = ["AgentIdentity", "AgentRegistry", "Delivery", "EmbeddedIngest", "IngestSettings",
           "IngestWorker", "MqttOptions", "MqttSource", "Outcome", "Pipeline", "build_worker",
           "mqtt_options", "run_standalone", "tsdb_for"]
