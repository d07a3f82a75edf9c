"""Broker administration: give an enrolled agent its own MQTT login, take it away again.

`BrokerAdmin` is the seam: Mosquitto's dynamic-security plugin is the one implementation
today (`hub.broker.dynsec`); another broker (EMQX's HTTP API, HiveMQ...) is one more class
with the same two methods, registered in `BROKERS`.
"""

from __future__ import annotations

from collections.abc import Callable

from hub.broker.base import BrokerAdmin, BrokerError
from hub.broker.dynsec import DynsecAdmin, agent_acls, role_name
from hub.settings import HubSettings
from hub.tls import client_context

__all__ = ["BROKERS", "BrokerAdmin", "BrokerError", "DynsecAdmin", "agent_acls",
           "broker_admin", "role_name"]


def _mosquitto(settings: HubSettings) -> BrokerAdmin:
    password = settings.broker_dynsec_password
    tls = client_context(settings.broker_ca_file) if settings.broker_tls else None
    return DynsecAdmin(
        host=str(settings.broker_host),
        port=settings.broker_tls_port if tls else settings.broker_port,
        username=settings.broker_dynsec_username,
        password=password.get_secret_value() if password else "",
        timeout_s=settings.broker_timeout, tls=tls)


# Broker kind -> factory; `DOTMAC_HUB_BROKER_KIND` picks one.
BROKERS: dict[str, Callable[[HubSettings], BrokerAdmin]] = {"mosquitto": _mosquitto}


def broker_admin(settings: HubSettings) -> BrokerAdmin | None:
    """The configured broker administrator, or None when no broker is configured."""
    if not settings.broker_host:
        return None
    return BROKERS[settings.broker_kind](settings)
