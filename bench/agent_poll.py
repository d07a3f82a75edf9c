"""Agent polling cost: our walker vs net-snmp's snmpbulkwalk, plus RSS and schedule lag.

1. Walk ifTable + ifXTable of a real snmpd repeatedly with our walker (v2c fast path),
   with pysnmp's hlapi (reference) and with `snmpbulkwalk`; print varbinds per CPU-second
   of the client side only, and the ratios. Target: ours / snmpbulkwalk >= 0.15.
2. Schedule 500 simulated devices (all answered by that snmpd) at a 60 s interval through
   the real scheduler, poller, batcher and SQLite queue for BENCH_CYCLE_S seconds; print
   peak RSS (target <= 100 MB) and cycle lag p99 (target < 5 s).
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The bench reuses the test suite's service starters (private snmpd on a free port).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edge_agent.batching import Batcher
from edge_agent.poll import PollResult, poll_device
from edge_agent.profiles import load_profiles
from edge_agent.queue import SqliteQueue
from edge_agent.scheduler import Scheduler
from edge_agent.snmp import SnmpTarget, SnmpV2c, open_session
from edge_agent.snmp.walk import Walker
from tests.services.snmp import SNMP_ENV, Snmpd, start_snmpd

# All of MIB-2 (interfaces, IP, TCP/UDP, host resources...): thousands of varbinds per walk,
# so snmpbulkwalk's process start-up is a small part of its cost.
TABLES = ((1, 3, 6, 1, 2, 1),)
REPEATS = int(os.environ.get("BENCH_REPEATS", "10"))
DEVICES = int(os.environ.get("BENCH_DEVICES", "500"))
CYCLE_S = float(os.environ.get("BENCH_CYCLE_S", "75"))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def ours(snmpd: Snmpd) -> tuple[int, float]:
    """Varbinds walked and client CPU seconds for our walker."""
    target = SnmpTarget(snmpd.host, snmpd.port, credentials=SnmpV2c(snmpd.community))
    count, start = 0, _cpu()
    for _ in range(REPEATS):
        walker = Walker.for_session(open_session(target))
        for root in TABLES:
            count += len(await walker.walk(root))
    return count, _cpu() - start


async def pysnmp_hlapi(snmpd: Snmpd) -> tuple[int, float]:
    """The same walk through pysnmp's high-level API (what plain pysnmp code costs)."""
    from pysnmp.hlapi.v3arch.asyncio import (
        CommunityData,
        ContextData,
        ObjectIdentity,
        ObjectType,
        SnmpEngine,
        UdpTransportTarget,
        bulk_walk_cmd,
    )

    engine = SnmpEngine()
    transport = await UdpTransportTarget.create((snmpd.host, snmpd.port))
    count, start = 0, _cpu()
    for _ in range(max(1, REPEATS // 4)):
        for root in TABLES:
            oid = ObjectType(ObjectIdentity(".".join(map(str, root))))
            async for err, status, _i, binds in bulk_walk_cmd(
                engine, CommunityData(snmpd.community), transport, ContextData(), 0, 25, oid,
                lexicographicMode=False, lookupMib=False,
            ):
                if err or status:
                    raise RuntimeError(f"pysnmp walk failed: {err or status}")
                count += len(binds)
    engine.close_dispatcher()
    return count, _cpu() - start


def netsnmp(snmpd: Snmpd) -> tuple[int, float]:
    """The same walk with net-snmp's snmpbulkwalk (C), counted in child CPU time."""
    count, start = 0, _children_cpu()
    for _ in range(REPEATS):
        for root in TABLES:
            out = subprocess.run(
                ["snmpbulkwalk", "-m", "", "-On", "-Cr25", "-v2c", "-c", snmpd.community,
                 snmpd.target, ".".join(map(str, root))],
                capture_output=True, text=True, check=True, env={**os.environ, **SNMP_ENV})
            count += len(out.stdout.splitlines())
    return count, _children_cpu() - start


async def schedule_500(snmpd: Snmpd, state: Path) -> tuple[float, float, int, int]:
    """Run DEVICES devices at 60 s for CYCLE_S seconds; (RSS MB, lag p99, polls, samples)."""
    profile = load_profiles().get("linux")
    target = SnmpTarget(snmpd.host, snmpd.port, credentials=SnmpV2c(snmpd.community),
                        timeout=5, retries=1)
    queue = await SqliteQueue.open(state / "queue.sqlite3")
    batcher = Batcher("bench-agent", queue, queue.seq_counter())
    totals = {"polls": 0, "samples": 0}

    class Device:
        def __init__(self, name: str) -> None:
            self.name, self.interval_s = name, 60.0

    async def poll(device: Device) -> PollResult:
        return await poll_device(device.name, target, profile, with_facts=False)

    async def sink(_device: Device, result: PollResult) -> None:
        totals["polls"] += 1
        totals["samples"] += len(result.samples)
        await batcher.add_samples(result.samples)

    scheduler = Scheduler([Device(f"sim-{i:03d}") for i in range(DEVICES)], poll, sink, 32)
    scheduler.start()
    await asyncio.sleep(CYCLE_S)
    await scheduler.stop()
    stats = scheduler.stats()
    await queue.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return rss_mb, stats.lag_p99_s, totals["polls"], totals["samples"]


async def main() -> None:
    """Print the figures; docs/benchmarks.md records them."""
    with tempfile.TemporaryDirectory() as tmp:
        snmpd = start_snmpd(Path(tmp) / "snmpd")
        try:
            rates = {"ours": await ours(snmpd), "pysnmp hlapi": await pysnmp_hlapi(snmpd),
                     "snmpbulkwalk": netsnmp(snmpd)}
            for name, (count, cpu) in rates.items():
                print(f"{name:14}: {count:7d} varbinds in {cpu:6.2f} CPU-s = "
                      f"{count / cpu:9.0f} varbinds/CPU-s")
            base = rates["snmpbulkwalk"][0] / rates["snmpbulkwalk"][1]
            for name in ("ours", "pysnmp hlapi"):
                print(f"ratio {name} / snmpbulkwalk: {rates[name][0] / rates[name][1] / base:.2f}")
            started = time.monotonic()
            rss, lag, polls, samples = await schedule_500(snmpd, Path(tmp))
            print(f"{DEVICES} devices @60 s for {time.monotonic() - started:.0f} s: {polls} polls, "
                  f"{samples} samples, peak RSS {rss:.0f} MB, cycle lag p99 {lag:.2f} s")
        finally:
            snmpd.stop()


if __name__ == "__main__":
    asyncio.run(main())
