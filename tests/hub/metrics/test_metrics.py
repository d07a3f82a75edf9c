"""hub.metrics in one process: apps count apart, names stay those dashboards know, and the
shared directory of `serve --workers N` is made only for several workers and cleaned up."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from hub.metrics import (
    MULTIPROCESS_DIR_ENV,
    Metrics,
    count,
    process_families,
    shared_between_workers,
)


def test_two_apps_in_one_process_count_apart() -> None:
    first, second = Metrics(), Metrics()
    for metrics in (first, second):  # the same names twice: no "Duplicated timeseries"
        metrics.inc("dotmac_ingest_rejected_total", "Messages refused", reason="duplicate")
    first.observe("GET", "/sites", 200, 0.01)
    assert first.value("dotmac_hub_requests_total", method="GET", route="/sites",
                       status="200") == 1
    assert second.value("dotmac_hub_requests_total", method="GET", route="/sites",
                        status="200") == 0
    assert second.value("dotmac_ingest_rejected_total", reason="duplicate") == 1


def test_exposed_names_are_the_ones_dashboards_and_alerts_use() -> None:
    metrics = Metrics()
    metrics.observe("GET", "/sites", 401, 0.02)
    metrics.auth_failure("audience")
    metrics.inc("dotmac_ingest_late_readings_skipped_total", "Late readings", 3)
    families = {line.split()[2] for line in metrics.render().splitlines()
                if line.startswith("# TYPE")}
    # Process-wide counters (hub.metrics.count) appear once another test in this process
    # counted one; they are checked where they are counted.
    assert families - process_families() == {
        "dotmac_hub_requests_total", "dotmac_hub_auth_failures_total",
        "dotmac_hub_request_seconds", "dotmac_ingest_late_readings_skipped_total"}
    assert "_created" not in metrics.render()


def test_process_counters_show_in_every_metrics_of_the_process() -> None:
    first, second = Metrics(), Metrics()
    before = first.value("dotmac_test_process_total", kind="x")
    count("dotmac_test_process_total", "A process-wide counter", kind="x")
    assert first.value("dotmac_test_process_total", kind="x") == before + 1
    assert second.value("dotmac_test_process_total", kind="x") == before + 1
    assert "dotmac_test_process_total" in process_families()
    assert "dotmac_test_process_total" in second.render()


def test_one_worker_needs_no_shared_directory() -> None:
    with shared_between_workers(1):
        assert MULTIPROCESS_DIR_ENV not in os.environ


def test_several_workers_get_a_private_directory_removed_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with shared_between_workers(2):
        shared = Path(os.environ[MULTIPROCESS_DIR_ENV])
        assert shared.parent == tmp_path and shared.is_dir()
        (shared / "counter_1.db").write_bytes(b"")  # what a worker leaves behind
    assert MULTIPROCESS_DIR_ENV not in os.environ
    assert not shared.exists()
