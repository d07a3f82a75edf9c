"""Hub API cost: authenticated `GET /devices` and `POST /auth/login` vs a bare FastAPI endpoint.

The hub (`dotmac-hub serve`, PostgreSQL from tests/services) and a bare FastAPI app
(bench/_bare_app.py, same uvicorn settings), BENCH_API_WORKERS uvicorn workers each, run in
subprocesses on loopback. `wrk` (C, one thread, installed by `make bench`) drives each with
BENCH_API_CONCURRENCY connections for BENCH_API_SECONDS, alternating for BENCH_API_ROUNDS
rounds (closed loop: each connection sends its next request when the answer arrives, so
throughput is the maximum). It also drives `/bare-db`, the bare app reading the same page
with one raw prepared psycopg query: the floor of any endpoint that reads PostgreSQL once
per request. Printed per round and overall: requests/s, p50/p99 latency, and the ratios
(median of the rounds) devices / bare-db and devices / bare. Targets (issue 15): devices /
bare-db >= 0.6 with the device list's p99 < 25 ms at 8 connections ("at that load": over
every request of every round). Issue 4's devices / bare >= 0.5 is printed for information
(on two shared cores the one-query floor itself reaches only ~0.2 of bare).
Login uses the production argon2 cost (deliberately slow) and is reported on its own, from
an httpx loop. Rate limits stay on (their counters are part of every request's cost), set
high enough not to refuse the load.

Until 2026-11-26 the load generator was an asyncio httpx loop: Python on the same two cores
as the servers and PostgreSQL, it could not send more than the bare endpoint's ~800
requests/s, so it capped the baseline and inflated the ratio (docs/benchmarks.md).
`BENCH_API_CLIENT=httpx` still runs that loop for comparison.

Options: `--help`; each has an environment variable (BENCH_API_*) for `make bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the bench reuses the test suite's PostgreSQL starter

from tests.services._proc import free_port, tcp_open  # noqa: E402
from tests.services.postgres import start_postgres  # noqa: E402

BIN = Path(sys.executable).parent
WORKERS = int(os.environ.get("BENCH_API_WORKERS", str(os.cpu_count() or 1)))
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_API_ROUNDS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_API_CONCURRENCY", "8"))
CLIENT = os.environ.get("BENCH_API_CLIENT", "wrk")
LOGIN_CONCURRENCY = 4
FLOOR_RATIO_TARGET = 0.6  # GET /devices / bare-db, issue 15
P99_TARGET_MS = 25.0  # GET /devices at CONCURRENCY connections, issue 15
BARE_RATIO_TARGET = 0.5  # GET /devices / bare, issue 4 (information)
DEVICES = 50
PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway bench account


@dataclass
class Result:
    """One run: successful requests per second, latency percentiles, failures."""

    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    hist: list[tuple[int, int]] = field(default_factory=list)  # (latency us, responses)

    @classmethod
    def of(cls, name: str, seconds: float, latencies: list[float], errors: int) -> Result:
        """Summarise the latencies (s) of the successful requests of a run."""
        lat = sorted(latencies) or [0.0]
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        return cls(name, len(latencies) / seconds, statistics.median(lat) * 1e3, p99 * 1e3,
                   errors)

    def line(self) -> str:
        """One printable summary line."""
        return (f"{self.name:16} {self.rps:8.0f} req/s  p50 {self.p50_ms:6.1f} ms  "
                f"p99 {self.p99_ms:6.1f} ms  errors {self.errors}")


# wrk prints this JSON line when a run ends (its Lua `done` hook); latencies in microseconds.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  local hist = {}
  for i = 1, #latency do  -- every distinct latency (us) and how many responses took it
    local value, count = latency(i)
    hist[#hist + 1] = string.format("[%d,%d]", value, count)
  end
  io.write(string.format(
    '\\nWRK {"requests": %d, "duration_us": %d, "errors": %d, "hist": [%s]}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status,
    table.concat(hist, ",")))
end
"""


def percentile_ms(hist: list[tuple[int, int]], q: float) -> float:
    """Nearest-rank percentile `q` (0..100) of a latency histogram [(us, count)], in ms."""
    ordered = sorted(hist)
    total = sum(count for _us, count in ordered)
    rank, seen = max(1, math.ceil(q / 100 * total)), 0
    for us, count in ordered:
        seen += count
        if seen >= rank:
            return us / 1e3
    return 0.0


def wrk_binary() -> str:
    """The wrk executable, or a loud failure naming the package."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk: not installed; run `make bench` (as root it installs the "
                         "Debian package `wrk`) or `apt-get install wrk`")
    return found


async def wrk_load(name: str, url: str, concurrency: int, seconds: float,
                   headers: dict[str, str] | None = None) -> Result:
    """Drive `url` with wrk: one thread, `concurrency` connections, `seconds` long."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    argv = [wrk_binary(), "-t1", f"-c{concurrency}", f"-d{seconds:g}s", "--timeout", "10s",
            "-s", script.name]
    for key, value in (headers or {}).items():
        argv += ["-H", f"{key}: {value}"]
    try:
        done = await asyncio.to_thread(subprocess.run, [*argv, url], capture_output=True,
                                       text=True, check=False, timeout=seconds + 60)
    finally:
        os.unlink(script.name)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-500:]}")
    run = json.loads(line[4:])
    hist = [(us, count) for us, count in run["hist"]]
    ok = run["requests"] - run["errors"]
    return Result(name, ok / (run["duration_us"] / 1e6), percentile_ms(hist, 50),
                  percentile_ms(hist, 99), run["errors"], hist)


async def load(name: str, base: str, method: str, path: str, concurrency: int,
               seconds: float, **kwargs: Any) -> Result:
    """Keep `concurrency` requests in flight for `seconds` (after a short warm-up)."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for _ in range(concurrency):  # warm-up: open connections, fill caches
            await client.request(method, path, **kwargs)
        latencies: list[float] = []
        errors = 0
        stop = time.monotonic() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                resp = await client.request(method, path, **kwargs)
                if resp.status_code < 300:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors += 1

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return Result.of(name, time.monotonic() - started, latencies, errors)


def _serve(argv: list[str], env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("w") as sink:
        proc = subprocess.Popen(argv, env=env, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while not tcp_open(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{argv[0]} did not start: {log.read_text()[-800:]}")
        time.sleep(0.1)
    return proc


def _hub_env(database_url: str, port: int) -> dict[str, str]:
    return {**os.environ, "DOTMAC_HUB_DATABASE_URL": database_url, "DOTMAC_HUB_PORT": str(port),
            "DOTMAC_HUB_LOG_LEVEL": "warning", "DOTMAC_HUB_SECRET_KEY": "bench-" + "s" * 40,
            "DOTMAC_HUB_RATE_LIMIT_IP": "10000000", "DOTMAC_HUB_RATE_LIMIT_PRINCIPAL": "10000000",
            "DOTMAC_HUB_BOOTSTRAP_PASSWORD": PASSWORD, "DOTMAC_HUB_WORKERS": str(WORKERS),
            # The API alone: ingest and dispatch run as their own commands in production.
            "DOTMAC_HUB_INGEST_EMBEDDED": "false"}


async def _seed(base: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        login = await client.post("/auth/login", json={"email": "bench@example.net",
                                                       "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        site = (await client.post("/sites", json={"name": "bench-pop"}, headers=headers)).json()
        for i in range(DEVICES):
            made = await client.post("/devices", headers=headers, json={
                "site_id": site["id"], "name": f"bench-dev-{i}", "profile": "cisco_ios",
                "management_address": f"10.0.{i // 250}.{i % 250 + 1}"})
            made.raise_for_status()
        return headers


async def drive(name: str, base: str, path: str, headers: dict[str, str] | None = None
                ) -> Result:
    """One closed-loop run of GET `path` with the configured client."""
    if CLIENT == "httpx":
        return await load(name, base, "GET", path, CONCURRENCY, SECONDS, headers=headers)
    return await wrk_load(name, base + path, CONCURRENCY, SECONDS, headers)


def overall(name: str, runs: list[Result]) -> Result:
    """Rounds summarised: median throughput; p50 and p99 over every request of every round
    (wrk's latency histograms added up; the httpx loop keeps no histogram: its median
    round's p50 and worst round's p99)."""
    if all(r.hist for r in runs):
        hist = [pair for r in runs for pair in r.hist]
        return Result(name, statistics.median(r.rps for r in runs), percentile_ms(hist, 50),
                      percentile_ms(hist, 99), sum(r.errors for r in runs), hist)
    return Result(name, statistics.median(r.rps for r in runs),
                  statistics.median(r.p50_ms for r in runs), max(r.p99_ms for r in runs),
                  sum(r.errors for r in runs))


def tenant_of(headers: dict[str, str]) -> str:
    """The tenant claim of the bench's access token (read, not verified: our own token)."""
    payload = headers["Authorization"].split()[1].split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["tenant"])


async def measure(hub: str, bare: str) -> tuple[list[Result], list[float], list[float]]:
    """Bare baseline, the one-query floor and the authenticated device list at full speed
    (closed loop), alternated for ROUNDS rounds so drift in the VM's speed hits all alike;
    then login."""
    headers = await _seed(hub)
    credentials = {"email": "bench@example.net", "password": PASSWORD}
    floor_path = f"/bare-db?tenant={tenant_of(headers)}"
    await drive("warm-up", bare, "/bare")
    await drive("warm-up", bare, floor_path)
    await drive("warm-up", hub, "/devices", headers)
    bares, floors, lists = [], [], []
    for round_no in range(1, ROUNDS + 1):
        bares.append(await drive(f"bare #{round_no}", bare, "/bare"))
        floors.append(await drive(f"bare-db #{round_no}", bare, floor_path))
        lists.append(await drive(f"GET /devices #{round_no}", hub, "/devices", headers))
        for run in (bares[-1], floors[-1], lists[-1]):
            print(f"  {run.line()}", flush=True)
    ratios = [d.rps / b.rps for b, d in zip(bares, lists, strict=True) if b.rps]
    floor_ratios = [d.rps / f.rps for f, d in zip(floors, lists, strict=True) if f.rps]
    login = await load("POST /auth/login", hub, "POST", "/auth/login", LOGIN_CONCURRENCY,
                       SECONDS, json=credentials)
    return ([overall("bare", bares), overall("GET /devices", lists), login,
             overall("bare-db", floors)], ratios, floor_ratios)


def quiet_collector() -> None:
    """Keep the load generator's own garbage collector from pausing it mid-run: a pause
    shows as latency of whichever endpoint is being measured (the same for both)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1_000)


def report(results: list[Result], ratios: list[float], floor_ratios: list[float]) -> None:
    """Print each run, the ratios and the verdict against the targets."""
    bare, devices, login, floor = results
    for result in (bare, floor, devices, login):
        print(result.line())
    floor_ratio = statistics.median(floor_ratios) if floor_ratios else 0.0
    ok = floor_ratio >= FLOOR_RATIO_TARGET and devices.p99_ms < P99_TARGET_MS
    print(f"ratio GET /devices / bare-db: {floor_ratio:.2f} median of rounds "
          f"{_listed(floor_ratios)} (target >= {FLOOR_RATIO_TARGET:.2f}: what auth, tenancy, "
          f"SQLAlchemy and validation cost on top of one query); GET /devices p99 "
          f"{devices.p99_ms:.1f} ms at that load, all rounds (target < {P99_TARGET_MS:.0f}) "
          f"-> {'OK' if ok else 'MISSED'}")
    ratio = statistics.median(ratios) if ratios else 0.0
    print(f"ratio GET /devices / bare: {ratio:.2f} median of rounds {_listed(ratios)} "
          f"(issue 4 target >= {BARE_RATIO_TARGET:.2f}, information); bare-db / bare "
          f"{floor.rps / bare.rps if bare.rps else 0:.2f} (the floor of any endpoint reading "
          "PostgreSQL once per request)")
    print(f"login: {login.rps:.1f} logins/s (argon2 default cost, reported only)")


def _listed(ratios: list[float]) -> str:
    return ", ".join(f"{r:.2f}" for r in ratios)


def options(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; each defaults to its BENCH_API_* environment variable."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=WORKERS,
                        help="uvicorn workers of the hub and of the bare app (BENCH_API_WORKERS)")
    parser.add_argument("--seconds", type=float, default=SECONDS,
                        help="length of each run (BENCH_API_SECONDS)")
    parser.add_argument("--rounds", type=int, default=ROUNDS,
                        help="rounds of bare, bare-db, GET /devices (BENCH_API_ROUNDS)")
    parser.add_argument("--connections", type=int, default=CONCURRENCY,
                        help="connections kept busy (BENCH_API_CONCURRENCY)")
    parser.add_argument("--client", choices=("wrk", "httpx"), default=CLIENT,
                        help="load generator (BENCH_API_CLIENT)")
    return parser.parse_args(argv)


def main() -> int:
    """Start PostgreSQL, the hub and the bare app; measure; stop everything."""
    global WORKERS, SECONDS, ROUNDS, CONCURRENCY, CLIENT  # one bench run per process
    args = options()
    WORKERS, SECONDS, ROUNDS = args.workers, args.seconds, args.rounds
    CONCURRENCY, CLIENT = args.connections, args.client
    with tempfile.TemporaryDirectory() as tmp:
        pg = start_postgres(Path(tmp) / "pg")
        plain_url = f"postgresql://{pg.user}@{pg.host}:{pg.port}/{pg.database}"
        url = plain_url.replace("postgresql://", "postgresql+psycopg://", 1)
        hub_port, bare_port = free_port(), free_port()
        env = _hub_env(url, hub_port)
        boot = subprocess.run([str(BIN / "dotmac-hub"), "bootstrap", "--tenant", "Bench",
                               "--admin-email", "bench@example.net"], env=env,
                              capture_output=True, text=True, check=False, timeout=60)
        if boot.returncode != 0:
            print(boot.stderr)
            return 1
        procs = [_serve([str(BIN / "dotmac-hub"), "serve"], env, hub_port, Path(tmp) / "hub"),
                 _serve([sys.executable, "-m", "uvicorn", "--app-dir", str(REPO / "bench"),
                         "_bare_app:app", "--port", str(bare_port), "--log-level", "warning",
                         "--workers", str(WORKERS)],
                        {**os.environ, "BARE_DB_URL": plain_url,
                         "BARE_DB_CONNECTIONS": str(CONCURRENCY)}, bare_port, Path(tmp) / "bare")]
        try:
            print(f"uvicorn {WORKERS} worker(s) each, load from {CLIENT}, {CONCURRENCY} "
                  f"connections, {ROUNDS} rounds of {SECONDS:.0f} s per endpoint, {DEVICES} "
                  "devices per page (median req/s; p50/p99 over all rounds)")
            quiet_collector()
            report(*asyncio.run(measure(f"http://127.0.0.1:{hub_port}",
                                        f"http://127.0.0.1:{bare_port}")))
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(15)
            pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
