"""Idempotency-Key settings (`DOTMAC_HUB_IDEMPOTENCY_*`): retention, wait and lease."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, model_validator

from hub.settings_env import EnvSettings, env_config


class IdempotencySettings(EnvSettings):
    """How long keys are kept, how long a repeat waits for the first attempt, and when an
    attempt whose process died lets its key go."""

    model_config = env_config("DOTMAC_HUB_IDEMPOTENCY_")

    retention_h: float = Field(
        24.0, ge=24, le=24 * 30, description="hours a key and its response are kept (at "
        "least 24, as documented to integrators); older ones are purged by the "
        "`idempotency.purge` schedule and ignored until then")
    wait_s: float = Field(
        10.0, ge=0.1, le=60, description="seconds a repeated request waits for the first "
        "attempt with the same key to finish before answering 409 with Retry-After")
    lease_s: float = Field(
        120.0, ge=10, le=3600, description="seconds after which an unfinished attempt is "
        "taken for dead (its process stopped) and a retry may run the request again; keep "
        "it above the slowest request")

    @model_validator(mode="after")
    def _lease_outlasts_wait(self) -> IdempotencySettings:
        if self.lease_s <= self.wait_s:
            raise ValueError(f"{self.env_name('lease_s')} ({self.lease_s}) must exceed "
                             f"{self.env_name('wait_s')} ({self.wait_s}): a waiting retry "
                             "would take over an attempt that is still running")
        return self

    @property
    def retention(self) -> timedelta:
        """`retention_h` as a duration."""
        return timedelta(hours=self.retention_h)
