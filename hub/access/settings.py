"""RADIUS settings (`DOTMAC_HUB_RADIUS_*`): how FreeRADIUS proves itself to the hub, and the
parts of the RADIUS answer that are not per plan."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from hub.access.models import USERNAME_MAX_BYTES
from hub.settings_env import EnvSettings, env_config


class RadiusSettings(EnvSettings):
    """The RADIUS caller token and the answer's fixed parts."""

    model_config = env_config("DOTMAC_HUB_RADIUS_")

    token: SecretStr = Field(
        SecretStr(""), description="token FreeRADIUS sends in X-Dotmac-Radius-Token on every "
        "call to /radius/* (16-128 characters of A-Z a-z 0-9 . _ ~ -; `dotmac-hub radius "
        "config` writes it into the rendered config). Empty: /radius/* refuses everyone")
    walled_garden: str = Field(
        "dotmac-walled-garden", min_length=1, max_length=64, description="name of the "
        "walled-garden address list / filter / policy on the NAS that suspended "
        "subscribers are put in (vendor files use it as {walled_garden})")
    session_timeout_s: int = Field(
        0, ge=0, le=31_536_000, description="Session-Timeout sent with every Access-Accept "
        "(0: none; the NAS keeps the session until it ends or the hub disconnects it)")
    suspended_session_timeout_s: int = Field(
        3600, ge=0, le=31_536_000, description="Session-Timeout of a walled-garden or "
        "reduced-rate session of a suspended subscriber, so it re-authorizes and gets the "
        "normal answer soon after payment even without CoA (0: none)")
    max_username_bytes: int = Field(
        USERNAME_MAX_BYTES, ge=1, le=USERNAME_MAX_BYTES, description="longest User-Name "
        "the hub looks up; longer ones are rejected (reason oversized_username)")
    backend: Literal["rest", "sql"] = Field(
        "rest", description="how FreeRADIUS gets the hub's answers: `rest` (it calls "
        "/radius/authorize per request) or `sql` (the hub materializes every answer into "
        "PostgreSQL, FreeRADIUS reads radius_answers by index look-up; PostgreSQL only; "
        "docs/radius.md). Must match `dotmac-hub radius config --backend`")
