"""Access-Requests per second through FreeRADIUS plus the hub, against the same FreeRADIUS
answering from its `files` module alone, in the same run with the same load.

Targets, all the shipped configuration (tests/radius_support.py renders it):
- FreeRADIUS + hub, `sql` backend: rlm_sql reads the hub's materialized answers
  (radius_answers: one prepared look-up per Access-Request) as the read-only role over
  PostgreSQL's Unix socket (FreeRADIUS beside the database, as docs/radius.md recommends),
  the NAS's tenant and vendor from clients.conf as `dotmac-hub radius clients` writes it;
- the same over TCP to 127.0.0.1 (a database on another host pays at least this);
- FreeRADIUS + hub, `rest` backend: the hub answers over HTTP per request (reference);
- the sql floor: the same rlm_sql module, socket, policy and EXECUTE, the prepared statement
  returning one login's rows as constants (no table): what any PostgreSQL-backed FreeRADIUS
  costs here, one round trip per Access-Request;
- the baseline: the site's authorize is `files`, its users file holding the same answers
  (password, reply attributes) the hub materialized for the bench's users.
The hub is `dotmac-hub serve` on PostgreSQL (tests/services) with
DOTMAC_HUB_RADIUS_BACKEND=sql, so it materializes the answers as the bench seeds them.
Load: PAP Access-Requests with Message-Authenticator from a Python asyncio UDP client keeping
BENCH_RADIUS_WINDOW requests outstanding (it records every request's latency), and as a
cross-check `radclient -p WINDOW` over the same packets (its wall time). Printed per target:
requests/s, p50 and p99 latency under that load, p99 one request at a time (no queueing),
each the median of BENCH_RADIUS_ROUNDS rounds that measure the targets in turn; then the
ratios (median of each round's own ratio), and the hub alone (wrk on /radius/authorize,
no FreeRADIUS).
Targets (issue 19): ratio >= 0.3, p99 < 50 ms through the hub (the sql backend).

Options: `--help`; each has an environment variable (BENCH_RADIUS_*) for `make bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the bench reuses the test suite's service starters

from hub.access.radius_config import RadiusClient  # noqa: E402
from hub.access.radius_sql import PREPARE, READ_COLUMNS  # noqa: E402
from tests.radius_support import NAS_SECRET, RadiusServer, start_radius_server  # noqa: E402
from tests.services._proc import ManagedProcess, free_port, tcp_open  # noqa: E402
from tests.services.postgres import start_postgres  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway bench account
TOKEN = "bench-radius-token-0123456789"  # noqa: S105 - a throwaway caller token
USER_PASSWORD = "pppoe-bench-pw"  # noqa: S105 - the bench subscribers' password


def options(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line, defaults from BENCH_RADIUS_*."""
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int,
                        default=int(env("BENCH_RADIUS_REQUESTS", "3000")))
    parser.add_argument("--users", type=int, default=int(env("BENCH_RADIUS_USERS", "100")))
    parser.add_argument("--window", type=int, default=int(env("BENCH_RADIUS_WINDOW", "32")),
                        help="requests outstanding at once")
    parser.add_argument("--rounds", type=int, default=int(env("BENCH_RADIUS_ROUNDS", "3")),
                        help="the targets are measured in turn this many times; each figure "
                        "is the median round (ratios: of the rounds' own ratios)")
    parser.add_argument("--seconds", type=float,
                        default=float(env("BENCH_RADIUS_SECONDS", "3")),
                        help="each target but rest is loaded this long per round (files "
                        "answers 10,000 requests in a third of a second: too short a window "
                        "on a shared machine); 0: --requests instead")
    parser.add_argument("--rest-requests", type=int,
                        default=int(env("BENCH_RADIUS_REST_REQUESTS", "2000")),
                        help="requests per round for the rest backend (100-400/s here)")
    parser.add_argument("--workers", type=int,
                        default=int(env("BENCH_RADIUS_WORKERS", str(os.cpu_count() or 1))))
    return parser.parse_args(argv)


# --- a minimal RADIUS client (RFC 2865 PAP + RFC 3579 Message-Authenticator) ---------------

def _attr(kind: int, value: bytes) -> bytes:
    return bytes([kind, len(value) + 2]) + value


def _hidden(password: bytes, authenticator: bytes) -> bytes:
    padded = password + b"\0" * (-len(password) % 16)
    out, last = b"", authenticator
    for i in range(0, len(padded), 16):
        key = hashlib.md5(NAS_SECRET.encode() + last).digest()  # noqa: S324 - RFC 2865
        last = bytes(a ^ b for a, b in zip(padded[i:i + 16], key, strict=True))
        out += last
    return out


def access_request(ident: int, user: str) -> bytes:
    """One signed Access-Request (User-Name, User-Password, NAS-IP-Address)."""
    authenticator = os.urandom(16)
    body = (_attr(1, user.encode()) + _attr(2, _hidden(USER_PASSWORD.encode(), authenticator))
            + _attr(4, socket.inet_aton("127.0.0.1")) + _attr(80, b"\0" * 16))
    packet = struct.pack("!BBH", 1, ident, 20 + len(body)) + authenticator + body
    mac = hmac.new(NAS_SECRET.encode(), packet, "md5").digest()
    return packet[:-16] + mac


@dataclass
class Load(asyncio.DatagramProtocol):
    """Keeps `window` requests in flight until `total` are answered (or timed out)."""

    total: int
    window: int
    users: int
    until: float = 0.0  # perf_counter() after which no request is sent (0: `total` only)
    latencies: list[float] = field(default_factory=list)
    codes: dict[int, int] = field(default_factory=dict)
    lost: int = 0
    sent: int = 0
    flight: dict[int, float] = field(default_factory=dict)
    transport: asyncio.DatagramTransport | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Fill the window."""
        self.transport = transport  # type: ignore[assignment]
        for ident in range(self.window):
            self._send(ident)

    def _send(self, ident: int) -> None:
        if (self.sent >= self.total or self.transport is None
                or (self.until and time.perf_counter() > self.until)):
            if not self.flight:
                self.done.set()
            return
        packet = access_request(ident, f"bench-user-{self.sent % self.users:05d}")
        self.sent += 1
        self.flight[ident] = time.perf_counter()
        self.transport.sendto(packet)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        """An answer: record its latency, send the next request with its id."""
        ident = data[1]
        began = self.flight.pop(ident, None)
        if began is None:
            return
        self.latencies.append(time.perf_counter() - began)
        self.codes[data[0]] = self.codes.get(data[0], 0) + 1
        self._send(ident)

    def expire(self, older_than: float) -> None:
        """Count requests unanswered for `older_than` seconds as lost and send new ones."""
        now = time.perf_counter()
        for ident, began in list(self.flight.items()):
            if now - began > older_than:
                del self.flight[ident]
                self.lost += 1
                self._send(ident)


@dataclass(frozen=True)
class Result:
    """One target's figures."""

    rps: float
    p50_ms: float
    p99_ms: float
    accepted: int
    lost: int
    radclient_rps: float
    alone_p99_ms: float  # one request at a time: the latency without queueing


def _percentile(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies) or [0.0]
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _drive(port: int, args: argparse.Namespace) -> tuple[Load, float]:
    loop = asyncio.get_running_loop()
    seconds = getattr(args, "seconds", 0.0)
    began = time.perf_counter()
    load = Load(args.requests if not seconds else 1 << 40, args.window, args.users,
                began + seconds if seconds else 0.0)
    transport, _ = await loop.create_datagram_endpoint(
        lambda: load, local_addr=("127.0.0.1", 0), remote_addr=("127.0.0.1", port))
    try:
        while not load.done.is_set():
            try:
                await asyncio.wait_for(load.done.wait(), timeout=1.0)
            except TimeoutError:
                load.expire(5.0)
    finally:
        transport.close()
    return load, time.perf_counter() - began


def _radclient_rps(port: int, args: argparse.Namespace, tmp: Path) -> float:
    path = tmp / "requests.txt"
    path.write_text("\n\n".join(
        f'User-Name = "bench-user-{i % args.users:05d}",\nUser-Password = "{USER_PASSWORD}",\n'
        "NAS-IP-Address = 127.0.0.1,\nMessage-Authenticator = 0x00"
        for i in range(args.requests)) + "\n")
    began = time.monotonic()
    subprocess.run(["radclient", "-q", "-p", str(args.window), "-r", "3", "-t", "5", "-f",
                    str(path), f"127.0.0.1:{port}", "auth", NAS_SECRET],
                   capture_output=True, check=False, timeout=3600)
    return args.requests / (time.monotonic() - began)


def measure(port: int, args: argparse.Namespace, tmp: Path) -> Result:
    """Warm up, then the Python client (latencies), then radclient (throughput check)."""
    warm = argparse.Namespace(**{**vars(args), "requests": min(args.requests, 300),
                                 "seconds": 0.0})
    asyncio.run(_drive(port, warm))
    load, seconds = asyncio.run(_drive(port, args))
    single = argparse.Namespace(**{**vars(args), "requests": 200, "window": 1, "seconds": 0.0})
    alone, _ = asyncio.run(_drive(port, single))
    return Result(len(load.latencies) / seconds, _percentile(load.latencies, 0.5),
                  _percentile(load.latencies, 0.99), load.codes.get(2, 0), load.lost,
                  _radclient_rps(port, args, tmp), _percentile(alone.latencies, 0.99))


# --- the two targets ------------------------------------------------------------------------

def _hub_env(database_url: str, port: int, workers: int) -> dict[str, str]:
    return {**os.environ, "DOTMAC_HUB_DATABASE_URL": database_url, "DOTMAC_HUB_PORT": str(port),
            "DOTMAC_HUB_LOG_LEVEL": "warning", "DOTMAC_HUB_SECRET_KEY": "bench-" + "s" * 40,
            "DOTMAC_HUB_RATE_LIMIT_IP": "100000000",
            "DOTMAC_HUB_RATE_LIMIT_PRINCIPAL": "10000000",
            "DOTMAC_HUB_BOOTSTRAP_PASSWORD": PASSWORD, "DOTMAC_HUB_WORKERS": str(workers),
            "DOTMAC_HUB_RADIUS_TOKEN": TOKEN, "DOTMAC_HUB_INGEST_EMBEDDED": "false",
            "DOTMAC_HUB_RADIUS_BACKEND": "sql"}


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


async def _seed(base: str, users: int) -> None:
    """NAS 127.0.0.1 (mikrotik), one plan, `users` active subscriptions with PPPoE logins."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        login = await client.post("/auth/login", json={"email": "bench@example.net",
                                                       "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        async def post(path: str, body: dict[str, object]) -> dict[str, str]:
            resp = await client.post(path, json=body, headers=headers)
            resp.raise_for_status()
            made: dict[str, str] = resp.json()
            return made

        site = await post("/sites", {"name": "bench-pop"})
        await post("/access/nas", {"site_id": site["id"], "name": "bench-bng",
                                   "address": "127.0.0.1", "secret": NAS_SECRET,
                                   "vendor": "mikrotik"})
        plan = await post("/billing/plans", {"name": "bench", "currency": "EUR",
                                             "down_kbps": 50_000, "up_kbps": 10_000,
                                             "price_minor": 3000})
        for i in range(users):
            customer = await post("/billing/customers", {"name": f"c{i}", "currency": "EUR"})
            sub = await post("/billing/subscriptions", {"customer_id": customer["id"],
                                                        "plan_id": plan["id"]})
            await post(f"/billing/subscriptions/{sub['id']}/transitions",
                       {"action": "activate", "on": "2026-01-01"})
            put = await client.put(f"/access/subscriptions/{sub['id']}/credentials",
                                   headers=headers, json={"username": f"bench-user-{i:05d}",
                                                          "password": USER_PASSWORD})
            put.raise_for_status()


BASELINE_SITE = """server dotmac {
	listen {
		type = auth
		ipaddr = 127.0.0.1
		port = %d
	}
	authorize {
		files
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
	}
}
"""


Answer = list[tuple[str, str, str, str]]  # (kind, attribute, op, value) rows of one login


def hub_answers(db_admin_dsn: str) -> dict[str, Answer]:
    """What the hub materialized for the bench NAS's vendor, per User-Name: the baseline and
    the floor give the same answer (same check item, same reply attributes)."""
    with psycopg.connect(db_admin_dsn) as conn:
        rows = conn.execute(
            "SELECT a.lookup_key, a.kind, a.attribute, a.op, a.value FROM radius_answers a "
            "JOIN access_nas n ON n.tenant_id = a.tenant_id AND n.vendor = a.vendor "
            "WHERE n.address = '127.0.0.1' AND a.lookup = 'user' "
            "ORDER BY a.lookup_key, a.kind, a.position").fetchall()
    found: dict[str, Answer] = {}
    for user, kind, attribute, op, value in rows:
        found.setdefault(user, []).append((kind, attribute, op, value))
    return found


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def users_file(answers: dict[str, Answer]) -> str:
    """mods-config/files/authorize with each login's check item and reply attributes."""
    entries = []
    for user, rows in answers.items():
        check = ", ".join(f"{name} {op} {_quoted(value)}" for kind, name, op, value in rows
                          if kind == "check")
        reply = ",\n\t".join(f"{name} {op} {_quoted(value)}" for kind, name, op, value in rows
                              if kind == "reply")
        entries.append(f"{user}\t{check}\n\t{reply}\n")
    return "\n".join(entries)


def files_only(hub_radius: RadiusServer, tmp: Path, answers: dict[str, Answer]
               ) -> tuple[ManagedProcess, int]:
    """The same rendered configuration with `files` instead of the hub: the same users and
    answers (password, reply attributes) as the hub materialized."""
    conf = tmp / "files-only"
    shutil.copytree(hub_radius.conf_dir, conf, ignore=shutil.ignore_patterns("*.log", "run"))
    (conf / "run").mkdir()
    radiusd = (conf / "radiusd.conf").read_text().replace(str(hub_radius.conf_dir), str(conf))
    (conf / "radiusd.conf").write_text(radiusd)
    port = free_port(socket.SOCK_DGRAM)
    for site in (conf / "sites-enabled").iterdir():  # only the baseline's own server
        site.unlink()
    (conf / "sites-enabled/dotmac").write_text(BASELINE_SITE % port)
    for name in ("mods-enabled/rest", "policy.d/dotmac_backend"):
        (conf / name).unlink(missing_ok=True)
    (conf / "mods-enabled/files").write_text(
        "files {\n\tfilename = ${modconfdir}/files/authorize\n}\n")
    (conf / "mods-config/files").mkdir(parents=True)
    (conf / "mods-config/files/authorize").write_text(users_file(answers))
    log = conf / "radius.log"
    proc = ManagedProcess(["freeradius", "-f", "-d", str(conf), "-l", str(log)], log).start()
    deadline = time.monotonic() + 30
    while "Ready to process requests" not in (log.read_text() if log.exists() else ""):
        if not proc.alive() or time.monotonic() > deadline:
            raise RuntimeError(f"files-only FreeRADIUS did not start: {log.read_text()[-800:]}")
        time.sleep(0.05)
    return proc, port


def floor_statement(rows: Answer) -> str:
    """The shipped prepared statement (same name and parameters, so the same EXECUTE per
    Access-Request) returning one login's rows as constants: what rlm_sql and a PostgreSQL
    round trip cost without the index look-up."""
    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"
    constants = " UNION ALL ".join(
        f"SELECT {position}, 'bench', {literal(name)}, {literal(value)}, {literal(op)}"
        for position, (_, name, op, value) in enumerate(rows))
    return PREPARE[:PREPARE.index(" AS ") + 4] + constants


def readonly_role(database: str) -> str:
    """The bench's read-only FreeRADIUS role for `database`."""
    return f"bench_radius_ro_{database.rsplit('_', 1)[-1]}"


def readonly_dsn(admin_dsn: str, host: str, port: int, database: str
                 ) -> tuple[dict[str, str], RadiusClient]:
    """The documented read-only role (SELECT on radius_answers' read columns only), its
    libpq strings over TCP and over the server's Unix socket (docs/radius.md recommends the
    socket where FreeRADIUS and PostgreSQL share a host), and the bench NAS as clients.conf
    names it (tenant, vendor)."""
    role, password = readonly_role(database), "bench-ro-password"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        sockets = str(conn.execute("SHOW unix_socket_directories").fetchone()[0])  # type: ignore[index]
    db_admin = admin_dsn.rsplit("/", 1)[0] + f"/{database}"
    with psycopg.connect(db_admin, autocommit=True) as conn:
        conn.execute(f"GRANT SELECT ({', '.join(READ_COLUMNS)}) ON radius_answers TO {role}")
        # what autovacuum does soon after a bulk load: the planner's statistics
        conn.execute("ANALYZE radius_answers")
        row = conn.execute("SELECT tenant_id, vendor FROM access_nas "
                           "WHERE address = '127.0.0.1'").fetchone()
    assert row is not None, "the bench NAS is not registered"
    client = RadiusClient("bench-bng", "127.0.0.1", NAS_SECRET, str(row[0]), str(row[1]))
    rest = f"port={port} dbname={database} user={role} password={password}"
    return {"tcp": f"host={host} {rest}",
            "socket": f"host={sockets.split(',')[0].strip()} {rest}"}, client


def sql_floor(sql_radius: RadiusServer, tmp: Path, rows: Answer
              ) -> tuple[ManagedProcess, int]:
    """The sql backend's rendered configuration whose prepared statement returns constants:
    rlm_sql and the PostgreSQL round trip, no look-up."""
    conf = tmp / "sql-floor"
    shutil.copytree(sql_radius.conf_dir, conf, ignore=shutil.ignore_patterns("*.log", "run",
                                                                             "spool"))
    (conf / "run").mkdir()
    radiusd = (conf / "radiusd.conf").read_text().replace(str(sql_radius.conf_dir), str(conf))
    (conf / "radiusd.conf").write_text(radiusd)
    for name in ("sites-enabled", "policy.d", "mods-enabled"):
        for path in (conf / name).iterdir():
            path.write_text(path.read_text().replace(str(sql_radius.conf_dir), str(conf)))
    port = free_port(socket.SOCK_DGRAM)
    site = (conf / "sites-enabled/dotmac").read_text()
    site = site.replace(f"port = {sql_radius.auth_port}", f"port = {port}")
    site = site.replace(f"port = {sql_radius.acct_port}",
                        f"port = {free_port(socket.SOCK_DGRAM)}")
    (conf / "sites-enabled/dotmac").write_text(site)
    for name in ("status", "dotmac-accounting-reader"):
        (conf / "sites-enabled" / name).unlink(missing_ok=True)
    module = (conf / "mods-enabled/sql").read_text()
    module = re.sub(r'\topen_query = ".*"\n',
                    lambda _: f'\topen_query = "{floor_statement(rows)}"\n', module)
    (conf / "mods-enabled/sql").write_text(module)
    return _start_copy(conf, "sql floor"), port


def _start_copy(conf: Path, what: str) -> ManagedProcess:
    log = conf / "radius.log"
    proc = ManagedProcess(["freeradius", "-f", "-d", str(conf), "-l", str(log)], log).start()
    deadline = time.monotonic() + 30
    while "Ready to process requests" not in (log.read_text() if log.exists() else ""):
        if not proc.alive() or time.monotonic() > deadline:
            raise RuntimeError(f"{what} FreeRADIUS did not start: {log.read_text()[-800:]}")
        time.sleep(0.05)
    return proc


WRK_SCRIPT = """wrk.method = "POST"
wrk.body = '{"User-Name": {"type": "string", "value": ["bench-user-00001"]}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Dotmac-Radius-Token"] = "%s"
wrk.headers["X-Dotmac-Radius-Nas"] = "127.0.0.1"
"""


def hub_alone(port: int, window: int, tmp: Path) -> str:
    """POST /radius/authorize straight at the hub with wrk (no FreeRADIUS): where the time
    goes."""
    if shutil.which("wrk") is None:
        return "wrk not installed (Debian wrk)"
    script = tmp / "authorize.lua"
    script.write_text(WRK_SCRIPT % TOKEN)
    out = subprocess.run(["wrk", "-t1", f"-c{window}", "-d5s", "--latency", "-s", str(script),
                          f"http://127.0.0.1:{port}/radius/authorize"],
                         capture_output=True, text=True, check=False, timeout=60).stdout
    rps = next((line.split()[1] for line in out.splitlines()
                if line.startswith("Requests/sec")), "?")
    p99 = next((line.split()[1] for line in out.splitlines()
                if line.strip().startswith("99%")), "?")
    return f"{rps} req/s, p99 {p99}"


def _report(name: str, result: Result) -> None:
    print(f"{name:22} {result.rps:8.0f} req/s  p50 {result.p50_ms:6.1f} ms  p99 "
          f"{result.p99_ms:6.1f} ms  accepted {result.accepted}  lost {result.lost}  "
          f"(radclient -p: {result.radclient_rps:.0f} req/s; one at a time p99 "
          f"{result.alone_p99_ms:.1f} ms)", flush=True)


def _run(args: argparse.Namespace, tmp: Path) -> int:
    pg = start_postgres(tmp / "pg")
    url = f"postgresql+psycopg://{pg.user}@{pg.host}:{pg.port}/{pg.database}"
    env = _hub_env(url, free_port(), args.workers)
    port = int(env["DOTMAC_HUB_PORT"])
    boot = subprocess.run([str(BIN / "dotmac-hub"), "bootstrap", "--tenant", "Bench",
                           "--admin-email", "bench@example.net"], env=env, capture_output=True,
                          text=True, check=False, timeout=120)
    if boot.returncode != 0:
        print(boot.stderr)
        return 1
    hub = _serve(env, port, tmp / "hub.log")
    started: list[RadiusServer | ManagedProcess] = []
    try:
        asyncio.run(_seed(f"http://127.0.0.1:{port}", args.users))
        hub_url = f"http://127.0.0.1:{port}"
        dsns, nas = readonly_dsn(pg.admin_dsn, pg.host, pg.port, url.rsplit("/", 1)[1])
        sql = start_radius_server(hub_url, TOKEN, tmp / "sql", backend="sql",
                                  sql_dsn=dsns["socket"], clients=[nas])
        started.append(sql)
        sql_tcp = start_radius_server(hub_url, TOKEN, tmp / "sql-tcp", backend="sql",
                                      sql_dsn=dsns["tcp"], clients=[nas])
        started.append(sql_tcp)
        rest = start_radius_server(hub_url, TOKEN, tmp / "rest", hub_timeout_s=10.0)
        started.append(rest)
        answers = hub_answers(pg.admin_dsn.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[1])
        floor, floor_port = sql_floor(sql, tmp, next(iter(answers.values())))
        started.append(floor)
        baseline, baseline_port = files_only(rest, tmp, answers)
        started.append(baseline)
        load = (f"{args.seconds:g} s of" if args.seconds else f"{args.requests}")
        print(f"{load} PAP Access-Requests per target and round (rest: {args.rest_requests}) "
              f"over {args.users} users, {args.window} outstanding; radclient: "
              f"{args.requests}; hub: {args.workers} uvicorn worker(s); {os.cpu_count()} CPUs",
              flush=True)
        targets = {"FreeRADIUS + hub (sql)": sql.auth_port,
                   "sql over TCP": sql_tcp.auth_port,
                   "FreeRADIUS + hub (rest)": rest.auth_port,
                   "sql floor (constant)": floor_port, "FreeRADIUS files only": baseline_port}
        rounds = measure_rounds(targets, args, tmp)
        results = {name: _median(found) for name, found in rounds.items()}
        for name, result in results.items():
            _report(name, result)
        print(f"{'hub alone (wrk)':22} {hub_alone(port, args.window, tmp)}", flush=True)
        return _verdict(results, rounds)
    finally:
        for proc in reversed(started):
            proc.stop()
        hub.terminate()
        hub.wait(15)
        pg.stop()  # drops the database (and stops a private cluster)
        if pg.process is None:  # the machine's own server: the role outlives the database
            with psycopg.connect(pg.admin_dsn, autocommit=True) as conn:
                conn.execute(f"DROP ROLE IF EXISTS {readonly_role(pg.database)}")


def measure_rounds(targets: dict[str, int], args: argparse.Namespace, tmp: Path
                   ) -> dict[str, list[Result]]:
    """Every target in turn, `args.rounds` times: on a shared machine the load drifts, and
    targets measured side by side see the same drift."""
    rest = argparse.Namespace(**{**vars(args), "requests": args.rest_requests, "seconds": 0.0})
    found: dict[str, list[Result]] = {name: [] for name in targets}
    for number in range(args.rounds):
        for name, target in targets.items():
            found[name].append(measure(target, rest if "rest" in name else args, tmp))
        print(f"round {number + 1}: " + ", ".join(
            f"{name} {found[name][-1].rps:.0f}" for name in targets), flush=True)
    return found


def _median(results: list[Result]) -> Result:
    return sorted(results, key=lambda r: r.rps)[len(results) // 2]


def _ratio(rounds: dict[str, list[Result]], name: str, radclient: bool = False) -> float:
    """The median over rounds of `name` / files within the same round."""
    def rate(r: Result) -> float:
        return r.radclient_rps if radclient else r.rps
    ratios = sorted(rate(ours) / rate(files) for ours, files in
                    zip(rounds[name], rounds["FreeRADIUS files only"], strict=True))
    return ratios[len(ratios) // 2]


def _verdict(results: dict[str, Result], rounds: dict[str, list[Result]]) -> int:
    """Ratios against files (each target) and the issue's verdict on the sql backend."""
    for name in results:
        if name != "FreeRADIUS files only":
            print(f"ratio {name}: {_ratio(rounds, name):.3f} (radclient "
                  f"{_ratio(rounds, name, radclient=True):.3f})", flush=True)
    ours = results["FreeRADIUS + hub (sql)"]
    ratio = _ratio(rounds, "FreeRADIUS + hub (sql)")
    floor_ratio = _ratio(rounds, "sql floor (constant)")
    worst = max(r.p99_ms for r in rounds["FreeRADIUS + hub (sql)"])
    print(f"sql backend: ratio {ratio:.3f} (target >= 0.3: "
          f"{'PASS' if ratio >= 0.3 else 'FAIL'}); p99 {ours.p99_ms:.1f} ms, worst round "
          f"{worst:.1f} ms (target < 50: {'PASS' if worst < 50 else 'FAIL'})", flush=True)
    to_floor = sorted(ours.rps / floor.rps for ours, floor in zip(
        rounds["FreeRADIUS + hub (sql)"], rounds["sql floor (constant)"], strict=True))
    print(f"sql backend / sql floor: {to_floor[len(to_floor) // 2]:.3f} (the look-up's own "
          f"cost); the floor is {floor_ratio:.3f} of files", flush=True)
    if floor_ratio < 0.3:
        print("the floor, one PostgreSQL round trip per Access-Request and no look-up, is "
              "itself below 0.3 of files in this run: no PostgreSQL-backed FreeRADIUS reaches "
              "the target on this machine now", flush=True)
    return 0 if all(r.accepted for r in results.values()) else 1


def main() -> int:
    """Start PostgreSQL, the hub and both FreeRADIUS servers; measure; print."""
    args = options()
    keep = os.environ.get("BENCH_RADIUS_KEEP")  # a directory to keep logs and configs in
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return _run(args, Path(tempfile.mkdtemp(dir=keep)))
    with tempfile.TemporaryDirectory() as tmp:
        return _run(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
