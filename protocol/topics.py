"""MQTT topic layout of protocol ``dm/v1``.

Layout::

    dm/v1/<agent_id>/up/<channel>    agent -> hub  (state, health, telemetry, inventory,
                                                    job/progress, job/result, config,
                                                    discovery, events)
    dm/v1/<agent_id>/cmd/<channel>   hub -> agent  (job, config)

The agent id is exactly one topic level and equals the agent's broker username, so the
Mosquitto ACL patterns from :func:`acl_patterns` confine each agent to its own prefix and
the hub can treat the topic's agent id as authoritative. A new protocol major gets a new
root (``dm/v2``) rather than sharing these topics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from protocol.errors import TopicError

__all__ = [
    "AGENT_ID_PATTERN",
    "TOPIC_ROOT",
    "Channel",
    "Direction",
    "ParsedTopic",
    "acl_patterns",
    "agent_command_filter",
    "build",
    "hub_acl_lines",
    "hub_ingest_subscription",
    "parse",
    "validate_agent_id",
]

TOPIC_ROOT = "dm/v1"
AGENT_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,62}$"
# fullmatch on an unanchored copy: Python's "$" also matches before a trailing newline.
_AGENT_ID_RE = re.compile(AGENT_ID_PATTERN[1:-1])
_SHARE_GROUP_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")


class Direction(StrEnum):
    """Which way a channel flows: ``up`` is agent-to-hub, ``cmd`` is hub-to-agent."""

    UP = "up"
    CMD = "cmd"


class Channel(StrEnum):
    """A topic channel; the value is the topic suffix after the agent id."""

    STATE = "up/state"
    HEALTH = "up/health"
    TELEMETRY = "up/telemetry"
    INVENTORY = "up/inventory"
    JOB_PROGRESS = "up/job/progress"
    JOB_RESULT = "up/job/result"
    CONFIG_ACK = "up/config"  # since 1.2
    DISCOVERY = "up/discovery"  # since 1.2
    EVENTS = "up/events"  # since 1.3
    JOB = "cmd/job"
    CONFIG = "cmd/config"

    @property
    def direction(self) -> Direction:
        """Whether the agent publishes (``up``) or subscribes (``cmd``) on this channel."""
        return Direction(self.value.split("/", 1)[0])

    @property
    def leaf(self) -> str:
        """The channel name below the direction level, e.g. ``job/progress``."""
        return self.value.split("/", 1)[1]

    @property
    def retained(self) -> bool:
        """True when messages are published retained (only birth/death state)."""
        return self is Channel.STATE


_CHANNELS_BY_SUFFIX: dict[str, Channel] = {c.value: c for c in Channel}


@dataclass(frozen=True, slots=True)
class ParsedTopic:
    """The result of :func:`parse`: whose topic it is and which channel."""

    agent_id: str
    channel: Channel


def validate_agent_id(agent_id: str) -> str:
    """Return ``agent_id`` unchanged if it is a legal agent id, else raise TopicError.

    Legal ids match ``[a-z0-9][a-z0-9._-]{0,62}``: that excludes MQTT wildcards, level
    separators, ``$``-prefixed system topics, whitespace, NUL and uppercase (usernames are
    compared case-sensitively by the broker, so one canonical case avoids twin identities).
    """
    if not isinstance(agent_id, str) or _AGENT_ID_RE.fullmatch(agent_id) is None:
        raise TopicError(f"invalid agent id {agent_id!r}: must match {AGENT_ID_PATTERN}")
    return agent_id


def build(agent_id: str, channel: Channel) -> str:
    """Return the full topic for ``channel`` of ``agent_id``."""
    validate_agent_id(agent_id)
    if not isinstance(channel, str) or channel not in _CHANNELS_BY_SUFFIX:
        raise TopicError(f"unknown channel {channel!r}")
    return f"{TOPIC_ROOT}/{agent_id}/{_CHANNELS_BY_SUFFIX[channel].value}"


def parse(topic: str) -> ParsedTopic:
    """Split a concrete topic into agent id and channel; refuse anything not exact.

    Raises TopicError for a wrong root, an illegal agent id, wildcards, an unknown
    channel, or extra/missing/empty levels.
    """
    if not isinstance(topic, str):
        raise TopicError(f"topic must be a str, not {type(topic).__name__}")
    root = TOPIC_ROOT + "/"
    if not topic.startswith(root):
        raise TopicError(f"topic {topic!r} is not under {TOPIC_ROOT}/")
    agent_id, sep, suffix = topic[len(root) :].partition("/")
    if not sep:
        raise TopicError(f"topic {topic!r} has no channel")
    validate_agent_id(agent_id)
    channel = _CHANNELS_BY_SUFFIX.get(suffix)
    if channel is None:
        raise TopicError(f"topic {topic!r} has unknown channel {suffix!r}")
    return ParsedTopic(agent_id=agent_id, channel=channel)


def hub_ingest_subscription(group: str = "hub-ingest") -> str:
    """Return the shared-subscription filter that load-balances all up traffic over hubs."""
    if _SHARE_GROUP_RE.fullmatch(group) is None:
        raise TopicError(f"invalid shared subscription group {group!r}")
    return f"$share/{group}/{TOPIC_ROOT}/+/{Direction.UP.value}/#"


def agent_command_filter(agent_id: str) -> str:
    """Return the filter an agent subscribes to for its own commands."""
    validate_agent_id(agent_id)
    return f"{TOPIC_ROOT}/{agent_id}/{Direction.CMD.value}/#"


def acl_patterns() -> list[str]:
    """Return the Mosquitto ``acl_file`` pattern lines confining agents to their prefix.

    ``%u`` is substituted with the broker username, which must equal the agent id.
    """
    return [
        f"pattern write {TOPIC_ROOT}/%u/{Direction.UP.value}/#",
        f"pattern read {TOPIC_ROOT}/%u/{Direction.CMD.value}/#",
    ]


def hub_acl_lines(username: str) -> list[str]:
    """Return the ``acl_file`` lines for the hub user: read and write all of ``dm/v1/#``
    (it reads every agent's ``up`` channels and writes their ``cmd`` channels).

    The username follows the agent id rules so it cannot inject acl_file syntax; it must
    not be handed out as an agent id (the patterns above would grant it that prefix too).
    """
    try:
        validate_agent_id(username)
    except TopicError:
        raise TopicError(f"invalid hub username {username!r}") from None
    return [f"user {username}", f"topic readwrite {TOPIC_ROOT}/#"]
