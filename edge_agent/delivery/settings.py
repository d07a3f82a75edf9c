"""Settings of the MQTT delivery; the config layer fills these from the agent's YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BrokerSettings", "DeliverySettings"]


@dataclass(frozen=True)
class BrokerSettings:
    """Where and as whom the agent connects. ``password`` never appears in ``repr``/logs."""

    host: str
    port: int = 1883
    username: str | None = None  # None: the agent id (the protocol's broker username)
    password: str | None = field(default=None, repr=False)
    keepalive_s: int = 30
    # Persistent MQTT v5 session: commands queued for the agent survive short outages.
    session_expiry_s: int = 24 * 3600
    connect_timeout_s: float = 10.0
    tls: bool = False  # TLS; verified against tls_ca_file, or the system CAs when unset
    tls_ca_file: Path | None = None


@dataclass(frozen=True)
class DeliverySettings:
    """Tuning of the publish loop, the reconnect backoff and the health report."""

    window: int = 20  # publishes in flight at once; each is still acked on its own PUBACK
    publish_timeout_s: float = 30.0  # no PUBACK by then: treat the connection as dead
    backoff_initial_s: float = 1.0
    backoff_cap_s: float = 60.0
    health_interval_s: float = 60.0
    drain_deadline_s: float = 10.0  # stop(): how long to keep flushing before closing
    idle_poll_s: float = 0.5  # how often an idle loop looks at the queue without a wake()

    def __post_init__(self) -> None:
        if self.window < 1:
            raise ValueError(f"delivery window={self.window}: must be >= 1 (default 20)")
        if self.backoff_cap_s < self.backoff_initial_s:
            raise ValueError(
                f"delivery backoff_cap_s={self.backoff_cap_s}: below backoff_initial_s="
                f"{self.backoff_initial_s}; raise the cap"
            )
