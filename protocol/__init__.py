"""DotMac Edge wire protocol ``dm/v1``: MQTT topics and message schemas.

The single contract shared by ``edge_agent`` and ``hub``. Typical use::

    from protocol import Channel, build, encode, decode_for_topic

    client.publish(build(agent_id, Channel.TELEMETRY), encode(batch))
    message = decode_for_topic(topic, payload)  # raises only ProtocolError

Compatibility: the hub accepts every minor of its major up to its own
(:data:`SUPPORTED_VERSIONS`); minors only add optional fields; a new major gets a new
topic root. See ``protocol/README.md``.
"""

from protocol.codec import MAX_MESSAGE_BYTES, decode, decode_for_topic, encode
from protocol.errors import DecodeReason, ProtocolError, TopicError
from protocol.examples import EXAMPLES
from protocol.messages import (
    CURRENT_VERSION,
    MESSAGE_TYPES,
    SUPPORTED_VERSIONS,
    AgentHealth,
    AgentState,
    ConfigAck,
    ConfigPush,
    DeviceEventBatch,
    DeviceFacts,
    DiscoveryCandidate,
    DiscoveryReport,
    Envelope,
    EventCounters,
    EventRecord,
    InterfaceFacts,
    Inventory,
    JobErrorCode,
    JobProgress,
    JobRequest,
    JobResult,
    Message,
    Sample,
    TelemetryBatch,
    channel_for,
)
from protocol.topics import (
    TOPIC_ROOT,
    Channel,
    Direction,
    ParsedTopic,
    acl_patterns,
    agent_command_filter,
    build,
    hub_acl_lines,
    hub_ingest_subscription,
    parse,
    validate_agent_id,
)

__all__ = [
    "CURRENT_VERSION",
    "EXAMPLES",
    "MAX_MESSAGE_BYTES",
    "MESSAGE_TYPES",
    "SUPPORTED_VERSIONS",
    "TOPIC_ROOT",
    "AgentHealth",
    "AgentState",
    "Channel",
    "ConfigAck",
    "ConfigPush",
    "DecodeReason",
    "DeviceEventBatch",
    "DeviceFacts",
    "Direction",
    "DiscoveryCandidate",
    "DiscoveryReport",
    "Envelope",
    "EventCounters",
    "EventRecord",
    "InterfaceFacts",
    "Inventory",
    "JobErrorCode",
    "JobProgress",
    "JobRequest",
    "JobResult",
    "Message",
    "ParsedTopic",
    "ProtocolError",
    "Sample",
    "TelemetryBatch",
    "TopicError",
    "acl_patterns",
    "agent_command_filter",
    "build",
    "channel_for",
    "decode",
    "decode_for_topic",
    "encode",
    "hub_acl_lines",
    "hub_ingest_subscription",
    "parse",
    "validate_agent_id",
]
