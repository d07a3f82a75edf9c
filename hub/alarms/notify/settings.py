"""Alarm notification settings: the SMTP server mail goes through (`DOTMAC_HUB_SMTP_*`) and how
the notifier retries and escalates (`DOTMAC_HUB_NOTIFY_*`); names from the fields."""

from __future__ import annotations

import ipaddress
from email.utils import parseaddr
from pathlib import Path
from typing import ClassVar, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator

from hub.settings_env import EnvSettings, env_config

TlsMode = Literal["starttls", "implicit", "none"]
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "implicit": 465, "none": 25}


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SmtpSettings(EnvSettings):
    """The mail server alarm e-mail is handed to. No host: e-mail stays pending, unsent."""

    # A refused setting's message must not echo the values given (the password among them);
    # `from_address` is read from DOTMAC_HUB_SMTP_FROM (`from` is a Python keyword).
    model_config = env_config("DOTMAC_HUB_SMTP_") | {"hide_input_in_errors": True,
                                                      "populate_by_name": True}
    field_env: ClassVar[dict[str, str]] = {"from_address": "DOTMAC_HUB_SMTP_FROM"}

    host: str = Field("", description="SMTP server (relay or submission) host name; empty "
                      "turns alarm e-mail off (webhooks still go out)")
    port: int = Field(0, ge=0, le=65535, description="its port (0: by TLS mode: 587 "
                      "starttls, 465 implicit, 25 none)")
    tls: TlsMode = Field("starttls", description="starttls (upgrade, required), implicit "
                         "(TLS from the first byte, 'SMTPS') or none (plain; only without a "
                         "password, or to a server on this machine)")
    username: str = Field("", description="login name (empty: no AUTH)")
    password: SecretStr = Field(SecretStr(""), description="its password (secret)")
    from_address: str = Field("", validation_alias="DOTMAC_HUB_SMTP_FROM",
                              description="From: address of alarm mail, e.g. "
                              "'NOC <noc@isp.example>' (required with a host)")
    ca_file: Path | None = Field(None, description="PEM of the CA that signed the server's "
                                 "certificate, when it is not a public one")
    validate_certs: bool = Field(True, description="verify the server certificate and name")
    timeout_s: float = Field(30.0, gt=0, le=300, description="seconds one SMTP command may "
                             "wait for the server")

    @classmethod
    def env_name(cls, field: str) -> str:
        """The environment variable of `field` (DOTMAC_HUB_SMTP_FROM for the sender)."""
        return cls.field_env.get(field) or super().env_name(field)

    @field_validator("from_address")
    @classmethod
    def _from(cls, value: str) -> str:
        _, address = parseaddr(value)
        if value and ("@" not in address or "\n" in value or "\r" in value):
            raise ValueError(f"{value!r}: not an e-mail address; set DOTMAC_HUB_SMTP_FROM "
                             "to e.g. noc@isp.example or 'NOC <noc@isp.example>'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        env = type(self).env_name
        if self.host and not self.from_address:
            raise ValueError("DOTMAC_HUB_SMTP_FROM: missing; alarm mail needs a sender address "
                             f"(e.g. noc@isp.example) when {env('host')} is set")
        if self.password.get_secret_value() and not self.username:
            raise ValueError(f"{env('password')} is set but {env('username')} is empty; set "
                             "the login name too (or unset the password)")
        if (self.tls == "none" and self.password.get_secret_value() and self.host
                and not _loopback(self.host)):
            raise ValueError(f"{env('tls')}=none would send the SMTP password in clear to "
                             f"{self.host}; use starttls or implicit")
        if self.ca_file is not None and not self.ca_file.is_file():
            raise ValueError(f"{env('ca_file')}: {self.ca_file} is not a readable file")
        return self

    @property
    def enabled(self) -> bool:
        """Whether alarm e-mail is sent at all."""
        return bool(self.host)

    @property
    def effective_port(self) -> int:
        """The port connected to."""
        return self.port or DEFAULT_PORTS[self.tls]


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
