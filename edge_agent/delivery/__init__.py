"""MQTT delivery: the agent's queue to the broker, with reconnects, PUBACK checks and health.

Typical use::

    queue = await SqliteQueue.open(state_dir / "queue.sqlite3")
    delivery = Delivery(agent_id, BrokerSettings(host, password=pw), queue,
                        queue.seq_counter(), health=scheduler)
    task = asyncio.create_task(delivery.run())
    ...
    await delivery.stop()  # drains within the deadline; the rest stays on disk

See docs/agent-delivery.md.
"""

from edge_agent.delivery.backoff import Backoff
from edge_agent.delivery.client import AckingClient
from edge_agent.delivery.reports import (
    DeliveryMetrics,
    HealthSource,
    PollHealth,
    QueueHealth,
    build_health,
    build_state,
)
from edge_agent.delivery.service import Delivery
from edge_agent.delivery.settings import BrokerSettings, DeliverySettings

__all__ = [
    "AckingClient",
    "Backoff",
    "BrokerSettings",
    "Delivery",
    "DeliveryMetrics",
    "DeliverySettings",
    "HealthSource",
    "PollHealth",
    "QueueHealth",
    "build_health",
    "build_state",
]
