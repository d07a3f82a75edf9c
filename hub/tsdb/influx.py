"""influxdb-client write API back-end (VictoriaMetrics, InfluxDB 2, InfluxDB 3)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from influxdb_client.client.influxdb_client import InfluxDBClient
from influxdb_client.client.write_api import SYNCHRONOUS
from influxdb_client.domain.write_precision import WritePrecision
from influxdb_client.rest import ApiException

from hub.tsdb.lines import Point, format_lines
from hub.tsdb.store import TsdbError, TsdbRejectedError

MAX_LINES_PER_REQUEST = 20_000
# 4xx answers that mean "not now" rather than "not this data": Request Timeout, Too Many
# Requests. Every other 4xx refuses the points themselves.
RETRYABLE_4XX = frozenset({408, 429})


class InfluxStore:
    """Synchronous batched writes run in a thread, so a slow store never blocks the loop.

    One HTTP request per message batch (split above MAX_LINES_PER_REQUEST): an
    acknowledged write is durable, which is what lets ingest acknowledge MQTT afterwards.
    """

    def __init__(self, url: str, token: str = "", org: str = "dotmac", bucket: str = "dotmac",
                 timeout_ms: int = 10_000) -> None:
        self.url, self.org, self.bucket = url, org, bucket
        self._client = InfluxDBClient(url=url, token=token or "unused", org=org,
                                      timeout=timeout_ms)
        self._api = self._client.write_api(write_options=SYNCHRONOUS)

    async def write(self, points: Sequence[Point]) -> None:
        """Write all points or raise TsdbError naming the store and the cause."""
        for start in range(0, len(points), MAX_LINES_PER_REQUEST):
            body = format_lines(points[start:start + MAX_LINES_PER_REQUEST])
            await asyncio.to_thread(self._write_body, body)

    def _write_body(self, body: str) -> None:
        try:
            self._api.write(bucket=self.bucket, org=self.org, record=body,
                            write_precision=WritePrecision.MS)  # type: ignore[arg-type]
        except ApiException as exc:
            status = int(exc.status or 0)
            if 400 <= status < 500 and status not in RETRYABLE_4XX:
                raise TsdbRejectedError(self.url, status, _store_reason(exc)) from exc
            raise TsdbError(f"time-series store {self.url}: write failed (HTTP {status}: "
                            f"{_store_reason(exc)}); is it overloaded? it is retried") from exc
        except Exception as exc:  # urllib3/HTTP errors of every kind mean "retry later"
            raise TsdbError(f"time-series store {self.url}: write failed "
                            f"({type(exc).__name__}: {str(exc)[:200]}); is it up? "
                            "check DOTMAC_HUB_TSDB_URL") from exc

    async def close(self) -> None:
        """Close the HTTP pool."""
        await asyncio.to_thread(self._client.close)


def _store_reason(exc: ApiException) -> str:
    """The store's explanation: InfluxDB's JSON `message`, VictoriaMetrics' plain text."""
    body = exc.body.decode(errors="replace") if isinstance(exc.body, bytes) else exc.body
    text = str(getattr(exc, "message", None) or body or exc.reason or "no reason given")
    return " ".join(text.split())[:500]
