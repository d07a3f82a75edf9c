"""Wire encoding of protocol messages: compact UTF-8 JSON, at most 256 KiB.

:func:`decode` checks, in this order, so cheap checks protect expensive ones: size (before
any parsing), JSON syntax, ``type``, ``v``, then the schema. Whatever goes wrong it raises
only :class:`~protocol.errors.ProtocolError`.

Telemetry batches, nearly all of the hub's traffic, first try a fast path that parses once
(see :func:`_decode_telemetry`). It accepts only what the full checks accept, as the same
message, and hands anything else to them, so every error still comes from the full checks.
"""

from __future__ import annotations

import json
import math
from typing import Any, NoReturn, cast

from pydantic import ValidationError
from pydantic_core import ErrorDetails, PydanticSerializationError

from protocol.errors import DecodeReason, ProtocolError
from protocol.messages import (
    MESSAGE_TYPES,
    SUPPORTED_VERSIONS,
    Envelope,
    Message,
    TelemetryBatch,
    channel_for,
)
from protocol.topics import parse

__all__ = ["MAX_MESSAGE_BYTES", "decode", "decode_for_topic", "encode"]

MAX_MESSAGE_BYTES = 256 * 1024

Expected = type[Envelope] | tuple[type[Envelope], ...] | None


def encode(message: Envelope) -> bytes:
    """Serialise ``message`` to compact JSON bytes; refuse results over the size limit.

    Optional fields that are ``None`` are omitted, which keeps batches small and lets a
    previous-minor reader see exactly the fields it knows when the new ones are unset.
    """
    if not isinstance(message, Envelope) or type(message) not in MESSAGE_TYPES.values():
        raise TypeError(f"not a protocol message: {type(message).__name__}")
    try:
        data = message.model_dump_json(exclude_none=True).encode("utf-8")
    except (PydanticSerializationError, UnicodeEncodeError) as exc:
        raise ProtocolError(DecodeReason.SCHEMA_VIOLATION, f"cannot serialise: {exc}") from exc
    if len(data) > MAX_MESSAGE_BYTES:
        raise ProtocolError(
            DecodeReason.OVERSIZE,
            f"{message.type} message is {len(data)} bytes, limit {MAX_MESSAGE_BYTES}",
        )
    return data


def decode(
    data: bytes,
    *,
    max_bytes: int = MAX_MESSAGE_BYTES,
    expected: Expected = None,
) -> Message:
    """Parse and validate one payload; ``expected`` restricts the acceptable types."""
    try:
        return _decode(data, max_bytes, expected)
    except ProtocolError:
        raise
    except Exception as exc:
        # The contract is that only ProtocolError escapes, so callers need one except.
        raise ProtocolError(
            DecodeReason.SCHEMA_VIOLATION, f"unexpected {type(exc).__name__}: {exc}"
        ) from exc


def decode_for_topic(topic: str, payload: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES) -> Message:
    """Decode ``payload`` received on ``topic`` and check it belongs there.

    The topic is the authority (the broker ACL pins agents to their own prefix), so the
    message's ``agent_id`` must equal the topic's and its type must match the channel.
    """
    parsed = parse(topic)
    message = decode(payload, max_bytes=max_bytes)
    if channel_for(message) is not parsed.channel:
        raise ProtocolError(
            DecodeReason.TOPIC_MISMATCH,
            f"{message.type} message does not belong on channel {parsed.channel.value}",
            path="type",
        )
    if message.agent_id != parsed.agent_id:
        raise ProtocolError(
            DecodeReason.TOPIC_MISMATCH,
            f"agent_id {message.agent_id!r} differs from topic agent {parsed.agent_id!r}",
            path="agent_id",
        )
    return message


def _decode(data: bytes, max_bytes: int, expected: Expected) -> Message:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ProtocolError(DecodeReason.NOT_JSON, f"payload is {type(data).__name__}, not bytes")
    raw = bytes(data)
    if len(raw) > max_bytes:
        raise ProtocolError(DecodeReason.OVERSIZE, f"{len(raw)} bytes, limit {max_bytes}")
    if expected is None or issubclass(TelemetryBatch, expected):
        batch = _decode_telemetry(raw)
        if batch is not None:
            return batch
    return _decode_checked(raw, expected)


def _decode_checked(raw: bytes, expected: Expected) -> Message:
    document = _parse_json(raw)
    cls = _message_class(document, expected)
    _check_version(document)
    try:
        message = cls.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        _raise_validation(exc)
    return cast(Message, message)


# What the agent's encoder writes first; a batch written otherwise takes the full path.
_TELEMETRY_PREFIX = b'{"type":"telemetry",'
# String values a validated batch always has: type, v, agent_id, ts; per sample device,
# metric, kind, ts. Strict validation refuses any other JSON type for them.
_BATCH_STRINGS = 4
_SAMPLE_STRINGS = 4


def _decode_telemetry(raw: bytes) -> TelemetryBatch | None:
    """Validate a telemetry batch with one parse, or return None to take the full path.

    The full path parses twice because the stdlib parser is the one that refuses duplicate
    keys, NaN/Infinity and overflowing numbers. For a batch that validates, those are settled
    without it: its only numbers are ``seq`` (an int) and ``Sample.value``, whose validator
    refuses non-finite ones; and with no backslash in the payload every ``"`` delimits a
    string, so a repeated key (which pydantic silently collapses, last one wins) shows as
    more quotes than the validated batch accounts for. What pydantic's parser accepts is a
    subset of what ``json`` accepts; tests/protocol/test_fast_path.py holds both to that.
    """
    if not raw.startswith(_TELEMETRY_PREFIX) or b"\\" in raw:
        return None
    try:
        raw.decode("utf-8")  # the full path's UTF-8 check, so both refuse the same bytes
        batch = TelemetryBatch.model_validate_json(raw, strict=True)
    except ValueError:  # ValidationError and UnicodeDecodeError both are
        return None
    # The model defaults v but the wire demands it (the prefix already pins type).
    if "v" not in batch.model_fields_set or raw.count(b'"') != _quotes_without_repeats(batch):
        return None
    return batch


def _quotes_without_repeats(batch: TelemetryBatch) -> int:
    # Two quotes per JSON string: every key given (fields set, label keys) and string value.
    strings = len(batch.model_fields_set) + _BATCH_STRINGS
    for sample in batch.samples:
        strings += len(sample.model_fields_set) + 2 * len(sample.labels) + _SAMPLE_STRINGS
        strings += sample.unit is not None
    return 2 * strings


def _parse_json(raw: bytes) -> dict[str, Any]:
    try:
        # Decode explicitly: json.loads(bytes) would also accept UTF-16/32 payloads.
        document = json.loads(
            raw.decode("utf-8"),
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except (ValueError, RecursionError) as exc:
        # UnicodeDecodeError and JSONDecodeError are both ValueErrors.
        raise ProtocolError(DecodeReason.NOT_JSON, str(exc)) from None
    if not isinstance(document, dict):
        raise ProtocolError(
            DecodeReason.NOT_JSON, f"top level is {type(document).__name__}, not an object"
        )
    return document


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:32]} overflows a double")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Duplicate keys are ambiguous (parsers disagree on which wins), so refuse them.
    result = dict(pairs)  # built in C: this hook runs for every object of every message
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key[:64]!r}")
            seen.add(key)
    return result


def _message_class(document: dict[str, Any], expected: Expected) -> type[Envelope]:
    kind = document.get("type")
    cls = MESSAGE_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ProtocolError(DecodeReason.UNKNOWN_TYPE, f"unknown type {kind!r}", path="type")
    if expected is not None and not issubclass(cls, expected):
        raise ProtocolError(
            DecodeReason.UNKNOWN_TYPE, f"type {kind!r} is not expected here", path="type"
        )
    return cls


def _check_version(document: dict[str, Any]) -> None:
    version = document.get("v")
    if not isinstance(version, str) or version not in SUPPORTED_VERSIONS:
        raise ProtocolError(
            DecodeReason.UNKNOWN_VERSION,
            f"version {version!r} not in {', '.join(SUPPORTED_VERSIONS)}",
            path="v",
        )


def _raise_validation(exc: ValidationError) -> NoReturn:
    errors = exc.errors(include_url=False, include_input=False)
    first: ErrorDetails = errors[0]
    # pydantic's own JSON parser is stricter in a few corners (e.g. lone surrogates).
    if first["type"] == "json_invalid":
        raise ProtocolError(DecodeReason.NOT_JSON, first["msg"]) from None
    path = ".".join(str(part) for part in first["loc"]) or None
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    message = first["msg"].removeprefix("Value error, ")
    raise ProtocolError(DecodeReason.SCHEMA_VIOLATION, message + more, path=path) from None
