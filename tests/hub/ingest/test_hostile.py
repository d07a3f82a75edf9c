"""Hostile input through the real broker: workers stay up, nothing is stored, every
refusal is counted under its reason and poison is quarantined."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from protocol import Channel, build, encode
from tests.hub.ingest.harness import (
    Publisher,
    aligned_start,
    counter_batch,
    make_workers,
    new_tenancy,
    register_agent,
    sql,
    token,
    wait_for,
)
from tests.services.mosquitto import Broker
from tests.services.victoria import Victoria

WINDOW = 100


def _valid(agent: str, seq: int, device: str) -> bytes:
    return encode(counter_batch(agent, seq, device, aligned_start(60),
                                {1: (seq * 1000, seq * 2000)}))


def _mutated(agent: str, device: str, **changes: object) -> bytes:
    document = json.loads(_valid(agent, 1, device))
    document.update(changes)
    return json.dumps(document).encode()


async def test_hostile_messages_are_refused_counted_and_quarantined(
        mosquitto: Broker, victoria: Victoria,
        sessions: async_sessionmaker[AsyncSession]) -> None:
    where = await new_tenancy(sessions)
    good, revoked, stranger, victim = (token("good"), token("revoked"), token("stranger"),
                                       token("victim"))
    await register_agent(sessions, where, good)
    await register_agent(sessions, where, victim)
    await register_agent(sessions, where, revoked, revoked=True)
    device = token("dev")
    pubs = {name: Publisher(mosquitto, mosquitto.add_user(name))
            for name in (good, revoked, stranger)}
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"), window=WINDOW)
    await workers.start()
    topic = build(good, Channel.TELEMETRY)
    sent = {"not_json": 3, "oversize": 1, "unknown_version": 2, "schema_violation": 2,
            "topic_mismatch": 2, "revoked_agent": 2, "unknown_agent": 2, "duplicate": 2}
    try:
        for seq in range(WINDOW + 10, WINDOW + 20):  # ten valid batches, hwm = WINDOW + 19
            pubs[good].raw(topic, _valid(good, seq, device))
        await wait_for(lambda: workers.counter("dotmac_ingest_messages_total",
                                               result="stored") == 10, 20, "valid batches")
        for payload in (os.urandom(64), b"\xff\xfe{", b"[1,2]"):
            pubs[good].raw(topic, payload)
        pubs[good].raw(topic, b"{" + b" " * (256 * 1024) + b"}")
        pubs[good].raw(topic, _mutated(good, device, v="2.0"))
        pubs[good].raw(topic, _mutated(good, device, v="1.4"))  # a minor this hub does not know
        pubs[good].raw(topic, _mutated(good, device, seq=-1))
        pubs[good].raw(topic, _mutated(good, device, samples=[]))
        pubs[good].raw(topic, _valid(victim, 500, device))  # A's topic claiming B
        pubs[good].raw(build(good, Channel.HEALTH), _valid(good, 501, device))  # wrong channel
        for seq in (1, 2):  # (a seq below the window restarts the sequence: test_clock_faults)
            pubs[revoked].raw(build(revoked, Channel.TELEMETRY), _valid(revoked, seq, device))
            pubs[stranger].raw(build(stranger, Channel.TELEMETRY), _valid(stranger, seq, device))
        for seq in (WINDOW + 11, WINDOW + 15):  # recent seqs sent again
            pubs[good].raw(topic, _valid(good, seq, device))
        # Wait reason by reason, not on a total: the shared broker also hands new workers
        # the retained birth messages of every agent earlier tests created, and those count
        # as unknown_agent too.
        await wait_for(lambda: all(workers.counter("dotmac_ingest_rejected_total", reason=r)
                                   >= n for r, n in sent.items()), 30,
                       "every hostile message processed")
        assert all(not task.done() for task in workers.tasks), "a worker died"
    finally:
        await workers.stop()
        for pub in pubs.values():
            pub.close()
    got = {reason: workers.counter("dotmac_ingest_rejected_total", reason=reason)
           for reason in sent}
    assert got["unknown_agent"] >= sent["unknown_agent"]  # plus other tests' retained births
    assert {**got, "unknown_agent": sent["unknown_agent"]} == sent
    assert workers.counter("dotmac_ingest_messages_total", result="stored") == 10
    await _assert_nothing_stored(sessions, victoria, where.tenant_id, device, (revoked, stranger,
                                                                               victim))


async def _assert_nothing_stored(sessions: async_sessionmaker[AsyncSession], victoria: Victoria,
                                 tenant: object, device: str, intruders: tuple[str, ...]) -> None:
    quarantined = dict(await sql(sessions, "SELECT reason, count(*) FROM ingest_quarantine "
                                 "GROUP BY reason"))
    assert quarantined == {"not_json": 3, "oversize": 1, "unknown_version": 2,
                           "schema_violation": 2, "topic_mismatch": 2}
    sizes = await sql(sessions, "SELECT max(length(payload)), max(payload_size) "
                      "FROM ingest_quarantine")
    assert sizes[0][0] <= 4096 < sizes[0][1]  # truncated, original size kept
    victoria.flush()
    stored = victoria.query(f'count_over_time(if_hc_in_octets_value{{device="{device}"}}[1d])')
    assert [(r["metric"]["agent"], int(r["value"][1])) for r in stored] != []
    assert {r["metric"]["agent"] for r in stored}.isdisjoint(intruders)
    assert sum(int(r["value"][1]) for r in stored) == 10
    seen = await sql(sessions, "SELECT count(*), min(seq) FROM ingest_seen")
    assert seen[0] == (10, WINDOW + 10)
    now = datetime.now(UTC)
    assert all(r[0] <= now for r in await sql(sessions, "SELECT received_at FROM "
                                              "ingest_quarantine"))


async def test_nul_in_a_text_is_quarantined_and_its_batch_neighbours_stored(
        mosquitto: Broker, victoria: Victoria,
        sessions: async_sessionmaker[AsyncSession]) -> None:
    # A NUL in a device name passes the protocol schema, but PostgreSQL text cannot hold
    # it: refused before anything is written, quarantined, its neighbours stored once.
    where = await new_tenancy(sessions)
    agent, device = token("agent"), token("dev")
    await register_agent(sessions, where, agent)
    publisher = Publisher(mosquitto, mosquitto.add_user(agent))
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"), count=1)
    await workers.start()
    topic = build(agent, Channel.TELEMETRY)
    try:
        publisher.raw(topic, _valid(agent, 1, device))
        publisher.raw(topic, _valid(agent, 2, device + "\x00x"))
        publisher.raw(topic, _valid(agent, 3, device))
        await wait_for(lambda: workers.counter("dotmac_ingest_messages_total", result="stored")
                       >= 2 and workers.counter("dotmac_ingest_rejected_total",
                                                reason="nul_in_text") >= 1, 20,
                       "all three messages")
        assert all(not task.done() for task in workers.tasks), "a worker died"
    finally:
        await workers.stop()
        publisher.close()
    assert workers.counter("dotmac_ingest_messages_total", result="stored") == 2
    assert workers.counter("dotmac_ingest_rejected_total", reason="nul_in_text") == 1
    rows = await sql(sessions, "SELECT reason, payload FROM ingest_quarantine WHERE topic = :t",
                     t=topic)
    assert [(r[0], b'"seq":2' in r[1]) for r in rows] == [("nul_in_text", True)]
    seen = await sql(sessions, "SELECT seq FROM ingest_seen s JOIN agents a ON a.id = s.agent_id "
                     "WHERE a.name = :n ORDER BY seq", n=agent)
    assert seen == [(1,), (3,)]
    victoria.flush()
    stored = victoria.query(f'count_over_time(if_hc_in_octets_value{{agent="{agent}"}}[1d])')
    assert [(r["metric"]["device"], int(r["value"][1])) for r in stored] == [(device, 2)]
