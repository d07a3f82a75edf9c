"""Every query of alarm notifications: staging a message once per alarm cycle, claiming due
mail (`FOR UPDATE SKIP LOCKED` on PostgreSQL), writing results back under the claim's lease,
and finding alarms to escalate.

A row is unique per (alarm, policy, kind, channel, target). Its `created_at` is the moment
of the alarm change it is about (the raise, clear, flap or acknowledgement time the alarm
holds), which is what tells a redelivered change (same moment: nothing to do) from the next
cycle of the same alarm (a later moment: the row is armed again, pending, for the new one).

Mail to one address about one alarm goes out in the order of the changes (`created_at`, then
raised < escalated < flapping < cleared for the same moment): only the first unsent one is
due, so a clear never overtakes its raise, also while the raise is retried or another
notifier holds it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.alarms.models import Alarm, AlarmHistory, AlarmNotification, NotificationPolicy
from hub.db import new_id
from hub.inventory.models import Site

KIND_ORDER = {"raised": 0, "escalated": 1, "flapping": 2, "cleared": 3}


async def stage(session: AsyncSession, alarm: Alarm, policy_id: uuid.UUID, kind: str,
                channel: str, target: str, cycle_at: datetime, now: datetime,
                status: str = "pending") -> bool:
    """Owe one message for this alarm cycle; False when it is already owed (or sent) for
    this cycle or a later one. Safe against another process staging the same row."""
    key = {"alarm_id": alarm.id, "policy_id": policy_id, "kind": kind, "channel": channel,
           "target": target}
    # Due from the change on (earlier changes are sent first); never later than now.
    fresh: dict[str, Any] = {"status": status, "attempts": 0,
                             "next_attempt_at": min(now, cycle_at),
                             "last_error": None, "created_at": cycle_at,
                             "sent_at": now if status == "sent" else None}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = await session.execute(
        dialect.insert(AlarmNotification)
        .values(id=new_id(), tenant_id=alarm.tenant_id, **key, **fresh)
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(AlarmNotification.id))
    if inserted.first() is not None:
        return True
    rearmed = await session.execute(
        update(AlarmNotification)
        .where(*(getattr(AlarmNotification, k) == v for k, v in key.items()),
               AlarmNotification.created_at < cycle_at)
        .values(**fresh).returning(AlarmNotification.id)
        .execution_options(synchronize_session=False))
    return rearmed.first() is not None


async def tenant_policies(session: AsyncSession, tenant_id: uuid.UUID,
                          ) -> list[NotificationPolicy]:
    """The tenant's enabled policies, oldest first."""
    query = (select(NotificationPolicy)
             .where(NotificationPolicy.tenant_id == tenant_id,
                    NotificationPolicy.enabled.is_(True))
             .order_by(NotificationPolicy.created_at, NotificationPolicy.id))
    return list((await session.execute(query)).scalars())


async def announced_raised(session: AsyncSession, alarm_id: uuid.UUID,
                           ) -> list[AlarmNotification]:
    """The alarm's raised messages that went out or are on their way (e-mail sent or still
    pending, webhook handed to the outbox): whom a clear or acknowledgement follows. A raise
    mail that failed for good announced nothing."""
    query = select(AlarmNotification).where(AlarmNotification.alarm_id == alarm_id,
                                            AlarmNotification.kind == "raised",
                                            AlarmNotification.status.in_(("sent", "pending")))
    return list((await session.execute(query)).scalars())


def _kind_rank(table: type[AlarmNotification] | Any) -> Any:
    return case(KIND_ORDER, value=table.kind, else_=len(KIND_ORDER))


async def take_due_mail(session: AsyncSession, now: datetime, limit: int,
                        ) -> list[AlarmNotification]:
    """Pending e-mails due by `now`, oldest change first, locked (another process skips
    them); only the first unsent mail of each alarm to each address (see the module): one
    behind an earlier pending mail waits, whether that one is due, backing off or claimed."""
    earlier = aliased(AlarmNotification)
    mail = AlarmNotification
    ahead = exists().where(
        earlier.alarm_id == mail.alarm_id, earlier.target == mail.target,
        earlier.channel == "email", earlier.status == "pending", earlier.id != mail.id,
        or_(earlier.created_at < mail.created_at,
            and_(earlier.created_at == mail.created_at,
                 _kind_rank(earlier) < _kind_rank(mail))))
    query = (select(mail)
             .where(mail.channel == "email", mail.status == "pending",
                    mail.next_attempt_at <= now, ~ahead)
             .order_by(mail.created_at, _kind_rank(mail), mail.id)
             .limit(limit).with_for_update(skip_locked=True))
    return list((await session.execute(query)).scalars())


async def record_result(session: AsyncSession, row_id: uuid.UUID, lease: datetime,
                        values: dict[str, object]) -> bool:
    """Write an attempt's outcome only if the row still holds this claim's lease (a newer
    cycle re-armed it meanwhile: that one wins); True when written."""
    done = await session.execute(
        update(AlarmNotification)
        .where(AlarmNotification.id == row_id, AlarmNotification.next_attempt_at == lease,
               AlarmNotification.status == "pending")
        .values(**values).returning(AlarmNotification.id)
        .execution_options(synchronize_session=False))
    return done.first() is not None


async def cycle_raised_at(session: AsyncSession, alarm_id: uuid.UUID) -> datetime | None:
    """When the alarm's latest raise or re-raise happened (from its history: on a cleared
    alarm no column keeps it)."""
    found: datetime | None = (await session.execute(
        select(func.max(AlarmHistory.at)).where(
            AlarmHistory.alarm_id == alarm_id,
            AlarmHistory.action.in_(("raised", "re_raised"))))).scalar_one_or_none()
    return found


async def site_name(session: AsyncSession, site_id: uuid.UUID | None) -> str | None:
    """A site's name, for mail."""
    if site_id is None:
        return None
    found: str | None = (await session.execute(
        select(Site.name).where(Site.id == site_id))).scalar_one_or_none()
    return found


async def escalation_candidates(session: AsyncSession, now: datetime, limit: int,
                                ) -> list[tuple[Alarm, NotificationPolicy]]:
    """Raised (not acknowledged) alarms that may notify, with each enabled escalating
    policy of their tenant not escalated yet in this cycle, oldest raise first; the caller
    checks the delay and the policy's filters."""
    escalated = exists().where(AlarmNotification.alarm_id == Alarm.id,
                               AlarmNotification.policy_id == NotificationPolicy.id,
                               AlarmNotification.kind == "escalated",
                               AlarmNotification.created_at >= Alarm.last_change_at)
    query = (select(Alarm, NotificationPolicy)
             .join(NotificationPolicy, NotificationPolicy.tenant_id == Alarm.tenant_id)
             .where(Alarm.state == "raised", Alarm.suppressed_by.is_(None),
                    Alarm.in_maintenance.is_(False),
                    (Alarm.shelved_until.is_(None)) | (Alarm.shelved_until <= now),
                    NotificationPolicy.enabled.is_(True),
                    NotificationPolicy.escalate_after_min.is_not(None), ~escalated)
             .order_by(Alarm.last_change_at, Alarm.id).limit(limit))
    return [(a, p) for a, p in (await session.execute(query)).all()]


async def alarm(session: AsyncSession, alarm_id: uuid.UUID) -> Alarm | None:
    """The alarm a change or a claimed mail is about."""
    return await session.get(Alarm, alarm_id)


async def policy(session: AsyncSession, policy_id: uuid.UUID) -> NotificationPolicy | None:
    """The policy a claimed mail was staged for."""
    return await session.get(NotificationPolicy, policy_id)
