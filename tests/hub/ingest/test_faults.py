"""Faults: kill -9 a worker process mid-stream, restart the broker, stop the time-series
store for a minute, then the database for a minute, publishing steadily throughout. After
recovery: stored == sent, no duplicates, every rollup bucket exact, and the surviving
worker's /metrics shows the retries (about 3 minutes)."""

from __future__ import annotations

import asyncio
import sys
import urllib.request
from pathlib import Path

from hub import migrations
from protocol import Channel, TelemetryBatch
from tests.hub.ingest.harness import (
    Publisher,
    aligned_start,
    counter_batch,
    engine_and_sessions,
    expected_buckets,
    new_tenancy,
    register_agent,
    series_plan,
    sql,
    stored_buckets,
    token,
    wait_for,
)
from tests.hub.ingest.services import PrivatePostgres, PrivateVictoria, private_victoria
from tests.services._proc import ManagedProcess, free_port
from tests.services.mosquitto import Broker

BIN = Path(sys.executable).parent
IFACES, PHASE = 2, 12
OUTAGE_S = 60.0  # issue 5: "stop VictoriaMetrics for a minute, then the database"


def _worker(index: int, env: dict[str, str], folder: Path,
            metrics_port: int | None = None) -> ManagedProcess:
    worker_env = {**env, "DOTMAC_HUB_INGEST_CLIENT_ID": f"{env['GROUP']}-w{index}"}
    if metrics_port:
        worker_env["DOTMAC_HUB_INGEST_METRICS_PORT"] = str(metrics_port)
    return ManagedProcess([str(BIN / "dotmac-hub"), "ingest"], folder / f"worker{index}.log",
                          env=worker_env).start()


def _env(broker: Broker, db_url: str, vm: PrivateVictoria, group: str) -> dict[str, str]:
    return {"DOTMAC_HUB_DATABASE_URL": db_url, "DOTMAC_HUB_BROKER_HOST": broker.host,
            "DOTMAC_HUB_BROKER_PORT": str(broker.port),
            "DOTMAC_HUB_INGEST_USERNAME": broker.hub.username,
            "DOTMAC_HUB_INGEST_PASSWORD": broker.hub.password, "DOTMAC_HUB_TSDB_URL": vm.url,
            "DOTMAC_HUB_INGEST_GROUP": group, "DOTMAC_HUB_INGEST_SESSION_EXPIRY_S": "600",
            "DOTMAC_HUB_INGEST_CONCURRENCY": "4", "GROUP": group,
            "DOTMAC_HUB_AUTO_MIGRATE": "false", "PYTHONUNBUFFERED": "1"}


async def test_outages_lose_and_duplicate_nothing(mosquitto: Broker, tmp_path: Path) -> None:
    cluster = PrivatePostgres(tmp_path / "pg")
    vm = private_victoria(tmp_path / "vm")
    url = cluster.pg.sqlalchemy_url
    await asyncio.to_thread(migrations.upgrade, url)
    engine, sessions = engine_and_sessions(url)
    where = await new_tenancy(sessions)
    agent, device, group = token("agent"), token("pop-rtr"), token("grp")
    agent = str(await register_agent(sessions, where, agent))  # its registry id logs in
    creds = mosquitto.add_user(agent)
    env = _env(mosquitto, url, vm, group)
    metrics_port = free_port()
    workers = [_worker(0, env, tmp_path), _worker(1, env, tmp_path, metrics_port)]
    plan = series_plan(aligned_start(180), 5 * PHASE, 60, IFACES, lambda p, i: 7_000_000 * i + p)
    batches = [counter_batch(agent, seq, device, ts, c) for seq, (ts, c) in enumerate(plan, 1)]
    publisher = Publisher(mosquitto, creds)

    async def stored() -> int:
        return int((await sql(sessions, "SELECT count(*) FROM ingest_seen"))[0][0])

    try:
        await wait_for(lambda: "ingest.mqtt.connected" in (tmp_path / "worker1.log").read_text()
                       if (tmp_path / "worker1.log").exists() else False, 20, "workers up")
        publisher.send(batches[0], Channel.TELEMETRY)
        await wait_for(lambda: _true(stored, 1), 20, "baseline batch")
        # 1. kill -9 a worker in the middle of a stream, restart it with the same session
        for i, batch in enumerate(batches[1:PHASE]):
            publisher.send(batch, Channel.TELEMETRY)
            if i == PHASE // 2:
                workers[0].kill()
        workers[0] = _worker(0, env, tmp_path)
        # 2. broker restart (persistent sessions keep what was queued)
        before = _connections(tmp_path)
        mosquitto.stop()
        mosquitto.start()
        publisher.close()
        # Mosquitto 2.0.11 restores shared subscriptions only when their subscriber comes
        # back: what is published before that has no subscriber (docs/ingest.md).
        await wait_for(lambda: _connections(tmp_path) >= before + 2, 30, "workers back")
        publisher = Publisher(mosquitto, creds)
        for batch in batches[PHASE:2 * PHASE]:
            publisher.send(batch, Channel.TELEMETRY)
        # 3. time-series store down for a minute while data keeps arriving: nothing may be
        # committed (or acknowledged) without it
        await wait_for(lambda: _true(stored, 2 * PHASE), 60, "the broker-restart phase")
        vm.stop()
        await _publish_over(publisher, batches[2 * PHASE:3 * PHASE], OUTAGE_S)
        assert await stored() == 2 * PHASE, "stored while the time-series store was down"
        vm.start()
        # 4. then the database down for a minute while data keeps arriving
        await wait_for(lambda: _true(stored, 3 * PHASE), 60, "recovery from the store outage")
        await engine.dispose()
        cluster.stop()
        await _publish_over(publisher, batches[3 * PHASE:], OUTAGE_S)
        cluster.start()
        await wait_for(lambda: _true(stored, len(batches)), 90, "every batch stored")
        assert all(w.alive() for w in workers), "a worker exited"
        await _assert_exact(sessions, vm, device, plan)
        # The worker that lived through both outages says so on its own /metrics.
        scraped = await asyncio.to_thread(_scrape, metrics_port)
        assert 'dotmac_ingest_messages_total{result="stored"}' in scraped
        assert "dotmac_ingest_storage_retries_total" in scraped
    finally:
        publisher.close()
        for w in workers:
            w.stop()
        vm.stop()
        await engine.dispose()
        cluster.close()


async def _publish_over(publisher: Publisher, batches: list[TelemetryBatch],
                        seconds: float) -> None:
    """A steady load: the batches spread evenly over `seconds`."""
    for batch in batches:
        publisher.send(batch, Channel.TELEMETRY)
        await asyncio.sleep(seconds / len(batches))


def _scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:
        return str(reply.read().decode())


def _connections(folder: Path) -> int:
    return sum((folder / f"worker{i}.log").read_text().count("ingest.mqtt.connected")
               for i in (0, 1))


async def _true(check, at_least: int) -> bool:  # type: ignore[no-untyped-def]
    try:
        return bool(await check() >= at_least)
    except Exception:  # the database is being restarted
        return False


async def _assert_exact(sessions, vm: PrivateVictoria, device: str, plan) -> None:  # type: ignore[no-untyped-def]
    counts = vm.query(f'count_over_time(if_hc_in_octets_value{{device="{device}"}}[1d])')
    assert sorted((r["metric"]["ifIndex"], int(r["value"][1])) for r in counts) == [
        (str(i), len(plan)) for i in range(1, IFACES + 1)]
    # Redeliveries after the kill and the outages arrive out of order: every bucket must
    # still be what in-order storing gives.
    assert await stored_buckets(sessions, device) == expected_buckets(plan)
    seen = await sql(sessions, "SELECT count(*), count(DISTINCT seq) FROM ingest_seen")
    assert seen[0] == (len(plan), len(plan))
