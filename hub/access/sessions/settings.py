"""Session and CoA settings (`DOTMAC_HUB_SESSIONS_*`): when a silent session is stale, and
how CoA / Disconnect-Requests are retried."""

from __future__ import annotations

from pydantic import Field

from hub.settings_env import EnvSettings, env_config


class SessionsSettings(EnvSettings):
    """Stale-session rule and the CoA sender's timing."""

    model_config = env_config("DOTMAC_HUB_SESSIONS_")

    interim_interval_s: int = Field(
        300, ge=30, le=86400, description="Acct-Interim-Interval the NASes are told to use; "
        "a session whose NAS reported its own interval uses that one")
    stale_after_intervals: int = Field(
        3, ge=2, le=100, description="an open session with no accounting for this many "
        "interim intervals is closed with terminate cause `stale` (lost Stop)")
    coa_timeout_s: float = Field(
        2.0, gt=0, le=30, description="how long the hub waits for the NAS's CoA/Disconnect "
        "ACK or NAK before sending the request again")
    coa_attempts: int = Field(
        3, ge=1, le=10, description="attempts per CoA/Disconnect-Request (a timeout is "
        "retried with the same packet; a NAK is retried once the backoff passed)")
    coa_backoff: float = Field(
        2.0, ge=1, le=10, description="each retry waits timeout x backoff^(attempt-1)")
