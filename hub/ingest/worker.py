"""The ingest worker: MQTT in, pipeline, acknowledgement only after the commit.

Storage outages are retried with backoff for as long as they last, holding the message
unacknowledged (the broker keeps the rest, bounded by Receive Maximum). An unexpected
error is retried a few times and then quarantined, so a poison message can neither loop
forever nor stop the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random

from sqlalchemy.exc import DBAPIError, IntegrityError

from hub.ingest.pipeline import Outcome, Pipeline
from hub.ingest.transport import Delivery, MqttOptions, MqttSource
from hub.metrics import Metrics
from hub.tsdb import TsdbError

log = logging.getLogger("dotmac.hub.ingest")
POISON_ATTEMPTS = 5

MESSAGES = "dotmac_ingest_messages_total"
REJECTED = "dotmac_ingest_rejected_total"
SAMPLES = "dotmac_ingest_samples_stored_total"
RETRIES = "dotmac_ingest_storage_retries_total"


def is_outage(exc: BaseException) -> bool:
    """True for "storage unavailable": retry the same message until it works."""
    if isinstance(exc, TsdbError | OSError | TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and not isinstance(exc, IntegrityError)


class IngestWorker:
    """One MQTT session feeding `concurrency` message handlers."""

    def __init__(self, pipeline: Pipeline, options: MqttOptions, metrics: Metrics | None = None,
                 concurrency: int = 8, max_backoff_s: float = 5.0) -> None:
        self.pipeline, self.options = pipeline, options
        self.metrics = metrics or Metrics()
        self.concurrency, self.max_backoff_s = concurrency, max_backoff_s
        self.source: MqttSource | None = None
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        """Consume until `stop`; unacknowledged messages stay with the broker session."""
        queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self.source = MqttSource(self.options, asyncio.get_running_loop(), queue)
        self.source.start()
        log.info("ingest.started client_id=%s subscription=%s", self.options.client_id,
                 self.options.subscription)
        tasks = [asyncio.create_task(self._consume(queue)) for _ in range(self.concurrency)]
        try:
            await self._stopping.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.to_thread(self.source.stop)

    def stop(self) -> None:
        """Ask `run` to return (in-progress messages are dropped unacknowledged)."""
        self._stopping.set()

    async def wait_connected(self, timeout_s: float = 10.0) -> None:
        """Wait until the broker accepted the session (tests, readiness)."""
        for _ in range(int(timeout_s / 0.05)):
            if self.source is not None and self.source.connected.is_set():
                return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"ingest worker {self.options.client_id}: not connected to "
                           f"{self.options.host}:{self.options.port} in {timeout_s}s")

    async def _consume(self, queue: asyncio.Queue[Delivery]) -> None:
        while True:
            delivery = await queue.get()
            outcome = await self._process(delivery)
            self._count(outcome)
            assert self.source is not None
            self.source.ack(delivery)

    async def _process(self, delivery: Delivery) -> Outcome:
        attempt, failures = 0, 0
        while True:
            try:
                return await self.pipeline.handle(delivery.topic, delivery.payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # classified below: outage vs. poison
                attempt += 1
                if not is_outage(exc):
                    failures += 1
                    if failures >= POISON_ATTEMPTS:
                        return await self._poison(delivery, exc)
                self.metrics.inc(RETRIES, "Storage writes retried", kind=type(exc).__name__)
                log.warning("ingest.retry attempt=%d topic=%s error=%s: %s", attempt,
                            delivery.topic, type(exc).__name__, str(exc)[:300])
                await asyncio.sleep(self._backoff(attempt))

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.max_backoff_s, 0.1 * 2.0 ** min(attempt, 10))
        return float(ceiling * random.uniform(0.5, 1))

    async def _poison(self, delivery: Delivery, exc: Exception) -> Outcome:
        log.error("ingest.poison topic=%s error=%s: %s", delivery.topic, type(exc).__name__,
                  str(exc)[:300])
        with contextlib.suppress(Exception):  # the database may be the problem
            await self.pipeline.quarantine(delivery.topic, delivery.payload, "internal_error",
                                           f"{type(exc).__name__}: {exc}")
        return Outcome("internal_error")

    def _count(self, outcome: Outcome) -> None:
        self.metrics.inc(MESSAGES, "Messages taken from the broker by result",
                         result="stored" if outcome.stored else "rejected")
        if outcome.stored:
            self.metrics.inc(SAMPLES, "Samples written to the time-series store",
                             outcome.samples)
        else:
            self.metrics.inc(REJECTED, "Messages refused by reason", reason=outcome.result)
