"""Ingest settings (`DOTMAC_HUB_*` like the rest of the hub; each names its variable)."""

from __future__ import annotations

import os
import socket
import ssl
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hub.tls import ca_file_or_none, client_context, plaintext_problem


def default_client_id() -> str:
    """One persistent session per worker: host name plus process-independent suffix."""
    host = socket.gethostname().lower().replace(".", "-")[:40]
    return f"dotmac-ingest-{host}"


class IngestSettings(BaseSettings):
    """Broker, time-series store and tuning of the ingest workers."""

    model_config = SettingsConfigDict(env_prefix="DOTMAC_HUB_", env_file=".env", extra="ignore")

    mqtt_host: str = Field("127.0.0.1", description="DOTMAC_HUB_MQTT_HOST: broker address")
    mqtt_port: int = Field(1883, ge=1, le=65535, description="DOTMAC_HUB_MQTT_PORT (default "
                           "1883, or 8883 with DOTMAC_HUB_MQTT_TLS)")
    mqtt_username: str = Field("dotmac-hub", description="DOTMAC_HUB_MQTT_USERNAME: the hub's "
                               "broker user (reads dm/v1/+/up/#)")
    mqtt_password: SecretStr = Field(SecretStr(""),
                                     description="DOTMAC_HUB_MQTT_PASSWORD (secret)")
    mqtt_tls: bool = Field(
        False, description="DOTMAC_HUB_MQTT_TLS: ingest workers and the job dispatcher connect "
        "over TLS and verify the broker's certificate (required in production unless the "
        "broker is on this machine)")
    mqtt_ca_file: Path | None = Field(
        None, description="DOTMAC_HUB_MQTT_CA_FILE: PEM of the CA that signed the broker's "
        "certificate (usually DOTMAC_HUB_BROKER_CA_FILE's); unset: the system trust store")
    ingest_client_id: str = Field(
        default_factory=default_client_id, description="DOTMAC_HUB_INGEST_CLIENT_ID: MQTT "
        "client id = persistent session; unique per worker, stable across its restarts")
    ingest_group: str = Field("hub-ingest", description="DOTMAC_HUB_INGEST_GROUP: shared "
                              "subscription group all workers join")
    ingest_session_expiry_s: int = Field(
        86400, ge=60, description="DOTMAC_HUB_INGEST_SESSION_EXPIRY_S: how long the broker "
        "keeps a stopped worker's session and messages")
    ingest_max_inflight: int = Field(
        100, ge=1, le=65535, description="DOTMAC_HUB_INGEST_MAX_INFLIGHT: unacknowledged "
        "messages per worker (MQTT Receive Maximum; the broker may cap it lower)")
    ingest_concurrency: int = Field(
        2, ge=1, le=64, description="DOTMAC_HUB_INGEST_CONCURRENCY: micro-batches processed "
        "at once per worker; batches with readings of the same devices take turns on the "
        "device rows, so more handlers mostly wait (docs/ingest.md)")
    ingest_batch_max_messages: int = Field(
        25, ge=1, le=1000, description="DOTMAC_HUB_INGEST_BATCH_MAX_MESSAGES: messages stored "
        "together (one transaction, one time-series write); keep concurrency x this <= "
        "max_inflight, or handlers wait for messages the broker may not send yet")
    ingest_batch_wait_ms: int = Field(
        50, ge=0, le=5000, description="DOTMAC_HUB_INGEST_BATCH_WAIT_MS: how long a handler "
        "waits for more messages to fill a batch (added latency at low load)")
    ingest_dedupe_window: int = Field(
        100_000, ge=100, description="DOTMAC_HUB_INGEST_DEDUPE_WINDOW: seqs below an agent's "
        "high-water mark still accepted out of order; older ones are replays")
    ingest_reorder_window_s: float = Field(
        900.0, ge=60, le=86400, description="DOTMAC_HUB_INGEST_REORDER_WINDOW_S: how long raw "
        "counter readings are held after being stored, so that a reading stored late (a "
        "backlog taken by several workers at once) lands in its own 5-minute bucket; an "
        "older late reading is skipped and its bytes stay in the next bucket")
    ingest_registry_ttl_s: float = Field(
        10.0, gt=0, description="DOTMAC_HUB_INGEST_REGISTRY_TTL_S: agent lookup cache; a "
        "revoked agent is refused within this time")
    ingest_metrics_port: int = Field(
        0, ge=0, le=65535, description="DOTMAC_HUB_INGEST_METRICS_PORT: serve a standalone "
        "worker's Prometheus counters on http://HOST:PORT/metrics (0 = off; the embedded "
        "worker's are on the API's /metrics)")
    ingest_metrics_host: str = Field("127.0.0.1", description="DOTMAC_HUB_INGEST_METRICS_HOST: "
                                     "address the metrics port listens on")
    jobs_resend_after_s: float = Field(
        60.0, ge=5, le=3600, description="DOTMAC_HUB_JOBS_RESEND_AFTER_S: a provisioning "
        "job still `dispatched` (no answer from its agent) this long after it was sent is "
        "published again with the same idempotency key (the broker drops commands for an "
        "agent that never connected)")
    tsdb_url: str = Field("http://127.0.0.1:8428", description="DOTMAC_HUB_TSDB_URL: "
                          "VictoriaMetrics or InfluxDB 2/3 base URL; `none` keeps only SQL rollups")
    tsdb_token: SecretStr = Field(SecretStr(""),
                                  description="DOTMAC_HUB_TSDB_TOKEN: InfluxDB token (secret)")
    tsdb_org: str = Field("dotmac", description="DOTMAC_HUB_TSDB_ORG")
    tsdb_bucket: str = Field("dotmac", description="DOTMAC_HUB_TSDB_BUCKET")


    @field_validator("mqtt_ca_file")
    @classmethod
    def _ca_file_exists(cls, value: Path | None) -> Path | None:
        return ca_file_or_none(value)

    @model_validator(mode="after")
    def _tls_port_by_default(self) -> IngestSettings:
        if self.mqtt_tls and "mqtt_port" not in self.model_fields_set:
            self.mqtt_port = 8883  # TLS to the plain listener only gets a connection reset
        return self

    def mqtt_tls_context(self) -> ssl.SSLContext | None:
        """The verifying TLS context of the hub's broker connections, None without TLS."""
        return client_context(self.mqtt_ca_file) if self.mqtt_tls else None

    def problems(self, production: bool) -> list[str]:
        """Why these settings must not run in production (empty when fine)."""
        clear = production and plaintext_problem(
            self.mqtt_host, self.mqtt_tls, "DOTMAC_HUB_MQTT_TLS",
            "its broker password and every agent's telemetry")
        return [clear] if clear else []


def client_id_for(settings: IngestSettings, suffix: str | None = None) -> str:
    """The configured client id, optionally suffixed (several workers in one host)."""
    base = settings.ingest_client_id
    return f"{base}-{suffix}" if suffix else base


def env_suffix() -> str | None:
    """DOTMAC_HUB_INGEST_WORKER_SUFFIX, for a second worker on the same host."""
    return os.environ.get("DOTMAC_HUB_INGEST_WORKER_SUFFIX") or None
