"""Broker administration: give an enrolled agent its own MQTT login, bound to its own
client id, and take it away again.

`BrokerAdmin` is the seam: Mosquitto's dynamic-security plugin is the one implementation
today (`hub.broker.dynsec`); another broker (EMQX's HTTP API, HiveMQ...) is one more class
with the same methods, registered in `BROKERS`. Whatever the broker, a login must only
connect with its own client id, or it can take another client's session over
(docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable

from hub.broker.base import BrokerAdmin, BrokerError
from hub.broker.dynsec import HUB_CLIENT_ID_PREFIX, DynsecAdmin, agent_acls, role_name
from hub.settings import HubSettings

__all__ = ["BROKERS", "HUB_CLIENT_ID_PREFIX", "BrokerAdmin", "BrokerError", "DynsecAdmin",
           "agent_acls", "broker_admin", "role_name"]


def _mosquitto(settings: HubSettings) -> BrokerAdmin:
    broker, password = settings.broker, settings.dynsec.password
    return DynsecAdmin(
        host=broker.address, port=broker.connect_port, username=settings.dynsec.username,
        password=password.get_secret_value() if password else "",
        timeout_s=broker.timeout, tls=broker.tls_context())


# Broker kind -> factory; `BrokerSettings.kind` picks one.
BROKERS: dict[str, Callable[[HubSettings], BrokerAdmin]] = {"mosquitto": _mosquitto}


def broker_admin(settings: HubSettings) -> BrokerAdmin | None:
    """The configured broker administrator, or None when no broker is configured."""
    if not settings.broker.host:
        return None
    return BROKERS[settings.broker.kind](settings)
