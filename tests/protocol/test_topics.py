"""Topic building/parsing, ACL helpers and topic-bound decoding."""

from __future__ import annotations

import json
from typing import Any

import pytest

from protocol import (
    EXAMPLES,
    MESSAGE_TYPES,
    Channel,
    DecodeReason,
    Direction,
    ParsedTopic,
    ProtocolError,
    TopicError,
    acl_patterns,
    agent_command_filter,
    build,
    channel_for,
    decode_for_topic,
    encode,
    hub_acl_lines,
    hub_ingest_subscription,
    parse,
    validate_agent_id,
)

HOSTILE_IDS = [
    "+",
    "#",
    "/",
    "a/b",
    "",
    "x" * 64,
    "$SYS",
    "$share",
    "A",
    "Pop-1",
    "a b",
    " a",
    "a\n",
    "a\x00",
    "-a",
    ".a",
    "_a",
    "a+",
    "a#",
    "é",
]
EXPECTED_TOPICS = {
    Channel.STATE: "dm/v1/pop-1/up/state",
    Channel.HEALTH: "dm/v1/pop-1/up/health",
    Channel.TELEMETRY: "dm/v1/pop-1/up/telemetry",
    Channel.INVENTORY: "dm/v1/pop-1/up/inventory",
    Channel.JOB_PROGRESS: "dm/v1/pop-1/up/job/progress",
    Channel.JOB_RESULT: "dm/v1/pop-1/up/job/result",
    Channel.CONFIG_ACK: "dm/v1/pop-1/up/config",
    Channel.DISCOVERY: "dm/v1/pop-1/up/discovery",
    Channel.EVENTS: "dm/v1/pop-1/up/events",
    Channel.JOB: "dm/v1/pop-1/cmd/job",
    Channel.CONFIG: "dm/v1/pop-1/cmd/config",
}


@pytest.mark.parametrize("channel", list(Channel))
def test_build_parse_round_trip(channel: Channel) -> None:
    topic = build("pop-1", channel)
    assert topic == EXPECTED_TOPICS[channel]
    assert parse(topic) == ParsedTopic(agent_id="pop-1", channel=channel)


def test_channel_directions() -> None:
    cmd = {c for c in Channel if c.direction is Direction.CMD}
    assert cmd == {Channel.JOB, Channel.CONFIG}
    assert [c for c in Channel if c.retained] == [Channel.STATE]
    assert Channel.JOB_PROGRESS.leaf == "job/progress"


@pytest.mark.parametrize("agent_id", ["a", "0", "pop-lagos-01", "a.b_c-d", "x" * 63])
def test_valid_agent_ids(agent_id: str) -> None:
    assert validate_agent_id(agent_id) == agent_id
    assert parse(build(agent_id, Channel.HEALTH)).agent_id == agent_id


@pytest.mark.parametrize("agent_id", HOSTILE_IDS)
def test_hostile_agent_ids_refused(agent_id: str) -> None:
    with pytest.raises(TopicError):
        validate_agent_id(agent_id)
    with pytest.raises(TopicError):
        build(agent_id, Channel.TELEMETRY)
    with pytest.raises(TopicError):
        agent_command_filter(agent_id)
    with pytest.raises(TopicError) as info:
        parse(f"dm/v1/{agent_id}/up/telemetry")
    assert info.value.reason is DecodeReason.BAD_TOPIC
    assert isinstance(info.value, ProtocolError)


@pytest.mark.parametrize(
    "topic",
    [
        "",
        "dm/v1",
        "dm/v1/",
        "dm/v1/pop-1",
        "dm/v1/pop-1/",
        "dm/v1/pop-1/up",
        "dm/v1/pop-1/up/",
        "dm/v1/pop-1/up/state/",
        "dm/v1/pop-1/up/state/extra",
        "dm/v1/pop-1/up/job",
        "dm/v1/pop-1/up/job/+",
        "dm/v1/pop-1/up/#",
        "dm/v1/+/up/state",
        "dm/v1/pop-1/cmd/state",
        "dm/v1/pop-1/up/configs",
        "dm/v1/pop-1/down/state",
        "dm/v1/pop-1/UP/state",
        "dm/v2/pop-1/up/state",
        "DM/v1/pop-1/up/state",
        "/dm/v1/pop-1/up/state",
        "dm//v1/pop-1/up/state",
        "dm/v1//pop-1/up/state",
        "$share/hub-ingest/dm/v1/pop-1/up/state",
        "dm/v1/pop-1/up/state\x00",
    ],
)
def test_malformed_topics_refused(topic: str) -> None:
    with pytest.raises(TopicError):
        parse(topic)


def test_build_refuses_unknown_channel() -> None:
    with pytest.raises(TopicError):
        build("pop-1", "up/nope")  # type: ignore[arg-type]
    assert build("pop-1", "up/state") == "dm/v1/pop-1/up/state"  # type: ignore[arg-type]


def test_subscription_helpers() -> None:
    assert hub_ingest_subscription() == "$share/hub-ingest/dm/v1/+/up/#"
    assert hub_ingest_subscription("hub-b") == "$share/hub-b/dm/v1/+/up/#"
    assert agent_command_filter("pop-1") == "dm/v1/pop-1/cmd/#"
    for group in ["", "a/b", "+", "#", "a b"]:
        with pytest.raises(TopicError):
            hub_ingest_subscription(group)


def test_acl_lines() -> None:
    assert acl_patterns() == ["pattern write dm/v1/%u/up/#", "pattern read dm/v1/%u/cmd/#"]
    assert hub_acl_lines("dotmac-hub") == ["user dotmac-hub", "topic readwrite dm/v1/#"]
    for name in ["", "hub\ntopic readwrite #", "hub user", "#"]:
        with pytest.raises(TopicError):
            hub_acl_lines(name)


@pytest.mark.parametrize("name", sorted(MESSAGE_TYPES))
def test_every_type_has_a_channel(name: str) -> None:
    message = EXAMPLES[name]
    topic = build(message.agent_id, channel_for(message))
    assert channel_for(type(message)) is channel_for(message)
    assert decode_for_topic(topic, encode(message)) == message


def test_channel_mapping_is_one_to_one() -> None:
    assert sorted(channel_for(cls) for cls in MESSAGE_TYPES.values()) == sorted(Channel)


def _with(name: str, **changes: Any) -> bytes:
    document = {**json.loads(encode(EXAMPLES[name])), **changes}
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("topic", "payload", "path"),
    [
        ("dm/v1/pop-lagos-01/up/health", encode(EXAMPLES["telemetry"]), "type"),
        ("dm/v1/pop-lagos-01/up/state", encode(EXAMPLES["health"]), "type"),
        ("dm/v1/pop-lagos-01/cmd/job", encode(EXAMPLES["job_result"]), "type"),
        ("dm/v1/pop-lagos-01/up/job/result", encode(EXAMPLES["job_progress"]), "type"),
        ("dm/v1/pop-lagos-02/up/telemetry", encode(EXAMPLES["telemetry"]), "agent_id"),
        ("dm/v1/pop-lagos-01/up/telemetry", _with("telemetry", agent_id="pop-x"), "agent_id"),
        ("dm/v1/pop-lagos-02/cmd/job", encode(EXAMPLES["job_request"]), "agent_id"),
    ],
)
def test_decode_for_topic_mismatch(topic: str, payload: bytes, path: str) -> None:
    with pytest.raises(ProtocolError) as info:
        decode_for_topic(topic, payload)
    assert info.value.reason is DecodeReason.TOPIC_MISMATCH
    assert info.value.path == path


def test_decode_for_topic_bad_topic_and_bad_payload() -> None:
    with pytest.raises(ProtocolError) as info:
        decode_for_topic("dm/v1/+/up/telemetry", encode(EXAMPLES["telemetry"]))
    assert info.value.reason is DecodeReason.BAD_TOPIC
    with pytest.raises(ProtocolError) as info:
        decode_for_topic("dm/v1/pop-lagos-01/up/telemetry", b"{")
    assert info.value.reason is DecodeReason.NOT_JSON
