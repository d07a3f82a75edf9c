"""Hub settings: every value has a default for the embedded demo and an env variable."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_STATE_DIR = Path(".dotmac")


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
    host: str = Field("127.0.0.1", description="DOTMAC_HUB_HOST: address the API binds to")
    port: int = Field(8080, ge=1, le=65535, description="DOTMAC_HUB_PORT: API port")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="DOTMAC_HUB_LOG_LEVEL"
    )

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
        return found
