"""Measuring for bench/ingest.py: publishers, the stored-time tracker, the two load phases
and the reports."""

from __future__ import annotations

import os
import pstats
import threading
import time
from collections import Counter, deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import psycopg
from _ingest_workload import PLACEHOLDER, Pop, next_poll, samples_in
from paho.mqtt.enums import CallbackAPIVersion

from protocol import Channel, build
from tests.services.mosquitto import Broker

MAX_S = float(os.environ.get("BENCH_MAX_S", "40"))
BACKLOG = int(os.environ.get("BENCH_BACKLOG", "200"))  # messages kept waiting at max rate
HALF_S = float(os.environ.get("BENCH_HALF_S", "20"))
DRAIN_S = float(os.environ.get("BENCH_DRAIN_S", "90"))


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
        events = sorted({" ".join(x.split(" WARNING ")[-1].split()[:2]) for x in lines})
        print(f"{log.name}: {len(lines)} warnings/errors; retry causes: {kinds[:3]}; "
              f"events: {events[:5]}")


def print_latency(name: str, lat: list[float]) -> None:
    print(f"{name}: {len(lat)} messages, publish->stored p50 {pct(lat, 0.5):.2f} s, "
          f"p99 {pct(lat, 0.99):.2f} s, max {lat[-1] if lat else 0:.2f} s")
