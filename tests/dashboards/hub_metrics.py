"""The hub's own Prometheus metrics, put into VictoriaMetrics the way a scraper puts them.

A `hub.metrics.Metrics` (the registry every hub process serves on `/metrics`) is driven with
the counter names and labels the hub's code uses (the ingest worker's, the webhook
deliverer's, the API middleware's `observe`, the fleet's and the alarms' process-wide
counters, the ingest lag histogram) and shows the hub-health gauges through the real
`hub.hub_health.HubHealthCollector`, given a snapshot per scrape. Its exposition text is
rendered every scrape interval, stamped with that interval's time and imported through
VictoriaMetrics' `/api/v1/import/prometheus` with the `job` and `instance` labels a
scraper adds. Queries then see what they would see in the field.
"""

from __future__ import annotations

import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hub.alarms.notify.worker import SENT as ALARM_EMAILS
from hub.alarms.worker import CHANGES as EVAL_CHANGES
from hub.alarms.worker import FAILURES as EVAL_FAILURES
from hub.alarms.worker import PASSES as EVAL_PASSES
from hub.alarms.worker import SECONDS as EVAL_SECONDS
from hub.events.delivery import DELIVERIES
from hub.fleet.acks import REJECTS
from hub.fleet.pusher import PUSHES
from hub.hub_health import FAILED_PASSES, HubHealthCollector, Snapshot
from hub.ingest.worker import (
    CLOCK_OFF,
    DEVICE_EVENTS,
    LAG,
    LATE,
    MESSAGES,
    REJECTED,
    RETRIES,
    SAMPLES,
)
from hub.metrics import LAG_BUCKETS, Metrics, count

HANDLER_FAILURES = "dotmac_hub_alarm_handler_failures_total"  # hub/alarms/evaluator.py
SCRAPE = timedelta(seconds=30)
JOB = "dotmac-hub"
TENANT_A, TENANT_B = "6f1c0a52-0000-4000-8000-00000000000a", "6f1c0a52-0000-4000-8000-00000000000b"
HEALTHY_QUEUES = {"event_outbox": 3.0, "webhook_deliveries": 40.0, "alarm_notifications": 0.0,
                  "provisioning_jobs": 20.0}


@dataclass(frozen=True)
class Load:
    """What the hub does in one scrape interval: a healthy hub unless fields say otherwise."""

    ingest_up: bool = True  # False: no ingest worker answers scrapes (dead, or not scraped)
    stored: int = 150
    samples: int = 1500
    rejected: Mapping[str, int] = field(default_factory=lambda: {"duplicate": 4})
    retries: int = 0
    late: int = 0
    clock_off: int = 0
    device_events: Mapping[str, int] = field(
        default_factory=lambda: {"snmp_trap": 3, "syslog": 6})
    ok_requests: int = 60
    failed_requests: int = 0  # answered 500
    request_s: float = 0.02  # every request takes this long
    auth_failures: int = 0
    delivered: int = 10
    webhook_failed: int = 0
    webhook_dead: int = 0
    emails_sent: int = 2
    emails_failed: int = 0
    pushes: int = 1
    config_rejects: int = 0
    handler_failures: int = 0
    evaluator_up: bool = True  # False: no process with the alarm evaluator is scraped
    eval_passes: int = 2  # one every 15 s
    eval_pass_s: float = 0.4
    eval_failures: int = 0  # whole passes that failed
    eval_raised: int = 1
    lag_s: float = 2.0  # receive minus message time of every message observed (ingest_up)
    health_up: bool = True  # False: no hub-health gauges scraped (API not scraped, stale)
    health_failures: int = 0  # hub-health passes that failed
    queue_ages: Mapping[str, float] = field(default_factory=lambda: dict(HEALTHY_QUEUES))
    waiting: int = 2  # rows waiting in each queue with an age
    agents: Mapping[str, tuple[int, int]] = field(  # tenant -> (offline, enrolled)
        default_factory=lambda: {TENANT_A: (0, 4), TENANT_B: (1, 10)})
    devices_down: Mapping[str, int] = field(default_factory=lambda: {TENANT_A: 1, TENANT_B: 0})
    alarms: Mapping[tuple[str, str, str], int] = field(  # (tenant, severity, state) -> open
        default_factory=lambda: {(TENANT_A, "critical", "acknowledged"): 1,
                                 (TENANT_A, "major", "raised"): 2,
                                 (TENANT_B, "critical", "raised"): 0})


def _ingest(metrics: Metrics, load: Load) -> None:
    """As hub.ingest.worker counts a message's outcome and its storage retries."""
    metrics.inc(MESSAGES, "Messages taken from the broker by result", load.stored,
                result="stored")
    metrics.inc(SAMPLES, "Samples written to the time-series store", load.samples)
    for origin, events in load.device_events.items():
        metrics.inc(DEVICE_EVENTS, "Device events", events, origin=origin)
    for reason, refused in load.rejected.items():
        metrics.inc(MESSAGES, "Messages taken from the broker by result", refused,
                    result="rejected")
        metrics.inc(REJECTED, "Messages refused by reason", refused, reason=reason)
    if load.retries:
        metrics.inc(RETRIES, "Storage writes retried", load.retries, kind="OperationalError")
    if load.late:
        metrics.inc(LATE, "Counter readings stored too late", load.late)
    if load.clock_off:
        metrics.inc(CLOCK_OFF, "Agent health messages sent by a clock beyond the hub's clock "
                    "bounds", load.clock_off)


def _lag(metrics: Metrics, load: Load) -> None:
    """As hub.ingest.worker observes stored messages (a sample of them: 10 telemetry batches,
    2 health reports per interval; the quantiles are the same)."""
    for channel, messages in (("telemetry", 10), ("health", 2)):
        for _ in range(messages):
            metrics.observe_seconds(LAG, "Hub receive time minus the agent's message time",
                                    load.lag_s, LAG_BUCKETS, channel=channel)


class _Gauges:
    """The real hub-health collector on a Metrics, given the load's snapshot at each scrape."""

    def __init__(self, metrics: Metrics) -> None:
        self.at = datetime.now(UTC)
        self.collector = HubHealthCollector(clock=lambda: self.at)
        metrics.add_live(self.collector)

    def scrape(self, metrics: Metrics, load: Load, at: datetime) -> None:
        """What a pass read just before the scrape at `at` (nothing when not `health_up`)."""
        self.at = at
        if load.health_failures:
            metrics.inc(FAILED_PASSES, "Hub-health passes that failed", load.health_failures)
        if not load.health_up:
            self.collector.snapshot = None
            return
        queues = {queue: (at - timedelta(seconds=age) if age else None,
                          load.waiting if age else 0)
                  for queue, age in load.queue_ages.items()}
        self.collector.snapshot = Snapshot(time.monotonic(), queues, dict(load.agents),
                                           dict(load.devices_down), dict(load.alarms))


def _api(metrics: Metrics, load: Load) -> None:
    """As hub.metrics.MetricsMiddleware records finished requests."""
    for _ in range(load.ok_requests):
        metrics.observe("GET", "/alarms", 200, load.request_s)
    for _ in range(load.failed_requests):
        metrics.observe("POST", "/alarms/{alarm_id}/ack", 500, load.request_s)
    for _ in range(load.auth_failures):
        metrics.auth_failure("bad_password")


def _outbound(metrics: Metrics, load: Load) -> None:
    """Webhook attempts (hub.events.delivery), alarm e-mails, fleet and alarm counters."""
    for outcome, reason, attempts in (("delivered", "http_2xx", load.delivered),
                                      ("failed", "http_5xx", load.webhook_failed),
                                      ("dead", "http_5xx", load.webhook_dead)):
        if attempts:
            metrics.inc(DELIVERIES, "Webhook attempts by outcome and reason", attempts,
                        outcome=outcome, reason=reason)
    for outcome, reason, emails in (("sent", "ok", load.emails_sent),
                                    ("failed", "refused", load.emails_failed)):
        if emails:
            metrics.inc(ALARM_EMAILS, "Alarm e-mail attempts", emails, outcome=outcome,
                        reason=reason)
    if load.pushes:
        count(PUSHES, "Config documents the hub published or refused to send", load.pushes,
              outcome="pushed")
    if load.config_rejects:
        count(REJECTS, "Config pushes agents refused, by error code", load.config_rejects,
              error_code="unknown_profile")
    if load.handler_failures:
        count(HANDLER_FAILURES, "Alarm evaluations on availability changes that failed",
              load.handler_failures, handler="device_state")


def _evaluator(metrics: Metrics, load: Load) -> None:
    """As hub.alarms.worker.AlarmEvaluator counts its passes."""
    metrics.inc(EVAL_PASSES, "Alarm evaluation passes over every tenant", load.eval_passes)
    metrics.inc(EVAL_SECONDS, "Seconds spent in alarm evaluation passes",
                load.eval_passes * load.eval_pass_s)
    if load.eval_failures:
        metrics.inc(EVAL_FAILURES, "Alarm evaluator failures by stage", load.eval_failures,
                    stage="pass")
    if load.eval_raised:
        metrics.inc(EVAL_CHANGES, "Alarms raised (or still active), cleared and closed by the "
                    "evaluator", load.eval_raised, change="raised")


def _stamped(text: str, at: datetime) -> str:
    """The exposition with every sample line given the scrape's time (ms)."""
    ms = int(at.timestamp() * 1000)
    return "".join(f"{line} {ms}\n" for line in text.splitlines()
                   if line and not line.startswith("#"))


def scrape_into(vm_url: str, instance: str, start: datetime, end: datetime,
                load_at: Callable[[datetime], Load]) -> None:
    """Run the hub's counters from `start` to `end`, scraping every SCRAPE into VictoriaMetrics.

    `load_at(t)` says what the hub does in the interval ending at t. A fresh registry per
    call (a hub process that starts at `start`), labelled `instance` so runs never mix."""
    metrics, at, body = Metrics(), start, []
    gauges = _Gauges(metrics)
    while at <= end:
        load = load_at(at)
        if load.ingest_up:
            _ingest(metrics, load)
            _lag(metrics, load)
        gauges.scrape(metrics, load, at)
        if load.evaluator_up:
            _evaluator(metrics, load)
        _api(metrics, load)
        _outbound(metrics, load)
        body.append(_stamped(metrics.render(), at))
        at += SCRAPE
    labels = urllib.parse.urlencode([("extra_label", f"job={JOB}"),
                                     ("extra_label", f"instance={instance}")])
    request = urllib.request.Request(f"{vm_url}/api/v1/import/prometheus?{labels}",
                                     data="".join(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=60) as resp:
        assert resp.status == 204, resp.status
    urllib.request.urlopen(f"{vm_url}/internal/force_flush", timeout=10).close()
