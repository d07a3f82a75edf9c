"""What an alarm touches outside the network: the subscriptions and customers on the port
or device (from billing's port bindings), maintenance windows, and the support ticket a rule
may open for a customer-impacting alarm."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms import repository as repo
from hub.alarms.models import Alarm, MaintenanceWindow
from hub.alarms.repository import impacts as impact_rows
from hub.alarms.rules import Rule
from hub.alarms.txcache import SUBSCRIPTIONS, WINDOWS, tx_cache
from hub.db import new_id, utcnow
from hub.support.models import Ticket, TicketComment
from hub.support.webhooks import ticket_changed

MAX_IMPACTS = 500  # a whole OLT down: enough to act on, bounded for the JSON column
WINDOW_CACHE_SPAN = timedelta(days=1)  # how far back a transaction reads windows
TICKET_PRIORITY = {"critical": "urgent", "major": "high", "minor": "normal"}


async def _subscriptions(session: AsyncSession, tenant_id: uuid.UUID, device_id: uuid.UUID,
                         ) -> list[tuple[Any, ...]]:
    """The device's subscriptions that are not terminated, with customer names (read once
    per transaction)."""
    cache = tx_cache(session, SUBSCRIPTIONS)
    if (tenant_id, device_id) not in cache:
        cache[(tenant_id, device_id)] = await impact_rows.subscriptions_on(session, tenant_id,
                                                                          device_id)
    rows: list[tuple[Any, ...]] = cache[(tenant_id, device_id)]
    return rows


async def impacts_of(session: AsyncSession, alarm: Alarm) -> list[dict[str, Any]]:
    """Subscriptions delivered on the alarm's device (on its port when it names one), not
    terminated, with their customers' names."""
    if alarm.device_id is None:
        return []
    rows = [row for row in await _subscriptions(session, alarm.tenant_id, alarm.device_id)
            if alarm.if_index is None or row[4] == alarm.if_index]
    return [{"subscription_id": str(sub_id), "customer_id": str(customer_id),
             "customer_name": name, "port": port or (str(if_index) if if_index else "")}
            for sub_id, customer_id, name, port, if_index in rows[:MAX_IMPACTS]]


async def _windows(session: AsyncSession, tenant_id: uuid.UUID, at: datetime,
                   ) -> list[MaintenanceWindow]:
    """The tenant's maintenance windows that may cover `at`: those ending after a day
    before it, read once per transaction (again, further back, for an older `at`)."""
    cache = tx_cache(session, WINDOWS)
    since, windows = cache.get(tenant_id, (None, []))
    if since is None or at < since:
        since = min(at, utcnow()) - WINDOW_CACHE_SPAN
        windows = await impact_rows.windows_ending_after(session, tenant_id, since)
        cache[tenant_id] = (since, windows)
    found: list[MaintenanceWindow] = windows
    return found


async def in_maintenance(session: AsyncSession, alarm: Alarm, at: datetime) -> bool:
    """Whether the alarm's device is flagged for maintenance, or a window covers `at` for
    its device or its site."""
    if alarm.device_id is not None:
        device = await repo.device_by_id(session, alarm.tenant_id, alarm.device_id)
        if device is not None and device.maintenance:
            return True
    if alarm.device_id is None and alarm.site_id is None:
        return False
    return any(w.starts_at <= at < w.ends_at
               and ((w.device_id is not None and w.device_id == alarm.device_id)
                    or (w.site_id is not None and w.site_id == alarm.site_id))
               for w in await _windows(session, alarm.tenant_id, at))


async def open_ticket(session: AsyncSession, alarm: Alarm, rule: Rule, at: datetime,
                      ) -> Ticket | None:
    """Open one support ticket for a customer-impacting alarm when its rule asks
    (`open_ticket: true`); never a second one for the same alarm.

    The ticket belongs to the first affected customer (tickets have one customer); its first
    comment lists every affected subscription. Written in the caller's transaction with the
    same webhook as a ticket opened by staff."""
    if not rule.param("open_ticket", False) or not alarm.impacts or alarm.ticket_id:
        return None
    first = alarm.impacts[0]
    ticket = Ticket(id=new_id(), tenant_id=alarm.tenant_id,
                    customer_id=uuid.UUID(first["customer_id"]),
                    subscription_id=uuid.UUID(first["subscription_id"]),
                    device_id=alarm.device_id, subject=f"Outage: {alarm.subject}"[:200],
                    status="open", priority=TICKET_PRIORITY.get(alarm.severity, "normal"),
                    opened_by=None, opened_by_customer=False)
    session.add(ticket)
    await session.flush()  # the ticket exists before the comment and the alarm point at it
    affected = "\n".join(f"- {item['customer_name']} ({item['port'] or 'device'}, "
                         f"subscription {item['subscription_id']})" for item in alarm.impacts)
    session.add(TicketComment(tenant_id=alarm.tenant_id, ticket_id=ticket.id, author_id=None,
                              by_staff=True, body=f"Opened by alarm {alarm.id} "
                              f"({alarm.rule}): {alarm.summary}\nAffected:\n{affected}"))
    ticket_changed(session, ticket, "created")
    alarm.ticket_id = ticket.id
    repo.record(session, alarm, "ticket_opened", at, text=f"ticket {ticket.id}",
                details={"ticket_id": str(ticket.id), "customers": len(alarm.impacts)})
    return ticket
