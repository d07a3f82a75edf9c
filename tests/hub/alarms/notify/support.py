"""Helpers of the notification tests: alarms and policies as the alarms service and the API
leave them, AlarmChanged handled as the composition root routes it, a notifier on a mail
server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from hub.alarms.events import AlarmChanged
from hub.alarms.models import Alarm, AlarmHistory, AlarmNotification, NotificationPolicy
from hub.alarms.notify import AlarmNotifier, NotifierSettings, SmtpSettings, on_alarm_changed
from hub.events.models import OutboxEvent
from hub.metrics import Metrics
from tests.hub.harness import Hub

T0 = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)  # a Monday, 09:30 UTC
SENDER = "DotMac NOC <noc@isp.example>"
BACKOFF = 60.0


def address(label: str) -> str:
    """A recipient no other test uses."""
    return f"{label}-{secrets.token_hex(3)}@isp.example"


def notifier(hub: Hub, port: int, **smtp: Any) -> AlarmNotifier:
    """A notifier on the hub's database sending to 127.0.0.1:`port` (plain unless told)."""
    values: dict[str, Any] = {"host": "127.0.0.1", "port": port, "tls": "none",
                              "from_address": SENDER, "timeout_s": 5.0, **smtp}
    return AlarmNotifier(hub.app.state.sessions, SmtpSettings(**values), NotifierSettings(
        backoff_base_s=BACKOFF, backoff_max_s=3600, max_attempts=5,
        link_base_url="https://hub.isp.example"), Metrics())


@dataclass
class Scene:
    """One tenant's alarm and the policy about it."""

    hub: Hub
    tenant_id: uuid.UUID
    alarm_id: uuid.UUID
    policy_id: uuid.UUID


async def add_policy(hub: Hub, tenant_id: uuid.UUID, **fields: Any) -> uuid.UUID:
    """A notification policy row as the API stores it."""
    values: dict[str, Any] = {"name": f"p-{secrets.token_hex(3)}", "min_severity": "minor",
                              "webhook": True, "notify_clear": True, **fields}
    async with hub.app.state.sessions() as session:
        policy = NotificationPolicy(tenant_id=tenant_id, **values)
        session.add(policy)
        await session.commit()
        return policy.id


async def add_alarm(hub: Hub, tenant_id: uuid.UUID, at: datetime = T0,
                    **fields: Any) -> uuid.UUID:
    """A raised alarm row as hub.alarms.service.raise_alarm leaves it."""
    values: dict[str, Any] = {
        "rule": "event.link", "dedupe_key": f"event.link|sw1|{secrets.token_hex(4)}",
        "alarm_type": "link_down", "severity": "major", "state": "raised",
        "subject": "sw1 Gi0/1", "summary": "link down", "origin": "event",
        "first_raised_at": at, "last_raised_at": at, "last_change_at": at,
        "raised_count": 1, "if_index": 1, "details": {}, "impacts": [], **fields}
    async with hub.app.state.sessions() as session:
        alarm = Alarm(tenant_id=tenant_id, **values)
        session.add(alarm)
        await session.commit()
        return alarm.id


async def update_alarm(hub: Hub, alarm_id: uuid.UUID, **fields: Any) -> None:
    """Move the alarm as the service would (clear, re-raise, flap, acknowledge)."""
    async with hub.app.state.sessions() as session:
        alarm = await session.get(Alarm, alarm_id)
        assert alarm is not None
        for name, value in fields.items():
            setattr(alarm, name, value)
        await session.commit()


async def changed(hub: Hub, tenant_id: uuid.UUID, alarm_id: uuid.UUID, change: str,
                  at: datetime = T0, notify: bool = True, now: datetime | None = None) -> None:
    """Publish AlarmChanged to the handler inside a transaction, as the service does."""
    async with hub.app.state.sessions() as session, session.begin():
        await on_alarm_changed(session, AlarmChanged(tenant_id, alarm_id, change, notify, at),
                               now=now or at)


async def notifications(hub: Hub, alarm_id: uuid.UUID, **where: Any) -> list[AlarmNotification]:
    """The alarm's notification rows, oldest first."""
    async with hub.app.state.sessions() as session:
        query = select(AlarmNotification).where(AlarmNotification.alarm_id == alarm_id).filter_by(
            **where).order_by(AlarmNotification.created_at, AlarmNotification.kind)
        return list((await session.execute(query)).scalars())


async def history(hub: Hub, alarm_id: uuid.UUID, action: str) -> list[AlarmHistory]:
    """The alarm's history lines of one action."""
    async with hub.app.state.sessions() as session:
        query = select(AlarmHistory).where(AlarmHistory.alarm_id == alarm_id,
                                           AlarmHistory.action == action)
        return list((await session.execute(query)).scalars())


async def outbox(hub: Hub, tenant_id: uuid.UUID, type_: str) -> list[OutboxEvent]:
    """The tenant's outbox events of one type."""
    async with hub.app.state.sessions() as session:
        query = select(OutboxEvent).where(OutboxEvent.tenant_id == tenant_id,
                                          OutboxEvent.type == type_)
        return list((await session.execute(query)).scalars())


async def count(hub: Hub, model: Any, **where: Any) -> int:
    """Rows of a table matching `where`."""
    async with hub.app.state.sessions() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int((await session.execute(query)).scalar_one())


def signed_by(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Whether a webhook request carries a valid signature made with `secret`, checked the
    way a receiver does, independently of hub.events.signing: the Standard Webhooks scheme
    (`v1,<base64>`, key from the `whsec_` secret) or the older `v1=<hex>` recipe of
    docs/webhooks.md; and the timestamp within 5 minutes."""
    timestamp = headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > 300:
        return False
    signed = f"{headers['webhook-id']}.{timestamp}.".encode() + body
    offered = headers["webhook-signature"].split()
    standard_key = base64.b64decode(secret.removeprefix("whsec_") + "==")
    standard = "v1," + base64.b64encode(
        hmac.new(standard_key, signed, hashlib.sha256).digest()).decode()
    legacy = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(o, want) for o in offered for want in (standard, legacy))


def minutes(n: float) -> timedelta:
    """n minutes."""
    return timedelta(minutes=n)
