"""Protocol codec throughput: our validated decode vs bare `json.loads` of the same bytes.

The hub decodes every telemetry batch; validation must not cost more than the ingest
budget. Baseline = stdlib json parse with no validation (the floor any decoder pays).
"full checks" is the same batch with one escaped character (``\\/``), which the codec's fast
path hands to the full checks (stdlib parse for duplicate keys, then pydantic).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from protocol import Sample, TelemetryBatch, decode, encode

SAMPLES_PER_BATCH = 500


def _batch() -> TelemetryBatch:
    ts = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    samples = [
        Sample(device=f"core-r{i % 5}", metric="if_hc_in_octets",
               labels={"ifIndex": str(i), "ifName": f"Gi0/{i}"}, value=2**40 + i * 7919,
               kind="counter", ts=ts + timedelta(milliseconds=i), unit="bytes")
        for i in range(SAMPLES_PER_BATCH)
    ]
    return TelemetryBatch(v="1.1", agent_id="bench-agent", seq=1, ts=ts, samples=samples)


def cpu_rate(fn: Callable[[bytes], object], payload: bytes, seconds: float = 2.0) -> float:
    """Calls of `fn(payload)` per CPU-second, over about `seconds` of CPU time."""
    count, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        fn(payload)
        count += 1
    return count / (time.process_time() - start)


def main() -> None:
    """Print batches/CPU-second and samples/CPU-second for ours and the baseline."""
    payload = encode(_batch())
    escaped = payload.replace(b'"Gi0/0"', b'"Gi0\\/0"', 1)
    assert decode(escaped) == decode(payload)
    ours = cpu_rate(decode, payload)
    full = cpu_rate(decode, escaped)
    baseline = cpu_rate(json.loads, payload)
    print(f"payload: {len(payload)} bytes, {SAMPLES_PER_BATCH} samples")
    rows = (
        ("decode (validated)   ", ours),
        ("decode, full checks  ", full),
        ("json.loads (baseline)", baseline),
    )
    for name, rate in rows:
        print(f"{name}: {rate:8.1f} batches/CPU-s  {rate * SAMPLES_PER_BATCH:10.0f} samples/CPU-s")
    print(f"ratio ours/baseline  : {ours / baseline:.2f}")
    enc = cpu_rate(lambda _p: encode(_batch()), payload, 1.0)
    print(f"build+encode         : {enc:8.1f} batches/CPU-s")


if __name__ == "__main__":
    main()
