"""Accounting through FreeRADIUS and the hub: 10,000 sessions' Interim-Updates offered at
1,000 per second, and none lost.

The hub (`dotmac-hub serve`, PostgreSQL from tests/services) and a private FreeRADIUS with the
shipped configuration (tests/radius_support.py) run on loopback. The NAS is a paced asyncio UDP
load generator in this file (radclient cannot report per-request latency): it sends each
packet at its due time (BENCH_RADIUS_ACCT_RATE per second), resends one unanswered after
BENCH_RADIUS_ACCT_TIMEOUT_S up to BENCH_RADIUS_ACCT_RETRIES times with the same Identifier
(as a NAS does), and records the time from the first send to the Accounting-Response.

Variants, same generator and packets:
- `decoupled` (shipped): FreeRADIUS writes each record to its detail spool and answers at
  once; the detail reader replays the spool to the hub at the pace the hub answers.
- `sync` (before): the accounting section posts to the hub and answers after it (the site
  file patched after rendering), to show what decoupling buys.

Per variant: the sessions' Starts are offered and drained first (not measured), then the
Interim-Updates: acknowledged rate, p50 / p99 at the NAS, retransmits, packets never
answered; then the drain time (last interim offered -> every session holds its interim's
exact 64-bit counters in the database) and "lost" = interims sent whose counters are not
stored after the drain. Targets (issue 19): acknowledged rate >= 0.99 x offered, p99 < 50 ms
at the NAS, 0 lost.

Options: `--help`; each has an environment variable (BENCH_RADIUS_ACCT_*) for `make bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the bench reuses the test suite's service starters

from tests.radius_support import NAS_SECRET, RadiusServer, start_radius_server  # noqa: E402
from tests.services._proc import ManagedProcess, free_port, tcp_open  # noqa: E402
from tests.services.postgres import start_postgres  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway bench account
TOKEN = "bench-radius-token-0123456789"  # noqa: S105 - a throwaway caller token
GIGAWORD = 1 << 32
STALL_S = 15.0  # no new stored record for this long: the drain is over
SOCKETS = 32  # source ports of the generator: 32 x 256 Identifiers outstanding at most
SYNC_ACCOUNTING = "\taccounting {\n\t\tdotmac_hub_headers\n\t\trest\n\t}"
# RFC 2866 attribute numbers
USER_NAME, NAS_IP, FRAMED_IP, STATUS, IN_OCTETS, OUT_OCTETS = 1, 4, 8, 40, 42, 43
SESSION_ID, SESSION_TIME, IN_GIGAWORDS, EVENT_TIMESTAMP = 44, 46, 52, 55
START, INTERIM = 1, 3


def options(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line, defaults from BENCH_RADIUS_ACCT_*."""
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int,
                        default=int(env("BENCH_RADIUS_ACCT_SESSIONS", "10000")))
    parser.add_argument("--rate", type=int, default=int(env("BENCH_RADIUS_ACCT_RATE", "1000")),
                        help="packets per second offered")
    parser.add_argument("--timeout", type=float,
                        default=float(env("BENCH_RADIUS_ACCT_TIMEOUT_S", "3")),
                        help="seconds before an unanswered packet is sent again")
    parser.add_argument("--retries", type=int,
                        default=int(env("BENCH_RADIUS_ACCT_RETRIES", "5")),
                        help="resends of an unanswered packet before the NAS gives up")
    parser.add_argument("--drain-limit", type=float,
                        default=float(env("BENCH_RADIUS_ACCT_DRAIN_LIMIT_S", "600")),
                        help="seconds to wait for the hub to store everything")
    parser.add_argument("--variants", default=env("BENCH_RADIUS_ACCT_VARIANTS",
                                                  "decoupled,sync"))
    parser.add_argument("--workers", type=int,
                        default=int(env("BENCH_RADIUS_ACCT_WORKERS", str(os.cpu_count() or 1))))
    return parser.parse_args(argv)


# --- packets -------------------------------------------------------------------------------

def _attr(kind: int, value: bytes) -> bytes:
    return bytes((kind, len(value) + 2)) + value


def _int(kind: int, value: int) -> bytes:
    return _attr(kind, struct.pack("!I", value))


def attributes(prefix: str, i: int, status: int, at: int) -> bytes:
    """One session's Start or Interim-Update (the interim: 1 Gigaword + 1000+i octets in,
    2000+i out)."""
    body = (_int(STATUS, status) + _attr(SESSION_ID, f"{prefix}{i:06d}".encode())
            + _attr(USER_NAME, f"bench-user-{i:06d}".encode())
            + _attr(NAS_IP, socket.inet_aton("127.0.0.1"))
            + _attr(FRAMED_IP, socket.inet_aton(f"100.64.{i // 250 % 250}.{i % 250 + 1}"))
            + _int(EVENT_TIMESTAMP, at))
    if status == INTERIM:
        body += (_int(IN_OCTETS, 1000 + i) + _int(IN_GIGAWORDS, 1)
                 + _int(OUT_OCTETS, 2000 + i) + _int(SESSION_TIME, 300))
    return body


def packet(ident: int, body: bytes, secret: bytes) -> bytes:
    """An Accounting-Request (RFC 2866 3: the authenticator is MD5 over the packet with a
    zero authenticator, then the secret)."""
    head = struct.pack("!BBH", 4, ident, 20 + len(body))
    auth = hashlib.md5(head + bytes(16) + body + secret, usedforsecurity=False).digest()
    return head + auth + body


# --- the NAS ------------------------------------------------------------------------------

@dataclass
class Outstanding:
    """A packet waiting for its Accounting-Response."""

    index: int
    data: bytes
    first_sent: float
    last_sent: float
    attempts: int = 1


@dataclass
class Nas:
    """The generator's state: free Identifiers per socket, what waits, what was answered."""

    transports: list[asyncio.DatagramTransport] = field(default_factory=list)
    free: list[deque[int]] = field(default_factory=list)
    waiting: dict[tuple[int, int], Outstanding] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    retransmits: int = 0
    given_up: int = 0
    last_answer: float = 0.0

    def answered(self, sock: int, data: bytes) -> None:
        """An Accounting-Response (code 5) for one of our Identifiers."""
        if len(data) < 20 or data[0] != 5:
            return
        sent = self.waiting.pop((sock, data[1]), None)
        if sent is None:
            return  # an answer to a retransmit already answered
        now = time.monotonic()
        self.latencies.append(now - sent.first_sent)
        self.last_answer = now
        self.free[sock].append(data[1])


class _Receiver(asyncio.DatagramProtocol):
    def __init__(self, nas: Nas, sock: int) -> None:
        self.nas, self.sock = nas, sock

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.nas.answered(self.sock, data)


async def _open(port: int) -> Nas:
    nas = Nas()
    loop = asyncio.get_running_loop()
    for sock in range(SOCKETS):
        transport, _ = await loop.create_datagram_endpoint(
            lambda s=sock: _Receiver(nas, s), remote_addr=("127.0.0.1", port))  # type: ignore[misc]
        nas.transports.append(transport)
        nas.free.append(deque(range(256)))
    return nas


def _slot(nas: Nas, i: int) -> tuple[int, int] | None:
    for k in range(SOCKETS):
        sock = (i + k) % SOCKETS
        if nas.free[sock]:
            return sock, nas.free[sock].popleft()
    return None


async def _resend(nas: Nas, args: argparse.Namespace, stop: asyncio.Event) -> None:
    """Every 50 ms: resend what waited `timeout` seconds; give up after `retries`."""
    while not stop.is_set():
        now = time.monotonic()
        for key, sent in list(nas.waiting.items()):
            if now - sent.last_sent < args.timeout:
                continue
            if sent.attempts > args.retries:
                del nas.waiting[key]
                nas.given_up += 1
                nas.free[key[0]].append(key[1])
                continue
            nas.transports[key[0]].sendto(sent.data)
            sent.attempts, sent.last_sent = sent.attempts + 1, now
            nas.retransmits += 1
        await asyncio.sleep(0.05)


async def _pace(nas: Nas, bodies: list[bytes], rate: int) -> float:
    """Send each packet at its due time; returns the seconds offering took."""
    secret, began = NAS_SECRET.encode(), time.monotonic()
    for i, body in enumerate(bodies):
        due = began + i / rate
        slot = _slot(nas, i)
        while slot is None or time.monotonic() < due:
            await asyncio.sleep(max(0.0, min(0.001, due - time.monotonic())))
            slot = slot or _slot(nas, i)
        data = packet(slot[1], body, secret)
        now = time.monotonic()
        nas.waiting[slot] = Outstanding(i, data, now, now)
        nas.transports[slot[0]].sendto(data)
    return time.monotonic() - began


async def _settled(nas: Nas) -> None:
    """Until every packet is answered or given up (polled: answers arrive by callback)."""
    while nas.waiting:  # noqa: ASYNC110 - the resender and the callbacks change it
        await asyncio.sleep(0.05)


@dataclass(frozen=True)
class Offered:
    """What the NAS saw for one phase."""

    packets: int
    offer_s: float
    answer_s: float
    acknowledged: int
    p50_ms: float
    p99_ms: float
    retransmits: int
    given_up: int


async def offer(port: int, bodies: list[bytes], args: argparse.Namespace) -> Offered:
    """Offer every packet at `rate`; wait until each is answered or given up."""
    nas = await _open(port)
    stop = asyncio.Event()
    resender = asyncio.create_task(_resend(nas, args, stop))
    began = time.monotonic()
    offer_s = await _pace(nas, bodies, args.rate)
    await _settled(nas)
    stop.set()
    await resender
    for transport in nas.transports:
        transport.close()
    ordered = sorted(nas.latencies) or [0.0]
    return Offered(len(bodies), offer_s, max(nas.last_answer - began, offer_s),
                   len(nas.latencies), ordered[len(ordered) // 2] * 1000,
                   ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
                   nas.retransmits, nas.given_up)


# --- hub, FreeRADIUS, database ------------------------------------------------------------

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
    """The NAS the generator plays: 127.0.0.1 with the test NAS secret."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        login = await client.post("/auth/login", json={"email": "bench@example.net",
                                                       "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        site = (await client.post("/sites", json={"name": "bench-pop"}, headers=headers)).json()
        made = await client.post("/access/nas", headers=headers, json={
            "site_id": site["id"], "name": "bench-bng", "address": "127.0.0.1",
            "secret": NAS_SECRET, "vendor": "mikrotik"})
        made.raise_for_status()


def _freeradius(variant: str, hub_url: str, tmp: Path) -> RadiusServer:
    """The shipped configuration; `sync` posts to the hub in the accounting section."""
    server = start_radius_server(hub_url, TOKEN, tmp / f"radius-{variant}", hub_timeout_s=10.0)
    if variant == "decoupled":
        return server
    site = server.conf_dir / "sites-enabled/dotmac"
    text = site.read_text()
    shipped = "\taccounting {\n\t\tdotmac_spool_write\n\t}"
    assert shipped in text, "the shipped accounting section changed: update the bench"
    site.write_text(text.replace(shipped, SYNC_ACCOUNTING))
    server.process.stop()
    server.process = ManagedProcess(server.process.argv, server.process.log_path).start()
    deadline = time.monotonic() + 30
    while server.log.read_text().count("Ready to process requests") < 2:
        if time.monotonic() > deadline:
            raise RuntimeError(f"FreeRADIUS ({variant}) did not restart")
        time.sleep(0.05)
    return server


def _connect(plain_url: str) -> psycopg.Connection[Any]:
    """One connection, retried: the PostgreSQL of the test suite may be shared and full."""
    for attempt in range(60):
        try:
            return psycopg.connect(plain_url, autocommit=True)
        except psycopg.OperationalError:
            if attempt == 59:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def stored(plain_url: str, prefix: str) -> tuple[int, int]:
    """(sessions with this prefix, those holding their interim's exact 64-bit counters)."""
    skip = len(prefix) + 1
    with _connect(plain_url) as conn:
        row = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE input_octets = %s + 1000 + "
            "CAST(substr(acct_session_id, %s) AS bigint) AND output_octets = 2000 + "
            "CAST(substr(acct_session_id, %s) AS bigint)) FROM subscriber_sessions "
            "WHERE acct_session_id LIKE %s", (GIGAWORD, skip, skip, prefix + "%")).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _drained(plain_url: str, prefix: str, n: int, exact: bool, limit_s: float) -> float:
    """Seconds until `n` sessions (with exact interim counters when asked) are stored, or
    until nothing more arrived for STALL_S (what was given up never comes)."""
    began = last_growth = time.monotonic()
    seen = -1
    while time.monotonic() - began < limit_s and time.monotonic() - last_growth < STALL_S:
        count, right = stored(plain_url, prefix)
        found = right if exact else count
        if found >= n:
            return time.monotonic() - began
        if found > seen:
            seen, last_growth = found, time.monotonic()
        time.sleep(1.0)
    return last_growth - began


# --- one variant ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """One variant's figures."""

    variant: str
    interims: Offered
    drain_s: float
    stored_exact: int
    lost: int


def run_variant(variant: str, hub_url: str, plain_url: str, args: argparse.Namespace,
                tmp: Path) -> Result:
    """Starts (drained, not measured), then the measured Interim-Updates."""
    prefix, n = f"bench-{variant[0]}-", args.sessions
    radius = _freeradius(variant, hub_url, tmp)
    try:
        at = int(time.time()) - 600
        starts = [attributes(prefix, i, START, at) for i in range(n)]
        asyncio.run(offer(radius.acct_port, starts, args))
        _drained(plain_url, prefix, n, False, args.drain_limit)
        interims = [attributes(prefix, i, INTERIM, at + 300) for i in range(n)]
        measured = asyncio.run(offer(radius.acct_port, interims, args))
        drain = _drained(plain_url, prefix, n, True, args.drain_limit)
        exact = stored(plain_url, prefix)[1]
    finally:
        radius.stop()
    return Result(variant, measured, drain + max(0.0, measured.answer_s - measured.offer_s),
                  exact, n - exact)


def report(result: Result, args: argparse.Namespace) -> bool:
    """Print one variant; True when it meets the targets."""
    o = result.interims
    rate = o.acknowledged / o.answer_s
    ok_rate = rate >= 0.99 * args.rate and o.acknowledged == o.packets
    drain_total = o.offer_s + result.drain_s
    print(f"{result.variant:9} interims {o.packets}: offered {o.packets / o.offer_s:6.0f}/s, "
          f"acknowledged {o.acknowledged} at {rate:6.0f}/s ({rate / args.rate:4.2f} x offered, "
          f"target >= 0.99: {'PASS' if ok_rate else 'FAIL'}); p50 {o.p50_ms:6.1f} ms, "
          f"p99 {o.p99_ms:7.1f} ms (target < 50: {'PASS' if o.p99_ms < 50 else 'FAIL'}); "
          f"retransmits {o.retransmits}, never answered {o.given_up}", flush=True)
    print(f"{'':9} stored with exact counters {result.stored_exact}/{o.packets}: lost "
          f"{result.lost} ({'PASS' if result.lost == 0 else 'FAIL'}: 0); drain "
          f"{result.drain_s:5.1f} s after the last offer, {drain_total:5.1f} s in all = "
          f"{o.packets / drain_total:5.0f} stored/s", flush=True)
    return ok_rate and o.p99_ms < 50 and result.lost == 0


def _run(args: argparse.Namespace, tmp: Path) -> int:
    pg = start_postgres(tmp / "pg")
    plain_url = f"postgresql://{pg.user}@{pg.host}:{pg.port}/{pg.database}"
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
    try:
        asyncio.run(_seed(f"http://127.0.0.1:{port}"))
        print(f"hub: {args.workers} uvicorn worker(s), PostgreSQL; {args.sessions} sessions, "
              f"{args.rate}/s offered, resend after {args.timeout:g} s, {args.retries} resends",
              flush=True)
        results, passed = [], {}
        for variant in args.variants.split(","):
            results.append(run_variant(variant, f"http://127.0.0.1:{port}", plain_url, args,
                                       tmp))
            passed[variant] = report(results[-1], args)
        _ratios(results)
        return 0 if passed.get("decoupled", True) else 1
    finally:
        hub.terminate()
        hub.wait(15)
        pg.stop()


def _ratios(results: list[Result]) -> None:
    found = {r.variant: r for r in results}
    if "decoupled" in found and "sync" in found:
        d, s = found["decoupled"].interims, found["sync"].interims
        print(f"decoupled / sync: acknowledged rate "
              f"{(d.acknowledged / d.answer_s) / max(s.acknowledged / s.answer_s, 1e-9):.1f}x, "
              f"p99 {s.p99_ms / max(d.p99_ms, 1e-9):.0f}x lower", flush=True)


def main() -> int:
    """Start PostgreSQL, the hub and FreeRADIUS per variant; offer; count what was stored."""
    args = options()
    with tempfile.TemporaryDirectory() as tmp:
        return _run(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
