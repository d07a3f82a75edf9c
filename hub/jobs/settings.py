"""Job dispatcher settings (`DOTMAC_HUB_JOBS_*`): its broker login and how it resends."""

from __future__ import annotations

import socket
from typing import ClassVar

from pydantic import Field, SecretStr

from hub.settings import BrokerSettings
from hub.settings_env import EnvSettings, Rename, env_config
from hub.tls import plaintext_problem


def default_client_id() -> str:
    """The dispatcher's client id prefix: its host name (each process appends its own)."""
    host = socket.gethostname().lower().replace(".", "-")[:40]
    return f"dotmac-jobs-{host}"


class JobsSettings(EnvSettings):
    """The dispatcher's broker login (it writes agents' cmd/ topics) and resend timing."""

    model_config = env_config("DOTMAC_HUB_JOBS_")
    renamed_env: ClassVar[dict[str, Rename]] = {"DOTMAC_HUB_MQTT_USERNAME": "username",
                                                "DOTMAC_HUB_MQTT_PASSWORD": "password"}

    username: str = Field("dotmac-hub", description="the dispatcher's broker login (writes "
                          "dm/v1/+/cmd/#)")
    password: SecretStr = Field(SecretStr(""), description="its password (secret)")
    client_id: str = Field(
        default_factory=default_client_id, description="MQTT client id prefix; each process "
        "appends its pid and a random part, as it keeps no session "
        "(default dotmac-jobs-HOSTNAME)")
    resend_after_s: float = Field(
        60.0, ge=5, le=3600, description="a provisioning job still `dispatched` (no answer "
        "from its agent) this long after it was sent is published again with the same "
        "idempotency key (the broker drops commands for an agent that never connected)")
    broker: BrokerSettings = Field(default_factory=BrokerSettings)

    def problems(self, production: bool) -> list[str]:
        """Why these settings must not run in production (empty when fine)."""
        clear = production and plaintext_problem(
            self.broker.address, self.broker.tls, BrokerSettings.env_name("tls"),
            "its broker password and every job's parameters")
        return [clear] if clear else []
