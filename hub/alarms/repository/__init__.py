"""Every statement the alarms domain runs (services, the evaluator, handlers and routes
call these; they never execute a statement themselves). Each function runs in the caller's
transaction.

- `alarms`: alarm rows and their history, open alarms by dedupe key, roots, devices
  (re-exported here: `from hub.alarms import repository as repo; repo.find_open(...)`).
- `conditions`: the rows the evaluator's snapshot is filled from, and every tenant.
- `desk`: what the alarm API reads through the caller's eyes (tenant, site scope).
- `overrides`: the tenant's rule overrides.
- `device_events`: stored device events and the devices and ports they name.
- `impacts`: subscriptions on a device, maintenance windows.
- `locks`: the evaluator's PostgreSQL advisory locks.
"""

from __future__ import annotations

from hub.alarms.repository.alarms import (
    ACTIVE,
    TRANSITIONS,
    Alarms,
    active_root,
    alarms_where,
    device_by_id,
    device_by_name,
    device_key,
    find_open,
    forget_open,
    history_of,
    in_maintenance_now,
    not_closed,
    open_keys,
    preload_open,
    record,
    remember_devices,
    remember_open,
    same_device,
    transitions_since,
)

__all__ = [
    "ACTIVE", "TRANSITIONS", "Alarms", "active_root", "alarms_where", "device_by_id",
    "device_by_name", "device_key", "find_open", "forget_open", "history_of",
    "in_maintenance_now", "not_closed", "open_keys", "preload_open", "record",
    "remember_devices", "remember_open", "same_device", "transitions_since",
]
