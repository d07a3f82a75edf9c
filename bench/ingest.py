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
Workers use the hub's default settings; DOTMAC_HUB_INGEST_* in the environment tunes them.
Parts: _ingest_workload.py (payloads, baseline), _ingest_rig.py (servers, workers),
_ingest_measure.py (publishers, tracker, phases, reports).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

# The bench reuses the test suite's service starters (tests/services; dev extras).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _ingest_measure import (
    BACKLOG,
    HALF_S,
    MAX_S,
    Feed,
    Publisher,
    Tracker,
    max_rate,
    paced,
    print_latency,
    report_profile,
    report_worker_logs,
)
from _ingest_rig import (
    Rig,
    register_pops,
    start_rig,
    start_workers,
    stop_workers,
    stored_in_victoria,
)
from _ingest_workload import (
    AGENTS,
    DEVICES,
    IFACES,
    METRICS,
    Pop,
    baseline,
    make_templates,
    next_poll,
)

POLLS = int(os.environ.get("BENCH_POLLS", "1"))  # polls the baseline writes


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
        print_latency("latency at max load (backlog)", tracker.latencies(keys))
        half_n, half_s, half_keys = paced(feed, rate / 2, tracker)
        print(f"half load: {half_n} samples in {half_s:.1f} s = {half_n / half_s:,.0f} samples/s")
        print_latency("latency at half load", tracker.latencies(half_keys))
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
