"""The telemetry fast path of protocol.codec agrees with the full checks on every payload.

The fast path may hand a payload back (it then takes the full path), but whatever it accepts
the full checks must accept too, as an equal message with values of the same types.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol import (
    EXAMPLES,
    AgentState,
    DecodeReason,
    ProtocolError,
    Sample,
    TelemetryBatch,
    codec,
    decode,
    encode,
)
from tests.protocol.test_fuzz import FUZZ, json_values, mutated_examples

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def outcome(decoder: Any, raw: bytes) -> Any:
    """What ``decoder`` makes of ``raw``: the message, or the error's reason, path and text."""
    try:
        return decoder(raw)
    except ProtocolError as error:
        return (error.reason, error.path, error.detail)


def agree(raw: bytes) -> bool:
    """Assert decode() answers as the full checks do; return whether the fast path took it."""
    full = outcome(lambda data: codec._decode_checked(data, None), raw)
    got = outcome(decode, raw)
    assert got == full
    fast = codec._decode_telemetry(raw)
    if fast is not None:
        assert isinstance(full, TelemetryBatch)
        # repr shows what == hides: int vs float values, the tzinfo object of timestamps.
        assert repr(fast) == repr(full)
        assert repr(got) == repr(full)
    return fast is not None


def compact(document: Any) -> bytes:
    """The document as the agent's encoder writes it: no spaces, non-ASCII as is."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def telemetry() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(encode(EXAMPLES["telemetry"]))
    return document


def batch_of(samples: list[Sample], **envelope: Any) -> TelemetryBatch:
    return TelemetryBatch(agent_id="pop-1", seq=1, ts=T0, samples=samples, **envelope)


def test_encoded_batches_take_the_fast_path() -> None:
    big = batch_of(
        [
            Sample(
                device=f"r{i % 5}",
                metric="if_hc_in_octets",
                labels={"ifIndex": str(i)},
                value=2**40 + i,
                kind="counter",
                ts=T0 + timedelta(milliseconds=i),
                unit="bytes" if i % 2 else None,
            )
            for i in range(300)
        ]
    )
    previous_minor = telemetry() | {"v": "1.0"}
    for document in previous_minor["samples"]:
        document.pop("unit", None)
    for raw in (encode(EXAMPLES["telemetry"]), encode(big), compact(previous_minor)):
        assert agree(raw)


def test_expected_still_restricts_telemetry() -> None:
    raw = encode(EXAMPLES["telemetry"])
    assert decode(raw, expected=(AgentState, TelemetryBatch)) == EXAMPLES["telemetry"]
    with pytest.raises(ProtocolError) as info:
        decode(raw, expected=AgentState)
    assert info.value.reason is DecodeReason.UNKNOWN_TYPE


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_other_types_take_the_full_path(name: str) -> None:
    raw = encode(EXAMPLES[name])
    assert agree(raw) is (name == "telemetry")


def _with(text: str, old: str, new: str) -> bytes:
    assert old in text
    return text.replace(old, new, 1).encode("utf-8", "surrogatepass")


_TEXT = compact(telemetry()).decode()
_REPEATS = [
    ('"seq":43170', '"seq":43170,"seq":43170'),
    ('"seq":43170', '"seq":1,"seq":43170'),
    ('"v":"1.3"', '"v":"1.3","v":"1.0"'),
    ('"type":"telemetry"', '"type":"telemetry","type":"telemetry"'),
    ('"agent_id":"pop-lagos-01"', '"agent_id":"x","agent_id":"pop-lagos-01"'),
    ('"samples":[', '"samples":[],"samples":['),
    ('"kind":"counter"', '"kind":"counter","kind":"gauge"'),
    ('"unit":"bytes"', '"unit":"bytes","unit":null'),
    ('"unit":"bytes"', '"unit":null,"unit":"bytes"'),
    ('"value":918273645501', '"value":1,"value":918273645501'),
    ('"value":918273645501', '"value":{"a":"b"},"value":918273645501'),
    ('"ifIndex":"1"', '"ifIndex":"1","ifIndex":"1"'),
    ('"ifIndex":"1"', '"ifIndex":"2","ifIndex":"1"'),
    ('"labels":{', '"labels":{"k":"v"},"labels":{'),
    ('"labels":{', '"labels":{},"labels":{'),
]
_NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" * 400 + ".0"]
_NOT_NUMBERS = ["01", "+1", ".5", "1.", "true", "null", "[]", '"5"']
_EDGES = ["1e-999", "-0", "-0.0", "1E+2", "1.0", "1" * 5000]
_EDGES += [str(n) for n in (2**64, 2**64 - 1, -(2**63), -(2**63) - 1, 10**400)]
_NUMBERS = _NON_FINITE + _NOT_NUMBERS + _EDGES
_TEXT_EDITS = [
    ('"kind":', '"kind" :'),
    ('"kind":', '"kind":\r\n\t '),
    (',"kind"', ', "kind"'),
    (',"kind"', ',\x0c"kind"'),
    (',"kind"', ',\u00a0"kind"'),
    ('"ifAlias":"UPLINK-TO-IXP"', '"ifAlias":"UPLINK\\u002dTO-IXP"'),
    ('"ifAlias":"UPLINK-TO-IXP"', '"ifAlias":"UPLINK\\"TO-IXP"'),
    ('"ifAlias":"UPLINK-TO-IXP"', '"ifAlias":"UPLINK\\\\TO-IXP"'),
    ('"ifAlias":"UPLINK-TO-IXP"', '"ifAlias":"UPLINK\\ud800"'),
    ('"ifAlias":"UPLINK-TO-IXP"', '"ifAlias":"UPLINK\tTO-IXP"'),
    ('"ifAlias":"UPLINK-TO-IXP"', '"ifAlias":"UPLINK\x7fTO-IXP"'),
    ('"ifAlias":"UPLINK-TO-IXP"', '"ifAlias":"UPLINK:TO:IXP\u2028é"'),
    ('"ifAlias":"UPLINK-TO-IXP"', '"ifAlias":"UPLINK\ud800"'),
    ('"ifAlias":"UPLINK-TO-IXP"', '"ifAlias":"\\"a\\":"'),
    ('"ifAlias":"UPLINK-TO-IXP"', '"ifAlias":"x","if:Alias":"y"'),
    ('"ifAlias":"UPLINK-TO-IXP"', '"ifAlias":"x",'),
    ('"ifAlias":"UPLINK-TO-IXP"', "\"ifAlias\":'x'"),
    ('"unit":"bytes"', '"unit":null'),
    ('"unit":"bytes"', '"unit":5'),
    (',"unit":"bytes"', ""),
    ('"v":"1.3",', ""),
    ('"v":"1.3"', '"v":"2.0"'),
    ('"v":"1.3"', '"v":1.3'),
    ('"seq":43170', '"seq":"43170"'),
    ('"seq":43170', '"seq":1e2'),
    ('"seq":43170', '"seq":43170.0'),
    ('"ts":"2025-03-01T12:00:00Z"', '"ts":"2025-03-01T13:00:00+01:00"'),
    ('"ts":"2025-03-01T12:00:00Z"', '"ts":"2025-03-01T12:00:00"'),
    ('"ts":"2025-03-01T12:00:00Z"', '"ts":"1740830400"'),
    ('"ts":"2025-03-01T12:00:00Z"', '"ts":1740830400'),
    ('"samples":[', '"extra":1,"samples":['),
    ('"samples":[', '"samples":[{}],"x":['),
]


@pytest.mark.parametrize(("old", "new"), _REPEATS)
def test_repeated_keys_take_the_full_path(old: str, new: str) -> None:
    raw = _with(_TEXT, old, new)
    assert not agree(raw)
    assert isinstance(outcome(decode, raw), tuple)


@pytest.mark.parametrize("number", _NUMBERS)
def test_numbers(number: str) -> None:
    agree(_with(_TEXT, '"value":918273645501', f'"value":{number}'))
    agree(_with(_TEXT, '"seq":43170', f'"seq":{number}'))


@pytest.mark.parametrize(("old", "new"), _TEXT_EDITS)
def test_text_edits(old: str, new: str) -> None:
    agree(_with(_TEXT, old, new))


@pytest.mark.parametrize(
    "raw",
    [
        _TEXT.encode() + b" \n",
        _TEXT.encode() + b"x",
        _TEXT.encode() + b"{}",
        b"\xef\xbb\xbf" + _TEXT.encode(),
        _TEXT.encode("utf-16"),
        _TEXT.encode()[:-1],
        _TEXT.encode().replace(b"UPLINK", b"UP\xffLINK"),
        _TEXT.encode().replace(b"UPLINK", b"UP\xed\xa0\x80LINK"),
        _TEXT.encode().replace(b"UPLINK", b"UP\xc0\xafLINK"),
        b'{"type":"telemetry",' + b"[" * 100_000,
        b'{"type":"telemetry","v":"1.1"}',
        b'{"type":"telemetry",}',
    ],
)
def test_framing(raw: bytes) -> None:
    agree(raw)


# Random batches: any text (quotes, backslashes, colons, non-ASCII) in the free-form fields,
# or, as often, only text the encoder writes without escapes, which the fast path takes.
_unescaped = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters='"\\')


def samples(texts: st.SearchStrategy[str]) -> st.SearchStrategy[list[Sample]]:
    sample = st.builds(
        Sample,
        device=texts.filter(bool),
        metric=st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True),
        labels=st.dictionaries(
            st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True), texts, max_size=4
        ),
        value=st.one_of(
            st.integers(min_value=-(2**63), max_value=2**64 - 1),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
        kind=st.sampled_from(["counter", "gauge"]),
        ts=st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5.5))])),
        unit=st.one_of(st.none(), texts),
    )
    return st.lists(sample, min_size=1, max_size=8)


@FUZZ
@given(st.one_of(samples(st.text(max_size=12)), samples(st.text(_unescaped, max_size=12))))
def test_random_batches(drawn: list[Sample]) -> None:
    raw = encode(batch_of(drawn))
    assert agree(raw) is (b"\\" not in raw)


_BARE_SAMPLE = {
    "device": "r1",
    "metric": "m",
    "value": 1,
    "kind": "gauge",
    "ts": "2025-03-01T12:00:00Z",
}


@st.composite
def repeated_keys(draw: st.DrawFn) -> bytes:
    """A valid compact batch with one key of one object written twice, either order."""
    document = telemetry()
    if draw(st.booleans()):
        document["samples"] = [dict(_BARE_SAMPLE)]
    objects = [document, *document["samples"]]
    objects += [sample["labels"] for sample in document["samples"] if "labels" in sample]
    target = draw(st.sampled_from(objects))
    key = draw(st.sampled_from(sorted(target)))
    value = draw(st.one_of(st.just(target[key]), json_values))
    marker = "zz-repeat-zz"
    pairs = list(target.items())
    pairs.insert(draw(st.integers(0, len(pairs))), (marker, value))
    target.clear()
    target.update(pairs)
    return compact(document).replace(json.dumps(marker).encode(), json.dumps(key).encode())


@FUZZ
@given(repeated_keys())
def test_random_repeated_keys(raw: bytes) -> None:
    assert not agree(raw)


@st.composite
def edited_batches(draw: st.DrawFn) -> bytes:
    """A compact batch with a few values replaced, removed or added, bytes spliced in or one
    byte changed."""
    document = telemetry()
    objects = [document, *document["samples"]]
    objects += [sample.setdefault("labels", {}) for sample in document["samples"]]
    for _ in range(draw(st.integers(0, 2))):
        target = draw(st.sampled_from(objects))
        key = draw(st.one_of(st.sampled_from(sorted(target) or ["x"]), st.text(max_size=6)))
        if draw(st.booleans()):
            target.pop(key, None)
        else:
            target[key] = draw(json_values)
    raw = compact(document)
    cut = draw(st.integers(len(b'{"type":"telemetry",'), len(raw)))
    splice = draw(st.sampled_from([b"", b" ", b"\\", b'"', b",", b":", b"NaN", b"1e999", b"\x00"]))
    raw = raw[:cut] + splice + raw[cut:]
    if draw(st.booleans()):
        index = draw(st.integers(0, len(raw) - 1))
        raw = raw[:index] + bytes([draw(st.integers(0, 255))]) + raw[index + 1 :]
    return raw


@FUZZ
@given(edited_batches())
def test_random_edits(raw: bytes) -> None:
    agree(raw)


@FUZZ
@given(mutated_examples())
def test_fuzz_corpus(data: bytes) -> None:
    agree(data)
    agree(compact(json.loads(data)))
