"""Hub settings: every value has a default for the embedded demo and an env variable."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    host: str = Field("127.0.0.1", description="DOTMAC_HUB_HOST: address the API binds to")
    port: int = Field(8080, ge=1, le=65535, description="DOTMAC_HUB_PORT: API port")
    workers: int = Field(1, ge=1, le=64, description="DOTMAC_HUB_WORKERS: uvicorn processes")
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
    bootstrap_password: str | None = Field(
        None, description="DOTMAC_HUB_BOOTSTRAP_PASSWORD: owner password for `bootstrap` "
        "(generated and printed once when unset)",
    )

    @property
    def migrate_on_start(self) -> bool:
        """Whether the app upgrades the schema itself when it starts."""
        if self.auto_migrate is not None:
            return self.auto_migrate
        return self.mode == "development"

    def problems(self) -> list[str]:
        """Reasons this configuration must not run in production (empty when fine)."""
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
        if self.key_overlap <= self.access_token_ttl:
            found.append(
                "DOTMAC_HUB_KEY_OVERLAP: must exceed DOTMAC_HUB_ACCESS_TOKEN_TTL, or tokens "
                "signed just before a key rotation stop verifying early"
            )
        return found
