"""Webhook delivery settings: every value has a default and a `DOTMAC_HUB_WEBHOOK_*` variable."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebhookSettings(BaseSettings):
    """How the delivery worker retries, times out and where it runs."""

    model_config = SettingsConfigDict(env_prefix="DOTMAC_HUB_WEBHOOK_", env_file=".env",
                                      extra="ignore")

    embedded: bool | None = Field(
        None, description="DOTMAC_HUB_WEBHOOK_EMBEDDED: deliver webhooks inside the API "
        "process (default: wherever ingest runs embedded; else run `dotmac-hub webhooks`)")
    timeout_s: float = Field(
        10.0, gt=0, le=60, description="DOTMAC_HUB_WEBHOOK_TIMEOUT_S: seconds a receiver has "
        "to answer one POST")
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
        "(default: yes in development; in production only to localhost)")
