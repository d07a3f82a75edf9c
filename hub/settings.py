"""Hub settings, one class per concern, each read from its own `DOTMAC_HUB_*` variables
(or a `.env` file); every value has a default for the embedded demo.

Here: the broker every hub login connects to (`BrokerSettings`), the dynsec administrator's
login (`DynsecSettings`), the time-series store (`TsdbSettings`) and the API (`HubSettings`).
Ingest (`hub.ingest.settings`), job dispatch (`hub.jobs.settings`) and webhook delivery
(`hub.events.settings`) keep theirs beside their code. Variable names come from the field
names (`hub.settings_env`); `dotmac-hub settings` lists them all.
"""

from __future__ import annotations

import ipaddress
import ssl
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, SecretStr, field_validator

from hub.settings_env import EnvSettings, Rename, Switched, env_config
from hub.tls import ca_file_or_none, client_context
from protocol import MAX_MESSAGE_BYTES

DEFAULT_STATE_DIR = Path(".dotmac")
DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 - refused in production
MIN_SECRET_LENGTH = 32
LOCAL_BROKER = "127.0.0.1"  # where the hub's own logins connect when no broker host is set
# 1 MiB: four times the largest legal message (protocol.MAX_MESSAGE_BYTES) plus its topic.
MAX_PACKET_SIZE = 1024 * 1024



class BrokerSettings(EnvSettings):
    """The MQTT broker: where every login of the hub connects (ingest, job commands, dynsec
    administration) and what enrolled agents are told. Each login is in its own class."""

    model_config = env_config("DOTMAC_HUB_BROKER_")
    renamed_env: ClassVar[dict[str, Rename]] = {
        "DOTMAC_HUB_MQTT_HOST": "host",
        "DOTMAC_HUB_MQTT_PORT": Switched(("DOTMAC_HUB_BROKER_TLS", "DOTMAC_HUB_MQTT_TLS"),
                                         on="tls_port", off="port"),
        "DOTMAC_HUB_MQTT_TLS": "tls",
        "DOTMAC_HUB_MQTT_CA_FILE": "ca_file",
    }

    kind: Literal["mosquitto"] = Field(
        "mosquitto", description="how agent logins are administered (Mosquitto "
        "dynamic-security plugin)")
    host: str | None = Field(
        None, description="broker host name, for the hub's own logins and the agents it "
        f"enrolls (unset: the hub's logins use {LOCAL_BROKER} and enrollment answers 503)")
    port: int = Field(1883, ge=1, le=65535, description="plain MQTT port the hub's logins "
                      "use without TLS (development, or a broker on this machine)")
    tls_port: int = Field(8883, ge=1, le=65535, description="MQTT over TLS port: handed to "
                          "agents at enrollment, and the hub's own with TLS on")
    tls: bool = Field(
        False, description="the hub's logins connect over TLS and verify the broker with the "
        "CA file (required in production unless the broker is on this machine; always for "
        "the dynsec administrator)")
    ca_file: Path | None = Field(
        None, description="PEM of the CA that signed the broker's TLS certificate; agents "
        "receive it at enrollment, the hub verifies the broker with it (unset: the system "
        "trust store)")
    timeout: float = Field(10.0, gt=0, le=120, description="seconds to wait for the broker "
                           "to accept a connection, a command or an administrative request")
    keepalive_s: int = Field(30, ge=5, le=3600, description="MQTT keepalive of the hub's "
                             "long-lived connections (ingest)")
    max_packet_size: int = Field(
        MAX_PACKET_SIZE, ge=2 * MAX_MESSAGE_BYTES, le=256 * 1024 * 1024,
        description="largest MQTT packet (bytes) the hub's logins accept (MQTT v5 Maximum "
        "Packet Size): the broker drops a bigger message instead of sending it; at least "
        "twice the largest legal message")

    @field_validator("ca_file")
    @classmethod
    def _ca_file_exists(cls, value: Path | None) -> Path | None:
        return ca_file_or_none(value)

    @property
    def address(self) -> str:
        """The host the hub's own logins connect to."""
        return self.host or LOCAL_BROKER

    @property
    def connect_port(self) -> int:
        """The port the hub's own logins connect to: the TLS port with TLS on."""
        return self.tls_port if self.tls else self.port

    def tls_context(self) -> ssl.SSLContext | None:
        """The verifying TLS context of the hub's logins, None without TLS."""
        return client_context(self.ca_file) if self.tls else None


class DynsecSettings(EnvSettings):
    """The login allowed to create and delete agents' broker logins (Mosquitto dynsec)."""

    model_config = env_config("DOTMAC_HUB_BROKER_DYNSEC_")

    username: str = Field("dynsec-admin", description="broker login allowed to publish to "
                          "$CONTROL/dynamic-security/#")
    password: SecretStr | None = Field(None, description="its password (secret)")


class TsdbSettings(EnvSettings):
    """The time-series store raw readings go to (InfluxDB v2 write API)."""

    model_config = env_config("DOTMAC_HUB_TSDB_")

    url: str = Field("http://127.0.0.1:8428", description="VictoriaMetrics or InfluxDB 2/3 "
                     "base URL; `none` keeps only SQL rollups")
    token: SecretStr = Field(SecretStr(""), description="InfluxDB token (secret)")
    org: str = Field("dotmac", description="InfluxDB organisation")
    bucket: str = Field("dotmac", description="InfluxDB bucket")


class HubSettings(EnvSettings):
    """The API process: database, HTTP, tokens, limits; the broker and dynsec login it
    administers agents' logins with."""

    model_config = env_config("DOTMAC_HUB_")

    mode: Literal["development", "production"] = Field(
        "development", description="production refuses embedded defaults"
    )
    database_url: str = Field(
        f"sqlite+aiosqlite:///{DEFAULT_STATE_DIR / 'hub.sqlite3'}",
        description="SQLAlchemy async URL (PostgreSQL in production)",
    )
    auto_migrate: bool | None = Field(
        None, description="upgrade the schema at start "
        "(default: yes in development, no in production where `dotmac-hub db upgrade` is run)",
    )
    db_pool_size: int = Field(
        20, ge=1, le=1000, description="PostgreSQL connections each "
        "API process keeps open; size it to the requests in flight (workers x pool size + "
        "overflow must stay under the server's max_connections)",
    )
    db_max_overflow: int = Field(
        10, ge=0, le=1000, description="extra connections opened "
        "for a burst beyond the pool and closed after it",
    )
    host: str = Field("127.0.0.1", description="address the API binds to")
    port: int = Field(8080, ge=1, le=65535, description="API port")
    workers: int = Field(1, ge=1, le=64, description="uvicorn processes")
    trusted_proxies: str = Field(
        "127.0.0.1,::1", description="comma-separated addresses or "
        "networks of the reverse proxies in front of the API. Their X-Forwarded-For and "
        "X-Forwarded-Proto are believed, so per-IP rate limits, login lockouts and the audit "
        "log see the real client. Empty: believe no one.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="log level"
    )
    metrics_token: SecretStr = Field(
        SecretStr(""), description="bearer token Prometheus sends to GET /metrics on the API "
        "(`authorization: {credentials_file: ...}` in its scrape config): the hub-health "
        "gauges are per tenant, site and pool. Empty: /metrics answers anyone (development "
        "only; required in production)",
    )
    secret_key: str = Field(
        DEFAULT_SECRET_KEY, description="encrypts the JWT signing keys "
        f"stored in the database (at least {MIN_SECRET_LENGTH} characters in production)",
    )
    jwt_issuer: str = Field("dotmac-hub", description="`iss` claim")
    jwt_audience: str = Field("dotmac-api", description="`aud` claim")
    access_token_ttl: int = Field(
        600, ge=30, le=3600, description="access JWT lifetime (s)"
    )
    refresh_token_ttl: int = Field(
        30 * 86400, ge=300, description="refresh token lifetime (s)"
    )
    key_overlap: int = Field(
        86400, ge=60, description="how long a rotated-out signing key "
        "still verifies tokens (s); keep it above the access token lifetime",
    )
    argon2_time_cost: int = Field(3, ge=1, description="argon2 passes")
    argon2_memory_kib: int = Field(65536, ge=1024, description="argon2 memory (KiB)")
    rate_window: int = Field(60, ge=1, description="rate window (s)")
    rate_limit_ip: int = Field(
        1200, ge=1, description="requests per window per client IP"
    )
    rate_limit_principal: int = Field(
        600, ge=1, description="requests per window per "
        "user or API key",
    )
    rate_sync_interval: float = Field(
        1.0, ge=0, le=60, description="how often (s) a hub "
        "process folds its per-request rate counts into the shared database counters; "
        "several processes can together overshoot a limit by what they take in this time",
    )
    session_cache_ttl: float = Field(
        2.0, ge=0, le=30, description="how long (s) a process "
        "trusts a session it found live; a revocation made through another process takes "
        "effect within this time (0 = check the database on every request)",
    )
    login_window: int = Field(
        900, ge=1, description="brute-force window for logins (s)"
    )
    login_failures_account: int = Field(
        5, ge=1, description="failed logins per account "
        "and window before the account's logins answer 429",
    )
    login_failures_ip: int = Field(
        50, ge=1, description="failed logins per client IP "
        "and window before that IP's logins answer 429",
    )
    enroll_token_ttl: int = Field(
        3600, ge=60, le=7 * 86400, description="default lifetime "
        "of an enrollment token (s)",
    )
    enroll_rate_limit: int = Field(
        20, ge=1, description="POST /enroll attempts per window "
        "(the rate window) per client IP",
    )
    ingest_embedded: bool | None = Field(
        None, description="run an ingest worker inside the API "
        "process (default: yes in development; run `dotmac-hub ingest` workers in production)",
    )
    bootstrap_password: str | None = Field(
        None, description="owner password for `bootstrap` "
        "(generated and printed once when unset)",
    )
    broker: BrokerSettings = Field(default_factory=BrokerSettings)
    dynsec: DynsecSettings = Field(default_factory=DynsecSettings)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        return ",".join(proxy_networks(value))

    @property
    def migrate_on_start(self) -> bool:
        """Whether the app upgrades the schema itself when it starts."""
        if self.auto_migrate is not None:
            return self.auto_migrate
        return self.mode == "development"

    @property
    def ingest_in_process(self) -> bool:
        """Whether the API process also runs an ingest worker."""
        if self.ingest_embedded is not None:
            return self.ingest_embedded
        return self.mode == "development"

    def problems(self, broker_admin: bool = True) -> list[str]:
        """Reasons this configuration must not run in production (empty when fine);
        `broker_admin`: this process administers broker logins (the API: enrollment,
        revocation); workers that do not are spared the dynsec settings and their secret."""
        if self.mode != "production":
            return []
        env = type(self).env_name
        found = []
        if self.database_url.startswith("sqlite"):
            found.append(f"{env('database_url')}: SQLite is the embedded demo default; "
                         "set a postgresql+psycopg:// URL for production")
        if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < MIN_SECRET_LENGTH:
            found.append(
                f"{env('secret_key')}: missing or the development default; set a random "
                f"value of at least {MIN_SECRET_LENGTH} characters "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
        if broker_admin:  # the API process: it also serves /metrics
            found.extend(self._broker_problems())
            if not self.metrics_token.get_secret_value():
                found.append(f"{env('metrics_token')}: missing; the API's /metrics names "
                             "every tenant's agents, alarms and pools: set a random token "
                             "and give it to Prometheus (docs/hub-operations.md)")
        if self.key_overlap <= self.access_token_ttl:
            found.append(f"{env('key_overlap')}: must exceed {env('access_token_ttl')}, or "
                         "tokens signed just before a key rotation stop verifying early")
        return found

    def _broker_problems(self) -> list[str]:
        broker, env = self.broker, BrokerSettings.env_name
        missing = [(broker.host, env("host"), "the MQTT broker's host name"),
                   (self.dynsec.password, DynsecSettings.env_name("password"),
                    "the dynsec admin password (mosquitto_ctrl dynsec init)"),
                   (broker.ca_file, env("ca_file"),
                    "the PEM of the CA that signed the broker's TLS certificate")]
        found = [f"{name}: missing; set {what} (agents enroll through it)"
                 for value, name, what in missing if not value]
        # No loopback exception: the broker host is also the address agents are given,
        # so it names the broker as the network sees it.
        if not broker.tls:
            found.append(f"{env('tls')}: must be true in production; the dynsec admin "
                         "password (it can create broker logins) must not travel in clear "
                         f"(the TLS port, verified with {env('ca_file')})")
        return found


def proxy_networks(value: str) -> list[str]:
    """The networks of a comma-separated proxy list (an address is its /32 or /128).

    `*` is refused: it would let any client pick the address it is rate-limited, locked out
    and audited under. A typo is refused too; uvicorn would keep it as a literal that never
    matches."""
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        if item == "*":
            raise ValueError("'*' would let any client choose its own address; list the "
                             "proxies' addresses or networks")
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ValueError(f"{item!r}: not an IP address or network") from None
    return networks
