"""The agent process itself dies (SIGKILL): nothing is lost, and the hub hears of it (LWT)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from protocol import AgentState
from tests.agent_delivery.helpers import connect_hub, first_occurrences, unique_id, wait_for

REPO = Path(__file__).resolve().parents[2]


class AgentProcess:
    """tests/agent_delivery/_agent_proc.py: a producer and the real Delivery, in a child."""

    def __init__(self, mosquitto, state: Path, produce_every_s: float) -> None:  # type: ignore[no-untyped-def]
        self.agent_id = unique_id("dlv-crash")
        creds = mosquitto.add_user(self.agent_id)
        self.state = state
        self.env = {
            **os.environ, "PYTHONPATH": str(REPO), "AGENT_ID": self.agent_id,
            "AGENT_PASSWORD": creds.password, "BROKER_PORT": str(mosquitto.port),
            "STATE_DIR": str(state), "PRODUCE_INTERVAL_S": str(produce_every_s),
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "tests/agent_delivery/_agent_proc.py")],
            env=self.env, cwd=REPO, stdout=subprocess.DEVNULL,
            stderr=(self.state / "agent.log").open("ab"),
        )

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def terminate(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=20)

    def produced(self) -> list[int]:
        log = self.state / "produced.log"
        return [int(n) for n in log.read_text().split()] if log.exists() else []


async def test_kill_9_during_outage_loses_nothing(mosquitto, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    agent = AgentProcess(mosquitto, tmp_path, produce_every_s=0.02)
    hub = connect_hub(mosquitto, f"dm/v1/{agent.agent_id}/up/#")
    try:
        agent.start()
        await wait_for(lambda: len(hub.telemetry_seqs()) >= 10, 20, "traffic before outage")
        mosquitto.stop()
        try:
            before = len(agent.produced())
            await wait_for(lambda: len(agent.produced()) >= before + 30, 10, "outage production")
            agent.kill()  # crash while the queue holds undelivered batches
        finally:
            mosquitto.start()
        crashed_at = len(agent.produced())
        agent.start()
        await wait_for(lambda: len(agent.produced()) >= crashed_at + 20, 20, "after restart")
        assert agent.terminate() == 0  # SIGTERM drains and exits cleanly
        produced = agent.produced()
        await wait_for(lambda: set(produced) <= set(hub.telemetry_seqs()), 20,
                       "every produced batch at the hub")
        received = hub.telemetry_seqs()
    finally:
        hub.close()
        if agent.proc is not None and agent.proc.poll() is None:
            agent.kill()
    assert first_occurrences(received) == produced  # none missing, in order, seq never reused
    assert produced == sorted(produced)


async def test_sigkill_leaves_a_retained_lwt(mosquitto, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    agent = AgentProcess(mosquitto, tmp_path, produce_every_s=0)
    hub = connect_hub(mosquitto, f"dm/v1/{agent.agent_id}/up/state")
    try:
        agent.start()
        await wait_for(lambda: any(s.state == "online" for s in hub.states()), 20, "birth")
        agent.kill()
        await wait_for(lambda: any(s.state == "offline" for s in hub.states()), 10, "the LWT")
    finally:
        hub.close()
        if agent.proc is not None and agent.proc.poll() is None:
            agent.kill()
    death = hub.states()[-1]
    assert (death.state, death.reason, death.agent_id) == ("offline", "lwt", agent.agent_id)
    late = connect_hub(mosquitto, f"dm/v1/{agent.agent_id}/up/state")
    try:
        await wait_for(lambda: bool(late.states()), 5, "retained state for a new subscriber")
        [retained] = late.messages(AgentState)
        assert retained.retain and retained.message.reason == "lwt"  # type: ignore[attr-defined]
    finally:
        late.close()
