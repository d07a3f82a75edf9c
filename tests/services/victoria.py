"""VictoriaMetrics: the time-series store that takes influxdb-client (v2 API) writes.

Bucket and org are ignored by VictoriaMetrics, so the tenant travels as a tag. Queries
are PromQL; `-search.latencyOffset=0s` makes just-written points visible at once.

Unlike the field (docs/ingest.md), this instance runs without `-dedup.minScrapeInterval`
on purpose: a point the hub writes twice in normal operation stays visible twice, so the
exactly-once tests catch it. The crash tests start their own instance with deduplication.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._proc import (
    ManagedProcess,
    debian_version,
    free_port,
    require_binary,
    wait_until,
)


@dataclass
class Victoria:
    """A private VictoriaMetrics single-node instance."""

    port: int
    version: str
    process: ManagedProcess
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        """Base URL, also the influxdb-client `url`."""
        return f"http://{self.host}:{self.port}"

    def query(self, promql: str) -> list[dict[str, Any]]:
        """Run an instant PromQL query and return the result vector."""
        params = urllib.parse.urlencode({"query": promql})
        with urllib.request.urlopen(f"{self.url}/api/v1/query?{params}", timeout=10) as resp:
            body = json.load(resp)
        assert body["status"] == "success", body
        return list(body["data"]["result"])

    def flush(self) -> None:
        """Make recent writes searchable now instead of within a second or so."""
        urllib.request.urlopen(f"{self.url}/internal/force_flush", timeout=10).close()

    def stop(self) -> None:
        """Stop VictoriaMetrics."""
        self.process.stop()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def start_victoria(workdir: Path) -> Victoria:
    """Start VictoriaMetrics on a free port with its data in the session folder."""
    binary = require_binary("victoria-metrics", "victoria-metrics", ("/usr/bin",))
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / "victoria-metrics.log"
    argv = [binary, f"-httpListenAddr=127.0.0.1:{port}", f"-storageDataPath={workdir / 'data'}",
            "-retentionPeriod=100y", "-search.latencyOffset=0s", "-loggerLevel=WARN",
            "-search.disableCache"]
    process = ManagedProcess(argv, log).start()
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: _healthy(url), 30, "victoria-metrics", log)
    return Victoria(port, f"VictoriaMetrics {debian_version('victoria-metrics')}", process)
