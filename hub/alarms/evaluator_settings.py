"""Alarm evaluator settings (`DOTMAC_HUB_ALARM_EVAL_*`, names from the fields): every value
has a default."""

from __future__ import annotations

from pydantic import Field

from hub.settings_env import EnvSettings, env_config


class EvaluatorSettings(EnvSettings):
    """How often the hub evaluates its telemetry, agent and hub alarm rules, and where."""

    model_config = env_config("DOTMAC_HUB_ALARM_EVAL_")

    embedded: bool | None = Field(
        None, description="evaluate alarm rules inside the API process (default: wherever "
        "ingest runs embedded; else run `dotmac-hub alarms`)")
    interval_s: float = Field(
        15.0, ge=1, le=3600, description="seconds between two passes over every tenant "
        "(an agent or device state change is evaluated at once, not on the next pass)")
    metrics_port: int = Field(
        0, ge=0, le=65535, description="serve a standalone evaluator's Prometheus counters on "
        "http://HOST:PORT/metrics (0 = off; the embedded one's are on the API's /metrics)")
    metrics_host: str = Field("127.0.0.1", description="address the metrics port listens on")
