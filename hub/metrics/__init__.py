"""Prometheus metrics of a hub process, kept by prometheus_client.

Every `Metrics` (one per API app or standalone worker) has its own registry, so the many
apps a test run builds in one process neither share nor clash over a series. Under
`dotmac-hub serve --workers N` the serve command points PROMETHEUS_MULTIPROC_DIR at a private
directory before the workers start: each worker then writes its values to files there and
whichever worker answers a scrape sums every worker's files, so one scrape shows the totals.

A gauge added here must say how workers combine (`multiprocess_mode=`), or a scrape under
several workers shows one series per worker pid. Gauges of the whole hub read from its
database (queue ages, agents offline: `hub.hub_health`) are no such gauge: a collector that
answers from this process's own snapshot, registered with `add_live` where the scrape reads,
never written to the shared files. A standalone worker (no API) serves its registry on a
port of its own: `hub.metrics.server`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# Delays of seconds to an hour: an agent's message in real time, or one queued through an
# outage (dotmac_ingest_lag_seconds).
LAG_BUCKETS = (0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0,
               3600.0)
MULTIPROCESS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"

# Dashboards and alert rules know the series this hub has always exposed; a `_created`
# twin of every counter would be new series nobody asked for (multiprocess mode has none).
disable_created_metrics()  # type: ignore[no-untyped-call]  # the library's own


def multiprocess_dir() -> str | None:
    """The directory the workers of `serve --workers N` share, or None in one process."""
    return os.environ.get(MULTIPROCESS_DIR_ENV) or None


def _exposed(own: CollectorRegistry) -> CollectorRegistry:
    """What a scrape reads: this process's registry, or every worker's files."""
    path = multiprocess_dir()
    if path is None:
        return own
    merged = CollectorRegistry()
    multiprocess.MultiProcessCollector(merged, path)  # type: ignore[no-untyped-call]
    return merged


def mark_process_dead() -> None:
    """Drop this worker's live-only values from the shared directory as it exits.

    Counters stay (totals must not fall when a worker is replaced); only gauges declared
    `livesum`/`liveall`/... disappear. Nothing to do in a single process.
    """
    path = multiprocess_dir()
    if path is not None:
        multiprocess.mark_process_dead(os.getpid(), path)  # type: ignore[no-untyped-call]


@contextmanager
def shared_between_workers(workers: int) -> Iterator[None]:
    """Around `uvicorn.run`: with several workers, a private directory they all count into.

    It must exist, and be in the environment, before the workers start: prometheus_client
    chooses per-process or shared values when it is first imported (uvicorn spawns fresh
    interpreters that inherit the environment). Removed when the server stops, so counts
    of a previous run never leak into the next. One process needs none of this.
    """
    if workers <= 1:
        yield
        return
    previous = os.environ.get(MULTIPROCESS_DIR_ENV)
    path = tempfile.mkdtemp(prefix="dotmac-hub-metrics-")
    os.environ[MULTIPROCESS_DIR_ENV] = path
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(MULTIPROCESS_DIR_ENV, None)
        else:
            os.environ[MULTIPROCESS_DIR_ENV] = previous
        shutil.rmtree(path, ignore_errors=True)


# Counters of work done where no Metrics is at hand (domain-event handlers inside ingest's
# transaction, background loops): one family per name for the whole process, shown by every
# Metrics of the process (and, under `serve --workers N`, summed from the shared directory
# like every other counter).
_PROCESS_REGISTRY = CollectorRegistry()
_PROCESS_FAMILIES: dict[str, Counter] = {}


def count(name: str, help_text: str, amount: float = 1, **labels: str) -> None:
    """Add to a process-wide counter family, e.g. `dotmac_fleet_config_acks_total{status=}`."""
    family = _PROCESS_FAMILIES.get(name)
    if family is None:
        family = Counter(name, help_text, sorted(labels), registry=_PROCESS_REGISTRY)
        _PROCESS_FAMILIES[name] = family
    (family.labels(**labels) if labels else family).inc(amount)


def process_families() -> frozenset[str]:
    """Names of the process-wide counters created so far."""
    return frozenset(_PROCESS_FAMILIES)


class _ProcessCounters(Collector):
    """Shows the process-wide counters in a Metrics registry (those counted at least once)."""

    def collect(self) -> Iterable[Metric]:
        """The families with at least one sample."""
        return [family for family in _PROCESS_REGISTRY.collect() if family.samples]


class Metrics:
    """Request counters and latency histogram, plus counters other subsystems add by name."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.exposed = _exposed(self.registry)
        self._requests = Counter("dotmac_hub_requests_total",
                                 "HTTP requests by route template and status",
                                 ("method", "route", "status"), registry=self.registry)
        self._auth_failures = Counter("dotmac_hub_auth_failures_total",
                                      "Refused credentials by reason", ("reason",),
                                      registry=self.registry)
        self._latency = Histogram("dotmac_hub_request_seconds",
                                  "Request latency by route template", ("method", "route"),
                                  buckets=LATENCY_BUCKETS, registry=self.registry)
        # Series of each (method, route template, status) seen, kept so that a request
        # costs two increments, not two label look-ups (`labels()` is the slow part).
        self._by_request: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        # Other subsystems' counters (ingest, webhooks...), created on first use by name.
        self.families: dict[str, Counter] = {}
        self.histograms: dict[str, Histogram] = {}
        self.registry.register(_ProcessCounters())

    def inc(self, name: str, help_text: str, amount: float = 1, **labels: str) -> None:
        """Add to a counter family, e.g. `dotmac_ingest_rejected_total{reason=...}`."""
        family = self.families.get(name)
        if family is None:
            family = Counter(name, help_text, sorted(labels), registry=self.registry)
            self.families[name] = family
        (family.labels(**labels) if labels else family).inc(amount)

    def observe_seconds(self, name: str, help_text: str, seconds: float,
                        buckets: tuple[float, ...] = LATENCY_BUCKETS, **labels: str) -> None:
        """Add an observation to a histogram family, e.g. `dotmac_ingest_lag_seconds`.

        The family is made on first use with these buckets (later calls' are not looked at).
        Histograms sum across the workers of `serve --workers N` like counters do."""
        family = self.histograms.get(name)
        if family is None:
            family = Histogram(name, help_text, sorted(labels), buckets=buckets,
                               registry=self.registry)
            self.histograms[name] = family
        (family.labels(**labels) if labels else family).observe(seconds)

    def add_live(self, collector: Collector) -> None:
        """Show a collector's families in every scrape this process answers.

        For values computed in this process (a snapshot of the database): registered on the
        registry the scrape reads, also under `serve --workers N`, where they bypass the
        shared files (the worker answering the scrape shows its own snapshot, once)."""
        self.exposed.register(collector)
        if self.exposed is not self.registry:
            self.registry.register(collector)  # `value()` and tests read this one

    def value(self, name: str, **labels: str) -> float:
        """This process's value of one counter (0 when never incremented)."""
        return self.registry.get_sample_value(name, labels) or 0.0

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Record one finished request."""
        children = self._by_request.get((method, route, status))
        if children is None:
            children = (self._requests.labels(method, route, str(status)),
                        self._latency.labels(method, route))
            self._by_request[(method, route, status)] = children
        children[0].inc()
        children[1].observe(seconds)

    def auth_failure(self, reason: str) -> None:
        """Record a refused credential by reason (the client never sees the reason)."""
        self._auth_failures.labels(reason).inc()

    def render(self) -> str:
        """The exposition text (every worker's totals under `serve --workers N`)."""
        return generate_latest(self.exposed).decode()


class MetricsMiddleware:
    """ASGI middleware timing each HTTP request and labelling it by its route template."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; record status, template and duration when it ends."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self._record(scope, status["code"], time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route: Any = scope.get("route")
        # Unmatched paths share one label so scanners cannot blow up the series count.
        template = getattr(route, "path", None) or "<unmatched>"
        self.metrics.observe(scope["method"], template, status, seconds)
        state = scope.get("state") or {}
        reason = state.get("auth_failure")
        if reason:
            self.metrics.auth_failure(reason)
