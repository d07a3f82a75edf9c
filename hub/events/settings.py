"""Webhook delivery settings: every value has a default and a `DOTMAC_HUB_WEBHOOK_*` variable."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hub.events.policy import Destinations, parse_networks


class WebhookSettings(BaseSettings):
    """How the delivery worker retries, times out and where it runs."""

    model_config = SettingsConfigDict(env_prefix="DOTMAC_HUB_WEBHOOK_", env_file=".env",
                                      extra="ignore")

    embedded: bool | None = Field(
        None, description="DOTMAC_HUB_WEBHOOK_EMBEDDED: deliver webhooks inside the API "
        "process (default: wherever ingest runs embedded; else run `dotmac-hub webhooks`)")
    timeout_s: float = Field(
        10.0, gt=0, le=60, description="DOTMAC_HUB_WEBHOOK_TIMEOUT_S: seconds one POST may "
        "take in all (resolve, connect, TLS, send, answer); also the limit of each phase")
    backoff_base_s: float = Field(
        30.0, gt=0, description="DOTMAC_HUB_WEBHOOK_BACKOFF_BASE_S: wait after the first "
        "failed attempt; doubles per attempt (with jitter)")
    backoff_max_s: float = Field(
        6 * 3600.0, gt=0, description="DOTMAC_HUB_WEBHOOK_BACKOFF_MAX_S: longest wait "
        "between two attempts")
    max_attempts: int = Field(
        12, ge=1, le=50, description="DOTMAC_HUB_WEBHOOK_MAX_ATTEMPTS: attempts before a "
        "delivery is `dead` (redeliver it by hand)")
    interval_s: float = Field(
        2.0, gt=0, le=60, description="DOTMAC_HUB_WEBHOOK_INTERVAL_S: how often the worker "
        "looks for new events and due retries")
    batch_size: int = Field(
        50, ge=1, le=1000, description="DOTMAC_HUB_WEBHOOK_BATCH_SIZE: events fanned out and "
        "deliveries sent per pass")
    allow_http: bool | None = Field(
        None, description="DOTMAC_HUB_WEBHOOK_ALLOW_HTTP: accept plain http:// endpoint URLs "
        "(default: yes in development, no in production)")
    allow_private_nets: str = Field(
        "", description="DOTMAC_HUB_WEBHOOK_ALLOW_PRIVATE_NETS: comma-separated CIDRs of "
        "loopback/private/link-local networks receivers may be on (e.g. 10.20.0.0/16); "
        "default none: only public addresses")
    retention_days: float = Field(
        30.0, gt=0, description="DOTMAC_HUB_WEBHOOK_RETENTION_DAYS: delivered and dead "
        "deliveries, and events with no delivery left, are deleted this long after")
    purge_interval_s: float = Field(
        3600.0, gt=0, description="DOTMAC_HUB_WEBHOOK_PURGE_INTERVAL_S: how often a worker "
        "deletes what is past the retention")

    @field_validator("allow_private_nets")
    @classmethod
    def _networks(cls, value: str) -> str:
        parse_networks(value)  # a bad CIDR stops the process at start, with its name
        return value

    @property
    def destinations(self) -> Destinations:
        """The address policy deliveries are held to."""
        return Destinations(parse_networks(self.allow_private_nets))
