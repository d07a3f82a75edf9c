"""The embedded demo database (SQLite): staging once per cycle (its upsert and RETURNING)
and sending work there too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio

from hub.alarms.models import AlarmNotification
from tests.hub.alarms.notify.mailserver import smtp_server
from tests.hub.alarms.notify.support import (
    T0,
    add_alarm,
    add_policy,
    address,
    changed,
    count,
    history,
    minutes,
    notifier,
    outbox,
    update_alarm,
)
from tests.hub.harness import Hub, hub_settings, running_hub


@pytest_asyncio.fixture(loop_scope="session")
async def sqlite_hub(tmp_path: Path) -> AsyncIterator[Hub]:
    settings = hub_settings(f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
                            auto_migrate=True)
    async with running_hub(settings, migrate=False) as hub:
        yield hub


async def test_notifications_on_the_embedded_database(sqlite_hub: Hub) -> None:
    hub = sqlite_hub
    owner = await hub.new_tenant("al-lite")
    oncall = address("oncall")
    await add_policy(hub, owner.tenant_id, emails=[oncall], escalate_after_min=5)
    alarm_id = await add_alarm(hub, owner.tenant_id)
    async with smtp_server() as (box, port):
        mailer = notifier(hub, port)
        for _ in range(2):  # the second is a redelivery
            await changed(hub, owner.tenant_id, alarm_id, "raised")
        await mailer.tick(T0 + timedelta(seconds=1))
        await mailer.tick(T0 + minutes(6))  # escalated to the policy's own address
        cleared = T0 + minutes(7)
        await update_alarm(hub, alarm_id, state="cleared", cleared_at=cleared,
                           last_change_at=cleared)
        await changed(hub, owner.tenant_id, alarm_id, "cleared", at=cleared)
        await mailer.tick(cleared + timedelta(seconds=1))
        assert [m.subject.split()[1] for m in box.to(oncall)] == [
            "RAISED", "ESCALATED", "CLEARED"]
    assert await count(hub, AlarmNotification, alarm_id=alarm_id, status="sent") == 6
    assert len(await history(hub, alarm_id, "escalated")) == 1
    assert len(await outbox(hub, owner.tenant_id, "alarm.raised")) == 1
