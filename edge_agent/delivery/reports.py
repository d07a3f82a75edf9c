"""What the agent says about itself: birth/death state, health, and delivery metrics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from edge_agent import __version__
from protocol import AgentHealth, AgentState, EventCounters

__all__ = [
    "DeliveryMetrics",
    "HealthSource",
    "PollHealth",
    "QueueHealth",
    "build_health",
    "build_state",
]


@dataclass(frozen=True)
class PollHealth:
    """The poller's side of the health report, supplied by the runtime (with the event
    receivers' counters: received, accepted, folded, dropped, refused; None when off, and
    the devices still waiting for their first poll)."""

    poll_duration_p50_s: float = 0.0
    poll_duration_p95_s: float = 0.0
    devices_total: int = 0
    device_errors: Mapping[str, str] = field(default_factory=dict)  # device -> snake_case code
    events: Mapping[str, int] | None = None
    # Devices not polled to the end yet since the agent started (or since they were added):
    # the hub keeps their state rather than calling them up. Never one with an error.
    devices_pending: Sequence[str] = ()


class HealthSource(Protocol):
    """Whatever knows how polling goes (the scheduler); asked once per health report."""

    def poll_health(self) -> PollHealth:
        """Current poll durations and per-device failures."""
        ...


@dataclass(frozen=True)
class QueueHealth:
    """The queue's side of the health report."""

    depth: int
    bytes: int
    oldest_age_s: float
    dropped_samples: int


def build_state(
    agent_id: str,
    seq: int,
    ts: datetime,
    started_at: datetime,
    state: Literal["online", "offline"],
    reason: str | None = None,
) -> AgentState:
    """A birth (``online``) or death (``offline`` with reason ``lwt``/``shutdown``) message."""
    return AgentState(
        agent_id=agent_id, seq=seq, ts=ts, state=state, agent_version=__version__,
        started_at=started_at, reason=reason,
    )


def build_health(
    agent_id: str, seq: int, ts: datetime, queue: QueueHealth, poll: PollHealth, uptime_s: float
) -> AgentHealth:
    """The periodic health message; ``dropped_samples`` is the queue's persisted total."""
    return AgentHealth(
        agent_id=agent_id, seq=seq, ts=ts,
        queue_depth=queue.depth, queue_bytes=queue.bytes,
        oldest_queued_age_s=queue.oldest_age_s, dropped_samples=queue.dropped_samples,
        poll_duration_p50_s=poll.poll_duration_p50_s,
        poll_duration_p95_s=poll.poll_duration_p95_s,
        devices_total=poll.devices_total, devices_failing=len(poll.device_errors),
        device_errors=dict(poll.device_errors), uptime_s=max(0.0, uptime_s),
        events=EventCounters.model_validate(dict(poll.events)) if poll.events else None,
        devices_pending=sorted(poll.devices_pending) or None,  # left out when none
    )


@dataclass
class DeliveryMetrics:
    """Counters for ``dotmac-agent status``/``doctor``; never holds a secret."""

    connected: bool = False
    last_connect_error: str | None = None
    connects: int = 0
    reconnects: int = 0  # connection attempts that failed or connections that were lost
    published: int = 0  # queue items acknowledged by the broker
    refused: Counter[int] = field(default_factory=Counter)  # PUBACK reason code -> count
    no_subscribers: int = 0  # PUBACKs with reason 16 "no matching subscribers" (any message)
    held_no_subscribers: int = 0  # ...of them queue items, kept and retried (not delivered)
    waiting_for_subscribers: bool = False  # now: queue items wait for the hub to subscribe

    def snapshot(self) -> dict[str, object]:
        """A JSON-ready copy."""
        return {
            "connected": self.connected,
            "last_connect_error": self.last_connect_error,
            "connects": self.connects,
            "reconnects": self.reconnects,
            "published": self.published,
            "refused": {str(code): count for code, count in sorted(self.refused.items())},
            "no_subscribers": self.no_subscribers,
            "held_no_subscribers": self.held_no_subscribers,
            "waiting_for_subscribers": self.waiting_for_subscribers,
        }
