"""SQL side of ingest: what each message type changes in the hub database.

Every function runs inside the caller's transaction (after `lock_agent`), so a message's
rows, its dedupe record and its rollup contribution commit together or not at all. The
telemetry path (the volume) writes through `bulk`: one set-based statement per table for
a whole micro-batch of an agent's messages.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, func, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.db import UTCDateTime
from hub.domain_events import publish
from hub.ingest import bulk, rollup
from hub.ingest.events import AgentStateChanged, DeviceStateChanged, JobReported
from hub.ingest.models import (
    AgentHealthRow,
    AvailabilityEvent,
    CounterHistory,
    CounterState,
    InterfaceRollup,
    LatestValue,
    ObservedDevice,
    ObservedInterface,
)
from hub.ingest.registry import AgentIdentity
from hub.ingest.sql import insert
from hub.inventory.models import Agent
from protocol import (
    AgentHealth,
    AgentState,
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


_DEVICE_COLUMNS = ("tenant_id", "device", "site_id", "agent_id", "last_seen_at")
_DEVICE_LITERALS = (("facts", "'{}'"), ("status", "'unknown'"))
DEVICE_EXISTS = bulk.Upsert(ObservedDevice.__table__, _DEVICE_COLUMNS,  # type: ignore[arg-type]
                            ("tenant_id", "device"), constants=_DEVICE_LITERALS)
DEVICE_SEEN = bulk.Upsert(
    ObservedDevice.__table__, _DEVICE_COLUMNS, ("tenant_id", "device"),  # type: ignore[arg-type]
    (("last_seen_at", "EXCLUDED.last_seen_at"), ("agent_id", "EXCLUDED.agent_id"),
     ("site_id", "EXCLUDED.site_id")),
    "observed_devices.last_seen_at IS NULL "
    "OR observed_devices.last_seen_at < EXCLUDED.last_seen_at", _DEVICE_LITERALS)
LATEST = bulk.Upsert(
    LatestValue.__table__, ("tenant_id", "device", "metric", "series", "value", "ts"),  # type: ignore[arg-type]
    ("tenant_id", "device", "metric", "series"),
    (("value", "EXCLUDED.value"), ("ts", "EXCLUDED.ts")), "latest_values.ts <= EXCLUDED.ts")
_STATE_COLUMNS = ("value", "ts", "sys_uptime_ticks", "discontinuity_ticks", "first_ts")
COUNTERS = bulk.Upsert(  # under the device lock; `<=`: a new first alone keeps the newest
    CounterState.__table__, ("tenant_id", "device", "if_index", "metric", *_STATE_COLUMNS),  # type: ignore[arg-type]
    ("tenant_id", "device", "if_index", "metric"),
    tuple((c, f"EXCLUDED.{c}") for c in _STATE_COLUMNS), "counter_state.ts <= EXCLUDED.ts")
HISTORY = bulk.Upsert(
    CounterHistory.__table__,  # type: ignore[arg-type]
    ("tenant_id", "device", "ts", "batch", "stored_at", "readings"),
    ("tenant_id", "device", "ts", "batch"))
_R = "interface_rollup_5m"
_DELTAS = ("in_octets_delta", "out_octets_delta", "in_errors_delta", "out_errors_delta")
BUCKETS = bulk.Upsert(
    InterfaceRollup.__table__,  # type: ignore[arg-type]
    ("tenant_id", "device", "if_index", "bucket_start", *_DELTAS, "in_bps", "out_bps", "samples"),
    ("tenant_id", "device", "if_index", "bucket_start"),
    (*((c, f"{_R}.{c} + EXCLUDED.{c}") for c in _DELTAS),
     ("in_bps", f"({_R}.in_octets_delta + EXCLUDED.in_octets_delta) * 8.0 / {rollup.BUCKET_S}"),
     ("out_bps", f"({_R}.out_octets_delta + EXCLUDED.out_octets_delta) * 8.0 / {rollup.BUCKET_S}"),
     ("samples", f"{_R}.samples + EXCLUDED.samples")))


async def touch_devices(session: AsyncSession, who: AgentIdentity,
                        seen: dict[str, datetime | None]) -> None:
    """Create missing device rows and move last_seen forward (sorted: one lock order);
    a None time only makes sure the row exists (a device that failed its poll)."""
    if not seen:
        return
    rows: list[dict[str, Any]] = [
        {"tenant_id": who.tenant_id, "device": d, "site_id": who.site_id, "agent_id": who.id,
         "last_seen_at": ts} for d, ts in sorted(seen.items())]
    spec = DEVICE_EXISTS if all(ts is None for ts in seen.values()) else DEVICE_SEEN
    await bulk.upsert(session, spec, rows)


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
    await bulk.upsert(session, LATEST, rows)


async def _previous(session: AsyncSession, who: AgentIdentity,
                    keys: Iterable[rollup.SeriesKey]) -> tuple[
                        dict[rollup.SeriesKey, rollup.Reading],
                        dict[rollup.SeriesKey, datetime | None]]:
    """The stored newest reading and first reading time of each series."""
    wanted = set(keys)
    if not wanted:
        return {}, {}
    # By device (a few per batch, on the primary-key prefix), keys matched here: an IN over
    # ~1.5 k (device, ifIndex, metric) tuples cost PostgreSQL ~0.5 s of planning a message.
    c = CounterState
    query = select(c.device, c.if_index, c.metric, c.value, c.ts, c.sys_uptime_ticks,
                   c.discontinuity_ticks, c.first_ts).where(
        c.tenant_id == who.tenant_id, c.device.in_(sorted({k[0] for k in wanted})))
    found, firsts = {}, {}
    for device, index, metric, value, ts, uptime, disc, first in (
            await session.execute(query)).all():
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
    query = select(ObservedInterface.device, ObservedInterface.if_index,
                   ObservedInterface.speed_bps).where(
        ObservedInterface.tenant_id == who.tenant_id,
        ObservedInterface.device.in_(sorted({k[0] for k in wanted})))
    rows = (await session.execute(query)).all()
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
    h, older = CounterHistory, aliased(CounterHistory)
    query = select(h.device, h.ts, h.readings).where(h.tenant_id == who.tenant_id,
                                                     h.device.in_(devices))
    if oldest is not None:
        bound = literal(oldest, UTCDateTime)
        floor = select(func.max(older.ts)).where(older.tenant_id == h.tenant_id,
                                                 older.device == h.device, older.ts < bound)
        query = query.where(h.ts >= func.coalesce(floor.scalar_subquery(), bound))
    held: dict[rollup.SeriesKey, list[rollup.Reading]] = {}
    for device, ts, packed in (await session.execute(query)).all():
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
    await bulk.upsert(session, HISTORY, held)
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


# PostgreSQL, in one transaction: lock the device rows first (the lock every telemetry
# transaction holds while it reads and extends a chain; busy devices are skipped until the
# next round), then delete in a new statement, whose snapshot includes whatever committed
# before the locks were taken. Without the lock a late reading committed during the delete
# could survive below the cut, a gap in the chain a later splice would straddle.
_LOCK_PG = text(
    "SELECT d.tenant_id, d.device FROM observed_devices d WHERE (d.tenant_id, d.device) IN "
    "(SELECT tenant_id, device FROM counter_history WHERE stored_at < :cutoff) "
    "ORDER BY d.tenant_id, d.device FOR UPDATE OF d SKIP LOCKED")
_PRUNE_PG = text(
    "DELETE FROM counter_history h USING (SELECT tenant_id, device, max(ts) AS upto "
    "FROM counter_history WHERE stored_at < :cutoff AND (tenant_id, device) IN "
    "(SELECT * FROM unnest(CAST(:tenants AS uuid[]), CAST(:devices AS text[]))) "
    "GROUP BY tenant_id, device) old "
    "WHERE h.tenant_id = old.tenant_id AND h.device = old.device AND h.ts <= old.upto")
_PRUNE_SQLITE = text(  # one writer at a time: nothing can commit during the delete
    "DELETE FROM counter_history WHERE EXISTS (SELECT 1 FROM counter_history AS old "
    "WHERE old.tenant_id = counter_history.tenant_id AND old.device = counter_history.device "
    "AND old.stored_at < :cutoff AND old.ts >= counter_history.ts)")
_PRUNE_ORPHANS = text(  # devices whose row is gone: nothing extends their chains
    "DELETE FROM counter_history WHERE stored_at < :cutoff AND NOT EXISTS (SELECT 1 FROM "
    "observed_devices d WHERE d.tenant_id = counter_history.tenant_id "
    "AND d.device = counter_history.device)")


async def prune_history(session: AsyncSession, cutoff: datetime) -> int:
    """Forget held readings stored before `cutoff`, oldest first per device: every poll up
    to the newest one stored before it goes, so what is held of each series is always an
    unbroken chain. Returns the rows deleted."""
    params: dict[str, Any] = {"cutoff": cutoff}
    if session.get_bind().dialect.name == "postgresql":
        locked = (await session.execute(_LOCK_PG, params)).all()
        params |= {"tenants": [t for t, _d in locked], "devices": [d for _t, d in locked]}
        stmt = _PRUNE_PG
    else:
        stmt = _PRUNE_SQLITE
    gone = (await session.execute(stmt, params)).rowcount  # type: ignore[attr-defined]
    orphans = (await session.execute(_PRUNE_ORPHANS, {"cutoff": cutoff})).rowcount  # type: ignore[attr-defined]
    return int(gone or 0) + int(orphans or 0)


async def _save_counters(session: AsyncSession, who: AgentIdentity,
                         rolled: rollup.Rolled) -> None:
    rows = [{"tenant_id": who.tenant_id, "device": k[0], "if_index": k[1], "metric": k[2],
             "value": r.value, "ts": r.ts, "sys_uptime_ticks": r.sys_uptime_ticks,
             "discontinuity_ticks": r.discontinuity_ticks, "first_ts": rolled.firsts.get(k)}
            for k, r in sorted(rolled.latest.items())]
    await bulk.upsert(session, COUNTERS, rows)


async def _add_buckets(session: AsyncSession, who: AgentIdentity,
                       buckets: dict[rollup.BucketKey, rollup.BucketDelta]) -> None:
    if not buckets:
        return
    rows = [{"tenant_id": who.tenant_id, "device": k[0], "if_index": k[1], "bucket_start": k[2],
             "in_octets_delta": b.in_octets, "out_octets_delta": b.out_octets,
             "in_errors_delta": b.in_errors, "out_errors_delta": b.out_errors,
             "in_bps": rollup.bps(b.in_octets), "out_bps": rollup.bps(b.out_octets),
             "samples": b.samples} for k, b in sorted(buckets.items()) if b.changes()]
    await bulk.upsert(session, BUCKETS, rows)


def _facts(device: Any) -> dict[str, Any]:
    data: dict[str, Any] = device.model_dump(mode="json", exclude={"interfaces", "device",
                                                                   "address", "profile"})
    return data


async def apply_inventory(session: AsyncSession, who: AgentIdentity, message: Inventory) -> None:
    """Per-device upsert of facts; the interface list replaces the stored one."""
    for facts in sorted(message.devices, key=lambda d: d.device):
        stmt = insert(session, ObservedDevice).values(
            tenant_id=who.tenant_id, device=facts.device, site_id=who.site_id, agent_id=who.id,
            address=facts.address, profile=facts.profile, facts=_facts(facts), status="unknown",
            last_seen_at=message.ts)
        stmt = stmt.on_conflict_do_update(
            index_elements=["tenant_id", "device"],
            set_={"address": stmt.excluded.address, "profile": stmt.excluded.profile,
                  "facts": stmt.excluded.facts, "agent_id": stmt.excluded.agent_id,
                  "site_id": stmt.excluded.site_id})
        await session.execute(stmt)
        await _replace_interfaces(session, who, facts.device, facts.interfaces, message.ts)


async def _replace_interfaces(session: AsyncSession, who: AgentIdentity, device: str,
                              interfaces: Sequence[Any], at: datetime) -> None:
    keep = [i.if_index for i in interfaces]
    await session.execute(delete(ObservedInterface).where(
        ObservedInterface.tenant_id == who.tenant_id, ObservedInterface.device == device,
        ObservedInterface.if_index.not_in(keep)))
    if not interfaces:
        return
    rows = [{"tenant_id": who.tenant_id, "device": device, "if_index": i.if_index,
             "name": i.name, "alias": i.alias, "descr": i.descr, "speed_bps": i.speed_bps,
             "admin_status": i.admin_status, "oper_status": i.oper_status, "updated_at": at}
            for i in sorted(interfaces, key=lambda i: i.if_index)]
    stmt = insert(session, ObservedInterface).values(rows)
    cols = ("name", "alias", "descr", "speed_bps", "admin_status", "oper_status", "updated_at")
    stmt = stmt.on_conflict_do_update(index_elements=["tenant_id", "device", "if_index"],
                                      set_={c: getattr(stmt.excluded, c) for c in cols})
    await session.execute(stmt)


async def touch_agent(session: AsyncSession, who: AgentIdentity, at: datetime) -> None:
    """Move the registry's last_seen_at forward."""
    await session.execute(update(Agent).where(
        Agent.id == who.id, (Agent.last_seen_at.is_(None)) | (Agent.last_seen_at < at)
    ).values(last_seen_at=at))


def _event(who: AgentIdentity, kind: str, subject: str, state: str, at: datetime,
           reason: str | None) -> AvailabilityEvent:
    return AvailabilityEvent(tenant_id=who.tenant_id, site_id=who.site_id, subject_kind=kind,
                             subject=subject, state=state, at=at, reason=reason)


async def _health_row(session: AsyncSession, who: AgentIdentity) -> AgentHealthRow:
    row = await session.get(AgentHealthRow, who.id)
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
    row.lag_s = max(0.0, (received_at - message.ts).total_seconds())
    row.last_seen_at = received_at
    # Device rows before the agent row, the order telemetry batches lock them in.
    await _device_states(session, who, message)
    await session.flush()
    await touch_agent(session, who, received_at)


async def _device_states(session: AsyncSession, who: AgentIdentity, message: AgentHealth) -> None:
    errors = dict(message.device_errors)
    await touch_devices(session, who, dict.fromkeys(errors))
    query = select(ObservedDevice).where(ObservedDevice.tenant_id == who.tenant_id,
                                         ObservedDevice.agent_id == who.id
                                         ).order_by(ObservedDevice.device)
    for device in (await session.execute(query)).scalars():
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


async def apply_job(session: AsyncSession, who: AgentIdentity, message: Message,
                    received_at: datetime) -> None:
    """Job progress/results are announced as JobReported (the jobs domain applies them, in
    this transaction); anything else only marks the agent as seen."""
    await touch_agent(session, who, received_at)
    if isinstance(message, JobProgress | JobResult):
        await publish(session, JobReported(tenant_id=who.tenant_id, agent_id=who.id,
                                           report=message, received_at=received_at))
