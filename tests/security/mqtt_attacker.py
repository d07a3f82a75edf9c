"""An MQTT v5 client that does what an attacker with a broker login can do, and reports
what the broker answered (never asserting anything itself)."""

from __future__ import annotations

import time

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

CONNACK_WAIT_S = 30.0  # generous: the machine is shared; a refusal arrives at once anyway


class NoAnswerError(AssertionError):
    """The broker neither accepted nor refused the connection in time."""


def connack(host: str, port: int, username: str, password: str, client_id: str, *,
            clean_start: bool, session_expiry_s: int = 3600) -> ReasonCode:
    """CONNECT as `client_id` with these credentials; the broker's CONNACK reason.

    With `clean_start` off and a long session expiry the attacker asks to take the
    session over as it is; with it on, to wipe it: both are tried by the tests."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5, manual_ack=True)
    client.username_pw_set(username, password)
    answers: list[ReasonCode] = []
    client.on_connect = lambda _c, _u, _f, reason, _p: answers.append(reason)
    props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    props.SessionExpiryInterval = session_expiry_s
    client.connect(host, port, keepalive=30, clean_start=clean_start, properties=props)
    deadline = time.monotonic() + CONNACK_WAIT_S
    try:
        while not answers and time.monotonic() < deadline:
            client.loop(timeout=0.1)
    finally:
        client.disconnect()
        client.loop(timeout=0.1)
    if not answers:
        raise NoAnswerError(f"no CONNACK for {client_id!r} within {CONNACK_WAIT_S}s")
    return answers[0]
