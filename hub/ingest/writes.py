"""What each message type changes in the hub database (the statements themselves are in
hub.ingest.repository).

Every function runs inside the caller's transaction (after `lock_agent`), so a message's
rows, its dedupe record and its rollup contribution commit together or not at all. The
telemetry path (the volume) writes through `repository.bulk`: one set-based statement per
table for a whole micro-batch of an agent's messages.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from hub.domain_events import publish
from hub.ingest import rollup
from hub.ingest.events import (
    AgentStateChanged,
    ConfigReported,
    DeviceEventsReported,
    DeviceStateChanged,
    DiscoveryReported,
    JobReported,
)
from hub.ingest.models import AgentHealthRow, AvailabilityEvent
from hub.ingest.registry import AgentIdentity
from hub.ingest.repository import observed, telemetry
from protocol import (
    AgentHealth,
    AgentState,
    ConfigAck,
    DeviceEventBatch,
    DiscoveryReport,
    Inventory,
    JobProgress,
    JobResult,
    Message,
    Sample,
    TelemetryBatch,
)


def series_key(labels: dict[str, str]) -> str:
    """Stable text identity of a label set (sorted `k=v` pairs)."""
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))[:512]


async def touch_devices(session: AsyncSession, who: AgentIdentity,
                        seen: dict[str, datetime | None]) -> None:
    """Create missing device rows and move last_seen forward (sorted: one lock order);
    a None time only makes sure the row exists (a device that failed its poll)."""
    if not seen:
        return
    rows: list[dict[str, Any]] = [
        {"tenant_id": who.tenant_id, "device": d, "site_id": who.site_id, "agent_id": who.id,
         "last_seen_at": ts} for d, ts in sorted(seen.items())]
    await telemetry.upsert_devices(session, rows,
                                   only_create=all(ts is None for ts in seen.values()))


async def apply_telemetry(session: AsyncSession, who: AgentIdentity,
                          batches: Sequence[TelemetryBatch], stored_at: datetime) -> int:
    """Devices seen, newest gauge values and the 5-minute rollups of one agent's batches
    (all of them at once: one statement per table). The caller then calls `touch_agent`
    last: the agent row is shared by all of the agent's transactions. Returns how many
    late counter readings were too old to place (see `rollup`)."""
    if not batches:
        return 0
    samples = [s for batch in batches for s in batch.samples]
    seen: dict[str, datetime] = {}
    for s in samples:
        seen[s.device] = max(seen.get(s.device, s.ts), s.ts)
    readings = rollup.readings(samples)  # pure work and unlocked reads first
    held = _held_rows(who, readings, stored_at)  # as if every reading joins its chain
    speeds = await _speeds(session, who, ((r.key[0], r.key[1]) for r in readings))
    # The device rows are the lock: the upsert locks each one (new or existing, in one
    # sorted order) until the commit, so every other batch with readings of a device
    # waits here, then reads the counter chain this one committed.
    await touch_devices(session, who, dict(seen))
    skipped = await _rollups(session, who, readings, speeds, held, stored_at)
    await _latest(session, who, [s for s in samples if s.kind == "gauge"])
    return skipped


async def _latest(session: AsyncSession, who: AgentIdentity, gauges: Sequence[Sample]) -> None:
    newest: dict[tuple[str, str, str], Sample] = {}
    for s in gauges:
        key = (s.device, s.metric, series_key(s.labels))
        if key not in newest or newest[key].ts < s.ts:
            newest[key] = s
    if not newest:
        return
    rows = [{"tenant_id": who.tenant_id, "device": k[0], "metric": k[1], "series": k[2],
             "value": float(s.value), "ts": s.ts} for k, s in sorted(newest.items())]
    await telemetry.upsert_latest(session, rows)


async def _previous(session: AsyncSession, who: AgentIdentity,
                    keys: Iterable[rollup.SeriesKey]) -> tuple[
                        dict[rollup.SeriesKey, rollup.Reading],
                        dict[rollup.SeriesKey, datetime | None]]:
    """The stored newest reading and first reading time of each series."""
    wanted = set(keys)
    if not wanted:
        return {}, {}
    found, firsts = {}, {}
    for device, index, metric, value, ts, uptime, disc, first in (
            await telemetry.counter_states(session, who.tenant_id,
                                           sorted({k[0] for k in wanted}))):
        key = (device, index, metric)
        if key in wanted:
            found[key] = rollup.Reading(key, int(value), ts, uptime, disc)
            firsts[key] = first
    return found, firsts


async def _speeds(session: AsyncSession, who: AgentIdentity,
                  keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int | None]:
    wanted = set(keys)
    if not wanted:
        return {}
    rows = await telemetry.interface_speeds(session, who.tenant_id,
                                            sorted({k[0] for k in wanted}))
    return {(d, i): s for d, i, s in rows if (d, i) in wanted}


async def _history(session: AsyncSession, who: AgentIdentity, readings: list[rollup.Reading],
                   previous: dict[rollup.SeriesKey, rollup.Reading],
                   firsts: dict[rollup.SeriesKey, datetime | None]
                   ) -> dict[rollup.SeriesKey, list[rollup.Reading]]:
    """The held readings of the series that have a late reading in this batch (a backlog
    stored by several workers at once); nothing to read in the usual in-order case.

    Read from the newest poll held before the oldest late reading on, so a long backlog is
    not decoded whole. A device whose polls were split over messages can have a series
    whose predecessor is older than that; those devices are read again in full."""
    late = [r for r in readings if r.key in previous and r.ts < previous[r.key].ts]
    if not late:
        return {}
    oldest = min(r.ts for r in late)
    devices = sorted({r.key[0] for r in late})
    held = await _held(session, who, devices, {r.key for r in late}, oldest)
    short = sorted({r.key[0] for r in late
                    if not _has_predecessor(r, held.get(r.key, ()), firsts.get(r.key))})
    if short:
        held.update(await _held(session, who, short, {r.key for r in late
                                                      if r.key[0] in short}, None))
    return held


def _has_predecessor(reading: rollup.Reading, held: Sequence[rollup.Reading],
                     first: datetime | None) -> bool:
    return any(h.ts < reading.ts for h in held) or (
        first is not None and any(h.ts == first for h in held))


async def _held(session: AsyncSession, who: AgentIdentity, devices: list[str],
                keys: set[rollup.SeriesKey], oldest: datetime | None
                ) -> dict[rollup.SeriesKey, list[rollup.Reading]]:
    """Held readings of `keys`, from the newest poll of each device held before `oldest`
    on (everything when None)."""
    held: dict[rollup.SeriesKey, list[rollup.Reading]] = {}
    for device, ts, packed in await telemetry.held_polls(session, who.tenant_id, devices,
                                                         oldest):
        for index, metric, value, uptime, disc in json.loads(packed):
            key = (device, index, metric)
            if key in keys:
                held.setdefault(key, []).append(rollup.Reading(key, value, ts, uptime, disc))
    return held


async def _rollups(session: AsyncSession, who: AgentIdentity, readings: list[rollup.Reading],
                   speeds: dict[tuple[str, int], int | None], held: list[dict[str, Any]],
                   stored_at: datetime) -> int:
    if not readings:
        return 0
    previous, firsts = await _previous(session, who, (r.key for r in readings))
    history = await _history(session, who, readings, previous, firsts)
    rolled = rollup.roll(previous, readings, speeds, history, firsts)
    await _save_counters(session, who, rolled)
    if len(rolled.kept) != len(readings):  # some were repeats or too old: keep the others
        held = _held_rows(who, rolled.kept, stored_at)
    await telemetry.add_held_polls(session, held)
    await _add_buckets(session, who, rolled.buckets)
    return rolled.skipped


def _held_rows(who: AgentIdentity, kept: Sequence[rollup.Reading], stored_at: datetime
               ) -> list[dict[str, Any]]:
    """counter_history rows: one per device and poll time, built before the device lock
    is taken (JSON of ~40 k readings costs ~70 ms)."""
    polls: dict[tuple[str, datetime], list[tuple[Any, ...]]] = {}
    for r in kept:
        polls.setdefault((r.key[0], r.ts), []).append(
            (r.key[1], r.key[2], r.value, r.sys_uptime_ticks, r.discontinuity_ticks))
    batch = uuid.uuid4()
    return [{"tenant_id": who.tenant_id, "device": device, "ts": ts, "batch": batch,
             "stored_at": stored_at, "readings": json.dumps(packed, separators=(",", ":"))}
            for (device, ts), packed in polls.items()]


async def prune_history(session: AsyncSession, cutoff: datetime) -> int:
    """Forget held readings stored before `cutoff`, oldest first per device: every poll up
    to the newest one stored before it goes, so what is held of each series is always an
    unbroken chain. Returns the rows deleted."""
    return await telemetry.prune_history(session, cutoff)


async def _save_counters(session: AsyncSession, who: AgentIdentity,
                         rolled: rollup.Rolled) -> None:
    rows = [{"tenant_id": who.tenant_id, "device": k[0], "if_index": k[1], "metric": k[2],
             "value": r.value, "ts": r.ts, "sys_uptime_ticks": r.sys_uptime_ticks,
             "discontinuity_ticks": r.discontinuity_ticks, "first_ts": rolled.firsts.get(k)}
            for k, r in sorted(rolled.latest.items())]
    await telemetry.upsert_counters(session, rows)


async def _add_buckets(session: AsyncSession, who: AgentIdentity,
                       buckets: dict[rollup.BucketKey, rollup.BucketDelta]) -> None:
    if not buckets:
        return
    rows = [{"tenant_id": who.tenant_id, "device": k[0], "if_index": k[1], "bucket_start": k[2],
             "in_octets_delta": b.in_octets, "out_octets_delta": b.out_octets,
             "in_errors_delta": b.in_errors, "out_errors_delta": b.out_errors,
             "in_bps": rollup.bps(b.in_octets), "out_bps": rollup.bps(b.out_octets),
             "samples": b.samples} for k, b in sorted(buckets.items()) if b.changes()]
    await telemetry.add_to_buckets(session, rows)


def _facts(device: Any) -> dict[str, Any]:
    data: dict[str, Any] = device.model_dump(mode="json", exclude={"interfaces", "device",
                                                                   "address", "profile"})
    return data


async def apply_inventory(session: AsyncSession, who: AgentIdentity, message: Inventory) -> None:
    """Per-device upsert of facts; the interface list replaces the stored one."""
    for facts in sorted(message.devices, key=lambda d: d.device):
        await observed.upsert_device_facts(session, {
            "tenant_id": who.tenant_id, "device": facts.device, "site_id": who.site_id,
            "agent_id": who.id, "address": facts.address, "profile": facts.profile,
            "facts": _facts(facts), "status": "unknown", "last_seen_at": message.ts})
        await _replace_interfaces(session, who, facts.device, facts.interfaces, message.ts)


async def _replace_interfaces(session: AsyncSession, who: AgentIdentity, device: str,
                              interfaces: Sequence[Any], at: datetime) -> None:
    await observed.forget_interfaces_except(session, who.tenant_id, device,
                                            [i.if_index for i in interfaces])
    if not interfaces:
        return
    rows = [{"tenant_id": who.tenant_id, "device": device, "if_index": i.if_index,
             "name": i.name, "alias": i.alias, "descr": i.descr, "speed_bps": i.speed_bps,
             "admin_status": i.admin_status, "oper_status": i.oper_status, "updated_at": at}
            for i in sorted(interfaces, key=lambda i: i.if_index)]
    await observed.upsert_interfaces(session, rows)


async def touch_agent(session: AsyncSession, who: AgentIdentity, at: datetime) -> None:
    """Move the registry's last_seen_at forward."""
    await observed.touch_agent(session, who.id, at)


def _event(who: AgentIdentity, kind: str, subject: str, state: str, at: datetime,
           reason: str | None) -> AvailabilityEvent:
    return AvailabilityEvent(tenant_id=who.tenant_id, site_id=who.site_id, subject_kind=kind,
                             subject=subject, state=state, at=at, reason=reason)


async def _health_row(session: AsyncSession, who: AgentIdentity) -> AgentHealthRow:
    row = await observed.health_row(session, who.id)
    if row is None:
        row = AgentHealthRow(agent_id=who.id, tenant_id=who.tenant_id, site_id=who.site_id,
                             agent_name=who.name, state="unknown")
        session.add(row)
    return row


async def apply_state(session: AsyncSession, who: AgentIdentity, message: AgentState,
                      received_at: datetime) -> None:
    """Birth/Last Will: record an agent up/down transition when the state changes."""
    row = await _health_row(session, who)
    # The Last Will was built at connect time: its ts is stale, the receive time is not.
    at = received_at if message.state == "offline" else message.ts
    new: Literal["online", "offline"] = "online" if message.state == "online" else "offline"
    if row.state != new:
        previous, row.state, row.state_since = row.state, new, at
        session.add(_event(who, "agent", who.name, "up" if new == "online" else "down", at,
                           message.reason))
        await publish(session, AgentStateChanged(
            tenant_id=who.tenant_id, site_id=who.site_id, agent_id=who.id, agent_name=who.name,
            state=new, previous=previous, at=at, reason=message.reason))
    row.last_seen_at = received_at
    await touch_agent(session, who, received_at)


async def apply_health(session: AsyncSession, who: AgentIdentity, message: AgentHealth,
                       received_at: datetime) -> None:
    """Newest agent health, and device up/down transitions from its poll failures."""
    row = await _health_row(session, who)
    row.queue_depth, row.queue_bytes = message.queue_depth, message.queue_bytes
    row.oldest_queued_age_s, row.dropped_samples = (message.oldest_queued_age_s,
                                                    message.dropped_samples)
    row.devices_total, row.devices_failing = message.devices_total, message.devices_failing
    row.poll_p95_s, row.health_ts = message.poll_duration_p95_s, message.ts
    events = message.events  # None from a 1.2 agent: the row holds the newest report
    row.events_received = events.received if events is not None else None
    row.events_dropped = events.dropped if events is not None else None
    row.lag_s = max(0.0, (received_at - message.ts).total_seconds())
    row.last_seen_at = received_at
    # Device rows before the agent row, the order telemetry batches lock them in.
    await _device_states(session, who, message)
    await session.flush()
    await touch_agent(session, who, received_at)


async def _device_states(session: AsyncSession, who: AgentIdentity, message: AgentHealth) -> None:
    """Failing devices go down, the others up, except the ones the agent has not polled
    yet since it (re)started (`devices_pending`, 1.3): their state is unknown, so they keep
    the one they had. A 1.2 agent, or one with nothing pending, leaves the field out."""
    errors = dict(message.device_errors)
    pending = set(message.devices_pending or ()) - errors.keys()  # an error is news
    await touch_devices(session, who, dict.fromkeys(errors))
    for device in await observed.devices_of_agent(session, who.tenant_id, who.id):
        if device.device in pending:
            continue
        state: Literal["up", "down"] = "down" if device.device in errors else "up"
        if device.status != state:
            previous, device.status, device.status_since = device.status, state, message.ts
            device.status_reason = errors.get(device.device)
            session.add(_event(who, "device", device.device, state, message.ts,
                               errors.get(device.device)))
            await publish(session, DeviceStateChanged(
                tenant_id=who.tenant_id, site_id=who.site_id, agent_id=who.id,
                device=device.device, state=state, previous=previous, at=message.ts,
                reason=errors.get(device.device)))


async def apply_report(session: AsyncSession, who: AgentIdentity, message: Message,
                       received_at: datetime) -> None:
    """Reports other domains own are announced as facts they apply in this transaction: job
    progress/results (JobReported), config acks (ConfigReported), discovery reports
    (DiscoveryReported), device events (DeviceEventsReported); anything else only marks
    the agent as seen."""
    await touch_agent(session, who, received_at)
    event = _report_event(who, message, received_at)
    if event is not None:
        await publish(session, event)


Reported = JobReported | ConfigReported | DiscoveryReported | DeviceEventsReported


def _report_event(who: AgentIdentity, message: Message, received_at: datetime,
                  ) -> Reported | None:
    if isinstance(message, JobProgress | JobResult):
        return JobReported(tenant_id=who.tenant_id, agent_id=who.id, report=message,
                           received_at=received_at)
    if isinstance(message, ConfigAck):
        return ConfigReported(tenant_id=who.tenant_id, agent_id=who.id, report=message,
                              received_at=received_at)
    if isinstance(message, DiscoveryReport):
        return DiscoveryReported(tenant_id=who.tenant_id, agent_id=who.id, report=message,
                                 received_at=received_at)
    if isinstance(message, DeviceEventBatch):
        return DeviceEventsReported(tenant_id=who.tenant_id, site_id=who.site_id,
                                    agent_id=who.id, agent_name=who.name, report=message,
                                    received_at=received_at)
    return None

