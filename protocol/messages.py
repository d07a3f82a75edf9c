"""Message schemas of protocol ``dm/v1`` (pydantic v2 models).

Every message shares an envelope: ``type`` (discriminator), ``v`` (schema version
``MAJOR.MINOR``), ``agent_id``, ``seq`` and ``ts``.

Compatibility rule: the hub accepts every minor version of its major up to its own
(:data:`SUPPORTED_VERSIONS`). A minor version only adds optional fields, so a
previous-minor message simply lacks them. Anything incompatible is a new major with a new
topic root (``dm/v2``). Version 1.1 added ``Sample.unit``, ``AgentHealth.devices_failing``
and ``AgentState.reason``. Version 1.2 added the hub-managed configuration: ``ConfigPush``
carries a packed :class:`protocol.edge_config.EdgeConfig`, the agent answers on the new
``up/config`` channel (``ConfigAck``), reports discoveries on ``up/discovery``
(``DiscoveryReport``), and ``JobRequest.device_name`` names a device the agent only knows
locally. Version 1.3 added device events: the agent forwards what devices send it (SNMP
traps and informs, syslog) as ``DeviceEventBatch`` on the new ``up/events`` channel,
``AgentHealth.events`` counts what its event receivers took in, folded and dropped, and
``AgentHealth.devices_pending`` names the devices a (re)started agent has not polled yet.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from ipaddress import ip_address
from typing import Annotated, Final, Literal, Self
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from protocol.topics import AGENT_ID_PATTERN, Channel

__all__ = [
    "CURRENT_VERSION",
    "MESSAGE_TYPES",
    "SECRET_KEY_MARKERS",
    "SUPPORTED_VERSIONS",
    "AgentHealth",
    "AgentState",
    "ConfigAck",
    "ConfigPush",
    "DeviceEventBatch",
    "DeviceFacts",
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
    "Sample",
    "TelemetryBatch",
    "channel_for",
]

CURRENT_VERSION: Final = "1.3"
PREVIOUS_VERSION: Final = "1.2"
SUPPORTED_VERSIONS: tuple[str, ...] = (CURRENT_VERSION, PREVIOUS_VERSION, "1.1", "1.0")

MAX_SAMPLES = 10_000
MAX_LABELS = 32
MAX_OUTPUT_CHARS = 256 * 1024
MAX_EVENTS = 500
MAX_RAW_CHARS = 1024
COUNTER_MAX = 2**64 - 1
INT_MIN = -(2**63)
SEQ_MAX = 2**63 - 1  # fits a signed 64-bit database column

# Substrings of param keys that suggest a credential; the hub must never ship one.
SECRET_KEY_MARKERS: tuple[str, ...] = (
    "password",
    "passwd",
    "secret",
    "community",
    "key",
    "token",
)


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
AgentId = Annotated[str, StringConstraints(pattern=AGENT_ID_PATTERN)]
DeviceId = Annotated[str, StringConstraints(min_length=1, max_length=128)]
SnakeName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,127}$")]
LabelKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
LabelValue = Annotated[str, StringConstraints(max_length=256)]
ShortText = Annotated[str, StringConstraints(max_length=256)]
Text = Annotated[str, StringConstraints(max_length=4096)]
# Canonical lowercase colon form; agents normalise vendor formats before sending.
MacAddress = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")]
Oid = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)*$", max_length=512)]
Count = Annotated[int, Field(ge=0, le=SEQ_MAX)]
Seconds = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def _sample_value(value: object) -> int | float:
    # One validator instead of an int|float union: a union would silently turn an
    # out-of-range int into a lossy float and report errors under "int"/"float" sub-paths.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("value must be a JSON number")
    if isinstance(value, int):
        if not INT_MIN <= value <= COUNTER_MAX:
            raise ValueError(f"integer value must be within [{INT_MIN}, {COUNTER_MAX}]")
        return value
    if not math.isfinite(value):
        raise ValueError("value must be a finite number")
    return value


SampleValue = Annotated[
    int | float,
    PlainValidator(_sample_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": INT_MIN, "maximum": COUNTER_MAX},
                {"type": "number"},
            ]
        }
    ),
]


class JobErrorCode(StrEnum):
    """Stable failure codes of a job; safe to use in alerts and dashboards."""

    UNREACHABLE = "unreachable"
    AUTH_FAILED = "auth_failed"
    TIMEOUT = "timeout"
    PROMPT_MISMATCH = "prompt_mismatch"
    COMMAND_REJECTED = "command_rejected"
    VERIFY_FAILED = "verify_failed"
    ROLLED_BACK = "rolled_back"
    EXPIRED = "expired"
    INTERNAL = "internal"
    # Added in 1.1 (hubs first): the device showed another SSH host key than the trusted one.
    HOST_KEY_CHANGED = "host_key_changed"


class _Model(BaseModel):
    # strict: JSON types must match exactly ("5" is not an int, 1 is not a bool).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _wire_required(schema: dict[str, JsonValue]) -> None:
    # Python callers may rely on the defaults, but on the wire the decoder demands both.
    required = schema.setdefault("required", [])
    if isinstance(required, list):
        required[:0] = [name for name in ("type", "v") if name not in required]


class Envelope(_Model):
    """Fields common to every message; base class of all message types."""

    model_config = ConfigDict(json_schema_extra=_wire_required)

    type: str = Field(description="Message type discriminator.")
    v: Literal["1.0", "1.1", "1.2", "1.3"] = CURRENT_VERSION
    agent_id: AgentId
    seq: Count = Field(description="Per-sender monotonically increasing sequence number.")
    ts: UtcDatetime = Field(description="Send time, timezone-aware, normalised to UTC.")


class AgentState(Envelope):
    """Birth (``online``, retained) and death (``offline``, the MQTT Last Will)."""

    type: Literal["state"] = "state"
    state: Literal["online", "offline"]
    agent_version: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    started_at: UtcDatetime
    reason: ShortText | None = Field(default=None, description="Since 1.1, e.g. lwt.")


class EventCounters(_Model):
    """What the agent's event receivers (traps, syslog) did since it started (since 1.3).

    All counters are monotonic from agent start (a restart resets them, as ``uptime_s``
    shows): ``received`` datagrams/lines taken in, ``accepted`` events queued for the hub,
    ``folded`` identical events merged into an earlier one (its ``count``), ``dropped`` by
    storm control (per-source rate limit), ``refused`` as malformed or unauthenticated
    (bad BER, wrong SNMPv3 credentials, oversized or undecodable lines).
    """

    received: Count
    accepted: Count
    folded: Count
    dropped: Count
    refused: Count


class AgentHealth(Envelope):
    """Periodic self-report of the agent's queue, poller and device health."""

    type: Literal["health"] = "health"
    queue_depth: Count = Field(description="Batches waiting to be published.")
    queue_bytes: Count
    oldest_queued_age_s: Seconds
    dropped_samples: Count = Field(description="Cumulative since agent start.")
    poll_duration_p50_s: Seconds
    poll_duration_p95_s: Seconds
    devices_total: Count
    devices_failing: Count | None = Field(default=None, description="Since 1.1.")
    device_errors: dict[DeviceId, SnakeName] = Field(default_factory=dict)
    uptime_s: Seconds
    events: EventCounters | None = Field(
        default=None, description="Since 1.3: the event receivers' counters (traps, syslog).")
    devices_pending: list[DeviceId] | None = Field(
        default=None,
        description="Since 1.3: devices the agent has not finished a poll of since it "
        "started (or since they were added): their state is unknown, not up. Left out when "
        "none. A device with an entry in device_errors is failing, not pending.")

    @model_validator(mode="after")
    def _failing_within_total(self) -> Self:
        if self.devices_failing is not None and self.devices_failing > self.devices_total:
            raise ValueError("devices_failing cannot exceed devices_total")
        if self.devices_pending is not None and len(self.devices_pending) > self.devices_total:
            raise ValueError("devices_pending cannot list more devices than devices_total")
        return self


class Sample(_Model):
    """One metric observation of one device."""

    device: DeviceId
    metric: SnakeName
    labels: Annotated[dict[LabelKey, LabelValue], Field(max_length=MAX_LABELS)] = Field(
        default_factory=dict
    )
    value: SampleValue
    kind: Literal["counter", "gauge"]
    ts: UtcDatetime
    unit: ShortText | None = Field(default=None, description="Since 1.1, e.g. bytes.")


class TelemetryBatch(Envelope):
    """A batch of samples; must also fit the codec's message size limit."""

    type: Literal["telemetry"] = "telemetry"
    samples: Annotated[list[Sample], Field(min_length=1, max_length=MAX_SAMPLES)]


Status = Literal["up", "down", "testing", "unknown"]
OperStatus = Literal["up", "down", "testing", "unknown", "dormant", "notPresent", "lowerLayerDown"]


class InterfaceFacts(_Model):
    """Static facts about one interface (IF-MIB)."""

    if_index: Annotated[int, Field(ge=1, le=2**31 - 1)]
    name: ShortText
    alias: ShortText = ""
    descr: ShortText = ""
    speed_bps: Count | None = None
    admin_status: Status
    oper_status: OperStatus
    mac: MacAddress | None = None


class DeviceFacts(_Model):
    """Static facts about one polled device; replaces the hub's record of that device."""

    device: DeviceId
    address: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    profile: SnakeName
    sys_name: ShortText | None = None
    sys_descr: Text | None = None
    sys_object_id: Oid | None = None
    vendor: ShortText | None = None
    model: ShortText | None = None
    serial: ShortText | None = None
    os_version: ShortText | None = None
    uptime_s: Seconds | None = None
    interfaces: list[InterfaceFacts] = Field(default_factory=list)


class Inventory(Envelope):
    """Inventory of some or all devices of an agent (per-device upsert on the hub)."""

    type: Literal["inventory"] = "inventory"
    devices: Annotated[list[DeviceFacts], Field(min_length=1)]


def _secret_keys(value: JsonValue, path: str) -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            here = f"{path}.{key}" if path else key
            if any(marker in key.lower() for marker in SECRET_KEY_MARKERS):
                found.append(here)
            found.extend(_secret_keys(inner, here))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend(_secret_keys(inner, f"{path}.{index}"))
    return found


class JobRequest(Envelope):
    """A command for the agent to run against a device.

    Credentials never travel in a job: the agent resolves them locally, so params whose
    keys look like secrets (:data:`SECRET_KEY_MARKERS`, at any depth) are refused.
    """

    type: Literal["job_request"] = "job_request"
    job_id: UUID
    device: DeviceId
    action: SnakeName
    params: dict[str, JsonValue] = Field(default_factory=dict)
    idempotency_key: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    deadline: UtcDatetime
    dry_run: bool = False
    device_name: ShortText | None = Field(
        default=None, description="Since 1.2: the hub's label of `device` (a device id); "
        "an agent that does not know the id looks for a local device of this name.")

    @field_validator("params")
    @classmethod
    def _no_secrets(cls, params: dict[str, JsonValue]) -> dict[str, JsonValue]:
        found = _secret_keys(params, "")
        if found:
            raise ValueError(f"secret-looking param keys are forbidden: {', '.join(found)}")
        return params


class JobProgress(Envelope):
    """An intermediate update about a job."""

    type: Literal["job_progress"] = "job_progress"
    job_id: UUID
    state: Literal["dispatched", "running"]
    step: ShortText
    message: Text = ""
    percent: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None


class JobResult(Envelope):
    """The final outcome of a job; ``error_code`` is required exactly when it failed."""

    type: Literal["job_result"] = "job_result"
    job_id: UUID
    outcome: Literal["succeeded", "failed", "rolled_back"]
    error_code: JobErrorCode | None = None
    output: Annotated[str, StringConstraints(max_length=MAX_OUTPUT_CHARS)] = ""
    started_at: UtcDatetime
    finished_at: UtcDatetime

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.finished_at < self.started_at:
            raise ValueError("finished_at is before started_at")
        if self.outcome == "succeeded" and self.error_code is not None:
            raise ValueError("a succeeded job has no error_code")
        if self.outcome == "failed" and self.error_code is None:
            raise ValueError("a failed job needs an error_code")
        return self


class ConfigPush(Envelope):
    """The agent's whole polling configuration from the hub (since 1.2).

    ``document`` is :func:`protocol.edge_config.pack` of an ``EdgeConfig``; ``content_hash``
    its SHA-256. Versions increase per agent; an agent applies only a newer one.
    """

    type: Literal["config_push"] = "config_push"
    config_version: Annotated[int, Field(ge=1, le=SEQ_MAX)]
    content_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    document: Annotated[str, StringConstraints(min_length=1, max_length=MAX_OUTPUT_CHARS)]


class ConfigAck(Envelope):
    """The agent's answer to a push, and its report at connect time (since 1.2).

    ``status``: ``applied`` (``config_version`` now runs), ``rejected`` (``config_version``
    was refused: ``error_code`` and ``detail`` say why; ``applied_version`` still runs) or
    ``current`` (sent after connecting: what runs now, so the hub re-sends a newer one).
    """

    type: Literal["config_ack"] = "config_ack"
    status: Literal["applied", "rejected", "current"]
    config_version: Annotated[int, Field(ge=0, le=SEQ_MAX)]
    content_hash: Annotated[str, StringConstraints(max_length=64)] = ""
    applied_version: Annotated[int, Field(ge=0, le=SEQ_MAX)] = 0
    error_code: SnakeName | None = None
    detail: Text = ""
    devices: Count = 0

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.status == "rejected") != (self.error_code is not None):
            raise ValueError("error_code is required exactly when status is rejected")
        return self


class DiscoveryCandidate(_Model):
    """A host that answered SNMP during a discovery."""

    address: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    port: Annotated[int, Field(ge=1, le=65535)] = 161
    credential: UUID = Field(description="The credential set that got an answer.")
    sys_name: ShortText | None = None
    sys_descr: Text | None = None
    sys_object_id: Oid | None = None
    profile: SnakeName | None = None
    reason: ShortText = Field("", description="Why the profile matched (detect's reason).")
    vendor: ShortText | None = None
    model: ShortText | None = None
    serial: ShortText | None = None


class DiscoveryReport(Envelope):
    """Progress and findings of one discovery (since 1.2); several per discovery."""

    type: Literal["discovery_report"] = "discovery_report"
    discovery_id: UUID
    scanned: Count
    total: Count
    done: bool = False
    candidates: Annotated[list[DiscoveryCandidate], Field(max_length=200)] = Field(
        default_factory=list)
    error: Text | None = None


EventType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.]{0,63}$")]
Severity = Literal["critical", "major", "minor", "warning", "info"]


def _ip_address(value: str) -> str:
    try:
        ip_address(value)
    except ValueError:
        raise ValueError(f"source must be an IPv4 or IPv6 address, not {value[:64]!r}") from None
    return value


SourceAddress = Annotated[
    str, StringConstraints(min_length=2, max_length=64), AfterValidator(_ip_address)]


class EventRecord(_Model):
    """One event a device sent the agent: an SNMP trap/inform or a syslog line (since 1.3).

    The agent maps it with its firmware profile (``rule`` names the mapping that matched;
    unknown traps and lines become generic events with ``rule`` unset) and folds identical
    events within its window into one: ``count`` of them, the first received at
    ``received_at``, the last at ``last_received_at``. Times: ``received_at`` is the agent's
    clock, ``device_time`` what the device stamped (syslog timestamp, trap sysUpTime turned
    into a time), when it had one.
    """

    event_id: UUID = Field(description="Made by the agent; unique per event.")
    event_type: EventType = Field(description="e.g. link_down, bgp_neighbor_down, generic.")
    severity: Severity
    origin: Literal["snmp_trap", "syslog"]
    source: SourceAddress = Field(description="The sender's IP address.")
    device_id: DeviceId | None = Field(
        default=None, description="The agent's device id the source maps to (the hub's "
        "device UUID for hub-managed devices); unset for an unmapped sender.")
    device_name: ShortText | None = None
    labels: Annotated[dict[LabelKey, LabelValue], Field(max_length=MAX_LABELS)] = Field(
        default_factory=dict, description="Profile names: ifIndex, ifName, neighbor...")
    raw: Annotated[str, StringConstraints(max_length=MAX_RAW_CHARS)] = Field(
        default="", description="The line or the decoded varbinds, truncated.")
    rule: ShortText | None = None
    count: Annotated[int, Field(ge=1, le=SEQ_MAX)] = 1
    received_at: UtcDatetime
    device_time: UtcDatetime | None = None
    last_received_at: UtcDatetime | None = Field(
        default=None, description="When folded (count > 1): the last one's receive time.")


class DeviceEventBatch(Envelope):
    """Events devices sent the agent, in receive order (since 1.3, on ``up/events``).

    At most :data:`MAX_EVENTS` per batch and the codec's size limit; event ids are unique
    within a batch (the hub also dedupes them across batches).
    """

    type: Literal["device_events"] = "device_events"
    events: Annotated[list[EventRecord], Field(min_length=1, max_length=MAX_EVENTS)]

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        if len({event.event_id for event in self.events}) != len(self.events):
            raise ValueError("event_id values must be unique within a batch")
        return self


Message = Annotated[
    AgentState
    | AgentHealth
    | TelemetryBatch
    | Inventory
    | JobRequest
    | JobProgress
    | JobResult
    | ConfigPush
    | ConfigAck
    | DiscoveryReport
    | DeviceEventBatch,
    Field(discriminator="type"),
]

_CHANNELS: dict[type[Envelope], Channel] = {
    AgentState: Channel.STATE,
    AgentHealth: Channel.HEALTH,
    TelemetryBatch: Channel.TELEMETRY,
    Inventory: Channel.INVENTORY,
    JobRequest: Channel.JOB,
    JobProgress: Channel.JOB_PROGRESS,
    JobResult: Channel.JOB_RESULT,
    ConfigPush: Channel.CONFIG,
    ConfigAck: Channel.CONFIG_ACK,
    DiscoveryReport: Channel.DISCOVERY,
    DeviceEventBatch: Channel.EVENTS,
}

MESSAGE_TYPES: Mapping[str, type[Envelope]] = {
    cls.model_fields["type"].default: cls for cls in _CHANNELS
}


def channel_for(message: Envelope | type[Envelope]) -> Channel:
    """Return the channel a message (instance or class) is published on."""
    cls = message if isinstance(message, type) else type(message)
    channel = _CHANNELS.get(cls)
    if channel is None:
        raise TypeError(f"{cls.__name__} is not a protocol message type")
    return channel
