"""Telemetry rows: devices seen, counter chains and the readings held for late batches,
5-minute rollups, newest gauge values; and the pruning of held readings.

Every upsert is one set-based statement per table for a whole micro-batch (`bulk`). Rows
passed in must have unique conflict keys and come sorted (one lock order).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.db import UTCDateTime
from hub.ingest import rollup
from hub.ingest.models import (
    CounterHistory,
    CounterState,
    InterfaceRollup,
    LatestValue,
    ObservedDevice,
    ObservedInterface,
)
from hub.ingest.repository import bulk
from hub.ingest.repository.sql import dialect

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

Rows = Sequence[dict[str, Any]]
if TYPE_CHECKING:  # device, if_index, metric, value, ts, uptime, discontinuity, first ts
    CounterRow = Row[str, int, str, Decimal, datetime, int | None, int | None, datetime | None]


async def upsert_devices(session: AsyncSession, rows: Rows, *, only_create: bool) -> None:
    """Create missing observed device rows and move last_seen_at forward; with
    `only_create` (no time known) existing rows stay as they are. Either way the rows stay
    locked until the commit (the lock telemetry of a device takes turns on)."""
    await bulk.upsert(session, DEVICE_EXISTS if only_create else DEVICE_SEEN, rows)


async def upsert_latest(session: AsyncSession, rows: Rows) -> None:
    """Newest gauge values (an older value never replaces a newer one)."""
    await bulk.upsert(session, LATEST, rows)


async def upsert_counters(session: AsyncSession, rows: Rows) -> None:
    """Newest counter reading of each series."""
    await bulk.upsert(session, COUNTERS, rows)


async def add_held_polls(session: AsyncSession, rows: Rows) -> None:
    """Held readings, one row per device and poll time."""
    await bulk.upsert(session, HISTORY, rows)


async def add_to_buckets(session: AsyncSession, rows: Rows) -> None:
    """Add deltas to the interfaces' 5-minute buckets."""
    await bulk.upsert(session, BUCKETS, rows)


async def counter_states(session: AsyncSession, tenant_id: uuid.UUID,
                         devices: list[str]) -> Sequence[CounterRow]:
    """Stored newest reading of every counter series of these devices: (device, if_index,
    metric, value, ts, sys_uptime_ticks, discontinuity_ticks, first_ts)."""
    # By device (a few per batch, on the primary-key prefix), keys matched by the caller:
    # an IN over ~1.5 k (device, ifIndex, metric) tuples cost PostgreSQL ~0.5 s of
    # planning a message.
    c = CounterState
    query = select(c.device, c.if_index, c.metric, c.value, c.ts, c.sys_uptime_ticks,
                   c.discontinuity_ticks, c.first_ts).where(
        c.tenant_id == tenant_id, c.device.in_(devices))
    return (await session.execute(query)).all()


async def interface_speeds(session: AsyncSession, tenant_id: uuid.UUID,
                           devices: list[str]) -> Sequence[Row[str, int, int | None]]:
    """(device, if_index, speed_bps) of every observed interface of these devices."""
    query = select(ObservedInterface.device, ObservedInterface.if_index,
                   ObservedInterface.speed_bps).where(
        ObservedInterface.tenant_id == tenant_id, ObservedInterface.device.in_(devices))
    return (await session.execute(query)).all()


async def held_polls(session: AsyncSession, tenant_id: uuid.UUID, devices: list[str],
                     oldest: datetime | None) -> Sequence[Row[str, datetime, str]]:
    """(device, ts, packed readings) held for these devices, from the newest poll of each
    held before `oldest` on (everything when None)."""
    h, older = CounterHistory, aliased(CounterHistory)
    query = select(h.device, h.ts, h.readings).where(h.tenant_id == tenant_id,
                                                     h.device.in_(devices))
    if oldest is not None:
        bound = literal(oldest, UTCDateTime)
        floor = select(func.max(older.ts)).where(older.tenant_id == h.tenant_id,
                                                 older.device == h.device, older.ts < bound)
        query = query.where(h.ts >= func.coalesce(floor.scalar_subquery(), bound))
    return (await session.execute(query)).all()


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
    if dialect(session) == "postgresql":
        locked = (await session.execute(_LOCK_PG, params)).all()
        params |= {"tenants": [t for t, _d in locked], "devices": [d for _t, d in locked]}
        stmt = _PRUNE_PG
    else:
        stmt = _PRUNE_SQLITE
    gone = (await session.execute(stmt, params)).rowcount  # type: ignore[attr-defined]
    orphans = (await session.execute(_PRUNE_ORPHANS, {"cutoff": cutoff})).rowcount  # type: ignore[attr-defined]
    return int(gone or 0) + int(orphans or 0)
