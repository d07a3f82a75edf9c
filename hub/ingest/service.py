"""Wiring: build a worker from settings, run it standalone or inside the API process."""

from __future__ import annotations

import asyncio
import logging
import signal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.background import EmbeddedLoop
from hub.ingest.metrics_server import serve_metrics
from hub.ingest.pipeline import Pipeline
from hub.ingest.registry import AgentRegistry
from hub.ingest.settings import IngestSettings, client_id_for
from hub.ingest.transport import MqttOptions
from hub.ingest.worker import IngestWorker
from hub.metrics import Metrics
from hub.tsdb import InfluxStore, TimeSeriesStore
from hub.tsdb.null import NullStore
from protocol import hub_ingest_subscription

log = logging.getLogger("dotmac.hub.ingest")


def mqtt_options(settings: IngestSettings, suffix: str | None = None) -> MqttOptions:
    """Broker options of one worker from settings."""
    return MqttOptions(
        host=settings.mqtt_host, port=settings.mqtt_port, username=settings.mqtt_username,
        password=settings.mqtt_password.get_secret_value(), tls=settings.mqtt_tls_context(),
        client_id=client_id_for(settings, suffix),
        subscription=hub_ingest_subscription(settings.ingest_group),
        session_expiry_s=settings.ingest_session_expiry_s,
        receive_maximum=settings.ingest_max_inflight)


def tsdb_for(settings: IngestSettings) -> TimeSeriesStore:
    """The configured time-series store; `none` (or empty) keeps only the SQL side."""
    if settings.tsdb_url.strip().lower() in ("", "none"):
        return NullStore()
    return InfluxStore(settings.tsdb_url, settings.tsdb_token.get_secret_value(), settings.tsdb_org,
                       settings.tsdb_bucket)


def build_worker(sessions: async_sessionmaker[AsyncSession], settings: IngestSettings,
                 tsdb: TimeSeriesStore, metrics: Metrics | None = None,
                 suffix: str | None = None) -> IngestWorker:
    """A worker on `sessions` with its own MQTT session."""
    registry = AgentRegistry(sessions, settings.ingest_registry_ttl_s)
    pipeline = Pipeline(sessions, tsdb, registry, settings.ingest_dedupe_window,
                        reorder_window_s=settings.ingest_reorder_window_s)
    return IngestWorker(pipeline, mqtt_options(settings, suffix), metrics,
                        settings.ingest_concurrency,
                        batch_max=settings.ingest_batch_max_messages,
                        batch_wait_s=settings.ingest_batch_wait_ms / 1000)


class EmbeddedIngest(EmbeddedLoop):
    """The ingest worker as a background task of the API process (the embedded default)."""

    def __init__(self, worker: IngestWorker, tsdb: TimeSeriesStore) -> None:
        super().__init__("ingest", worker.run, worker.stop, tsdb.close)
        self.worker, self.tsdb = worker, tsdb


async def run_standalone(database_url: str, settings: IngestSettings,
                         suffix: str | None = None) -> None:
    """`dotmac-hub ingest`: run one worker until SIGTERM/SIGINT."""
    from hub.db import create_engine, session_factory

    engine = create_engine(database_url)
    tsdb = tsdb_for(settings)
    metrics = Metrics()
    worker = build_worker(session_factory(engine), settings, tsdb, metrics, suffix=suffix)
    server = None
    if settings.ingest_metrics_port:
        server = await serve_metrics(metrics, settings.ingest_metrics_host,
                                     settings.ingest_metrics_port)
        log.info("ingest.metrics_listening address=%s:%d", settings.ingest_metrics_host,
                 settings.ingest_metrics_port)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stop)
    try:
        await worker.run()
    finally:
        if server is not None:
            server.close()
        await tsdb.close()
        await engine.dispose()
