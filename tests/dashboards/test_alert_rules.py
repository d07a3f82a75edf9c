"""The hub's alert rules (dashboards/prometheus/hub-alerts.yml) fire on the failure they name
and stay silent for a healthy hub, evaluated by a real VictoriaMetrics.

Each case is 90 minutes of the hub's own metrics (a real `hub.metrics` registry driven with
the hub's counter names, scraped every 30 s into VictoriaMetrics: tests/dashboards/
hub_metrics.py), at a time of its own in the past and under an `instance` of its own. The
healthy case makes every expression return nothing; each failure case changes one thing
(rejections, storage retries, failed webhooks, 5xx answers...) and must make its rule, and
only its rule, return a series. vmalert itself checks the file (`-dryRun`), and every metric
a rule reads must be one the hub's code exports.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import urllib.parse
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from dashboards import root
from tests.dashboards.hub_metrics import HEALTHY_QUEUES, TENANT_A, TENANT_B, Load, scrape_into
from tests.services._proc import require_binary
from tests.services.victoria import Victoria

RULES = root() / "prometheus" / "hub-alerts.yml"
HUB = Path(__file__).resolve().parents[2] / "hub"
HEALTHY = Load()
# failure -> (the alert it must fire, the one change to a healthy hub that makes it)
FAILURES: dict[str, tuple[str, Load]] = {
    "ingest stores nothing": ("HubIngestStalled",
                              replace(HEALTHY, stored=0, samples=0, device_events={})),
    "ingest worker gone": ("HubIngestStalled", replace(HEALTHY, ingest_up=False)),
    "evaluator makes no pass": ("HubAlarmEvaluatorStalled", replace(HEALTHY, eval_passes=0)),
    "evaluator gone": ("HubAlarmEvaluatorStalled", replace(HEALTHY, evaluator_up=False)),
    "hub-health gauges not scraped": ("HubHealthGaugesMissing",
                                      replace(HEALTHY, health_up=False)),
    "hub-health passes failing": ("HubHealthGaugesMissing",
                                  replace(HEALTHY, health_failures=1)),
}


def _queue(queue: str, age_s: float) -> Load:
    """A healthy hub whose `queue` has a row waiting `age_s`."""
    return replace(HEALTHY, queue_ages={**HEALTHY_QUEUES, queue: age_s})



_ONE_EACH: dict[str, Load] = {
    "HubIngestRejecting": replace(HEALTHY, rejected={"duplicate": 4, "revoked_agent": 5}),
    "HubIngestStorageRetrying": replace(HEALTHY, retries=1),
    "HubRollupReadingsSkipped": replace(HEALTHY, late=2),
    "HubAgentClockOff": replace(HEALTHY, clock_off=1),
    "HubWebhooksFailing": replace(HEALTHY, delivered=2, webhook_failed=8),
    "HubWebhookDeadLetters": replace(HEALTHY, webhook_dead=1),
    "HubAlarmEmailFailing": replace(HEALTHY, emails_failed=1),
    "HubApi5xxRate": replace(HEALTHY, failed_requests=3),
    "HubApiSlow": replace(HEALTHY, request_s=3.0),
    "HubAuthFailureSurge": replace(HEALTHY, auth_failures=20),  # 200 in 5 minutes
    "HubConfigRejectedByAgents": replace(HEALTHY, config_rejects=1),
    "HubAlarmHandlerFailing": replace(HEALTHY, handler_failures=1),
    "HubAlarmEvaluatorFailing": replace(HEALTHY, eval_failures=1),
    "HubAlarmEvaluatorSlow": replace(HEALTHY, eval_pass_s=20.0),
    "HubIngestLagging": replace(HEALTHY, lag_s=600.0),
    "HubOutboxStuck": _queue("event_outbox", 400.0),
    "HubWebhookBacklog": _queue("webhook_deliveries", 7200.0),
    "HubAlarmNotificationsStuck": _queue("alarm_notifications", 2400.0),
    "HubProvisioningJobsWaiting": _queue("provisioning_jobs", 5400.0),
    "HubAgentsOffline": replace(HEALTHY, agents={TENANT_A: (0, 4), TENANT_B: (6, 10)}),
    "HubCriticalAlarmUnacknowledged": replace(HEALTHY, alarms={
        (TENANT_A, "critical", "acknowledged"): 1, (TENANT_B, "critical", "raised"): 1}),
}
FAILURES.update({alert: (alert, load) for alert, load in _ONE_EACH.items()})
SPAN = timedelta(minutes=90)


def _rules() -> dict[str, dict[str, Any]]:
    doc = yaml.safe_load(RULES.read_text())
    return {rule["alert"]: rule for group in doc["groups"] for rule in group["rules"]}


def _evaluate(url: str, expr: str, at: datetime) -> list[dict[str, Any]]:
    params = urllib.parse.urlencode({"query": expr, "time": int(at.timestamp())})
    with urllib.request.urlopen(f"{url}/api/v1/query?{params}", timeout=20) as resp:
        body = json.load(resp)
    assert body["status"] == "success", (expr, body)
    found: list[dict[str, Any]] = body["data"]["result"]
    return found


def _firing(url: str, at: datetime) -> set[str]:
    return {alert for alert, rule in _rules().items() if _evaluate(url, rule["expr"], at)}


def _case(victoria: Victoria, load: Load, days_ago: int) -> datetime:
    """A hub running `load` for SPAN, ending `days_ago` days ago (its own instance)."""
    end = (datetime.now(UTC) - timedelta(days=days_ago)).replace(second=0, microsecond=0)
    scrape_into(victoria.url, f"rules-{secrets.token_hex(4)}:9100", end - SPAN, end,
                lambda _: load)
    return end


@pytest.fixture(scope="module")
def healthy_at(victoria: Victoria) -> datetime:
    """When the healthy hub's metrics end."""
    return _case(victoria, HEALTHY, 400)


def test_the_file_is_valid_for_vmalert() -> None:
    binary = require_binary("vmalert", "victoria-metrics", ("/usr/bin",))
    done = subprocess.run([binary, "-dryRun", f"-rule={RULES}", "-loggerLevel=ERROR"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_every_rule_says_what_broke_and_what_to_do() -> None:
    rules = _rules()
    assert set(rules) == {alert for alert, _ in FAILURES.values()}
    for alert, rule in rules.items():
        assert rule["labels"]["severity"] in ("critical", "major", "warning"), alert
        assert rule["annotations"]["summary"], alert
        assert len(rule["annotations"]["description"]) > 60, alert


def test_every_rule_reads_metrics_the_hub_exports() -> None:
    source = "\n".join(p.read_text() for p in HUB.rglob("*.py"))
    exported = set(re.findall(r'"(dotmac_[a-z0-9_]+)"', source))
    for alert, rule in _rules().items():
        read = {re.sub(r"_(bucket|count|sum)$", "", m)
                for m in re.findall(r"\b(dotmac_[a-z0-9_]+)", rule["expr"])}
        assert read and read <= exported, (alert, sorted(read - exported))


def test_a_healthy_hub_fires_nothing(victoria: Victoria, healthy_at: datetime) -> None:
    assert _firing(victoria.url, healthy_at) == set()
    # the healthy hub is not empty: its rejections (duplicates), requests and webhooks exist
    assert _evaluate(victoria.url, 'sum(dotmac_ingest_rejected_total{reason="duplicate"})',
                     healthy_at)


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_each_failure_fires_its_rule_and_only_it(victoria: Victoria, failure: str) -> None:
    alert, load = FAILURES[failure]
    days_ago = 401 + sorted(FAILURES).index(failure)
    at = _case(victoria, load, days_ago)
    assert _firing(victoria.url, at) == {alert}


@pytest.mark.parametrize("alert", ["HubAgentsOffline", "HubCriticalAlarmUnacknowledged"])
def test_tenant_rules_name_the_tenant(victoria: Victoria, alert: str) -> None:
    """Per-tenant rules fire once, for the tenant in trouble (not for every API replica)."""
    days_ago = 399 - ["HubAgentsOffline", "HubCriticalAlarmUnacknowledged"].index(alert)
    at = _case(victoria, FAILURES[alert][1], days_ago)
    # a second API replica, scraped at the same times, shows the same database
    scrape_into(victoria.url, f"replica-{secrets.token_hex(4)}:9100", at - SPAN, at,
                lambda _: FAILURES[alert][1])
    found = _evaluate(victoria.url, _rules()[alert]["expr"], at)
    assert [series["metric"] for series in found] == [{"tenant": TENANT_B}]
