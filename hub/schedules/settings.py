"""Scheduler settings (`DOTMAC_HUB_SCHEDULER_*`, names from the fields): every value has a
default."""

from __future__ import annotations

from pydantic import Field, field_validator

from hub.settings_env import EnvSettings, env_config


class SchedulerSettings(EnvSettings):
    """When and how the hub runs its schedules (billing runs, dunning, retention, backups)."""

    model_config = env_config("DOTMAC_HUB_SCHEDULER_")

    embedded: bool | None = Field(
        None, description="run the scheduler inside the API process (default: wherever "
        "ingest runs embedded; else run `dotmac-hub scheduler`)")
    tick_s: float = Field(
        5.0, gt=0, le=300, description="seconds between two looks for due schedules and "
        "runs to retry or re-claim")
    lease_s: float = Field(
        60.0, gt=0, le=3600, description="a claimed run is this process's for this many "
        "seconds, extended every third of it while the task runs; a run whose lease ran out "
        "(its process died) is claimed again by another process")
    max_attempts: int = Field(
        5, ge=1, le=50, description="attempts of one run before it has failed for good "
        "(alarm hub.schedule_failed)")
    retry_base_s: float = Field(
        60.0, gt=0, le=86400, description="wait before the first retry of a failed run; "
        "doubled for each further one")
    retry_max_s: float = Field(
        3600.0, gt=0, le=86400, description="longest wait between two retries")
    catch_up_limit: int = Field(
        31, ge=1, le=1000, description="most missed due times a `catch_up: all` schedule "
        "(billing) runs after downtime, the newest ones")
    timezone: str = Field(
        "UTC", description="IANA time zone new schedules are given (each schedule's own "
        "can be changed with PATCH /schedules/{id})")
    metrics_port: int = Field(
        0, ge=0, le=65535, description="serve a standalone scheduler's Prometheus counters "
        "on http://HOST:PORT/metrics (0 = off; the embedded one's are on the API's /metrics)")
    metrics_host: str = Field("127.0.0.1", description="address the metrics port listens on")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from hub.schedules.timing import zone

        zone(value)  # ScheduleError (a ValueError) names the problem
        return value
