"""Wiring: build a worker from settings, run it standalone or inside the API process."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.background import EmbeddedLoop
from hub.ingest.pipeline import ClockBounds, Pipeline
from hub.ingest.registry import AgentRegistry
from hub.ingest.settings import IngestSettings
from hub.ingest.transport import MqttOptions
from hub.ingest.worker import IngestWorker, QuarantineRetention
from hub.metrics import Metrics
from hub.settings import TsdbSettings
from hub.tsdb import InfluxStore, TimeSeriesStore
from hub.tsdb.null import NullStore
from hub.worker_runner import StandaloneWorker, serve
from protocol import hub_ingest_subscription

log = logging.getLogger("dotmac.hub.ingest")


def mqtt_options(settings: IngestSettings, suffix: str | None = None) -> MqttOptions:
    """Broker options of one worker from settings."""
    broker = settings.broker
    return MqttOptions(
        host=broker.address, port=broker.connect_port, username=settings.username,
        password=settings.password.get_secret_value(), tls=broker.tls_context(),
        client_id=settings.session_client_id(suffix),
        subscription=hub_ingest_subscription(settings.group),
        session_expiry_s=settings.session_expiry_s,
        receive_maximum=settings.max_inflight, keepalive_s=broker.keepalive_s,
        max_packet_size=broker.max_packet_size)


def tsdb_for(settings: IngestSettings | TsdbSettings) -> TimeSeriesStore:
    """The configured time-series store; `none` (or empty) keeps only the SQL side."""
    tsdb = settings.tsdb if isinstance(settings, IngestSettings) else settings
    if tsdb.url.strip().lower() in ("", "none"):
        return NullStore()
    return InfluxStore(tsdb.url, tsdb.token.get_secret_value(), tsdb.org, tsdb.bucket)


def build_worker(sessions: async_sessionmaker[AsyncSession], settings: IngestSettings,
                 tsdb: TimeSeriesStore, metrics: Metrics | None = None,
                 suffix: str | None = None) -> IngestWorker:
    """A worker on `sessions` with its own MQTT session."""
    registry = AgentRegistry(sessions, settings.registry_ttl_s)
    bounds = ClockBounds(timedelta(seconds=settings.max_future_s),
                         timedelta(seconds=settings.max_past_s))
    pipeline = Pipeline(sessions, tsdb, registry, settings.dedupe_window,
                        reorder_window_s=settings.reorder_window_s, bounds=bounds)
    retention = QuarantineRetention(timedelta(seconds=settings.quarantine_max_age_s),
                                    settings.quarantine_max_per_agent)
    return IngestWorker(pipeline, mqtt_options(settings, suffix), metrics,
                        settings.concurrency, batch_max=settings.batch_max_messages,
                        batch_wait_s=settings.batch_wait_ms / 1000, retention=retention)


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

    async def close() -> None:
        await tsdb.close()
        await engine.dispose()

    await serve(StandaloneWorker(
        "ingest", worker.run, worker.stop, close, ready=lambda: connected(worker),
        metrics=metrics, metrics_host=settings.metrics_host, metrics_port=settings.metrics_port))


async def connected(worker: IngestWorker) -> None:
    """Return once the worker's broker session is up (ready: messages flow)."""
    while True:
        try:
            await worker.wait_connected(timeout_s=60)
            return
        except TimeoutError as exc:
            log.warning("ingest.not_ready reason=%s", exc)
