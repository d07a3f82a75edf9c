"""Hypothesis fuzzing: decode either returns a valid message or raises ProtocolError."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocol import EXAMPLES, MESSAGE_TYPES, Envelope, ProtocolError, decode, encode

FUZZ = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["1.0", "1.1", "2.0", *MESSAGE_TYPES, "2025-03-01T12:00:00Z"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)


def check(data: bytes) -> None:
    try:
        message = decode(data)
    except ProtocolError as error:
        assert str(error)  # formatting the error must never fail either
        return
    assert isinstance(message, Envelope)
    assert decode(encode(message)) == message


@FUZZ
@given(st.binary(max_size=512))
def test_arbitrary_bytes(data: bytes) -> None:
    check(data)


@FUZZ
@given(json_values)
def test_arbitrary_json(value: Any) -> None:
    check(json.dumps(value).encode())


@FUZZ
@given(st.dictionaries(st.sampled_from(["type", "v", "agent_id", "seq", "ts"]), json_values))
def test_arbitrary_envelopes(document: dict[str, Any]) -> None:
    check(json.dumps(document).encode())


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found.extend(_paths(inner, (*prefix, key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend(_paths(inner, (*prefix, index)))
    return found


@st.composite
def mutated_examples(draw: st.DrawFn) -> bytes:
    name = draw(st.sampled_from(sorted(EXAMPLES)))
    document = json.loads(encode(EXAMPLES[name]))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_paths(document)))
        parent: Any = document
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(json_values)
        else:
            parent[path[-1]] = draw(json_values)
        if not _paths(document):
            break
    return json.dumps(document).encode()


@FUZZ
@given(mutated_examples())
def test_mutated_examples(data: bytes) -> None:
    check(data)


@FUZZ
@given(st.sampled_from(sorted(EXAMPLES)), st.data())
def test_truncated_and_flipped_examples(name: str, data: st.DataObject) -> None:
    payload = bytearray(encode(EXAMPLES[name]))
    cut = data.draw(st.integers(min_value=0, max_value=len(payload)))
    check(bytes(payload[:cut]))
    index = data.draw(st.integers(min_value=0, max_value=len(payload) - 1))
    payload[index] = data.draw(st.integers(min_value=0, max_value=255))
    check(bytes(payload))
