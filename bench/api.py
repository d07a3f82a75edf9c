"""Hub API cost: authenticated `GET /devices` and `POST /auth/login` vs a bare FastAPI endpoint.

The hub (`dotmac-hub serve`, one uvicorn worker, PostgreSQL from tests/services) and a bare
FastAPI app (bench/_bare_app.py, same uvicorn settings) run in subprocesses on loopback; an
asyncio httpx load loop with BENCH_API_CONCURRENCY connections drives each for
BENCH_API_SECONDS. Printed: requests/s, p50/p99 latency, and ratio = devices / bare.
Targets: ratio >= 0.5 with devices p99 < 50 ms. Login uses the production argon2 cost
(deliberately slow) and is reported on its own. Rate limits stay on (their counters are part
of every request's cost), set high enough not to refuse the load.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the bench reuses the test suite's PostgreSQL starter

from tests.hub.harness import create_database  # noqa: E402
from tests.services._proc import free_port, tcp_open  # noqa: E402
from tests.services.postgres import start_postgres  # noqa: E402

BIN = Path(sys.executable).parent
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "6"))
CONCURRENCY = int(os.environ.get("BENCH_API_CONCURRENCY", "8"))
LOGIN_CONCURRENCY = 4
DEVICES = 50
PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway bench account


@dataclass
class Result:
    """Latencies (s) of the successful requests of one run, and the failures."""

    name: str
    seconds: float
    latencies: list[float]
    errors: int

    def line(self) -> str:
        """One printable summary line."""
        lat = sorted(self.latencies) or [0.0]
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        return (f"{self.name:16} {self.rps:8.0f} req/s  p50 {statistics.median(lat) * 1e3:6.1f} "
                f"ms  p99 {p99 * 1e3:6.1f} ms  errors {self.errors}")

    @property
    def rps(self) -> float:
        """Successful requests per second."""
        return len(self.latencies) / self.seconds

    @property
    def p99_ms(self) -> float:
        """99th percentile latency in milliseconds."""
        lat = sorted(self.latencies) or [0.0]
        return lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1e3


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
        return Result(name, time.monotonic() - started, latencies, errors)


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
            "DOTMAC_HUB_BOOTSTRAP_PASSWORD": PASSWORD,
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
                "site_id": site["id"], "name": f"bench-dev-{i}", "snmp_profile": "cisco-ios",
                "management_address": f"10.0.{i // 250}.{i % 250 + 1}"})
            made.raise_for_status()
        return headers


async def measure(hub: str, bare: str) -> list[Result]:
    """Bare baseline, authenticated device list, then login."""
    headers = await _seed(hub)
    credentials = {"email": "bench@example.net", "password": PASSWORD}
    return [await load("bare", bare, "GET", "/bare", CONCURRENCY, SECONDS),
            await load("GET /devices", hub, "GET", "/devices", CONCURRENCY, SECONDS,
                       headers=headers),
            await load("POST /auth/login", hub, "POST", "/auth/login", LOGIN_CONCURRENCY,
                       SECONDS, json=credentials)]


def report(results: list[Result]) -> None:
    """Print each run, the ratio and the verdict against the targets."""
    bare, devices, login = results
    for result in results:
        print(result.line())
    ratio = devices.rps / bare.rps if bare.rps else 0.0
    ok = ratio >= 0.5 and devices.p99_ms < 50
    print(f"ratio GET /devices / bare: {ratio:.2f} (target >= 0.50), devices p99 "
          f"{devices.p99_ms:.1f} ms (target < 50) -> {'OK' if ok else 'MISSED'}")
    print(f"login: {login.rps:.1f} logins/s (argon2 default cost, reported only)")


def main() -> int:
    """Start PostgreSQL, the hub and the bare app; measure; stop everything."""
    with tempfile.TemporaryDirectory() as tmp:
        pg = start_postgres(Path(tmp) / "pg")
        url = (f"postgresql+psycopg://{pg.user}@{pg.host}:{pg.port}/"
               f"{create_database(pg.admin_dsn, 'bench_api')}")
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
                         "_bare_app:app", "--port", str(bare_port), "--log-level", "warning"],
                        dict(os.environ), bare_port, Path(tmp) / "bare")]
        try:
            print(f"uvicorn 1 worker each, {CONCURRENCY} connections, {SECONDS:.0f} s per run, "
                  f"{DEVICES} devices per page")
            report(asyncio.run(measure(f"http://127.0.0.1:{hub_port}",
                                       f"http://127.0.0.1:{bare_port}")))
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(15)
            pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
