"""Hub-managed config end to end: the test is the hub, the agent is the real process.

The test publishes ``config_push`` messages on ``dm/v1/<agent>/cmd/config`` of a real
mosquitto and reads the agent's ``up/#``: its ``config_ack``s, the telemetry of the pushed
snmpsim device (named by its hub id) and its health.
"""

from __future__ import annotations

import json
import stat
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from protocol import (
    AgentHealth,
    ConfigAck,
    ConfigPush,
    DiscoveryReport,
    TelemetryBatch,
    encode,
)
from protocol.edge_config import (
    DiscoveryRequest,
    EdgeConfig,
    PushedDevice,
    SnmpV2cCredential,
    pack,
)
from tests.agent_delivery.helpers import Hub, connect_hub, unique_id
from tests.agent_e2e.harness import SIM_INTERVAL_S, Agent, stop_and_read_status, wait_until

DEVICE = uuid.UUID("00000000-0000-4000-8000-00000000a157")
GOOD = uuid.UUID(int=1)
BAD = uuid.UUID(int=2)


def write_agent_config(path: Path, agent_id: str, mosquitto) -> None:  # type: ignore[no-untyped-def]
    """An agent with no devices of its own: everything it polls comes from the hub."""
    path.write_text(f"""
agent:
  id: {agent_id}
  state_dir: {path.parent / "state"}
broker:
  host: 127.0.0.1
  port: {mosquitto.port}
  tls: false
polling:
  interval_s: 2
  timeout_s: 1
  retries: 0
health_interval_s: 5
""")


@pytest.fixture
def hubbed(tmp_path: Path, mosquitto) -> Iterator[tuple[Agent, Hub, str]]:  # type: ignore[no-untyped-def]
    """A configured agent (not started), the hub's subscription to it, its id."""
    agent_id = unique_id("cfg")
    creds = mosquitto.add_user(agent_id)
    write_agent_config(tmp_path / "agent.yaml", agent_id, mosquitto)
    hub = connect_hub(mosquitto, f"dm/v1/{agent_id}/up/#", client_id=f"hub-{agent_id}")
    agent = Agent(tmp_path / "agent.yaml", creds.password)
    yield agent, hub, agent_id
    if agent.proc is not None:
        agent.proc.stop()
    hub.close()


def edge_config(snmpsim, *, credential: uuid.UUID = GOOD, profile: str = "arista_eos",  # type: ignore[no-untyped-def]
                devices: bool = True) -> EdgeConfig:
    """One snmpsim device; GOOD is the recording's community, BAD one snmpsim ignores."""
    timeout = 10.0 if credential == GOOD else 2.0
    device = PushedDevice(id=DEVICE, name="arista-core", host="127.0.0.1",
                          snmp_port=snmpsim.port, profile=profile, interval_s=SIM_INTERVAL_S,
                          timeout_s=timeout, retries=0, snmp_credential=credential)
    return EdgeConfig(
        devices=[device] if devices else [],
        credentials=[SnmpV2cCredential(id=GOOD, community=snmpsim.communities["arista-eos"]),
                     SnmpV2cCredential(id=BAD, community="not-a-recording")])


def publish(hub: Hub, agent_id: str, config: EdgeConfig, version: int, *,
            body_agent: str | None = None, digest: str | None = None) -> None:
    """Send a push as the hub would (QoS 1, not retained)."""
    blob, real = pack(config)
    push = ConfigPush(agent_id=body_agent or agent_id, seq=version, ts=datetime.now(UTC),
                      config_version=version, content_hash=digest or real, document=blob)
    info = hub.client.publish(f"dm/v1/{agent_id}/cmd/config", encode(push), qos=1)
    info.wait_for_publish(10)


def acks(hub: Hub) -> list[ConfigAck]:
    """Every config_ack received, in arrival order."""
    return [r.message for r in hub.messages(ConfigAck)]  # type: ignore[misc]


async def ack_for(hub: Hub, status: str, version: int, within_s: float = 60) -> ConfigAck:
    """Wait for the ack of ``status`` about ``version``."""
    def found() -> list[ConfigAck]:
        return [a for a in acks(hub) if a.status == status and a.config_version == version]
    await wait_until(lambda: bool(found()), within_s, f"config_ack {status} v{version}")
    return found()[0]


def sample_times(hub: Hub) -> list[float]:
    """Poll times of the pushed device (its samples carry the hub id)."""
    return sorted({s.ts.timestamp() for r in hub.messages(TelemetryBatch)
                   for s in r.message.samples if s.device == str(DEVICE)})


def healths_after(hub: Hub, ts: datetime) -> list[AgentHealth]:
    """Health messages the agent produced after ``ts``."""
    return [r.message for r in hub.messages(AgentHealth) if r.message.ts > ts]  # type: ignore[misc]


async def test_push_polls_changes_and_removes_a_device(hubbed, snmpsim) -> None:  # type: ignore[no-untyped-def]
    agent, hub, agent_id = hubbed
    agent.start()
    current = await ack_for(hub, "current", 0)
    assert current.applied_version == 0 and current.content_hash == ""

    publish(hub, agent_id, edge_config(snmpsim), 1)
    applied = await ack_for(hub, "applied", 1)
    assert applied.applied_version == 1 and applied.devices == 1
    await wait_until(lambda: len(sample_times(hub)) >= 1, 60, "samples named by the device id")

    # A wrong community (new version): the next polls fail and health names the device.
    publish(hub, agent_id, edge_config(snmpsim, credential=BAD), 2)
    wrong = await ack_for(hub, "applied", 2)
    await wait_until(lambda: any(str(DEVICE) in h.device_errors
                                 for h in healths_after(hub, wrong.ts)),
                     60, "health reporting the device failing with the wrong community")

    # The right community again: polling recovers.
    publish(hub, agent_id, edge_config(snmpsim), 3)
    right = await ack_for(hub, "applied", 3)
    await wait_until(lambda: any(t > right.ts.timestamp() for t in sample_times(hub)), 60,
                     "samples after the community was fixed")

    # Removed: no poll starts after the ack; two health reports later it is still silent.
    publish(hub, agent_id, edge_config(snmpsim, devices=False), 4)
    removed = await ack_for(hub, "applied", 4)
    assert removed.devices == 0
    await wait_until(lambda: len(healths_after(hub, removed.ts)) >= 2, 60, "two health reports")
    assert healths_after(hub, removed.ts)[-1].devices_total == 0
    assert not [t for t in sample_times(hub) if t > removed.ts.timestamp()]
    assert [a.status for a in acks(hub) if a.status == "rejected"] == []

    stored = agent.config.parent / "state" / "hub-config.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert snmpsim.communities["arista-eos"] not in agent.log  # secrets never logged


async def test_forged_pushes_are_rejected_and_change_nothing(hubbed, snmpsim) -> None:  # type: ignore[no-untyped-def]
    agent, hub, agent_id = hubbed
    agent.start()
    await ack_for(hub, "current", 0)
    publish(hub, agent_id, edge_config(snmpsim), 5)
    await ack_for(hub, "applied", 5)

    forged = edge_config(snmpsim, credential=BAD)
    publish(hub, agent_id, forged, 6, body_agent="someone-else")
    publish(hub, agent_id, forged, 4)
    publish(hub, agent_id, forged, 7, digest="0" * 64)
    publish(hub, agent_id, edge_config(snmpsim, profile="no_such_os"), 8)
    # Over the protocol's 256 KiB: refused before it is parsed; its version is unknown (0).
    oversize = hub.client.publish(f"dm/v1/{agent_id}/cmd/config", b"{" + b" " * 300_000 + b"}",
                                  qos=1)
    oversize.wait_for_publish(10)
    codes = {6: "wrong_agent", 4: "stale_version", 7: "bad_document", 8: "unknown_profile",
             0: "oversize"}
    for version, code in codes.items():
        rejected = await ack_for(hub, "rejected", version)
        assert (rejected.error_code, rejected.applied_version) == (code, 5), rejected
        assert rejected.agent_id == agent_id

    # Still version 5 with the right community: polls keep succeeding after the refusals.
    last = max(a.ts for a in acks(hub))
    await wait_until(lambda: any(t > last.timestamp() for t in sample_times(hub)), 60,
                     "samples after the refusals")
    status = await stop_and_read_status(agent)
    assert status["hub_config"]["applied_version"] == 5
    assert status["hub_config"]["rejected"] == {code: 1 for code in codes.values()}
    assert "config.rejected code=wrong_agent" in agent.log


async def test_back_to_back_pushes_end_with_the_newest(hubbed, snmpsim) -> None:  # type: ignore[no-untyped-def]
    agent, hub, agent_id = hubbed
    agent.start()
    await ack_for(hub, "current", 0)
    publish(hub, agent_id, edge_config(snmpsim, credential=BAD), 1)
    publish(hub, agent_id, edge_config(snmpsim), 2)
    publish(hub, agent_id, edge_config(snmpsim, credential=BAD), 1)  # redelivered old one
    newest = await ack_for(hub, "applied", 2)

    def old_one_settled() -> bool:
        # The redelivered v1 never replaces v2: arriving with it, it is superseded (logged);
        # arriving after it, it is refused as stale.
        superseded = "config.superseded version=1 by=2" in agent.log
        return superseded or any(a.status == "rejected" and a.config_version == 1
                                 for a in acks(hub))
    await wait_until(old_one_settled, 60, "the old push superseded or refused")
    later = [a for a in acks(hub) if a.ts > newest.ts and a.config_version == 1]
    assert all((a.status, a.error_code) == ("rejected", "stale_version") for a in later), later
    stored = json.loads((agent.config.parent / "state" / "hub-config.json").read_text())
    assert stored["version"] == 2


async def test_restart_polls_the_stored_config_and_reports_current(hubbed, snmpsim) -> None:  # type: ignore[no-untyped-def]
    agent, hub, agent_id = hubbed
    agent.start()
    await ack_for(hub, "current", 0)
    publish(hub, agent_id, edge_config(snmpsim), 3)
    applied = await ack_for(hub, "applied", 3)
    await stop_and_read_status(agent)

    agent.start()  # broker reachable, no new push
    current = await ack_for(hub, "current", 3)
    assert current.content_hash == applied.content_hash and current.devices == 1
    await wait_until(lambda: any(t > current.ts.timestamp() for t in sample_times(hub)), 60,
                     "the stored config polled after the restart")


async def test_pushed_discovery_is_swept_and_reported(hubbed, snmpsim) -> None:  # type: ignore[no-untyped-def]
    agent, hub, agent_id = hubbed
    agent.start()
    await ack_for(hub, "current", 0)
    sweep = DiscoveryRequest(id=uuid.uuid4(), cidrs=["127.0.0.1/32"], credentials=[BAD, GOOD],
                             port=snmpsim.port, timeout_s=10)
    config = edge_config(snmpsim, devices=False).model_copy(update={"discoveries": [sweep]})
    publish(hub, agent_id, config, 1)
    await ack_for(hub, "applied", 1)

    def reports() -> list[DiscoveryReport]:
        return [r.message for r in hub.messages(DiscoveryReport)  # type: ignore[misc]
                if r.message.discovery_id == sweep.id]

    await wait_until(lambda: any(r.done for r in reports()), 120, "the discovery's last report")
    found = [c for r in reports() for c in r.candidates]
    assert [(c.address, c.credential) for c in found] == [("127.0.0.1", GOOD)]
    assert next(r for r in reports() if r.done).error is None
