"""Ingest worker settings (`DOTMAC_HUB_INGEST_*`): its broker login, its MQTT session and
its tuning; the broker and the time-series store are the shared classes of `hub.settings`."""

from __future__ import annotations

import socket
from typing import ClassVar

from pydantic import Field, SecretStr

from hub.settings import BrokerSettings, TsdbSettings
from hub.settings_env import EnvSettings, Rename, env_config
from hub.tls import plaintext_problem


def default_client_id() -> str:
    """One persistent session per worker: host name plus process-independent suffix."""
    host = socket.gethostname().lower().replace(".", "-")[:40]
    return f"dotmac-ingest-{host}"


class IngestSettings(EnvSettings):
    """The ingest workers' login, session and micro-batch tuning."""

    model_config = env_config("DOTMAC_HUB_INGEST_")
    renamed_env: ClassVar[dict[str, Rename]] = {"DOTMAC_HUB_MQTT_USERNAME": "username",
                                                "DOTMAC_HUB_MQTT_PASSWORD": "password"}

    username: str = Field("dotmac-hub", description="the ingest workers' broker login "
                          "(reads dm/v1/+/up/#)")
    password: SecretStr = Field(SecretStr(""), description="its password (secret)")
    client_id: str = Field(
        default_factory=default_client_id, description="MQTT client id = persistent session; "
        "unique per worker, stable across its restarts (default dotmac-ingest-HOSTNAME)")
    worker_suffix: str | None = Field(
        None, description="appended to the client id, for a second worker on the same host")
    group: str = Field("hub-ingest", description="shared subscription group all workers join")
    session_expiry_s: int = Field(
        86400, ge=60, description="how long the broker keeps a stopped worker's session and "
        "messages")
    max_inflight: int = Field(
        100, ge=1, le=65535, description="unacknowledged messages per worker (MQTT Receive "
        "Maximum; the broker may cap it lower)")
    concurrency: int = Field(
        2, ge=1, le=64, description="micro-batches processed at once per worker; batches "
        "with readings of the same devices take turns on the device rows, so more handlers "
        "mostly wait (docs/ingest.md)")
    batch_max_messages: int = Field(
        25, ge=1, le=1000, description="messages stored together (one transaction, one "
        "time-series write); keep concurrency x this <= max_inflight, or handlers wait for "
        "messages the broker may not send yet")
    batch_wait_ms: int = Field(
        50, ge=0, le=5000, description="how long a handler waits for more messages to fill "
        "a batch (added latency at low load)")
    dedupe_window: int = Field(
        100_000, ge=100, description="seqs below an agent's high-water mark still accepted "
        "out of order; older ones are replays")
    reorder_window_s: float = Field(
        900.0, ge=60, le=86400, description="how long raw counter readings are held after "
        "being stored, so that a reading stored late (a backlog taken by several workers at "
        "once) lands in its own 5-minute bucket; an older late reading is skipped and its "
        "bytes stay in the next bucket")
    max_future_s: float = Field(
        600.0, ge=1, description="telemetry stamped further ahead of the hub's receive time "
        "is quarantined as future_timestamp (the agent's clock is ahead; it would win the "
        "latest-value upserts)")
    max_past_s: float = Field(
        7 * 86400.0, ge=3600, description="telemetry stamped further behind the hub's "
        "receive time is quarantined as past_timestamp (the agent's clock is behind, e.g. at "
        "1970); keep it above the agents' queue.max_age_s")
    quarantine_max_age_s: float = Field(
        30 * 86400.0, ge=3600, description="quarantined messages older than this are deleted "
        "(counted in dotmac_ingest_quarantine_dropped_total)")
    quarantine_max_per_agent: int = Field(
        1000, ge=1, description="quarantined messages kept per agent (and for messages of no "
        "known agent together); the oldest beyond it are deleted and counted")
    registry_ttl_s: float = Field(
        10.0, gt=0, description="agent lookup cache; a revoked agent is refused within this "
        "time")
    metrics_port: int = Field(
        0, ge=0, le=65535, description="serve a standalone worker's Prometheus counters on "
        "http://HOST:PORT/metrics (0 = off; the embedded worker's are on the API's /metrics)")
    metrics_host: str = Field("127.0.0.1", description="address the metrics port listens on")
    broker: BrokerSettings = Field(default_factory=BrokerSettings)
    tsdb: TsdbSettings = Field(default_factory=TsdbSettings)

    def problems(self, production: bool) -> list[str]:
        """Why these settings must not run in production (empty when fine)."""
        clear = production and plaintext_problem(
            self.broker.address, self.broker.tls, BrokerSettings.env_name("tls"),
            "its broker password and every agent's telemetry")
        return [clear] if clear else []

    def session_client_id(self, suffix: str | None = None) -> str:
        """The configured client id, suffixed for a second worker on one host (`suffix`,
        else `worker_suffix`)."""
        suffix = suffix or self.worker_suffix
        return f"{self.client_id}-{suffix}" if suffix else self.client_id


def client_id_for(settings: IngestSettings, suffix: str | None = None) -> str:
    """The configured client id, optionally suffixed (several workers in one host)."""
    return settings.session_client_id(suffix)
