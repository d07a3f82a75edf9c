"""IPAM settings (`DOTMAC_HUB_IPAM_*`)."""

from __future__ import annotations

from pydantic import Field

from hub.settings_env import EnvSettings, env_config


class IpamSettings(EnvSettings):
    """How long a released address rests before another subscription may get it."""

    model_config = env_config("DOTMAC_HUB_IPAM_")

    quarantine_hours: float = Field(
        24.0, ge=0, le=24 * 90, description="a released address (or prefix) stays "
        "quarantined this long before it is allocated again, so a returning customer's old "
        "sessions, ARP/ND caches and abuse reports do not land on the next one (0: at once)")
