"""Hub settings: every value has a default for the embedded demo and an env variable."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hub.tls import ca_file_or_none

DEFAULT_STATE_DIR = Path(".dotmac")
DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 - refused in production
MIN_SECRET_LENGTH = 32


class HubSettings(BaseSettings):
    """Settings read from `DOTMAC_HUB_*` environment variables (or a `.env` file)."""

    model_config = SettingsConfigDict(env_prefix="DOTMAC_HUB_", env_file=".env", extra="ignore")

    mode: Literal["development", "production"] = Field(
        "development", description="DOTMAC_HUB_MODE: production refuses embedded defaults"
    )
    database_url: str = Field(
        f"sqlite+aiosqlite:///{DEFAULT_STATE_DIR / 'hub.sqlite3'}",
        description="DOTMAC_HUB_DATABASE_URL: SQLAlchemy async URL (PostgreSQL in production)",
    )
    auto_migrate: bool | None = Field(
        None, description="DOTMAC_HUB_AUTO_MIGRATE: upgrade the schema at start "
        "(default: yes in development, no in production where `dotmac-hub db upgrade` is run)",
    )
    db_pool_size: int = Field(
        20, ge=1, le=1000, description="DOTMAC_HUB_DB_POOL_SIZE: PostgreSQL connections each "
        "API process keeps open; size it to the requests in flight (workers x pool size + "
        "overflow must stay under the server's max_connections)",
    )
    db_max_overflow: int = Field(
        10, ge=0, le=1000, description="DOTMAC_HUB_DB_MAX_OVERFLOW: extra connections opened "
        "for a burst beyond the pool and closed after it",
    )
    host: str = Field("127.0.0.1", description="DOTMAC_HUB_HOST: address the API binds to")
    port: int = Field(8080, ge=1, le=65535, description="DOTMAC_HUB_PORT: API port")
    workers: int = Field(1, ge=1, le=64, description="DOTMAC_HUB_WORKERS: uvicorn processes")
    trusted_proxies: str = Field(
        "127.0.0.1,::1", description="DOTMAC_HUB_TRUSTED_PROXIES: comma-separated addresses or "
        "networks of the reverse proxies in front of the API. Their X-Forwarded-For and "
        "X-Forwarded-Proto are believed, so per-IP rate limits, login lockouts and the audit "
        "log see the real client. Empty: believe no one.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="DOTMAC_HUB_LOG_LEVEL"
    )
    secret_key: str = Field(
        DEFAULT_SECRET_KEY, description="DOTMAC_HUB_SECRET_KEY: encrypts the JWT signing keys "
        f"stored in the database (at least {MIN_SECRET_LENGTH} characters in production)",
    )
    jwt_issuer: str = Field("dotmac-hub", description="DOTMAC_HUB_JWT_ISSUER: `iss` claim")
    jwt_audience: str = Field("dotmac-api", description="DOTMAC_HUB_JWT_AUDIENCE: `aud` claim")
    access_token_ttl: int = Field(
        600, ge=30, le=3600, description="DOTMAC_HUB_ACCESS_TOKEN_TTL: access JWT lifetime (s)"
    )
    refresh_token_ttl: int = Field(
        30 * 86400, ge=300, description="DOTMAC_HUB_REFRESH_TOKEN_TTL: refresh token lifetime (s)"
    )
    key_overlap: int = Field(
        86400, ge=60, description="DOTMAC_HUB_KEY_OVERLAP: how long a rotated-out signing key "
        "still verifies tokens (s); keep it above the access token lifetime",
    )
    argon2_time_cost: int = Field(3, ge=1, description="DOTMAC_HUB_ARGON2_TIME_COST")
    argon2_memory_kib: int = Field(65536, ge=1024, description="DOTMAC_HUB_ARGON2_MEMORY_KIB")
    rate_window: int = Field(60, ge=1, description="DOTMAC_HUB_RATE_WINDOW: rate window (s)")
    rate_limit_ip: int = Field(
        1200, ge=1, description="DOTMAC_HUB_RATE_LIMIT_IP: requests per window per client IP"
    )
    rate_limit_principal: int = Field(
        600, ge=1, description="DOTMAC_HUB_RATE_LIMIT_PRINCIPAL: requests per window per "
        "user or API key",
    )
    rate_sync_interval: float = Field(
        1.0, ge=0, le=60, description="DOTMAC_HUB_RATE_SYNC_INTERVAL: how often (s) a hub "
        "process folds its per-request rate counts into the shared database counters; "
        "several processes can together overshoot a limit by what they take in this time",
    )
    session_cache_ttl: float = Field(
        2.0, ge=0, le=30, description="DOTMAC_HUB_SESSION_CACHE_TTL: how long (s) a process "
        "trusts a session it found live; a revocation made through another process takes "
        "effect within this time (0 = check the database on every request)",
    )
    login_window: int = Field(
        900, ge=1, description="DOTMAC_HUB_LOGIN_WINDOW: brute-force window for logins (s)"
    )
    login_failures_account: int = Field(
        5, ge=1, description="DOTMAC_HUB_LOGIN_FAILURES_ACCOUNT: failed logins per account "
        "and window before the account's logins answer 429",
    )
    login_failures_ip: int = Field(
        50, ge=1, description="DOTMAC_HUB_LOGIN_FAILURES_IP: failed logins per client IP "
        "and window before that IP's logins answer 429",
    )
    broker_kind: Literal["mosquitto"] = Field(
        "mosquitto", description="DOTMAC_HUB_BROKER_KIND: how agent logins are administered "
        "(Mosquitto dynamic-security plugin)",
    )
    broker_host: str | None = Field(
        None, description="DOTMAC_HUB_BROKER_HOST: MQTT broker host, for the hub and the "
        "agents it enrolls (unset: enrollment answers 503)",
    )
    broker_port: int = Field(
        1883, ge=1, le=65535, description="DOTMAC_HUB_BROKER_PORT: plain MQTT port the hub "
        "uses for dynsec administration when DOTMAC_HUB_BROKER_TLS is off (development)",
    )
    broker_tls_port: int = Field(
        8883, ge=1, le=65535, description="DOTMAC_HUB_BROKER_TLS_PORT: MQTT over TLS port "
        "handed to agents at enrollment",
    )
    broker_tls: bool = Field(
        False, description="DOTMAC_HUB_BROKER_TLS: the hub's dynsec administration uses the "
        "TLS port, verifying the broker with DOTMAC_HUB_BROKER_CA_FILE (required in "
        "production)",
    )
    broker_ca_file: Path | None = Field(
        None, description="DOTMAC_HUB_BROKER_CA_FILE: PEM of the CA that signed the broker's "
        "TLS certificate; agents receive it at enrollment and verify the broker with it",
    )
    broker_dynsec_username: str = Field(
        "dynsec-admin", description="DOTMAC_HUB_BROKER_DYNSEC_USERNAME: broker login allowed "
        "to publish to $CONTROL/dynamic-security/#",
    )
    broker_dynsec_password: SecretStr | None = Field(
        None, description="DOTMAC_HUB_BROKER_DYNSEC_PASSWORD: its password (secret)",
    )
    broker_timeout: float = Field(
        10.0, gt=0, le=120, description="DOTMAC_HUB_BROKER_TIMEOUT: seconds to wait for the "
        "broker to answer an administrative command",
    )
    enroll_token_ttl: int = Field(
        3600, ge=60, le=7 * 86400, description="DOTMAC_HUB_ENROLL_TOKEN_TTL: default lifetime "
        "of an enrollment token (s)",
    )
    enroll_rate_limit: int = Field(
        20, ge=1, description="DOTMAC_HUB_ENROLL_RATE_LIMIT: POST /enroll attempts per window "
        "(DOTMAC_HUB_RATE_WINDOW) per client IP",
    )
    ingest_embedded: bool | None = Field(
        None, description="DOTMAC_HUB_INGEST_EMBEDDED: run an ingest worker inside the API "
        "process (default: yes in development; run `dotmac-hub ingest` workers in production)",
    )
    bootstrap_password: str | None = Field(
        None, description="DOTMAC_HUB_BOOTSTRAP_PASSWORD: owner password for `bootstrap` "
        "(generated and printed once when unset)",
    )

    @field_validator("broker_ca_file")
    @classmethod
    def _ca_file_exists(cls, value: Path | None) -> Path | None:
        return ca_file_or_none(value)

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
        found = []
        if self.database_url.startswith("sqlite"):
            found.append(
                "DOTMAC_HUB_DATABASE_URL: SQLite is the embedded demo default; "
                "set a postgresql+psycopg:// URL for production"
            )
        if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < MIN_SECRET_LENGTH:
            found.append(
                "DOTMAC_HUB_SECRET_KEY: missing or the development default; set a random "
                f"value of at least {MIN_SECRET_LENGTH} characters "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
            )
        if broker_admin:
            found.extend(self._broker_problems())
        if self.key_overlap <= self.access_token_ttl:
            found.append(
                "DOTMAC_HUB_KEY_OVERLAP: must exceed DOTMAC_HUB_ACCESS_TOKEN_TTL, or tokens "
                "signed just before a key rotation stop verifying early"
            )
        return found

    def _broker_problems(self) -> list[str]:
        missing = [(self.broker_host, "DOTMAC_HUB_BROKER_HOST", "the MQTT broker's host name"),
                   (self.broker_dynsec_password, "DOTMAC_HUB_BROKER_DYNSEC_PASSWORD",
                    "the dynsec admin password (mosquitto_ctrl dynsec init)"),
                   (self.broker_ca_file, "DOTMAC_HUB_BROKER_CA_FILE",
                    "the PEM of the CA that signed the broker's TLS certificate")]
        found = [f"{name}: missing; set {what} (agents enroll through it)"
                 for value, name, what in missing if not value]
        # No loopback exception: DOTMAC_HUB_BROKER_HOST is also the address agents are given,
        # so it names the broker as the network sees it.
        if not self.broker_tls:
            found.append("DOTMAC_HUB_BROKER_TLS: must be true in production; the dynsec admin "
                         "password (it can create broker logins) must not travel in clear "
                         "(the TLS port, verified with DOTMAC_HUB_BROKER_CA_FILE)")
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
