"""`make demo`: a hub, a broker, a simulated POP and an enrolled agent on this machine.

Everything runs on 127.0.0.1 with state in `.dotmac/demo/` (`make demo-clean` removes it).
Steps are shown with rich; at the end the API docs URL, the demo logins and copy-paste
commands are printed (and written to `.dotmac/demo/commands.json` for the demo test).
Ctrl-C (or `--duration`) stops everything in reverse order.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.panel import Panel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the demo reuses the test suite's server starters

from scripts.demo_pop import build_recordings, variation_modules_dir  # noqa: E402
from tests.services._proc import ManagedProcess, free_port, tcp_open, wait_until  # noqa: E402
from tests.services.mosquitto import Broker, start_broker  # noqa: E402
from tests.services.snmp import snmpget_ok  # noqa: E402
from tests.services.victoria import Victoria, start_victoria  # noqa: E402
from tests.ssh_sim import start_simulator  # noqa: E402

BIN = Path(sys.executable).parent
STATE = Path(os.environ.get("DOTMAC_DEMO_STATE", ROOT / ".dotmac" / "demo")).resolve()
TENANT, ADMIN, NOC = "demo-isp", "admin@demo-isp.example", "noc@demo-isp.example"
CPE, CPE_PORT = "ams1-cpe-sw3", "GigabitEthernet0/2"  # the SSH-provisioned customer switch
# Demo customers and their ports on the CPE switch (GigabitEthernet0/0 is its uplink).
CUSTOMERS = {"Bakery Jansen": "GigabitEthernet0/1", "Flat 4B van Dijk": CPE_PORT,
             "Cafe de Hoek": "GigabitEthernet0/3"}
console = Console(stderr=True)


class Demo:
    """Starts the pieces in order and stops them in reverse."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.stack: list[Callable[[], None]] = []
        self.password = secrets.token_urlsafe(12)
        self.noc_password = secrets.token_urlsafe(12)
        self.broker: Broker | None = None
        self.victoria: Victoria | None = None
        self.sim_port = 0
        self.communities: dict[str, str] = {}
        self.hub_env: dict[str, str] = {}
        self.url = f"http://127.0.0.1:{port}"

    # ---- pieces ------------------------------------------------------------------------

    def start_broker(self) -> str:
        self.broker = start_broker(STATE / "mosquitto")
        self.stack.append(self.broker.stop)
        return f"Mosquitto on 127.0.0.1:{self.broker.port} (TLS {self.broker.tls_port})"

    def start_pop(self) -> str:
        self.communities = build_recordings(STATE / "pop" / "data")
        self.sim_port = free_port(kind=2)
        log = STATE / "pop" / "snmpsim.log"
        argv = [str(BIN / "snmpsim-command-responder"), f"--data-dir={STATE / 'pop' / 'data'}",
                f"--cache-dir={STATE / 'pop' / 'index'}",
                f"--variation-modules-dir={variation_modules_dir()}",
                f"--agent-udpv4-endpoint=127.0.0.1:{self.sim_port}", "--log-level=error"]
        if os.geteuid() == 0:
            argv += ["--process-user=root", "--process-group=root"]
        sim = ManagedProcess(argv, log, env={"SNMPSIM_ALLOW_ROOT": "true"}).start()
        self.stack.append(sim.stop)
        for community in self.communities.values():
            wait_until(lambda c=community: snmpget_ok(f"127.0.0.1:{self.sim_port}", c), 180,
                       "simulated POP (snmpsim)", log)
        return f"{len(self.communities)} simulated devices (real recordings, moving counters)"

    def start_ssh_devices(self) -> str:
        """An SSH device simulator (IOS personality) the agent provisions over netmiko."""
        sim = start_simulator()
        self.stack.append(sim.stop)
        self.cpe = sim.add_device("cisco_ios", CPE)
        return f"{CPE}: simulated Cisco IOS over SSH on 127.0.0.1:{self.cpe.port}"

    def start_victoria(self) -> str:
        # DOTMAC_DEMO_TSDB=none runs the demo as on a machine without VictoriaMetrics.
        if shutil.which("victoria-metrics") is None or os.environ.get("DOTMAC_DEMO_TSDB") == "none":
            return "no VictoriaMetrics: raw series off, the hub keeps its SQL rollups"
        self.victoria = start_victoria(STATE / "victoria")
        self.stack.append(self.victoria.stop)
        return f"VictoriaMetrics on {self.victoria.url}"

    def start_hub(self) -> str:
        assert self.broker is not None
        b = self.broker
        self.hub_env = {
            **os.environ, "DOTMAC_HUB_DATABASE_URL": f"sqlite+aiosqlite:///{STATE / 'hub.sqlite3'}",
            "DOTMAC_HUB_PORT": str(self.port), "DOTMAC_HUB_HOST": "127.0.0.1",
            "DOTMAC_HUB_LOG_LEVEL": "warning", "DOTMAC_HUB_BOOTSTRAP_PASSWORD": self.password,
            "DOTMAC_HUB_BROKER_HOST": b.host, "DOTMAC_HUB_BROKER_PORT": str(b.port),
            "DOTMAC_HUB_BROKER_TLS_PORT": str(b.tls_port),
            "DOTMAC_HUB_BROKER_CA_FILE": str(b.ca_file),
            "DOTMAC_HUB_BROKER_DYNSEC_USERNAME": b.dynsec_admin.username,
            "DOTMAC_HUB_BROKER_DYNSEC_PASSWORD": b.dynsec_admin.password,
            # one broker (above), one login each for ingest and the job dispatcher
            "DOTMAC_HUB_INGEST_USERNAME": b.hub.username,
            "DOTMAC_HUB_INGEST_PASSWORD": b.hub.password,
            "DOTMAC_HUB_JOBS_USERNAME": b.hub.username, "DOTMAC_HUB_JOBS_PASSWORD": b.hub.password,
            "DOTMAC_HUB_INGEST_EMBEDDED": "true",
            "DOTMAC_HUB_INGEST_CLIENT_ID": "dotmac-ingest-demo",  # the hub's reserved form
            "DOTMAC_HUB_TSDB_URL": self.victoria.url if self.victoria else "none",
        }
        hub = ManagedProcess([str(BIN / "dotmac-hub"), "serve"], STATE / "hub.log",
                             env=self.hub_env, cwd=STATE).start()
        self.stack.append(hub.stop)
        wait_until(lambda: _ready(self.url), 60, "dotmac-hub serve", STATE / "hub.log")
        return f"hub API on {self.url} (SQLite in {STATE})"

    def bootstrap(self) -> str:
        out = subprocess.run([str(BIN / "dotmac-hub"), "bootstrap", "--tenant", TENANT,
                              "--admin-email", ADMIN], env=self.hub_env, capture_output=True,
                             text=True, timeout=60, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"bootstrap failed: {out.stderr.strip()}")
        with self.api(ADMIN, self.password) as api:
            _ok(api.post("/users", json={"email": NOC, "full_name": "Demo NOC",
                                         "password": self.noc_password, "role": "noc"}), 409)
        return f"tenant {TENANT}, owner {ADMIN}, NOC user {NOC}"

    def enroll_agent(self) -> str:
        with self.api(ADMIN, self.password) as api:
            site = _ok(api.post("/sites", json={"name": "ams1", "description": "Demo POP"}))
            token = _ok(api.post(f"/sites/{site['id']}/enrollment-tokens",
                                 json={"agent_name": "ams1-agent"}))["token"]
        agent_dir = STATE / "agent"
        agent_dir.mkdir(parents=True, exist_ok=True)
        config = agent_dir / "agent.yaml"
        out = subprocess.run([str(BIN / "dotmac-agent"), "enroll", "--hub", self.url,
                              "--token", token, "--config", str(config),
                              "--state-dir", str(agent_dir / "state"), "--json",
                              "--insecure"],  # the demo hub serves plain http on loopback
                             capture_output=True, text=True, timeout=60, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"enroll failed: {out.stderr.strip() or out.stdout.strip()}")
        self.agent_id = json.loads(out.stdout)["agent_id"]
        self.site_id = site["id"]
        return f"agent {self.agent_id} enrolled (dynsec broker login, TLS)"

    def start_agent(self) -> str:
        """Devices and their credentials live at the hub only: agent.yaml keeps what
        enrollment wrote (identity and broker); the hub pushes the rest on cmd/config."""
        config = STATE / "agent" / "agent.yaml"
        self.device_ids: dict[str, str] = {}
        with self.api(ADMIN, self.password) as api:
            communities = {device: self._snmp_set(api, device, community)
                           for device, community in self.communities.items()}
            cpe = self.cpe
            ssh_set = _ok(api.post("/credential-sets", json={
                "name": f"{CPE}-cli", "kind": "ssh", "site_id": self.site_id,
                "username": cpe.username, "password": cpe.password,
                "enable_secret": cpe.enable_secret}))["id"]
            common = {"site_id": self.site_id, "agent_id": self.agent_id,
                      "management_address": "127.0.0.1", "snmp_port": self.sim_port,
                      "interval_s": 10, "timeout_s": 10}
            for device, set_id in communities.items():
                self.device_ids[device] = _ok(api.post("/devices", json={
                    **common, "name": device, "profile": "auto",
                    "snmp_credential_id": set_id}))["id"]
            # The customer switch: provisioned over SSH; polled over SNMP via a recording.
            self.device_ids[CPE] = _ok(api.post("/devices", json={
                **common, "name": CPE, "profile": "cisco_ios",
                "snmp_credential_id": next(iter(communities.values())),
                "ssh_credential_id": ssh_set, "ssh_port": cpe.port}))["id"]
        agent = ManagedProcess([str(BIN / "dotmac-agent"), "run", "--config", str(config)],
                               STATE / "agent" / "agent.log").start()
        self.stack.append(agent.stop)
        with self.api(ADMIN, self.password) as api:
            _until(lambda: self._config_applied(api), 60, "the agent's first config push")
        return (f"dotmac-agent run polling {len(self.device_ids)} hub-managed devices every "
                "10 s (pushed on cmd/config, acknowledged)")

    def _snmp_set(self, api: httpx.Client, device: str, community: str) -> str:
        made = _ok(api.post("/credential-sets", json={
            "name": f"{device}-snmp", "kind": "snmp_v2c", "site_id": self.site_id,
            "community": community}))
        return str(made["id"])

    def _config_applied(self, api: httpx.Client) -> bool:
        state = _ok(api.get(f"/agents/{self.agent_id}/config"))
        if state.get("last_error"):
            raise RuntimeError(f"the agent refused its config: {state['last_error']} "
                               f"(see {STATE / 'agent' / 'agent.log'})")
        return bool(state["in_sync"]) and state["applied_version"] > 0

    def seed_billing(self) -> str:
        """A plan and customers whose subscriptions sit on the customer switch's ports."""
        _, first_port = self.busy_interface()
        self.subs: dict[str, str] = {}  # port -> subscription id
        with self.api(ADMIN, self.password) as api:
            plan = _ok(api.post("/billing/plans", json={
                "name": "Fiber 100", "currency": "EUR", "down_kbps": 100_000,
                "up_kbps": 20_000, "price_minor": 4900, "setup_fee_minor": 2500}))
            for offset, (name, port) in enumerate(CUSTOMERS.items()):
                customer = _ok(api.post("/billing/customers", json={
                    "name": name, "currency": "EUR", "email": f"c{offset}@demo-isp.example"}))
                sub = _ok(api.post("/billing/subscriptions", json={
                    "customer_id": customer["id"], "plan_id": plan["id"],
                    "device_id": self.device_ids[CPE], "port": port,
                    "if_index": first_port + offset}))
                self.subs[port] = sub["id"]
        return f"{len(CUSTOMERS)} customers on plan Fiber 100, bound to {CPE} ports"

    def activate_customers(self) -> str:
        """Activate every subscription (billing queues its port jobs) and wait until the
        switch has applied them: the demo is ready only when billing and network agree."""
        with self.api(ADMIN, self.password) as api:
            _until(lambda: _agent_online(api), 60, "the agent's first health report")
            for sub_id in self.subs.values():
                _ok(api.post(f"/billing/subscriptions/{sub_id}/transitions",
                             json={"action": "activate"}))
            _until(lambda: self._in_sync(api), 180, "the activation jobs")
        return (f"{len(self.subs)} subscriptions active; {2 * len(self.subs)} provisioning "
                f"jobs succeeded on {CPE} (ports enabled at the plan rate)")

    def _in_sync(self, api: httpx.Client) -> bool:
        """True once every subscription's network state matches billing; raises on failure."""
        subs = [_ok(api.get(f"/billing/subscriptions/{sub_id}")) for sub_id in self.subs.values()]
        for sub in subs:
            if sub["network_problem"]:
                raise RuntimeError(f"subscription on {sub['port']}: {sub['network_problem']} "
                                   f"(see {STATE / 'agent' / 'agent.log'})")
        return all(not sub["out_of_sync"] for sub in subs)

    # ---- helpers -----------------------------------------------------------------------

    def busy_interface(self) -> tuple[str, int]:
        """The first device and the first interface whose counters move."""
        device, community = next(iter(self.communities.items()))
        for line in (STATE / "pop" / "data" / f"{community}.snmprec").read_text().splitlines():
            if line.startswith("1.3.6.1.2.1.31.1.1.1.6.") and ":numeric|" in line:
                return device, int(line.split("|")[0].rsplit(".", 1)[1])
        return device, 1

    @contextlib.contextmanager
    def api(self, email: str, password: str) -> Iterator[httpx.Client]:
        """An API client logged in as `email`."""
        with httpx.Client(base_url=self.url, timeout=30) as client:
            login = client.post("/auth/login", json={"email": email, "password": password})
            login.raise_for_status()
            client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
            yield client

    def stop(self) -> None:
        """Stop everything that was started, newest first."""
        while self.stack:
            try:
                self.stack.pop()()
            except Exception as exc:  # keep stopping the rest; say what failed
                console.print(f"[yellow]stop: {type(exc).__name__}: {exc}[/yellow]")


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll an API condition once a second (gently: the API rate-limits) until true."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not done within {timeout:.0f}s (see {STATE})")
        time.sleep(1)


def _agent_online(api: httpx.Client) -> bool:
    """The agent is connected and has reported health (its command subscription is up)."""
    agents = _ok(api.get("/analytics/agents/health"))["data"]
    return any(a["state"] == "online" and a["health_ts"] for a in agents)


def _ok(resp: httpx.Response, *tolerated: int) -> Any:
    if resp.status_code in tolerated:
        return {}
    if resp.status_code >= 400:
        raise RuntimeError(f"{resp.request.method} {resp.request.url.path}: "
                           f"{resp.status_code} {resp.text[:300]}")
    return resp.json() if resp.content else {}


def commands(demo: Demo) -> list[dict[str, str]]:
    """Copy-paste commands that work as printed (the demo test runs each of them)."""
    body = json.dumps({"email": NOC, "password": demo.noc_password})
    login = (f"export TOKEN=$(curl -s -X POST {demo.url}/auth/login "
             f"-H 'content-type: application/json' -d '{body}'"
             " | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')")
    auth = "-H \"Authorization: Bearer $TOKEN\""
    owner = "-H \"Authorization: Bearer $OWNER_TOKEN\""
    owner_body = json.dumps({"email": ADMIN, "password": demo.password})
    owner_login = (f"export OWNER_TOKEN=$(curl -s -X POST {demo.url}/auth/login "
                   f"-H 'content-type: application/json' -d '{owner_body}'"
                   " | python3 -c 'import json,sys; print(json.load(sys.stdin)"
                   "[\"access_token\"])')")
    device_name, if_index = demo.busy_interface()
    device = demo.device_ids[device_name]  # the hub's id: what telemetry is keyed by
    sub = f"{demo.url}/billing/subscriptions/{demo.subs[CPE_PORT]}"
    customer = next(name for name, port in CUSTOMERS.items() if port == CPE_PORT)
    json_body = "-H 'content-type: application/json'"
    first_job = "import json,sys; print(json.load(sys.stdin)['network_jobs'][0])"
    show_ports = (f"{BIN / 'dotmac-agent'} job run {CPE} run_show -p 'command=show ip interface "
                  f"brief' --config {STATE / 'agent' / 'agent.yaml'}")
    # Today's UTC day: includes the 5-minute bucket in progress (the API's default range
    # ends at the last complete bucket); the command works as printed until midnight UTC.
    today = datetime.now(UTC).date()
    day, next_day = today.isoformat(), (today + timedelta(days=1)).isoformat()
    return [
        {"what": "log in as the NOC user (sets $TOKEN)", "cmd": login},
        {"what": "list devices (the hub is the source of truth: the agent polls these)",
         "cmd": f"curl -sf {auth} {demo.url}/devices"},
        {"what": "the agent's config: desired and applied version, drift, last error",
         "cmd": f"curl -sf {auth} {demo.url}/agents/{demo.agent_id}/config"},
        {"what": f"what the agent last observed of {device_name} (model, serial, interfaces)",
         "cmd": f"curl -sf {auth} {demo.url}/devices/{device}/observed"},
        {"what": "devices with status and last seen (live, from ingest)",
         "cmd": f"curl -sf {auth} {demo.url}/analytics/devices"},
        {"what": f"traffic of {device_name} ifIndex {if_index} (bits/s per 5-minute bucket; "
                 "the current bucket grows with every poll)",
         "cmd": f"curl -sf {auth} '{demo.url}/analytics/devices/{device}/interfaces/"
                f"{if_index}/traffic?start={day}T00:00:00Z&end={next_day}T00:00:00Z'"},
        {"what": "log in as the owner, who may bill (sets $OWNER_TOKEN)",
         "cmd": owner_login},
        {"what": f"suspend {customer}'s subscription (billing, mode disconnect): billing "
                 f"queues a job that shuts {CPE} {CPE_PORT}",
         "cmd": f"curl -sf -X POST {owner} {json_body} "
                f"-d '{{\"action\": \"suspend\", \"mode\": \"disconnect\"}}' "
                f"{sub}/transitions"},
        {"what": "the job billing queued, from the subscription's network_jobs (sets $JOB)",
         "cmd": f"export JOB=$(curl -sf {owner} {sub} | python3 -c \"{first_job}\")"},
        {"what": "watch the job until it has succeeded (history shows every state)",
         "cmd": f"for i in $(seq 60); do curl -sf {auth} {demo.url}/jobs/$JOB | grep -q "
                f"'\"state\":\"succeeded\"' && break; sleep 1; done; "
                f"curl -sf {auth} {demo.url}/jobs/$JOB"},
        {"what": f"the simulated switch: {CPE_PORT} is now administratively down",
         "cmd": show_ports},
        {"what": f"resume {customer}'s subscription (jobs: port enabled, plan rate set)",
         "cmd": f"curl -sf -X POST {owner} {json_body} -d '{{\"action\": \"resume\"}}' "
                f"{sub}/transitions"},
        {"what": "watch the subscription until the network agrees (out_of_sync false)",
         "cmd": f"for i in $(seq 60); do curl -sf {owner} {sub} | grep -q "
                f"'\"out_of_sync\":false' && break; sleep 1; done; curl -sf {owner} {sub}"},
        {"what": f"the simulated switch again: {CPE_PORT} is up", "cmd": show_ports},
        {"what": "generate this month's invoices (a second run creates nothing new)",
         "cmd": f"curl -sf -X POST {owner} -H 'content-type: application/json' "
                f"-d '{{\"period\": \"{today.replace(day=1).isoformat()}\"}}' "
                f"{demo.url}/billing/runs"},
        {"what": "the agent's view: broker, queue, devices",
         "cmd": f"{BIN / 'dotmac-agent'} status --config {STATE / 'agent' / 'agent.yaml'}"},
        {"what": "poll one simulated device now (live counters)",
         "cmd": f"{BIN / 'dotmac-agent'} poll 127.0.0.1:{demo.sim_port} -c "
                f"{next(iter(demo.communities.values()))} --json"},
    ]


def fresh_state() -> None:
    """Each run starts from a clean hub, broker and agent; the snmpsim index (slow to
    build) is kept. `make demo-clean` removes everything."""
    STATE.mkdir(parents=True, exist_ok=True)
    for name in ("mosquitto", "agent", "victoria", "hub.sqlite3", "hub.sqlite3-wal",
                 "hub.sqlite3-shm", "hub.log", "commands.json"):
        path = STATE / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def main() -> int:
    """Run the demo until Ctrl-C or --duration seconds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=0, help="stop after N s (0: Ctrl-C)")
    parser.add_argument("--port", type=int, default=8080, help="hub API port (8080)")
    args = parser.parse_args()
    fresh_state()
    port = args.port if not tcp_open(args.port) else free_port()
    demo = Demo(port)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    # The in-process SSH simulator writes its prompt after netmiko has hung up; asyncio
    # would warn "socket.send() raised exception." on the console after every job.
    logging.getLogger("asyncio").setLevel(logging.ERROR)
    steps = [("broker", demo.start_broker), ("simulated POP", demo.start_pop),
             ("SSH device simulator", demo.start_ssh_devices),
             ("time-series store", demo.start_victoria), ("hub", demo.start_hub),
             ("tenant and users", demo.bootstrap), ("agent enrollment", demo.enroll_agent),
             ("agent", demo.start_agent), ("customers and plans", demo.seed_billing),
             ("customer ports (billing -> provisioning jobs)", demo.activate_customers)]
    try:
        for name, step in steps:
            with console.status(f"starting {name} ..."):
                console.print(f"[green]✓[/green] {name}: {step()}")
        _summary(demo)
        deadline = time.monotonic() + args.duration if args.duration else None
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.5)
    except KeyboardInterrupt:
        console.print("stopping ...")
    finally:
        demo.stop()
        console.print("[green]stopped; state kept in .dotmac/demo (make demo-clean)[/green]")
    return 0


def _summary(demo: Demo) -> None:
    cmds = commands(demo)
    (STATE / "commands.json").write_text(json.dumps(cmds, indent=2))
    body = [f"API docs:  {demo.url}/docs",
            f"owner:     {ADMIN} / {demo.password}", f"NOC:       {NOC} / {demo.noc_password}",
            "", "Try (copy-paste, in order):"]
    for c in cmds:
        body += [f"# {c['what']}", c["cmd"], ""]
    if demo.victoria is not None:
        body += [f"Grafana: add a Prometheus data source at {demo.victoria.url} and import "
                 "dashboards/*.json (docs/noc.md)."]
    console.print(Panel("\n".join(body), title="DotMac Edge demo is running (Ctrl-C stops)"))


if __name__ == "__main__":
    sys.exit(main())
