"""The hub-health dashboard shows the hub's own counters and queues as they are.

VictoriaMetrics gets 90 minutes of the hub's Prometheus metrics, scraped every 30 s from a
real `hub.metrics.Metrics` driven with the hub's counter names (tests/dashboards/
hub_metrics.py): 150 messages stored and 10 refused (4 duplicates, 6 bad signatures) per
scrape, messages 2 s late, 60 good API requests and 3 answered 500, 10 webhooks delivered
and 2 failed..., and the hub-health gauges (queue ages, agents offline, devices down, open
alarms) through the real collector. A migrated hub database holds agent health rows (the
agents' own queues). Every panel is run as Grafana runs it and must show the number that
load makes; every metric a panel reads must be one the hub's code exports.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import pytest_asyncio

from dashboards import root
from hub.ingest.models import AgentHealthRow
from tests.dashboards.hub_metrics import TENANT_A, TENANT_B, Load, scrape_into
from tests.dashboards.test_dashboards import Filled, _run, _series, _substitute, queried
from tests.hub.harness import drop_database
from tests.hub.ingest.harness import (
    engine_and_sessions,
    migrated_database,
    new_tenancy,
    register_agent,
    token,
)
from tests.services.postgres import Postgres
from tests.services.victoria import Victoria

PATH = root() / "hub-health.json"
HUB = Path(__file__).resolve().parents[2] / "hub"
QUEUE_AGES = {"event_outbox": 45.0, "webhook_deliveries": 600.0, "alarm_notifications": 120.0,
              "provisioning_jobs": 0.0}  # 0: nothing queued
LOAD = Load(rejected={"duplicate": 4, "bad_signature": 6}, failed_requests=3,
            webhook_failed=2, emails_failed=1, queue_ages=QUEUE_AGES,
            agents={TENANT_A: (2, 4), TENANT_B: (1, 10)},
            devices_down={TENANT_A: 3, TENANT_B: 1},
            alarms={(TENANT_A, "critical", "raised"): 1, (TENANT_A, "critical", "acknowledged"): 2,
                    (TENANT_B, "major", "raised"): 4, (TENANT_B, "minor", "raised"): 0})
MINUTE = timedelta(minutes=1)
# (state, lag_s, oldest queued age s, queue depth); the offline agent's numbers are stale
AGENTS = (("online", 12.0, 30.0, 40), ("online", 4.0, 5.0, 2), ("offline", 900.0, 4000.0, 99))


@dataclass
class Health:
    """Where the hub's metrics and queues were put."""

    filled: Filled
    now: datetime


def _doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(PATH.read_text())
    return doc


async def _agent_health(sessions: Any) -> None:
    """Agent health of three agents (the agents' own queues)."""
    where = await new_tenancy(sessions)
    async with sessions() as session, session.begin():
        for state, lag, age, depth in AGENTS:
            agent = await register_agent(sessions, where, token("hh"))
            session.add(AgentHealthRow(agent_id=agent, tenant_id=where.tenant_id,
                                       site_id=where.site_id, agent_name=token("hh"),
                                       state=state, lag_s=lag, oldest_queued_age_s=age,
                                       queue_depth=depth))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def health(postgres: Postgres, victoria: Victoria) -> AsyncIterator[Health]:
    """90 minutes of scraped hub metrics ending now, and a database with agent health."""
    now = datetime.now(UTC).replace(microsecond=0)
    scrape_into(victoria.url, f"hub-health-{secrets.token_hex(4)}:9100", now - 90 * MINUTE,
                now, lambda _: LOAD)
    url = migrated_database(postgres, "hubhealth")
    name = url.rsplit("/", 1)[1]
    engine, sessions = engine_and_sessions(url)
    try:
        await _agent_health(sessions)
    finally:
        await engine.dispose()
    dsn = f"host={postgres.host} port={postgres.port} user={postgres.user} dbname={name}"
    yield Health(Filled(dsn, victoria.url, str(uuid.uuid4()), now - 30 * MINUTE, now), now)
    drop_database(postgres.admin_dsn, name)


def _panel(title: str) -> dict[str, Any]:
    return next(p for _, p in queried(_doc()) if p["title"] == title)


def _last(title: str, h: Health, ref: str = "A") -> dict[str, float]:
    """A VictoriaMetrics panel's last value per legend-relevant label set."""
    target = next(t for t in _panel(title)["targets"] if t["refId"] == ref)
    return {",".join(f"{k}={v}" for k, v in sorted(s["metric"].items())):
            float(s["values"][-1][1]) for s in _series(target, {}, h.filled)}


def _row(title: str, h: Health) -> dict[str, Any]:
    (target,) = _panel(title)["targets"]
    with psycopg.connect(h.filled.dsn) as conn:
        cur = conn.execute(_substitute(target["rawSql"], {}, h.filled))
        names = [c.name for c in cur.description or ()]
        (row,) = cur.fetchall()
    return {n: float(v) for n, v in zip(names, row, strict=True)}


def test_hub_health_is_well_formed() -> None:
    doc = _doc()
    assert doc["uid"] == "dotmac-hub-health"
    assert [v["name"] for v in doc["templating"]["list"]] == ["DS_VICTORIA", "DS_HUBDB"]
    rows = [p["title"] for p in doc["panels"] if p["type"] == "row"]
    assert rows == ["Ingest", "Queues", "API", "Fleet", "Alarms"]


def test_every_panel_reads_metrics_the_hub_exports() -> None:
    """A renamed counter in hub/ must not leave a panel silently empty."""
    source = "\n".join(p.read_text() for p in HUB.rglob("*.py"))
    exported = set(re.findall(r'"(dotmac_[a-z0-9_]+)"', source))
    read = set()
    for _, panel in queried(_doc()):
        for target in panel["targets"]:
            if "expr" in target:
                read |= {re.sub(r"_(bucket|count|sum)$", "", m)
                         for m in re.findall(r"\b(dotmac_[a-z0-9_]+)", target["expr"])}
    assert read and read <= exported, sorted(read - exported)


def test_every_panel_returns_data(health: Health) -> None:
    for _, panel in queried(_doc()):
        for target in panel["targets"]:
            points = _run(target, {}, health.filled)
            assert points > 0, f"hub-health / {panel['title']} / {target['refId']}: no data"


def test_ingest_panels(health: Health) -> None:
    # every message 2 s late: inside the (1 s, 2.5 s] bucket, 95 % of the way up it
    assert _last("Ingest lag p95 (5 min)", health) == {"": pytest.approx(1.0 + 1.5 * 0.95)}
    assert _last("Ingest lag p95 by channel", health) == {
        "channel=health": pytest.approx(2.425), "channel=telemetry": pytest.approx(2.425)}
    assert _last("Rejected share (15 min)", health) == {"": pytest.approx(6 / 160)}
    assert _last("Storage retries (5 min)", health) == {"": 0.0}  # none: 0, not "No data"
    assert _last("Late readings skipped (1 h)", health) == {"": 0.0}
    per_s = 30.0  # one scrape interval
    assert _last("Ingest rate", health) == {"result=rejected": pytest.approx(10 / per_s),
                                            "result=stored": pytest.approx(150 / per_s)}
    assert _last("Ingest rate", health, "B") == {"": pytest.approx(1500 / per_s)}
    assert _last("Rejections by reason", health) == {
        "reason=bad_signature": pytest.approx(6 / per_s)}  # duplicates are redeliveries
    assert _last("Device events ingested", health) == {
        "origin=snmp_trap": pytest.approx(3 / per_s), "origin=syslog": pytest.approx(6 / per_s)}


def test_fleet_and_alarm_failure_counts_show_zero_not_no_data(health: Health) -> None:
    # process-wide counters: other tests of this process may have made other label sets,
    # none of which moved during this hub's 90 minutes
    assert set(_last("Config refused by agents", health).values()) == {0.0}
    assert set(_last("Alarm handler failures", health).values()) == {0.0}
    assert _last("Evaluator failures (15 min)", health) == {"": 0.0}
    assert _last("Evaluator pass time (15 min)", health) == {"": pytest.approx(0.4)}
    assert _last("Evaluator passes and alarm changes", health) == {"": pytest.approx(20)}
    assert _last("Evaluator passes and alarm changes", health, "B") == {
        "change=raised": pytest.approx(10)}
    pushed = _last("Config pushes by outcome", health)["outcome=pushed"]
    assert pushed == pytest.approx(120)  # one per 30-s scrape for the hour


def test_api_and_webhook_panels(health: Health) -> None:
    assert _last("API 5xx share (5 min)", health) == {"": pytest.approx(3 / 63)}
    # every request took 20 ms: inside the (10 ms, 25 ms] bucket, 95 % of the way up it
    assert _last("API p95 latency (5 min)", health) == {"": pytest.approx(0.01 + 0.015 * 0.95)}
    assert _last("API 5xx by route", health) == {
        "method=POST,route=/alarms/{alarm_id}/ack": pytest.approx(3 / 30)}
    assert _last("API requests by status", health) == {"status=200": pytest.approx(2.0),
                                                       "status=500": pytest.approx(0.1)}
    assert _last("Webhook failure share", health) == {"": pytest.approx(2 / 12)}
    assert _last("Alarm e-mail attempts", health) == {"outcome=failed": pytest.approx(1 / 30),
                                                      "outcome=sent": pytest.approx(2 / 30)}


def test_queue_panels_show_the_hub_gauges(health: Health) -> None:
    agents = _row("Oldest agent queue", health)  # the agents' own reports, hub database
    assert agents == {"oldest_queued_age_s": 30.0, "queued": 42.0}
    for title, queue in (("Outbox not fanned out", "event_outbox"),
                         ("Webhook deliveries waiting", "webhook_deliveries"),
                         ("Alarm notifications waiting", "alarm_notifications"),
                         ("Provisioning jobs queued", "provisioning_jobs")):
        assert _last(title, health) == {"": QUEUE_AGES[queue]}, title
    assert _last("Oldest waiting by queue", health) == {
        f"queue={queue}": age for queue, age in QUEUE_AGES.items()}
    assert _last("Rows waiting by queue", health) == {
        f"queue={queue}": 2.0 if age else 0.0 for queue, age in QUEUE_AGES.items()}


def test_tenant_panels_sum_every_tenant(health: Health) -> None:
    assert _last("Agents offline", health) == {"": 3.0}
    assert _last("Devices down", health) == {"": 4.0}
    assert _last("Open critical alarms", health) == {"": 3.0}  # raised and acknowledged
    assert _last("Open alarms by severity", health) == {
        "severity=critical": 3.0, "severity=major": 4.0, "severity=minor": 0.0}
