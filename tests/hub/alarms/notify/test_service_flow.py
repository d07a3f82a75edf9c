"""Through the alarms service and the composition root (hub.handlers wires the handler):
a link going down and up until it flaps mails one "flapping" message, a clear says how long
the alarm lasted, and acknowledging stops escalation. Real PostgreSQL and SMTP server."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alarms import service
from hub.alarms.events import AlarmChanged
from hub.alarms.models import NotificationPolicy
from hub.alarms.notify import AlarmNotifier, NotifierSettings, SmtpSettings, on_alarm_changed
from hub.db import utcnow
from hub.domain_events import bus
from hub.metrics import Metrics
from tests.hub.alarms.conftest import World
from tests.hub.alarms.notify.mailserver import smtp_server
from tests.hub.alarms.notify.support import SENDER, address, minutes

Sessions = async_sessionmaker[AsyncSession]
STEP = timedelta(seconds=30)


def mailer(sessions: Sessions, port: int) -> AlarmNotifier:
    """A notifier sending to the test's server."""
    smtp: dict[str, Any] = {"host": "127.0.0.1", "port": port, "tls": "none",
                            "from_address": SENDER}  # (mypy: see SmtpSettings)
    return AlarmNotifier(sessions, SmtpSettings(**smtp), NotifierSettings(), Metrics())


async def policy(sessions: Sessions, world: World, **fields: Any) -> None:
    """A policy of the world's tenant."""
    async with sessions() as session, session.begin():
        session.add(NotificationPolicy(tenant_id=world.tenant_id,
                                       name=f"p-{secrets.token_hex(3)}", min_severity="minor",
                                       **fields))


def kinds(subjects: list[str]) -> list[str]:
    """RAISED, CLEARED... of each subject."""
    return [s.split()[1] for s in subjects]


async def test_the_handler_is_wired(sessions: Sessions) -> None:
    assert on_alarm_changed in bus.handlers(AlarmChanged)


async def test_link_flapping_mails_one_flapping_message(sessions: Sessions, world: World) -> None:
    oncall = address("oncall")
    await policy(sessions, world, emails=[oncall])
    base = utcnow().replace(microsecond=0)
    cond = replace(world.condition(), at=base)
    async with smtp_server() as (box, port):
        notifier = mailer(sessions, port)
        for n in range(12):  # down, up, down ... every 30 s, a pass after each
            at = base + n * STEP
            async with sessions() as session, session.begin():
                if n % 2:
                    await service.clear_alarm(session, world.tenant_id, cond.dedupe_key, at)
                else:
                    alarm = await service.raise_alarm(session, replace(cond, at=at))
            await notifier.tick(at + timedelta(seconds=1))
        mails = box.to(oncall)
        assert kinds([m.subject for m in mails]) == ["RAISED", "CLEARED", "RAISED", "FLAPPING"]
        # a quiet window later it is stable and says where it ended (cleared)
        end = base + 11 * STEP + minutes(11)
        async with sessions() as session, session.begin():
            await service.close_expired(session, end)
        await notifier.tick(end)
        assert kinds([m.subject for m in box.to(oncall)])[4:] == ["CLEARED"]
        assert "Impacted customers: 1" in mails[0].body
        assert all(m.message["X-Dotmac-Alarm-Id"] == str(alarm.id) for m in box.to(oncall))


async def test_clear_says_how_long_and_ack_stops_escalation(sessions: Sessions,
                                                            world: World) -> None:
    oncall, boss = address("oncall"), address("boss")
    await policy(sessions, world, emails=[oncall], escalate_after_min=10,
                 escalate_emails=[boss])
    base = utcnow().replace(microsecond=0)
    link = replace(world.condition(extra=uuid.uuid4().hex), at=base)
    cpu = replace(world.condition("device.cpu", extra=uuid.uuid4().hex, if_index=None,
                                  alarm_type="cpu_high"), at=base)
    async with smtp_server() as (box, port):
        notifier = mailer(sessions, port)
        async with sessions() as session, session.begin():
            await service.raise_alarm(session, link)
            acked = await service.raise_alarm(session, cpu)
        await notifier.tick(base + timedelta(seconds=1))
        async with sessions() as session, session.begin():
            row = await session.merge(acked)
            await service.acknowledge(session, row, "ana", at=base + minutes(2))
            # the link is reported again later: it was raised at base all the same
            await service.raise_alarm(session, replace(link, at=base + minutes(8)))
        await notifier.tick(base + minutes(10) + timedelta(seconds=1))
        escalated = box.to(boss)
        assert len(escalated) == 1 and "event.link" in escalated[0].subject  # not the acked cpu
        cleared = base + minutes(12) + timedelta(seconds=3)
        async with sessions() as session, session.begin():
            await service.clear_alarm(session, world.tenant_id, link.dedupe_key, cleared)
        await notifier.tick(cleared + timedelta(seconds=1))
        clear = [m for m in box.to(oncall) if " CLEARED " in m.subject]
        assert len(clear) == 1 and "lasted 12 min 3 s" in clear[0].body
        assert f"Raised at:  {stamp(base)}" in clear[0].body


def stamp(at: datetime) -> str:
    """A time as mail shows it (UTC policy)."""
    return at.strftime("%Y-%m-%d %H:%M:%S UTC")
