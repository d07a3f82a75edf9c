"""Servers and workers of bench/ingest.py: private Mosquitto, PostgreSQL and VictoriaMetrics
(the test suite's starters; `make bench` installs the dev extras), registered agents and two
`dotmac-hub ingest` subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from _ingest_workload import AGENTS, Pop

from hub import migrations
from hub.db import create_engine, session_factory
from hub.inventory.models import Agent, Site
from hub.tenants.models import Tenant
from tests.services._proc import ManagedProcess, free_port, require_binary, tcp_open, wait_until
from tests.services.mosquitto import Broker, start_broker
from tests.services.postgres import Postgres, start_postgres
from tests.services.victoria import Victoria

PROFILE = os.environ.get("BENCH_PROFILE") == "1"


@dataclass
class Rig:
    """The private servers of one bench run."""

    broker: Broker
    pg: Postgres
    vm: Victoria
    tmp: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        """Stop workers, then servers."""
        stop_workers(self.workers)
        for stopper in (self.broker.stop, self.vm.stop, self.pg.stop):
            stopper()


def start_rig(tmp: Path) -> Rig:
    """Broker, a fresh migrated database, VictoriaMetrics."""
    broker = start_broker(tmp / "mosquitto")
    pg = start_postgres(tmp / "pg")
    vm = start_victoria_dedup(tmp / "vm")
    migrations.upgrade(pg.sqlalchemy_url)
    return Rig(broker, pg, vm, tmp)


def start_victoria_dedup(workdir: Path) -> Victoria:
    """VictoriaMetrics as docs/ingest.md asks for it in production: with
    `-dedup.minScrapeInterval=1ms`, so a batch written again after a retry counts once."""
    binary = require_binary("victoria-metrics", "victoria-metrics", ("/usr/bin",))
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = [binary, f"-httpListenAddr=127.0.0.1:{port}", f"-storageDataPath={workdir / 'data'}",
            "-retentionPeriod=100y", "-search.latencyOffset=0s", "-loggerLevel=WARN",
            "-search.disableCache", "-dedup.minScrapeInterval=1ms"]
    process = ManagedProcess(argv, workdir / "vm.log").start()
    wait_until(lambda: tcp_open(port), 30, "victoria-metrics", workdir / "vm.log")
    return Victoria(port, "VictoriaMetrics", process)


async def register_pops(rig: Rig) -> tuple[uuid.UUID, list[Pop]]:
    """One tenant and site; AGENTS registered agents with broker logins."""
    engine = create_engine(rig.pg.sqlalchemy_url)
    tag = uuid.uuid4().hex[:6]
    async with session_factory(engine)() as session, session.begin():
        tenant = Tenant(name=f"bench-isp-{tag}")
        session.add(tenant)
        await session.flush()
        site = Site(tenant_id=tenant.id, name=f"bench-pop-{tag}", description="")
        session.add(site)
        await session.flush()
        agents = [Agent(tenant_id=tenant.id, site_id=site.id, name=f"pop{n + 1}-{tag}",
                        status="active") for n in range(AGENTS)]
        session.add_all(agents)
        await session.flush()
        pops = [Pop(a.name, a.id, rig.broker.add_user(a.name)) for a in agents]
        tenant_id = tenant.id
    await engine.dispose()
    return tenant_id, pops


def _worker_argv(index: int, tmp: Path) -> list[str]:
    script = str(Path(sys.executable).parent / "dotmac-hub")
    if PROFILE and index == 0:
        return [sys.executable, "-m", "cProfile", "-o", str(tmp / "worker0.prof"), script,
                "ingest"]
    return [script, "ingest"]


def start_workers(rig: Rig, count: int = 2) -> None:
    """`dotmac-hub ingest` subprocesses in one group; wait until each is subscribed."""
    base = {**os.environ, "DOTMAC_HUB_DATABASE_URL": rig.pg.sqlalchemy_url,
            "DOTMAC_HUB_BROKER_HOST": rig.broker.host,
            "DOTMAC_HUB_BROKER_PORT": str(rig.broker.port),
            "DOTMAC_HUB_INGEST_USERNAME": rig.broker.hub.username,
            "DOTMAC_HUB_INGEST_PASSWORD": rig.broker.hub.password,
            "DOTMAC_HUB_TSDB_URL": rig.vm.url, "DOTMAC_HUB_INGEST_GROUP": "bench",
            "DOTMAC_HUB_LOG_LEVEL": "info"}
    logs = []
    for index in range(count):
        env = {**base, "DOTMAC_HUB_INGEST_CLIENT_ID": f"bench-ingest-{index}"}
        log = rig.tmp / f"worker{index}.log"
        logs.append(log)
        with log.open("wb") as out:
            rig.workers.append(subprocess.Popen(_worker_argv(index, rig.tmp), env=env,
                                                stdout=out, stderr=subprocess.STDOUT,
                                                cwd=rig.tmp))
    deadline = time.monotonic() + 30
    while not all("ingest.mqtt.connected" in p.read_text() for p in logs):
        if time.monotonic() > deadline:
            raise RuntimeError(f"ingest workers did not connect in 30 s; see {logs}")
        time.sleep(0.1)
    time.sleep(1.0)  # the SUBSCRIBE follows the CONNACK: let the shared subscription exist


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM (a clean stop, so cProfile writes its file), then wait."""
    for proc in workers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in workers:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    workers.clear()


def stored_in_victoria(vm: Victoria, tenant: str) -> int:
    """Samples VictoriaMetrics holds for one tenant tag."""
    vm.flush()
    found = vm.query(f'sum(count_over_time({{tenant="{tenant}"}}[1d]))')
    return int(float(found[0]["value"][1])) if found else 0
