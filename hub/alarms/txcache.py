"""Facts read once per transaction: the open alarms of a batch's keys, root alarms,
maintenance windows, a device's subscriptions. An event batch of 500 traps on one switch
asks the same questions 500 times; within one transaction the answers only change through
the alarms service itself, which keeps these dicts right (or drops them).

A cache lives as long as the innermost transaction that was current when it was made: a
SAVEPOINT (the evaluator runs each rule in one) starts with empty caches, so nothing a
rolled-back savepoint did can be read back from here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

_SLOT = "dotmac.alarms.txcache"

OPEN = "open"  # (tenant_id, dedupe_key) -> Alarm | None (None: known to have no open alarm)
ROOTS = "roots"  # (tenant_id, rule, scope...) -> Alarm | None
WINDOWS = "windows"  # tenant_id -> (since, [MaintenanceWindow])
DEVICES = "devices"  # (tenant_id, device_id) -> Device | None
SUBSCRIPTIONS = "subscriptions"  # (tenant_id, device_id) -> rows


def tx_cache(session: AsyncSession, name: str) -> dict[Any, Any]:
    """The dict `name` of the session's innermost transaction (empty in a new one)."""
    sync = session.sync_session
    current = sync.get_nested_transaction() or sync.get_transaction()
    if current is None:
        # Not in a transaction yet (the next statement begins one): nothing to share, and
        # nothing that could outlive the transaction it was read in.
        return {}
    slot: tuple[object, dict[str, dict[Any, Any]]] | None = session.info.get(_SLOT)
    if slot is None or slot[0] is not current:
        slot = (current, {})
        session.info[_SLOT] = slot
    return slot[1].setdefault(name, {})


def forget(session: AsyncSession, name: str) -> None:
    """Drop one cache of the current transaction (its facts changed)."""
    tx_cache(session, name).clear()
