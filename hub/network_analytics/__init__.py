"""Network analytics over what ingest stored: traffic, 95th percentiles, availability and
agent health (the NOC's figures; business figures live in `hub.billing.analytics`)."""

from hub.network_analytics.percentile import Percentile95, p95, percentile_95, rate_bps

__all__ = ["Percentile95", "p95", "percentile_95", "rate_bps"]
