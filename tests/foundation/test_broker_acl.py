"""The broker ACL generated from protocol.topics pins each agent to its own prefix."""

from __future__ import annotations

import queue

import pytest

from protocol import Channel, build
from tests.foundation.mqtt_probe import connect

NOT_AUTHORIZED = 135  # MQTT v5 reason code "Not authorized"


@pytest.fixture
def agents(mosquitto):  # type: ignore[no-untyped-def]
    """Two enrolled agents (password-file users) and the hub, all connected."""
    a = mosquitto.add_user("acl-agent-a")
    b = mosquitto.add_user("acl-agent-b")
    probes = {
        "a": connect(mosquitto.port, a.username, a.password),
        "b": connect(mosquitto.port, b.username, b.password),
        "hub": connect(mosquitto.port, mosquitto.hub.username, mosquitto.hub.password),
    }
    yield probes
    for probe in probes.values():
        probe.close()


def test_agent_publishes_under_own_prefix(agents) -> None:  # type: ignore[no-untyped-def]
    topic = build("acl-agent-a", Channel.TELEMETRY)
    assert agents["hub"].subscribe(topic).value < 0x80
    rc = agents["a"].publish(topic, b'{"hello":1}')
    assert not rc.is_failure, rc
    assert agents["hub"].inbox.get(timeout=5) == (topic, b'{"hello":1}')


def test_agent_refused_under_foreign_prefix(agents) -> None:  # type: ignore[no-untyped-def]
    foreign = build("acl-agent-b", Channel.TELEMETRY)
    # Both B itself and the hub listen on B's prefix: neither may see A's forgery.
    assert agents["b"].subscribe(build("acl-agent-b", Channel.JOB)).value < 0x80
    assert agents["hub"].subscribe(foreign).value < 0x80
    rc = agents["a"].publish(foreign, b"forged")
    assert rc.value == NOT_AUTHORIZED, rc
    with pytest.raises(queue.Empty):
        agents["hub"].inbox.get(timeout=1.5)


def test_agent_cannot_publish_commands_or_read_others(agents) -> None:  # type: ignore[no-untyped-def]
    # An agent must not forge jobs for itself or another agent.
    assert agents["a"].publish(build("acl-agent-a", Channel.JOB), b"x").value == NOT_AUTHORIZED
    assert agents["a"].publish(build("acl-agent-b", Channel.JOB), b"x").value == NOT_AUTHORIZED
    # Mosquitto 2.0 grants the SUBACK but the read ACL filters every delivery, so
    # the proof is that nothing addressed to B (or sent by B) reaches A.
    agents["a"].subscribe(build("acl-agent-b", Channel.JOB))
    agents["a"].subscribe("dm/v1/#")
    assert not agents["hub"].publish(build("acl-agent-b", Channel.JOB), b"job-b").is_failure
    assert not agents["b"].publish(build("acl-agent-b", Channel.TELEMETRY), b"tm-b").is_failure
    with pytest.raises(queue.Empty):
        agents["a"].inbox.get(timeout=1.5)


def test_agent_receives_its_own_commands(agents) -> None:  # type: ignore[no-untyped-def]
    topic = build("acl-agent-a", Channel.JOB)
    assert agents["a"].subscribe(topic).value < 0x80
    assert not agents["hub"].publish(topic, b"job").is_failure
    assert agents["a"].inbox.get(timeout=5) == (topic, b"job")


def test_wrong_password_is_refused(mosquitto) -> None:  # type: ignore[no-untyped-def]
    mosquitto.add_user("acl-agent-c", "right-password")
    with pytest.raises(PermissionError):
        connect(mosquitto.port, "acl-agent-c", "wrong-password")
