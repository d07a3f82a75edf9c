"""Hub ingest end to end: MQTT -> two `dotmac-hub ingest` workers -> VictoriaMetrics + PostgreSQL.

Private Mosquitto, PostgreSQL database and VictoriaMetrics; BENCH_AGENTS POPs of
BENCH_DEVICES devices x 50 interfaces x 4 counters (in/out octets, in/out errors) per
poll, split into TelemetryBatch messages by the agent's own `plan_telemetry`.

1. Baseline: one plain loop json-decodes the same payloads, formats line protocol and
   writes them with influxdb-client (no MQTT, validation, dedupe or rollups).
2. Max rate: for BENCH_MAX_S s, messages are published (QoS 1) so that BENCH_BACKLOG
   of them always wait for the two worker subprocesses, then the rest drains; rate =
   samples / (first publish -> last one stored).
3. Half load: publish paced at half that rate for BENCH_HALF_S seconds; latency is
   publish -> stored, "stored" being the message's `ingest_seen` row visible, i.e.
   committed after the VictoriaMetrics write (polled every 50 ms).
At the end every published sample must be in VictoriaMetrics exactly once.
Targets (issue 5): >= 100k samples/s with two workers, ratio >= 0.4, p99 < 2 s at half load.
BENCH_PROFILE=1 runs worker 0 under cProfile (slower) and prints its top functions.
"""

from __future__ import annotations

import asyncio
import json
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import psycopg
from influxdb_client.client.influxdb_client import InfluxDBClient
from influxdb_client.client.write_api import SYNCHRONOUS
from influxdb_client.domain.write_precision import WritePrecision
from paho.mqtt.enums import CallbackAPIVersion

# The bench reuses the test suite's service starters and ingest harness.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edge_agent.batching import plan_telemetry
from hub import migrations
from protocol import Channel, Sample, TelemetryBatch, build, encode
from tests.hub_ingest.harness import engine_and_sessions, new_tenancy, register_agent
from tests.services.mosquitto import Broker, Credentials, start_broker
from tests.services.postgres import Postgres, start_postgres
from tests.services.victoria import Victoria, start_victoria

AGENTS = int(os.environ.get("BENCH_AGENTS", "2"))
DEVICES = int(os.environ.get("BENCH_DEVICES", "500"))
IFACES = 50
POLLS = int(os.environ.get("BENCH_POLLS", "1"))  # polls the baseline writes
MAX_S = float(os.environ.get("BENCH_MAX_S", "40"))
BACKLOG = int(os.environ.get("BENCH_BACKLOG", "8"))  # messages kept waiting at max rate
HALF_S = float(os.environ.get("BENCH_HALF_S", "20"))
DRAIN_S = float(os.environ.get("BENCH_DRAIN_S", "90"))
PROFILE = os.environ.get("BENCH_PROFILE") == "1"
METRICS = ("if_hc_in_octets", "if_hc_out_octets", "if_in_errors", "if_out_errors")
# The envelope ts is this until publish time; then it becomes the publish time.
PLACEHOLDER = b'"ts":"2000-01-01T00:00:00Z"'
START = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=3)


@dataclass
class Pop:
    """One agent (POP): its registry id, broker login and per-chunk payload templates."""

    name: str
    id: uuid.UUID
    creds: Credentials
    templates: list[dict[str, Any]] = field(default_factory=list)
    seq: int = 0
    poll: int = 0


# ---- workload ---------------------------------------------------------------------------

def _samples(pop: str) -> list[Sample]:
    # Planned with 13-digit values, so the refilled payloads (<= 11 digits) always fit.
    return [Sample(device=f"{pop}-sw{d:03d}", metric=m, kind="counter", ts=START,
                   value=10**12,
                   labels={"ifIndex": str(i), "ifName": f"ge-0/0/{i}"})
            for d in range(DEVICES) for i in range(1, IFACES + 1) for m in METRICS]


def make_templates(pop: Pop) -> None:
    """Split one poll the way the agent does; keep each chunk as a JSON dict to refill."""
    for chunk in plan_telemetry(pop.name, _samples(pop.name)):
        batch = TelemetryBatch(agent_id=pop.name, seq=1, ts=datetime(2000, 1, 1, tzinfo=UTC),
                               samples=chunk)
        pop.templates.append(json.loads(encode(batch)))


def _value(sample: dict[str, Any], poll: int) -> int:
    # Octet counters grow by a per-interface rate over the 60 s between polls.
    index = int(sample["labels"]["ifIndex"])
    if sample["metric"].endswith("octets"):
        return 10**9 + poll * 60 * (index * 100_000 + 7)
    return poll * (index % 3)


def next_poll(pop: Pop) -> list[tuple[int, bytes]]:
    """(seq, payload) of the pop's next poll, 60 s after the previous one."""
    ts = (START + timedelta(minutes=pop.poll)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = []
    for template in pop.templates:
        pop.seq += 1
        for sample in template["samples"]:
            sample["value"], sample["ts"] = _value(sample, pop.poll), ts
        template["seq"] = pop.seq
        out.append((pop.seq, json.dumps(template, separators=(",", ":")).encode()))
    pop.poll += 1
    return out


def samples_in(payload: bytes) -> int:
    """Samples in one payload (each has exactly one `"kind":`)."""
    return payload.count(b'"kind":')


# ---- measuring ----------------------------------------------------------------------------

class Tracker:
    """Publish times per (agent, seq) and when each message's ingest_seen row appeared."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.published: dict[tuple[str, int], float] = {}
        self.stored: dict[tuple[str, int], float] = {}
        self.waits: Counter[str] = Counter()  # what the workers' DB sessions were doing
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        """Begin polling the database."""
        self._thread.start()

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self._stop.wait(0.05):
                rows = conn.execute("SELECT agent_id::text, seq FROM ingest_seen "
                                    "WHERE channel = 'telemetry'").fetchall()
                now = time.monotonic()
                for agent, seq in rows:
                    self.stored.setdefault((agent, seq), now)
                self._sample_activity(conn)

    def _sample_activity(self, conn: psycopg.Connection[Any]) -> None:
        rows = conn.execute(
            "SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU'), "
            "left(regexp_replace(query, '\\s+', ' ', 'g'), 40) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND state = 'active'").fetchall()
        for wait, query in rows:
            self.waits[f"{wait} | {query}"] += 1

    def wait_all(self, within_s: float) -> bool:
        """True once every published message is stored."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            if all(key in self.stored for key in list(self.published)):
                return True
            time.sleep(0.05)
        return False

    def latencies(self, keys: list[tuple[str, int]]) -> list[float]:
        """Publish -> stored seconds of the given stored messages, sorted."""
        return sorted(self.stored[k] - self.published[k] for k in keys if k in self.stored)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    return values[max(0, min(len(values) - 1, round(q * len(values)) - 1))] if values else 0.0


class Publisher:
    """One agent's QoS 1 MQTT client; stamps the envelope ts with the publish time."""

    def __init__(self, broker: Broker, pop: Pop, tracker: Tracker) -> None:
        self.pop, self.tracker = pop, tracker
        self.topic = build(pop.name, Channel.TELEMETRY)
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-{pop.name}",
                                  protocol=mqtt.MQTTv5)
        self.client.username_pw_set(pop.creds.username, pop.creds.password)
        self.client.max_inflight_messages_set(100)
        self.client.max_queued_messages_set(0)
        self.client.connect(broker.host, broker.port, keepalive=60)
        self.client.loop_start()
        self.pending: list[mqtt.MQTTMessageInfo] = []

    def publish(self, seq: int, payload: bytes) -> None:
        """Queue one message (paho sends it from its thread)."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        body = payload.replace(PLACEHOLDER, f'"ts":"{now}"'.encode(), 1)
        self.tracker.published[(str(self.pop.id), seq)] = time.monotonic()
        self.pending.append(self.client.publish(self.topic, body, qos=1))

    def flush(self) -> None:
        """Wait for every PUBACK."""
        for info in self.pending:
            info.wait_for_publish(60)
        self.pending.clear()

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


# ---- baseline -----------------------------------------------------------------------------

def baseline(payloads: list[bytes], url: str, token: str = "") -> tuple[int, float]:
    """Plain loop: json.loads, line protocol, influxdb-client write; (samples, seconds)."""
    client = InfluxDBClient(url=url, token=token or "unused", org="dotmac", timeout=30_000)
    api = client.write_api(write_options=SYNCHRONOUS)
    count, start = 0, time.perf_counter()
    for payload in payloads:
        batch = json.loads(payload)
        head = f"tenant=baseline,site=baseline,agent={batch['agent_id']}"
        lines = []
        for s in batch["samples"]:
            tags = ",".join(f"{k}={v}" for k, v in sorted(s["labels"].items()))
            millis = int(datetime.fromisoformat(s["ts"]).timestamp() * 1000)
            lines.append(f"{s['metric']},{head},device={s['device']},{tags} "
                         f"value={float(s['value'])} {millis}")
        api.write(bucket="dotmac", org="dotmac", record="\n".join(lines),
                  write_precision=WritePrecision.MS)  # type: ignore[arg-type]
        count += len(lines)
    elapsed = time.perf_counter() - start
    client.close()  # type: ignore[no-untyped-call]
    return count, elapsed


# ---- services and workers -----------------------------------------------------------------

@dataclass
class Rig:
    """The private servers of one bench run."""

    broker: Broker
    pg: Postgres
    vm: Victoria
    tmp: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        """Stop workers, then servers."""
        stop_workers(self.workers)
        for stopper in (self.broker.stop, self.vm.stop, self.pg.stop):
            stopper()


def start_rig(tmp: Path) -> Rig:
    """Broker, a fresh migrated database, VictoriaMetrics."""
    broker = start_broker(tmp / "mosquitto")
    pg = start_postgres(tmp / "pg")
    vm = start_victoria(tmp / "vm")
    migrations.upgrade(pg.sqlalchemy_url)
    return Rig(broker, pg, vm, tmp)


async def register_pops(rig: Rig) -> tuple[uuid.UUID, list[Pop]]:
    """One tenant and site; AGENTS registered agents with broker logins."""
    engine, sessions = engine_and_sessions(rig.pg.sqlalchemy_url)
    where = await new_tenancy(sessions)
    pops = []
    for index in range(AGENTS):
        name = f"pop{index + 1}-{uuid.uuid4().hex[:6]}"
        agent_id = await register_agent(sessions, where, name)
        pops.append(Pop(name, agent_id, rig.broker.add_user(name)))
    await engine.dispose()
    return where.tenant_id, pops


def _worker_argv(index: int, tmp: Path) -> list[str]:
    script = str(Path(sys.executable).parent / "dotmac-hub")
    if PROFILE and index == 0:
        return [sys.executable, "-m", "cProfile", "-o", str(tmp / "worker0.prof"), script,
                "ingest"]
    return [script, "ingest"]


def start_workers(rig: Rig, count: int = 2) -> None:
    """`dotmac-hub ingest` subprocesses in one group; wait until each is subscribed."""
    base = {**os.environ, "DOTMAC_HUB_DATABASE_URL": rig.pg.sqlalchemy_url,
            "DOTMAC_HUB_MQTT_HOST": rig.broker.host, "DOTMAC_HUB_MQTT_PORT": str(rig.broker.port),
            "DOTMAC_HUB_MQTT_USERNAME": rig.broker.hub.username,
            "DOTMAC_HUB_MQTT_PASSWORD": rig.broker.hub.password,
            "DOTMAC_HUB_TSDB_URL": rig.vm.url, "DOTMAC_HUB_INGEST_GROUP": "bench",
            "DOTMAC_HUB_LOG_LEVEL": "info"}
    logs = []
    for index in range(count):
        env = {**base, "DOTMAC_HUB_INGEST_CLIENT_ID": f"bench-ingest-{index}"}
        log = rig.tmp / f"worker{index}.log"
        logs.append(log)
        with log.open("wb") as out:
            rig.workers.append(subprocess.Popen(_worker_argv(index, rig.tmp), env=env,
                                                stdout=out, stderr=subprocess.STDOUT,
                                                cwd=rig.tmp))
    deadline = time.monotonic() + 30
    while not all("ingest.mqtt.connected" in p.read_text() for p in logs):
        if time.monotonic() > deadline:
            raise RuntimeError(f"ingest workers did not connect in 30 s; see {logs}")
        time.sleep(0.1)
    time.sleep(1.0)  # the SUBSCRIBE follows the CONNACK: let the shared subscription exist


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM (a clean stop, so cProfile writes its file), then wait."""
    for proc in workers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in workers:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    workers.clear()


# ---- phases -------------------------------------------------------------------------------

class Feed:
    """Messages of all agents in turn; an agent's next poll is built when it runs out."""

    def __init__(self, pubs: list[Publisher], first: list[list[tuple[int, bytes]]]) -> None:
        self.pubs, self.turn = pubs, 0
        self.queues = [deque(messages) for messages in first]

    def send_next(self) -> tuple[tuple[str, int], int]:
        """Publish the next message; (tracker key, samples in it)."""
        index, self.turn = self.turn, (self.turn + 1) % len(self.pubs)
        pub, queue = self.pubs[index], self.queues[index]
        if not queue:
            queue.extend(next_poll(pub.pop))
        seq, payload = queue.popleft()
        pub.publish(seq, payload)
        return (str(pub.pop.id), seq), samples_in(payload)

    def flush(self) -> None:
        """Wait for every PUBACK."""
        for pub in self.pubs:
            pub.flush()


def max_rate(feed: Feed, tracker: Tracker) -> tuple[int, float, list[tuple[str, int]]]:
    """Keep BACKLOG messages waiting for MAX_S s, then drain; (samples, seconds, keys)."""
    start, samples, keys = time.monotonic(), 0, []
    while time.monotonic() - start < MAX_S:
        if len(tracker.published) - len(tracker.stored) >= BACKLOG:
            time.sleep(0.02)
            continue
        key, count = feed.send_next()
        keys.append(key)
        samples += count
    feed.flush()
    if not tracker.wait_all(DRAIN_S):
        print(f"WARNING: not everything stored within {DRAIN_S:.0f} s")
    end = max(tracker.stored.get(k, time.monotonic()) for k in keys)
    return samples, end - start, keys


def paced(feed: Feed, rate: float, tracker: Tracker) -> tuple[int, float, list[Any]]:
    """Publish at `rate` samples/s for HALF_S s, then drain; (samples, seconds, keys)."""
    start, sent, keys = time.monotonic(), 0, []
    while time.monotonic() - start < HALF_S:
        key, count = feed.send_next()
        keys.append(key)
        sent += count
        time.sleep(max(0.0, start + sent / rate - time.monotonic()))
    feed.flush()
    elapsed = time.monotonic() - start
    tracker.wait_all(DRAIN_S)
    return sent, elapsed, keys


def stored_in_victoria(vm: Victoria, tenant: str) -> int:
    """Samples VictoriaMetrics holds for one tenant tag."""
    vm.flush()
    found = vm.query(f'sum(count_over_time({{tenant="{tenant}"}}[1d]))')
    return int(float(found[0]["value"][1])) if found else 0


def report_profile(tmp: Path) -> None:
    """Top of worker 0's cProfile (main thread: decode, pipeline, SQL; not paho's thread)."""
    path = tmp / "worker0.prof"
    if path.exists():
        print("\n# worker 0 cProfile, top 25 by own time")
        pstats.Stats(str(path)).sort_stats("tottime").print_stats(25)
        print("# top 25 by cumulative time")
        pstats.Stats(str(path)).sort_stats("cumulative").print_stats(25)


def report_worker_logs(tmp: Path) -> None:
    """Retries and rejections the workers logged (a clean run has none)."""
    for log in sorted(tmp.glob("worker*.log")):
        lines = [x for x in log.read_text(errors="replace").splitlines()
                 if " WARNING " in x or " ERROR " in x]
        kinds = sorted({x.split(" error=")[-1][:160] for x in lines if "ingest.retry" in x})
        print(f"{log.name}: {len(lines)} warnings/errors; retry causes: {kinds[:3]}")


def _print_latency(name: str, lat: list[float]) -> None:
    print(f"{name}: {len(lat)} messages, publish->stored p50 {pct(lat, 0.5):.2f} s, "
          f"p99 {pct(lat, 0.99):.2f} s, max {lat[-1] if lat else 0:.2f} s")


def run(rig: Rig, tenant: uuid.UUID, pops: list[Pop]) -> None:
    """The three phases and the exactly-once check; prints the figures."""
    polls = [[next_poll(pop) for pop in pops] for _ in range(POLLS)]
    payloads = [p for poll in polls for messages in poll for _s, p in messages]
    base_n, base_s = baseline(payloads, rig.vm.url)
    print(f"baseline (json + line protocol + influxdb-client, 1 process): {base_n} samples "
          f"in {base_s:.1f} s = {base_n / base_s:,.0f} samples/s")
    start_workers(rig)
    tracker = Tracker(rig.pg.dsn)
    tracker.start()
    pubs = [Publisher(rig.broker, pop, tracker) for pop in pops]
    # The baseline's payloads go first; their placeholder ts is stamped at publish time.
    feed = Feed(pubs, [[m for poll in polls for m in poll[i]] for i in range(len(pops))])
    try:
        n, secs, keys = max_rate(feed, tracker)
        rate = n / secs
        print(f"ours (MQTT -> 2 workers -> VM + PostgreSQL, backlog {BACKLOG} messages): "
              f"{n} samples in {secs:.1f} s = {rate:,.0f} samples/s")
        print(f"ratio ours/baseline: {rate / (base_n / base_s):.2f}")
        _print_latency("latency at max load (backlog)", tracker.latencies(keys))
        half_n, half_s, half_keys = paced(feed, rate / 2, tracker)
        print(f"half load: {half_n} samples in {half_s:.1f} s = {half_n / half_s:,.0f} samples/s")
        _print_latency("latency at half load", tracker.latencies(half_keys))
    finally:
        for pub in pubs:
            pub.close()
        tracker.stop()
        stop_workers(rig.workers)
    held = stored_in_victoria(rig.vm, str(tenant))
    print(f"exactly once: published {n + half_n}, in VictoriaMetrics {held}, "
          f"messages {len(tracker.published)}, stored {len(tracker.stored)}")
    print("active worker DB sessions, sampled every 50 ms (wait | query):")
    for what, count in tracker.waits.most_common(8):
        print(f"  {count:5d}  {what}")
    report_worker_logs(rig.tmp)
    report_profile(rig.tmp)


def main() -> None:
    """Start everything, run, clean up."""
    print(f"{AGENTS} agents x {DEVICES} devices x {IFACES} interfaces x {len(METRICS)} metrics "
          f"= {AGENTS * DEVICES * IFACES * len(METRICS)} samples per poll; max rate for "
          f"{MAX_S:.0f} s, then {HALF_S:.0f} s at half; workers: 2 `dotmac-hub ingest` "
          "subprocesses")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        rig = start_rig(Path(tmp))
        try:
            tenant, pops = asyncio.run(register_pops(rig))
            for pop in pops:
                make_templates(pop)
            print(f"{len(pops[0].templates)} messages per agent per poll; set-up "
                  f"{time.monotonic() - started:.1f} s")
            run(rig, tenant, pops)
        finally:
            rig.stop()
    print(f"total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
