"""Threat: a time-series store that refuses some writes (HTTP 4xx) stops ingest.

InfluxDB answers 400 for a write it will never take (a duplicate tag key, a field type
conflict, a point outside retention); retrying it forever as if the store were down pins
the handler, and a few such batches stop the worker. An agent can cause one on purpose:
a sample label `label_tenant` beside a label `tenant` (renamed `label_tenant`) gave a point
the same tag twice.

A small fault-injecting HTTP proxy on loopback sits in front of the real VictoriaMetrics:
it refuses like InfluxDB every write holding a marker series or a line with a duplicate
tag key, and forwards everything else. The worker must store the messages around the
refused one, quarantine only that one with the store's reason, count it, and store the
label clash with the reserved tag winning (the agent's own label dropped and counted).
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.ingest import AgentRegistry, IngestWorker, MqttOptions, Pipeline
from hub.metrics import Metrics
from hub.tsdb import InfluxStore
from protocol import Channel, Sample, TelemetryBatch, hub_ingest_subscription
from tests.hub.ingest.harness import (
    Publisher,
    aligned_start,
    new_tenancy,
    register_agent,
    sql,
    token,
    wait_for,
)
from tests.services.mosquitto import Broker
from tests.services.victoria import Victoria

MARKER = "refuse_me_marker"
DEADLINE_S = 90.0  # generous: the machine is shared; every wait ends on a state
REFUSAL = "partial write: field type conflict: input field \"value\" on measurement " \
          f"\"{MARKER}\" is type string, already exists as type float dropped=1"


def _duplicate_tag(body: str) -> bool:
    for line in body.splitlines():
        head = line.split(" ", 1)[0]
        keys = [pair.split("=", 1)[0] for pair in head.split(",")[1:]]
        if len(keys) != len(set(keys)):
            return True
    return False


class RefusingProxy:
    """Forwards writes to VictoriaMetrics; answers 400 (InfluxDB's JSON) for chosen ones."""

    def __init__(self, upstream: str) -> None:
        self.upstream, self.refused, self.forwarded = upstream, 0, 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                text = body.decode()
                if MARKER in text or _duplicate_tag(text):
                    proxy.refused += 1
                    why = REFUSAL if MARKER in text else "unable to parse: duplicate tags"
                    self._answer(400, json.dumps({"code": "invalid", "message": why}).encode())
                    return
                request = urllib.request.Request(proxy.upstream + self.path, data=body,
                                                 method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=10) as resp:
                        status, answer = resp.status, resp.read()
                except urllib.error.HTTPError as exc:
                    status, answer = exc.code, exc.read()
                proxy.forwarded += 1
                self._answer(status, answer)

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Where the hub writes."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def proxy(victoria: Victoria) -> Iterator[RefusingProxy]:
    """The proxy, running for one test."""
    running = RefusingProxy(victoria.url)
    running.thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


def _batch(agent: str, seq: int, device: str, metric: str, minutes: int,
           labels: dict[str, str] | None = None) -> TelemetryBatch:
    ts = aligned_start(30) + timedelta(minutes=minutes)
    sample = Sample(device=device, metric=metric, value=seq, kind="gauge", ts=ts,
                    labels=labels or {"hrDeviceIndex": "1"})
    return TelemetryBatch(agent_id=agent, seq=seq, ts=ts, samples=[sample])


async def test_a_refused_write_is_quarantined_and_the_rest_pass(
        mosquitto: Broker, victoria: Victoria, proxy: RefusingProxy,
        sessions: async_sessionmaker[AsyncSession]) -> None:
    where = await new_tenancy(sessions)
    name, device, group = token("agent"), token("pop-rtr"), token("grp")
    agent = str(await register_agent(sessions, where, name))  # its login: the registry id
    creds = mosquitto.add_user(agent)
    pipeline = Pipeline(sessions, InfluxStore(proxy.url), AgentRegistry(sessions, ttl_s=1.0))
    options = MqttOptions(mosquitto.host, mosquitto.port, mosquitto.hub.username,
                          mosquitto.hub.password, f"{group}-w0",
                          hub_ingest_subscription(group), session_expiry_s=300)
    worker = IngestWorker(pipeline, options, Metrics(), concurrency=1, max_backoff_s=0.5,
                          batch_max=25, batch_wait_s=0.5)
    task = asyncio.create_task(worker.run())
    publisher = Publisher(mosquitto, creds)
    try:
        await worker.wait_connected()
        good = [_batch(agent, seq, device, "cpu_load_percent", seq) for seq in (1, 2, 4, 5)]
        refused = _batch(agent, 3, device, MARKER, 3)
        clash = _batch(agent, 6, device, "if_oper_status", 6,
                       {"tenant": "evil", "label_tenant": "evil-too", "ifIndex": "7"})
        for message in (*good[:2], refused, *good[2:], clash):
            publisher.send(message, Channel.TELEMETRY)
        # Three more messages after the refusal: the worker is not stuck on it.
        later = [_batch(agent, seq, device, "cpu_load_percent", seq) for seq in (7, 8, 9)]
        for message in later:
            publisher.send(message, Channel.TELEMETRY)

        async def stored() -> list[int]:
            rows = await sql(sessions, "SELECT s.seq FROM ingest_seen s JOIN agents a "
                             "ON a.id = s.agent_id WHERE a.name = :n ORDER BY s.seq", n=name)
            return [int(r[0]) for r in rows]

        await wait_for(lambda: _eq(stored, [1, 2, 4, 5, 6, 7, 8, 9]), DEADLINE_S,
                       "every message but the refused one stored")
        rows = await sql(sessions, "SELECT reason, detail, payload_size FROM "
                         "ingest_quarantine WHERE agent_name = :n", n=name)
        assert [r[0] for r in rows] == ["tsdb_rejected"], rows
        assert "field type conflict" in rows[0][1] and "HTTP 400" in rows[0][1], rows
        assert worker.metrics.value("dotmac_ingest_rejected_total",
                                    reason="tsdb_rejected") == 1
        assert worker.metrics.value("dotmac_ingest_labels_dropped_total") == 1
        victoria.flush()
        cpu = victoria.query(f'count_over_time(cpu_load_percent_value{{agent="{name}"}}[2h])')
        assert [int(float(s["value"][1])) for s in cpu] == [7], cpu
        status = victoria.query(f'if_oper_status_value{{agent="{name}"}}[2h]')
        assert [s["metric"].get("label_tenant") for s in status] == ["evil"], status
        assert all(s["metric"]["tenant"] == str(where.tenant_id) for s in status), status
        assert proxy.refused >= 1
    finally:
        publisher.close()
        worker.stop()
        await asyncio.gather(task, return_exceptions=True)
        await pipeline.tsdb.close()


async def _eq(check: Any, expected: Any) -> bool:
    return bool(await check() == expected)
