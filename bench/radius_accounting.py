"""Accounting through FreeRADIUS and the hub: 10,000 sessions' Starts, then one
Interim-Update each, sent at 1,000 per second, and none lost.

The hub (`dotmac-hub serve`, PostgreSQL from tests/services) and a private FreeRADIUS with the
shipped configuration (tests/radius_support.py) run on loopback; `radclient` (C, from
freeradius-utils) plays the NAS, reading every packet from a file and sending them at
BENCH_RADIUS_ACCT_RATE per second with up to BENCH_RADIUS_ACCT_PARALLEL outstanding, resending
a packet unanswered after BENCH_RADIUS_ACCT_TIMEOUT_S (a NAS does the same). "None lost" is
checked in the database, not in radclient's summary: every session exists and holds its
interim's exact 64-bit counters (Gigawords included). Printed per phase: packets, seconds,
packets/s achieved, radclient's lost count; then the stored totals. Target (issue 19): the
offered 1,000/s held and 0 lost.

Options: `--help`; each has an environment variable (BENCH_RADIUS_ACCT_*) for `make bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the bench reuses the test suite's service starters

from tests.hub.harness import create_database  # noqa: E402
from tests.radius_support import NAS_SECRET, start_radius_server  # noqa: E402
from tests.services._proc import free_port, tcp_open  # noqa: E402
from tests.services.postgres import start_postgres  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway bench account
TOKEN = "bench-radius-token-0123456789"  # noqa: S105 - a throwaway caller token
GIGAWORD = 1 << 32


def options(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line, defaults from BENCH_RADIUS_ACCT_*."""
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int,
                        default=int(env("BENCH_RADIUS_ACCT_SESSIONS", "10000")))
    parser.add_argument("--rate", type=int, default=int(env("BENCH_RADIUS_ACCT_RATE", "1000")),
                        help="packets per second offered")
    parser.add_argument("--parallel", type=int,
                        default=int(env("BENCH_RADIUS_ACCT_PARALLEL", "256")),
                        help="packets outstanding at most")
    parser.add_argument("--timeout", type=float,
                        default=float(env("BENCH_RADIUS_ACCT_TIMEOUT_S", "5")),
                        help="seconds before radclient resends an unanswered packet")
    parser.add_argument("--workers", type=int,
                        default=int(env("BENCH_RADIUS_ACCT_WORKERS", str(os.cpu_count() or 1))))
    return parser.parse_args(argv)


def _packet(i: int, status: str, at: int) -> str:
    lines = [f'Acct-Status-Type = {status}', f'Acct-Session-Id = "bench-{i:06d}"',
             f'User-Name = "bench-user-{i:06d}"', 'NAS-IP-Address = 127.0.0.1',
             f"Framed-IP-Address = 100.64.{i // 250 % 250}.{i % 250 + 1}",
             f"Event-Timestamp = {at}"]
    if status == "Interim-Update":
        lines += [f"Acct-Input-Octets = {1000 + i}", "Acct-Input-Gigawords = 1",
                  f"Acct-Output-Octets = {2000 + i}", "Acct-Session-Time = 300"]
    return ",\n".join(lines)


def _hub_env(database_url: str, port: int, workers: int) -> dict[str, str]:
    return {**os.environ, "DOTMAC_HUB_DATABASE_URL": database_url, "DOTMAC_HUB_PORT": str(port),
            "DOTMAC_HUB_LOG_LEVEL": "warning", "DOTMAC_HUB_SECRET_KEY": "bench-" + "s" * 40,
            "DOTMAC_HUB_RATE_LIMIT_IP": "10000000", "DOTMAC_HUB_RATE_LIMIT_PRINCIPAL": "10000000",
            "DOTMAC_HUB_BOOTSTRAP_PASSWORD": PASSWORD, "DOTMAC_HUB_WORKERS": str(workers),
            "DOTMAC_HUB_RADIUS_TOKEN": TOKEN, "DOTMAC_HUB_INGEST_EMBEDDED": "false"}


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("w") as sink:
        proc = subprocess.Popen([str(BIN / "dotmac-hub"), "serve"], env=env, stdout=sink,
                                stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while not tcp_open(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the hub did not start: {log.read_text()[-800:]}")
        time.sleep(0.1)
    return proc


async def _seed(base: str) -> None:
    """The NAS radclient plays: 127.0.0.1 with the test NAS secret."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        login = await client.post("/auth/login", json={"email": "bench@example.net",
                                                       "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        site = (await client.post("/sites", json={"name": "bench-pop"}, headers=headers)).json()
        made = await client.post("/access/nas", headers=headers, json={
            "site_id": site["id"], "name": "bench-bng", "address": "127.0.0.1",
            "secret": NAS_SECRET, "vendor": "mikrotik"})
        made.raise_for_status()


def _phase(name: str, packets: list[str], port: int, args: argparse.Namespace,
           tmp: Path) -> None:
    path = tmp / f"{name}.txt"
    path.write_text("\n\n".join(packets) + "\n")
    began = time.monotonic()
    out = subprocess.run(
        ["radclient", "-q", "-s", "-n", str(args.rate), "-p", str(args.parallel), "-r", "10",
         "-t", f"{args.timeout:g}", "-f", str(path), f"127.0.0.1:{port}", "acct", NAS_SECRET],
        capture_output=True, text=True, check=False, timeout=3600)
    seconds = time.monotonic() - began
    lost = re.search(r"Lost\s*:\s*(\d+)", out.stdout)
    print(f"{name:8} {len(packets):6d} packets in {seconds:6.1f} s = "
          f"{len(packets) / seconds:7.0f}/s offered {args.rate}/s, radclient lost "
          f"{lost.group(1) if lost else '?'}", flush=True)


def _stored(plain_url: str, sessions: int) -> tuple[int, int]:
    """(sessions stored, sessions holding their interim's exact counters)."""
    with psycopg.connect(plain_url) as conn:
        row = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE input_octets = %s + 1000 + "
            "CAST(substr(acct_session_id, 7) AS bigint) AND output_octets = 2000 + "
            "CAST(substr(acct_session_id, 7) AS bigint)) FROM subscriber_sessions "
            "WHERE acct_session_id LIKE 'bench-%%'", (GIGAWORD,)).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _run(args: argparse.Namespace, tmp: Path) -> int:
    pg = start_postgres(tmp / "pg")
    plain_url = (f"postgresql://{pg.user}@{pg.host}:{pg.port}/"
                 f"{create_database(pg.admin_dsn, 'bench_acct')}")
    env = _hub_env(plain_url.replace("postgresql://", "postgresql+psycopg://", 1), free_port(),
                   args.workers)
    port = int(env["DOTMAC_HUB_PORT"])
    boot = subprocess.run([str(BIN / "dotmac-hub"), "bootstrap", "--tenant", "Bench",
                           "--admin-email", "bench@example.net"], env=env, capture_output=True,
                          text=True, check=False, timeout=120)
    if boot.returncode != 0:
        print(boot.stderr)
        return 1
    hub = _serve(env, port, tmp / "hub.log")
    radius = None
    try:
        asyncio.run(_seed(f"http://127.0.0.1:{port}"))
        radius = start_radius_server(f"http://127.0.0.1:{port}", TOKEN, tmp / "radius",
                                     hub_timeout_s=10.0)
        print(f"hub: {args.workers} uvicorn worker(s); FreeRADIUS rest pool 16; radclient "
              f"{args.rate}/s offered, {args.parallel} outstanding at most", flush=True)
        start = int(time.time()) - 600
        n = args.sessions
        _phase("start", [_packet(i, "Start", start) for i in range(n)], radius.acct_port,
               args, tmp)
        _phase("interim", [_packet(i, "Interim-Update", start + 300) for i in range(n)],
               radius.acct_port, args, tmp)
        stored, exact = _stored(plain_url, n)
        lost = n - exact
        print(f"stored   {stored} sessions, {exact} with the interim's exact 64-bit counters: "
              f"{lost} lost ({'PASS' if lost == 0 else 'FAIL'}: none lost)")
        return 0 if lost == 0 else 1
    finally:
        if radius is not None:
            radius.stop()
        hub.terminate()
        hub.wait(15)
        pg.stop()


def main() -> int:
    """Start PostgreSQL, the hub and FreeRADIUS; send; count what was stored."""
    args = options()
    with tempfile.TemporaryDirectory() as tmp:
        return _run(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
