"""Workload of bench/ingest.py: POPs of 500 devices x 50 interfaces x 4 counters, split into
TelemetryBatch messages by the agent's own `plan_telemetry`, and the baseline writer."""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from influxdb_client.client.influxdb_client import InfluxDBClient
from influxdb_client.client.write_api import SYNCHRONOUS
from influxdb_client.domain.write_precision import WritePrecision

from edge_agent.batching import plan_telemetry
from protocol import Sample, TelemetryBatch, encode
from tests.services.mosquitto import Credentials

AGENTS = int(os.environ.get("BENCH_AGENTS", "2"))
DEVICES = int(os.environ.get("BENCH_DEVICES", "500"))
IFACES = 50
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
