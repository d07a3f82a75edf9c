"""The ingest worker: MQTT in, micro-batches through the pipeline, acknowledgement only
after the commit.

Each handler takes up to `batch_max` waiting messages (waiting at most `batch_wait_s` for
more), decodes them one by one, stores all their telemetry in one transaction and one
time-series write, stores the few other messages one by one, then acknowledges the whole
batch in order. Storage outages are retried with backoff for as long as they last, holding
the batch unacknowledged (the broker keeps the rest, bounded by Receive Maximum). A
time-series store that refuses the data itself (HTTP 4xx: a duplicate tag, a point outside
retention) is no outage: the batch is split at once and only the refused message is
quarantined with the store's reason, never retried. An unexpected error is retried a few
times, then the batch is split and only the message that still fails is quarantined, so a
poison message can neither loop forever nor stop the worker. Quarantine is bounded by age
and per agent (`QuarantineRetention`), trimmed by each worker about once a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from hub.ingest.pipeline import Accepted, Outcome, Pipeline
from hub.ingest.transport import Delivery, MqttOptions, MqttSource
from hub.metrics import LAG_BUCKETS, Metrics
from hub.tsdb import TsdbError, TsdbRejectedError
from protocol import TelemetryBatch

log = logging.getLogger("dotmac.hub.ingest")
POISON_ATTEMPTS = 5
T = TypeVar("T")

MESSAGES = "dotmac_ingest_messages_total"
REJECTED = "dotmac_ingest_rejected_total"
SAMPLES = "dotmac_ingest_samples_stored_total"
LATE = "dotmac_ingest_late_readings_skipped_total"
LABELS_DROPPED = "dotmac_ingest_labels_dropped_total"
CLOCK_OFF = "dotmac_ingest_agent_clock_off_total"
RETRIES = "dotmac_ingest_storage_retries_total"
QUARANTINE_DROPPED = "dotmac_ingest_quarantine_dropped_total"
DEVICE_EVENTS = "dotmac_ingest_device_events_total"
LAG = "dotmac_ingest_lag_seconds"
# State messages are left out of the lag: a retained birth and a Last Will are published by
# the broker long after the agent wrote them, which is no delay of the hub's.
NO_LAG_CHANNELS = frozenset({"state"})


@dataclass(frozen=True, slots=True)
class QuarantineRetention:
    """How long and how many quarantined messages are kept (per agent), and how often a
    worker applies that (settings `quarantine_max_age_s`, `quarantine_max_per_agent`)."""

    max_age: timedelta = timedelta(days=30)
    per_agent: int = 1000
    every_s: float = 60.0


def is_outage(exc: BaseException) -> bool:
    """True for "storage unavailable": retry the same message until it works. A database
    refusing the data itself (DataError: a NUL in a text, a value out of range) is not an
    outage but poison, and so is a constraint violation."""
    if isinstance(exc, TsdbError | OSError | TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and not isinstance(exc, IntegrityError | DataError)


class IngestWorker:
    """One MQTT session feeding `concurrency` micro-batch handlers."""

    def __init__(self, pipeline: Pipeline, options: MqttOptions, metrics: Metrics | None = None,
                 concurrency: int = 4, max_backoff_s: float = 5.0, batch_max: int = 25,
                 batch_wait_s: float = 0.05,
                 retention: QuarantineRetention | None = None) -> None:
        self.pipeline, self.options = pipeline, options
        self.retention = retention or QuarantineRetention()
        self.metrics = metrics or Metrics()
        self.concurrency, self.max_backoff_s = concurrency, max_backoff_s
        self.batch_max, self.batch_wait_s = batch_max, batch_wait_s
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
        tasks.append(asyncio.create_task(self._keep_quarantine_bounded()))
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
            batch = await self._collect(queue)
            outcomes = await self._process(batch)
            assert self.source is not None
            for delivery, outcome in zip(batch, outcomes, strict=True):
                self._count(outcome)
                self.source.ack(delivery)  # only now: everything above is committed

    async def _keep_quarantine_bounded(self) -> None:
        while True:
            await self._trim_quarantine()
            await asyncio.sleep(self.retention.every_s)

    async def _trim_quarantine(self) -> None:
        """Drop quarantined messages past their age or beyond the per-agent count, so a
        flood of refused messages cannot fill the disk (every worker does it: the deletes
        are idempotent)."""
        try:
            old, surplus = await self.pipeline.trim_quarantine(self.retention.max_age,
                                                               self.retention.per_agent)
        except Exception as exc:  # storage trouble of any kind: the next round retries
            log.warning("ingest.quarantine_trim_failed error=%s", type(exc).__name__)
            return
        for why, count in (("age", old), ("count", surplus)):
            if count:
                self.metrics.inc(QUARANTINE_DROPPED, "Quarantined messages deleted by the "
                                 "retention (age or per-agent count)", count, why=why)
                log.warning("ingest.quarantine_dropped why=%s messages=%d", why, count)

    async def _collect(self, queue: asyncio.Queue[Delivery]) -> list[Delivery]:
        """Up to `batch_max` deliveries: what is waiting, then more for up to `batch_wait_s`."""
        batch = [await queue.get()]
        deadline = asyncio.get_running_loop().time() + self.batch_wait_s
        while len(batch) < self.batch_max:
            if not queue.empty():
                batch.append(queue.get_nowait())
                continue
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            try:
                batch.append(await asyncio.wait_for(queue.get(), left))
            except TimeoutError:
                break
        return batch

    async def _process(self, batch: list[Delivery]) -> list[Outcome]:
        """Outcomes in delivery order; returns only once every message is settled."""
        results: list[Outcome | None] = [None] * len(batch)
        accepted: list[tuple[int, Accepted]] = []
        for index, delivery in enumerate(batch):
            got = await self._retry(
                [delivery], partial(self.pipeline.accept, delivery.topic, delivery.payload))
            if isinstance(got, Accepted):
                accepted.append((index, got))
            else:
                results[index] = got
            await asyncio.sleep(0)  # decoding is CPU: let other handlers commit meanwhile
        telemetry = [(i, a) for i, a in accepted if isinstance(a.message, TelemetryBatch)]
        for index, outcome in await self._store_telemetry(batch, telemetry):
            results[index] = outcome
        for index, item in accepted:
            if results[index] is None:
                results[index] = await self._retry(
                    [batch[index]], partial(self.pipeline.store, item))
            if (got := results[index]) is not None and got.stored:
                self._lag(item)
        return [r if r is not None else Outcome("internal_error") for r in results]

    async def _store_telemetry(self, batch: list[Delivery], items: list[tuple[int, Accepted]]
                               ) -> list[tuple[int, Outcome]]:
        """All telemetry of the batch together; if that keeps failing for a reason other
        than an outage, one by one, so that only the poison message is quarantined."""
        if not items:
            return []
        if len(items) > 1:
            together = await self._retry(
                [batch[i] for i, _a in items],
                partial(self._write_or_refused, [a for _i, a in items]), attempts=2)
            if isinstance(together, list):  # else refused or failing: one by one
                return list(zip([i for i, _a in items], together, strict=True))
        out = []
        for index, item in items:
            one = await self._retry([batch[index]], partial(self._write_or_refused, [item]))
            if isinstance(one, TsdbRejectedError):
                delivery = batch[index]
                one = await self._retry([delivery], partial(
                    self.pipeline.refused_by_store, item, delivery.payload, delivery.topic,
                    one))
            out.append((index, one[0] if isinstance(one, list) else one))
        return out

    async def _write_or_refused(self, items: list[Accepted]) -> list[Outcome] | TsdbRejectedError:
        """Store telemetry; the store refusing the data is returned, not raised, so that it
        is never retried like an outage."""
        try:
            return await self.pipeline.store_telemetry(items)
        except TsdbRejectedError as exc:
            return exc

    async def _retry(self, deliveries: list[Delivery], work: Callable[[], Awaitable[T]],
                     attempts: int = POISON_ATTEMPTS) -> Any:
        """`work()` until it succeeds. Outages are retried for as long as they last;
        other errors `attempts` times, then the single delivery is quarantined (its
        Outcome returned) or, for several, None (the caller splits them)."""
        attempt, failures = 0, 0
        while True:
            try:
                return await work()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # classified below: outage vs. poison
                attempt += 1
                if not is_outage(exc):
                    failures += 1
                    if failures >= attempts:
                        return (await self._poison(deliveries[0], exc)
                                if len(deliveries) == 1 else None)
                self.metrics.inc(RETRIES, "Storage writes retried", kind=type(exc).__name__)
                log.warning("ingest.retry attempt=%d messages=%d topic=%s error=%s: %s",
                            attempt, len(deliveries), deliveries[0].topic, type(exc).__name__,
                            str(exc)[:300])
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

    def _lag(self, item: Accepted) -> None:
        """Receive time minus the message's own time, per channel, for a stored message
        (a duplicate's is the first copy's again; an agent clock ahead counts as 0)."""
        channel = item.message.type
        if channel in NO_LAG_CHANNELS:
            return
        lag = (item.received - item.message.ts).total_seconds()
        self.metrics.observe_seconds(LAG, "Hub receive time minus the agent's message time, "
                                     "per channel, of stored messages", max(lag, 0.0),
                                     LAG_BUCKETS, channel=channel)

    def _count(self, outcome: Outcome) -> None:
        self.metrics.inc(MESSAGES, "Messages taken from the broker by result",
                         result="stored" if outcome.stored else "rejected")
        if outcome.stored:
            self.metrics.inc(SAMPLES, "Samples written to the time-series store",
                             outcome.samples)
            for origin, count in outcome.events:
                self.metrics.inc(DEVICE_EVENTS, "Device events (traps, syslog) agents "
                                 "forwarded, handed to alarms, by origin", count, origin=origin)
            if outcome.clock_off:
                self.metrics.inc(CLOCK_OFF, "Agent health messages sent by a clock beyond "
                                 "the hub's clock bounds (the agent's telemetry is quarantined)")
            if outcome.labels_dropped:
                self.metrics.inc(LABELS_DROPPED, "Agent labels dropped because a renamed "
                                 "reserved label (label_tenant...) took their tag key",
                                 outcome.labels_dropped)
            if outcome.late_skipped:
                self.metrics.inc(LATE, "Counter readings stored too late to place in the "
                                 "5-minute rollups (their bytes went to the next bucket)",
                                 outcome.late_skipped)
        else:
            self.metrics.inc(REJECTED, "Messages refused by reason", reason=outcome.result)
