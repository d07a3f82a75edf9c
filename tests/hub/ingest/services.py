"""Restartable private servers for the outage tests (the session fixtures are shared).

VictoriaMetrics runs with `-dedup.minScrapeInterval=1ms`, the setting docs/ingest.md asks
for in production: a write repeated after a crash between the store write and the
database commit then collapses to one sample, as InfluxDB does by itself.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.services._proc import ManagedProcess, free_port, require_binary, tcp_open, wait_until
from tests.services.postgres import Postgres, _start_private_cluster


@dataclass
class PrivateVictoria:
    """VictoriaMetrics that can be stopped and started again on the same port and data."""

    workdir: Path
    port: int
    process: ManagedProcess | None = None

    @property
    def url(self) -> str:
        """Base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start (again) with the same data folder."""
        binary = require_binary("victoria-metrics", "victoria-metrics", ("/usr/bin",))
        argv = [binary, f"-httpListenAddr=127.0.0.1:{self.port}",
                f"-storageDataPath={self.workdir / 'data'}", "-retentionPeriod=100y",
                "-search.latencyOffset=0s", "-loggerLevel=WARN", "-search.disableCache",
                "-dedup.minScrapeInterval=1ms"]
        self.process = ManagedProcess(argv, self.workdir / "vm.log").start()
        wait_until(lambda: tcp_open(self.port), 30, "private victoria", self.workdir / "vm.log")

    def stop(self) -> None:
        """Stop it (its data stays)."""
        if self.process is not None:
            self.process.stop()

    def query(self, promql: str) -> list[dict[str, Any]]:
        """Instant PromQL query after a flush."""
        urllib.request.urlopen(f"{self.url}/internal/force_flush", timeout=10).close()
        params = urllib.parse.urlencode({"query": promql})
        with urllib.request.urlopen(f"{self.url}/api/v1/query?{params}", timeout=10) as resp:
            return list(json.load(resp)["data"]["result"])


def private_victoria(workdir: Path) -> PrivateVictoria:
    """Start a private VictoriaMetrics."""
    workdir.mkdir(parents=True, exist_ok=True)
    vm = PrivateVictoria(workdir, free_port())
    vm.start()
    return vm


class PrivatePostgres:
    """A private initdb cluster this test may stop and start (never the shared server)."""

    def __init__(self, workdir: Path) -> None:
        self.pg: Postgres = _start_private_cluster(workdir)

    def stop(self) -> None:
        """Stop the server process (the cluster stays on disk)."""
        assert self.pg.process is not None
        self.pg.process.stop()

    def start(self) -> None:
        """Start the same cluster on the same port."""
        assert self.pg.process is not None
        self.pg.process = ManagedProcess(self.pg.process.argv, self.pg.process.log_path).start()
        wait_until(lambda: tcp_open(self.pg.port), 30, "private postgres", None)

    def close(self) -> None:
        """Drop everything."""
        self.pg.stop()
