"""Webhook delivery settings (`DOTMAC_HUB_WEBHOOK_*`, names from the fields): every value has
a default."""

from __future__ import annotations

from pydantic import Field, field_validator

from hub.events.policy import Destinations, parse_networks
from hub.settings_env import EnvSettings, env_config


class WebhookSettings(EnvSettings):
    """How the delivery worker retries, times out and where it runs."""

    model_config = env_config("DOTMAC_HUB_WEBHOOK_")

    embedded: bool | None = Field(
        None, description="deliver webhooks inside the API "
        "process (default: wherever ingest runs embedded; else run `dotmac-hub webhooks`)")
    timeout_s: float = Field(
        10.0, gt=0, le=60, description="seconds one POST may "
        "take in all (resolve, connect, TLS, send, answer); also the limit of each phase")
    backoff_base_s: float = Field(
        30.0, gt=0, description="wait after the first "
        "failed attempt; doubles per attempt (with jitter)")
    backoff_max_s: float = Field(
        6 * 3600.0, gt=0, description="longest wait "
        "between two attempts")
    max_attempts: int = Field(
        12, ge=1, le=50, description="attempts before a "
        "delivery is `dead` (redeliver it by hand)")
    interval_s: float = Field(
        2.0, gt=0, le=60, description="how often the worker "
        "looks for new events and due retries")
    batch_size: int = Field(
        50, ge=1, le=1000, description="events fanned out and "
        "deliveries sent per pass")
    allow_http: bool | None = Field(
        None, description="accept plain http:// endpoint URLs "
        "(default: yes in development, no in production)")
    allow_private_nets: str = Field(
        "", description="comma-separated CIDRs of "
        "loopback/private/link-local networks receivers may be on (e.g. 10.20.0.0/16); "
        "default none: only public addresses")
    retention_days: float = Field(
        30.0, gt=0, description="delivered and dead "
        "deliveries, and events with no delivery left, are deleted this long after")
    purge_interval_s: float = Field(
        3600.0, gt=0, description="how often a worker "
        "deletes what is past the retention")
    metrics_port: int = Field(
        0, ge=0, le=65535, description="serve a standalone worker's Prometheus counters on "
        "http://HOST:PORT/metrics (0 = off; the embedded worker's are on the API's /metrics)")
    metrics_host: str = Field("127.0.0.1", description="address the metrics port listens on")

    @field_validator("allow_private_nets")
    @classmethod
    def _networks(cls, value: str) -> str:
        parse_networks(value)  # a bad CIDR stops the process at start, with its name
        return value

    @property
    def destinations(self) -> Destinations:
        """The address policy deliveries are held to."""
        return Destinations(parse_networks(self.allow_private_nets))
