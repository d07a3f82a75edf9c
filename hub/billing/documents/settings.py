"""How the document mailer works (`DOTMAC_HUB_BILLING_MAIL_*`); the SMTP server is
`hub.mail.SmtpSettings` (`DOTMAC_HUB_SMTP_*`), shared with alarm mail."""

from __future__ import annotations

from pydantic import Field

from hub.settings_env import EnvSettings, env_config


class DocumentMailSettings(EnvSettings):
    """Pass interval, retries and backoff of invoice and credit-note mail."""

    model_config = env_config("DOTMAC_HUB_BILLING_MAIL_")

    embedded: bool | None = Field(None, description="run the document mailer inside the API "
                                  "process (default: wherever ingest runs embedded)")
    interval_s: float = Field(10.0, gt=0, le=600, description="how often it sends due mail")
    batch_size: int = Field(20, ge=1, le=500, description="mails sent per pass")
    max_attempts: int = Field(10, ge=1, le=50, description="attempts before a mail is "
                              "`failed` (a refused login or recipient fails at once)")
    backoff_base_s: float = Field(60.0, gt=0, description="wait after the first failed "
                                  "attempt; doubles per attempt (with jitter)")
    backoff_max_s: float = Field(6 * 3600.0, gt=0, description="longest wait between attempts")
    metrics_port: int = Field(0, ge=0, le=65535, description="serve a standalone mailer's "
                              "Prometheus counters on this port (0 = off)")
    metrics_host: str = Field("127.0.0.1", description="address the metrics port listens on")
