"""A real agent process -> Mosquitto -> two ingest workers -> VictoriaMetrics + PostgreSQL.

The agent polls a static snmpsim recording, so every poll reads the same counters: each
sample must be stored exactly once (one point per poll cycle the agent reports having
produced) and the stored counters must equal what `snmpbulkwalk` reads from the recording.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.agent_e2e.harness import Agent, stop_and_read_status
from tests.agent_e2e.test_field_commands import bulkwalk
from tests.hub.ingest.harness import (
    make_workers,
    new_tenancy,
    register_agent,
    sql,
    token,
    wait_for,
)
from tests.services.mosquitto import Broker
from tests.services.victoria import Victoria

IF_HC_IN_OCTETS = "1.3.6.1.2.1.31.1.1.1.6"
DEVICE = "pop-cisco"


def _config(path: Path, agent_id: str, mosquitto: Broker, snmpsim: object) -> None:
    community = snmpsim.communities["cisco-ios"]  # type: ignore[attr-defined]
    port = snmpsim.port  # type: ignore[attr-defined]
    path.write_text(f"""
agent:
  id: {agent_id}
  state_dir: {path.parent / "state"}
broker:
  host: 127.0.0.1
  port: {mosquitto.port}
  tls: false
polling:
  interval_s: 4
  timeout_s: 10
  retries: 0
health_interval_s: 5
devices:
  - name: {DEVICE}
    host: 127.0.0.1
    port: {port}
    snmp: {{community: {community}}}
""")


def _stored(victoria: Victoria, tenant: str, fn: str) -> dict[str, float]:
    victoria.flush()
    selector = f'if_hc_in_octets_value{{tenant="{tenant}",device="{DEVICE}"}}'
    return {r["metric"]["ifIndex"]: float(r["value"][1])
            for r in victoria.query(f"{fn}({selector}[1d])")}


async def test_agent_samples_stored_once_and_equal_to_snmpbulkwalk(
        tmp_path: Path, mosquitto: Broker, victoria: Victoria, snmpsim: object,
        sessions: async_sessionmaker[AsyncSession]) -> None:
    where = await new_tenancy(sessions)
    agent_id, tenant = token("e2e"), str(where.tenant_id)
    await register_agent(sessions, where, agent_id)  # hand-provisioned: name = MQTT id
    creds = mosquitto.add_user(agent_id)
    _config(tmp_path / "agent.yaml", agent_id, mosquitto, snmpsim)
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"))
    await workers.start()
    agent = Agent(tmp_path / "agent.yaml", creds.password)
    try:
        agent.start()
        await wait_for(lambda: min(_stored(victoria, tenant, "count_over_time").values(),
                                   default=0) >= 3, 90, "three stored cycles")
        status = await stop_and_read_status(agent)
        stats = status["devices"][DEVICE]
        produced = stats["cycles"] - stats["failures"]
        await wait_for(lambda: set(_stored(victoria, tenant, "count_over_time").values())
                       == {produced}, 30, f"all {produced} cycles stored")
    finally:
        if agent.proc is not None:
            agent.proc.stop()
        await workers.stop()
    walked = bulkwalk(snmpsim.target, snmpsim.communities["cisco-ios"],  # type: ignore[attr-defined]
                      IF_HC_IN_OCTETS)
    counts = _stored(victoria, tenant, "count_over_time")
    assert set(counts) == set(walked) and set(counts.values()) == {produced} and produced >= 3
    last = _stored(victoria, tenant, "last_over_time")
    assert {i: int(v) for i, v in last.items()} == walked
    assert min(w.metrics.value("dotmac_ingest_messages_total", result="stored")
               for w in workers.workers) > 0, "both workers must have taken a share"
    rows = await sql(sessions, "SELECT if_index, value FROM counter_state WHERE tenant_id = :t "
                     "AND device = :d AND metric = 'if_hc_in_octets'", t=where.tenant_id, d=DEVICE)
    assert {str(i): int(v) for i, v in rows} == walked
    facts = await sql(sessions, "SELECT count(*) FROM observed_interfaces WHERE tenant_id = :t",
                      t=where.tenant_id)
    assert facts[0][0] >= len(walked)
