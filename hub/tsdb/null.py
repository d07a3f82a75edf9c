"""No time-series store: raw series are dropped, the hub's SQL keeps rollups and latest values.

For the embedded demo on a machine without VictoriaMetrics (`DOTMAC_HUB_TSDB_URL=none`).
Billing and the analytics API read the SQL rollups, so they keep working; Grafana panels
over raw series have nothing to show.
"""

from __future__ import annotations

from collections.abc import Sequence

from hub.tsdb.lines import Point


class NullStore:
    """A TimeSeriesStore that accepts and discards every point."""

    async def write(self, points: Sequence[Point]) -> None:
        """Accept the points without storing them."""

    async def close(self) -> None:
        """Nothing to release."""
