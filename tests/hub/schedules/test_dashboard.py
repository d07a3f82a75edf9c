"""The hub-health dashboard's schedule panels show what the scheduler did: a real scheduler
runs one schedule that succeeds and one that fails for good, a third is left overdue; the
hub-health gauges read from that database and the scheduler's run counter are scraped into
VictoriaMetrics every 30 s, and each panel's query must show those numbers."""

from __future__ import annotations

import json
import secrets
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import select

from dashboards import root
from hub.hub_health import HubHealthCollector, take
from hub.metrics import Metrics
from hub.schedules.models import ScheduleRun
from hub.schedules.scheduler import RUNS, Scheduler
from hub.schedules.settings import SchedulerSettings
from tests.dashboards.hub_metrics import _stamped
from tests.dashboards.test_dashboards import Filled, _series, queried
from tests.hub.harness import Hub
from tests.hub.schedules.support import Effects, only_tasks, set_schedule
from tests.services.victoria import Victoria

TITLES = ("Schedules overdue", "Schedules failed for good",
          "Schedule runs retrying and failed (24 h)", "Scheduled runs by status")
SCRAPE = timedelta(seconds=30)


def _scrape(metrics: Metrics, at: datetime) -> str:
    """The schedule series of a scrape at `at`: the VictoriaMetrics of the test run is shared,
    and other dashboards' tests count the other series this registry shows (process-wide
    counters, the hub-health gauges of every tenant in this database)."""
    text = "\n".join(line for line in metrics.render().splitlines()
                     if line.startswith(("dotmac_hub_schedule_", "dotmac_hub_schedules_")))
    return _stamped(text, at)


def _panels() -> dict[str, dict[str, Any]]:
    doc = json.loads((root() / "hub-health.json").read_text())
    return {p["title"]: p for _, p in queried(doc) if p["title"] in TITLES}


def _import(vm_url: str, body: str) -> None:
    labels = urllib.parse.urlencode([("extra_label", "job=dotmac-hub"),
                                     ("extra_label", f"instance=sched-{secrets.token_hex(4)}")])
    request = urllib.request.Request(f"{vm_url}/api/v1/import/prometheus?{labels}",
                                     data=body.encode(), method="POST")
    with urllib.request.urlopen(request, timeout=60) as resp:
        assert resp.status == 204
    urllib.request.urlopen(f"{vm_url}/internal/force_flush", timeout=10).close()


def _last(target: dict[str, Any], f: Filled) -> dict[str, float]:
    return {",".join(f"{k}={v}" for k, v in sorted(s["metric"].items())):
            float(s["values"][-1][1]) for s in _series(target, {}, f)}


async def test_schedule_panels_show_runs_failures_and_overdue(
        hub: Hub, pg_url: str, victoria: Victoria) -> None:
    owner = await hub.new_tenant("panels")
    sessions = hub.app.state.sessions
    now = datetime.now(UTC).replace(microsecond=0)
    metrics = Metrics()
    collector = HubHealthCollector()
    metrics.add_live(collector)
    effects = Effects(failing={"panel-bad"})
    kinds = {"test.panel.ok": "latest", "test.panel.bad": "latest",
             "test.panel.late": "latest"}
    with only_tasks(kinds, effects):
        for kind in kinds:  # the counter's series exist from the first scrape on
            metrics.inc(RUNS, "Schedule runs ended, by kind and status", 0, kind=kind,
                        status="succeeded" if kind.endswith("ok") else "failed")
        body, at, start = [], now - timedelta(minutes=20), now - timedelta(minutes=20)
        while at <= now - timedelta(minutes=10):
            body.append(_scrape(metrics, at))
            at += SCRAPE
        for kind in ("test.panel.ok", "test.panel.bad"):
            await set_schedule(sessions, owner.tenant_id, kind, "0 5 * * *",
                               datetime.now(UTC) - timedelta(seconds=1),
                               {"tag": kind.replace("test.", "").replace(".", "-")})
        await Scheduler(sessions, SchedulerSettings(max_attempts=1), metrics).tick()
        await set_schedule(sessions, owner.tenant_id, "test.panel.late", "0 5 * * *",
                           datetime.now(UTC) - timedelta(minutes=20), {"tag": "late"})
        async with sessions() as session, session.begin():
            collector.snapshot = await take(session)
        while at <= now:
            body.append(_scrape(metrics, at))
            at += SCRAPE
    _import(victoria.url, "".join(body))
    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    filled = Filled(dsn, victoria.url, str(owner.tenant_id), start, now)
    panels = _panels()
    assert set(panels) == set(TITLES)
    # the package's database holds other tests' schedules too: the panels show the totals
    # the hub-health pass read, of which these tests' are known
    shot = collector.snapshot.schedules
    assert shot["test.panel.late"][0] == 1 and shot["test.panel.bad"][1] == 1
    assert shot["test.panel.ok"][1] == 0 and shot["test.panel.ok"][2] is not None
    (overdue,) = panels["Schedules overdue"]["targets"]
    assert _last(overdue, filled) == {"": float(sum(v[0] for v in shot.values()))}
    (failed,) = panels["Schedules failed for good"]["targets"]
    assert _last(failed, filled) == {"": float(sum(v[1] for v in shot.values()))}
    (runs,) = panels["Scheduled runs by status"]["targets"]
    # `or vector(0)` keeps the panel at 0, not "No data", before any run ended
    assert _last(runs, filled) == {"": 0.0, "status=failed": 1.0, "status=succeeded": 1.0}
    (table,) = panels["Schedule runs retrying and failed (24 h)"]["targets"]
    async with sessions() as session:
        recent = (await session.execute(select(ScheduleRun.status).where(
            ScheduleRun.due_at > datetime.now(UTC) - timedelta(hours=24)))).scalars().all()
    expected = (recent.count("retrying"), sum(s in ("failed", "abandoned") for s in recent))
    assert expected[1] >= 1
    with psycopg.connect(dsn) as conn:
        assert conn.execute(table["rawSql"]).fetchall() == [expected]
