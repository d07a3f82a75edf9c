"""Analytics over what ingest stored: billing percentiles (more in routes as they land)."""

from hub.analytics.percentile import Percentile95, p95, percentile_95, rate_bps

__all__ = ["Percentile95", "p95", "percentile_95", "rate_bps"]
