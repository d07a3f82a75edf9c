"""Alarm notification settings: how the notifier retries and escalates (`DOTMAC_HUB_NOTIFY_*`;
names from the fields). The SMTP server mail goes through (`DOTMAC_HUB_SMTP_*`) is set in
`hub.mail`, shared with billing, and re-exported here."""

from __future__ import annotations

from pydantic import Field, field_validator

from hub.mail import DEFAULT_PORTS, SmtpSettings, TlsMode
from hub.settings_env import EnvSettings, env_config

__all__ = ["DEFAULT_PORTS", "NotifierSettings", "SmtpSettings", "TlsMode"]


class NotifierSettings(EnvSettings):
    """How the alarm notifier works: pass interval, retries, links in the mail."""

    model_config = env_config("DOTMAC_HUB_NOTIFY_")

    embedded: bool | None = Field(None, description="run the notifier inside the API process "
                                  "(default: wherever ingest runs embedded)")
    interval_s: float = Field(5.0, gt=0, le=300, description="how often it sends due mail "
                              "and looks for alarms to escalate")
    batch_size: int = Field(50, ge=1, le=1000, description="mails sent per pass")
    max_attempts: int = Field(10, ge=1, le=50, description="attempts before a mail is "
                              "`failed` (a refused login or recipient fails at once)")
    backoff_base_s: float = Field(30.0, gt=0, description="wait after the first failed "
                                  "attempt; doubles per attempt (with jitter)")
    backoff_max_s: float = Field(3600.0, gt=0, description="longest wait between attempts")
    link_base_url: str = Field("", description="base URL of the hub API as people reach it "
                               "(e.g. https://hub.isp.example); mail links to "
                               "<base>/alarms/<id> (empty: the path alone)")
    metrics_port: int = Field(0, ge=0, le=65535, description="serve a standalone "
                              "notifier's Prometheus counters on this port (0 = off)")
    metrics_host: str = Field("127.0.0.1", description="address the metrics port listens on")

    @field_validator("link_base_url")
    @classmethod
    def _base(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r}: not an http(s) URL; set DOTMAC_HUB_NOTIFY_"
                             "LINK_BASE_URL to e.g. https://hub.isp.example")
        return value.rstrip("/")
