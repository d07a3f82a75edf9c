"""A tiny Prometheus text exposition: request counts/latency by route, auth failures.

Counters live per process; Prometheus scrapes every hub process and sums, so nothing
here assumes a single process.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels, extra: tuple[str, str] | None = None) -> str:
    pairs = [*labels, extra] if extra else list(labels)
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}"


class Metrics:
    """Counters and one latency histogram, rendered in Prometheus text format 0.0.4."""

    def __init__(self) -> None:
        self.requests: dict[Labels, int] = defaultdict(int)
        self.auth_failures: dict[Labels, int] = defaultdict(int)
        self.latency_buckets: dict[Labels, list[int]] = {}
        self.latency_sum: dict[Labels, float] = defaultdict(float)
        self.latency_count: dict[Labels, int] = defaultdict(int)
        # Other subsystems' counters (ingest...): name -> (help, values by labels).
        self.families: dict[str, tuple[str, dict[Labels, float]]] = {}

    def inc(self, name: str, help_text: str, amount: float = 1, **labels: str) -> None:
        """Add to a counter family, e.g. `dotmac_ingest_rejected_total{reason=...}`."""
        family = self.families.setdefault(name, (help_text, defaultdict(float)))[1]
        family[tuple(sorted(labels.items()))] += amount

    def value(self, name: str, **labels: str) -> float:
        """Current value of one counter (0 when never incremented)."""
        family = self.families.get(name)
        return family[1].get(tuple(sorted(labels.items())), 0.0) if family else 0.0

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Record one finished request."""
        self.requests[(("method", method), ("route", route), ("status", str(status)))] += 1
        key: Labels = (("method", method), ("route", route))
        buckets = self.latency_buckets.setdefault(key, [0] * len(LATENCY_BUCKETS))
        for i, bound in enumerate(LATENCY_BUCKETS):
            if seconds <= bound:
                buckets[i] += 1
        self.latency_sum[key] += seconds
        self.latency_count[key] += 1

    def auth_failure(self, reason: str) -> None:
        """Record a refused credential by reason (the client never sees the reason)."""
        self.auth_failures[(("reason", reason),)] += 1

    def render(self) -> str:
        """The exposition text."""
        lines = ["# HELP dotmac_hub_requests_total HTTP requests by route template and status",
                 "# TYPE dotmac_hub_requests_total counter"]
        lines += [f"dotmac_hub_requests_total{_labels(k)} {v}" for k, v in self.requests.items()]
        lines += ["# HELP dotmac_hub_auth_failures_total Refused credentials by reason",
                  "# TYPE dotmac_hub_auth_failures_total counter"]
        lines += [f"dotmac_hub_auth_failures_total{_labels(k)} {v}"
                  for k, v in self.auth_failures.items()]
        lines += ["# HELP dotmac_hub_request_seconds Request latency by route template",
                  "# TYPE dotmac_hub_request_seconds histogram"]
        for key, buckets in self.latency_buckets.items():
            lines += self._histogram(key, buckets)
        for name, (help_text, values) in sorted(self.families.items()):
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} counter"]
            lines += [f"{name}{_labels(k)} {v:g}" for k, v in values.items()]
        return "\n".join(lines) + "\n"

    def _histogram(self, key: Labels, buckets: list[int]) -> list[str]:
        name = "dotmac_hub_request_seconds"
        out = [f"{name}_bucket{_labels(key, ('le', str(b)))} {n}"
               for b, n in zip(LATENCY_BUCKETS, buckets, strict=True)]
        out.append(f"{name}_bucket{_labels(key, ('le', '+Inf'))} {self.latency_count[key]}")
        out.append(f"{name}_sum{_labels(key)} {self.latency_sum[key]:.6f}")
        out.append(f"{name}_count{_labels(key)} {self.latency_count[key]}")
        return out


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
