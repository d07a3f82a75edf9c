"""Agent messages -> Mosquitto -> two ingest workers -> VictoriaMetrics + PostgreSQL.

Every batch is published twice (what an agent does after a lost PUBACK): each sample must
still be stored once, and every 5-minute rollup bucket must equal the counters' true
increase in it, whatever order the two workers' micro-batches commit in.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from protocol import Channel, DeviceFacts, InterfaceFacts, Inventory
from tests.hub.ingest.harness import (
    Publisher,
    aligned_start,
    counter_batch,
    expected_buckets,
    make_workers,
    new_tenancy,
    register_agent,
    series_plan,
    sql,
    stored_buckets,
    token,
    wait_for,
)
from tests.services.mosquitto import Broker
from tests.services.victoria import Victoria

POLLS, STEP_S, IFACES = 24, 60, 3


def _inventory(agent: str, device: str, seq: int) -> Inventory:
    interfaces = [InterfaceFacts(if_index=i, name=f"ge-{i}", speed_bps=1_000_000_000,
                                 admin_status="up", oper_status="up") for i in range(1, 4)]
    facts = DeviceFacts(device=device, address="192.0.2.10", profile="cisco_ios",
                        sys_name=device, vendor="Cisco", interfaces=interfaces)
    return Inventory(agent_id=agent, seq=seq, ts=datetime.now(UTC), devices=[facts])


async def test_each_sample_stored_once_with_correct_rollups(
        mosquitto: Broker, victoria: Victoria,
        sessions: async_sessionmaker[AsyncSession]) -> None:
    where = await new_tenancy(sessions)
    agent, device = token("agent"), token("edge-sw")
    await register_agent(sessions, where, agent)
    publisher = Publisher(mosquitto, mosquitto.add_user(agent))
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"))
    await workers.start()
    plan = series_plan(aligned_start(), POLLS, STEP_S, IFACES, lambda p, i: 1_000_000 * i + p)
    try:
        publisher.send(_inventory(agent, device, 1), Channel.INVENTORY)
        for seq, (ts, counters) in enumerate(plan, start=2):
            batch = counter_batch(agent, seq, device, ts, counters)
            publisher.send(batch, Channel.TELEMETRY)
            publisher.send(batch, Channel.TELEMETRY)  # the redelivery
        # Wait on what was stored, not on stored + rejected: under load a worker's session
        # may flap and the broker redeliver, which adds duplicates before the rest arrives.
        await wait_for(lambda: workers.counter("dotmac_ingest_messages_total", result="stored")
                       >= POLLS + 1, 60, "every distinct message stored")
        await wait_for(lambda: workers.counter("dotmac_ingest_rejected_total",
                                               reason="duplicate") >= POLLS, 30,
                       "every redelivery refused")
    finally:
        await workers.stop()
        publisher.close()
    assert workers.counter("dotmac_ingest_messages_total", result="stored") == POLLS + 1
    assert workers.counter("dotmac_ingest_rejected_total", reason="duplicate") >= POLLS
    # The broker alternates the group's subscribers, so each worker takes a share; which of
    # two identical copies gets stored depends on which micro-batch commits first.
    assert min(w.metrics.value("dotmac_ingest_messages_total", result="stored")
               + w.metrics.value("dotmac_ingest_messages_total", result="rejected")
               for w in workers.workers) >= POLLS // 2, "both workers must have taken a share"
    victoria.flush()
    _assert_victoria(victoria, where.tenant_id, device, plan)
    await _assert_rollups(sessions, device, plan)
    seen = await sql(sessions, "SELECT count(*) FROM ingest_seen")
    assert seen[0][0] == POLLS + 1


def _assert_victoria(victoria: Victoria, tenant: object, device: str,
                     plan: list[tuple[datetime, dict[int, tuple[int, int]]]]) -> None:
    selector = f'if_hc_in_octets_value{{tenant="{tenant}",device="{device}"}}'
    counts = victoria.query(f"count_over_time({selector}[1d])")
    assert sorted(int(r["metric"]["ifIndex"]) for r in counts) == list(range(1, IFACES + 1))
    assert all(int(r["value"][1]) == POLLS for r in counts), counts
    last = victoria.query(f"last_over_time({selector}[1d])")
    final = plan[-1][1]
    assert {int(r["metric"]["ifIndex"]): int(float(r["value"][1])) for r in last} == {
        i: v[0] for i, v in final.items()}
    assert all(r["metric"]["ifName"] == f"ge-{r['metric']['ifIndex']}" for r in last)


async def _assert_rollups(sessions: async_sessionmaker[AsyncSession], device: str,
                          plan: list[tuple[datetime, dict[int, tuple[int, int]]]]) -> None:
    # Whichever worker stored which copy, and in whatever order the micro-batches committed,
    # every bucket must hold what storing the polls one by one in time order gives.
    assert await stored_buckets(sessions, device) == expected_buckets(plan)
    facts = await sql(sessions, "SELECT count(*) FROM observed_interfaces WHERE device = :d",
                      d=device)
    assert facts[0][0] == IFACES
