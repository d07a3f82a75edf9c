"""Alarm notifications end to end on real servers: PostgreSQL, an aiosmtpd SMTP server on
loopback and an HTTP receiver checking webhook signatures. Time is the test's (`now` passed
to the handler and to each notifier pass): nothing sleeps to wait for a delay."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from hub.alarms.models import AlarmNotification
from hub.alarms.notify.repository import take_due_mail
from hub.alarms.notify.worker import SENT
from hub.db import create_engine, session_factory
from hub.events.models import OutboxEvent
from tests.hub.alarms.notify.mailserver import Login, free_port, smtp_server
from tests.hub.alarms.notify.support import (
    BACKOFF,
    T0,
    add_alarm,
    add_policy,
    address,
    changed,
    count,
    history,
    minutes,
    notifications,
    notifier,
    outbox,
    signed_by,
    update_alarm,
)
from tests.hub.events.receiver import running_receiver, self_signed
from tests.hub.events.support import add_endpoint, tick_until
from tests.hub.events.support import worker as webhook_worker
from tests.hub.harness import Hub

SECOND = timedelta(seconds=1)


async def test_raised_alarm_mails_each_address_and_posts_a_signed_webhook(hub: Hub) -> None:
    owner = await hub.new_tenant("al-raise")
    site = await hub.post(owner, "/sites", {"name": f"pop-north-{uuid.uuid4().hex[:4]}"})
    oncall, noc, never = address("oncall"), address("noc"), address("never")
    await add_policy(hub, owner.tenant_id, emails=[oncall, noc, oncall])
    await add_policy(hub, owner.tenant_id, emails=[never], min_severity="critical")
    await add_policy(hub, owner.tenant_id, emails=[never], site_ids=[str(uuid.uuid4())])
    await add_policy(hub, owner.tenant_id, emails=[never], time_from="18:00", time_to="06:00")
    await add_policy(hub, owner.tenant_id, emails=[never], enabled=False)
    impacts = [{"subscription_id": str(uuid.uuid4()), "customer_id": str(uuid.uuid4()),
                "customer_name": "Alice Example", "port": "Gi0/1"}]
    alarm_id = await add_alarm(hub, owner.tenant_id, site_id=uuid.UUID(site["id"]),
                               impacts=impacts)
    async with running_receiver() as rx, smtp_server() as (box, port):
        made = await add_endpoint(hub, owner, f"{rx.url}/hook", ["alarm.raised"])
        await changed(hub, owner.tenant_id, alarm_id, "raised")
        report = await notifier(hub, port).tick(T0 + SECOND)
        assert report.outcomes["sent"] >= 2
        [mail] = box.to(oncall)
        assert len(box.to(noc)) == 1 and box.to(never) == []
        assert mail.subject == "[MAJOR] RAISED sw1 Gi0/1: link down"
        assert mail.mail_from == "noc@isp.example"
        assert mail.message["X-Dotmac-Alarm-Id"] == str(alarm_id)
        for line in (f"Site:       {site['name']}", "Raised at:  2026-12-07 09:30:00 UTC",
                     "Impacted customers: 1",
                     f"Open it: https://hub.isp.example/alarms/{alarm_id}"):
            assert line in mail.body
        assert "Alice Example" not in mail.body  # a count, not customers' names
        w = webhook_worker(hub)
        await tick_until([w], lambda: len(rx.of_type("alarm.raised")) == 1)
        await w.close()
    got = rx.of_type("alarm.raised")[0]
    assert signed_by(made["secret"], got.headers, got.body)
    assert not signed_by(made["secret"], got.headers, got.body.replace(b"major", b"minor"))
    data = got.doc["data"]
    assert (data["alarm_id"], data["severity"], data["state"], data["subject"]) == (
        str(alarm_id), "major", "raised", "sw1 Gi0/1")
    assert data["site_id"] == site["id"] and data["if_index"] == 1
    assert data["impacts"] == [{k: impacts[0][k] for k in ("subscription_id", "customer_id")}]
    assert "Alice Example" not in got.body.decode()  # ids only
    rows = await notifications(hub, alarm_id)
    assert sorted((r.channel, r.target, r.status) for r in rows) == sorted(
        [("email", oncall, "sent"), ("email", noc, "sent"), ("webhook", "outbox", "sent")])
    assert len(await history(hub, alarm_id, "notified")) == 3


async def test_clear_message_only_where_the_raise_went_out_and_policy_asks(hub: Hub) -> None:
    owner = await hub.new_tenant("al-clear")
    wants, quiet = address("wants-clear"), address("no-clear")
    await add_policy(hub, owner.tenant_id, emails=[wants])
    await add_policy(hub, owner.tenant_id, emails=[quiet], notify_clear=False)
    alarm_id = await add_alarm(hub, owner.tenant_id)
    unannounced = await add_alarm(hub, owner.tenant_id)
    async with smtp_server() as (box, port):
        mailer = notifier(hub, port)
        await changed(hub, owner.tenant_id, alarm_id, "raised")
        await changed(hub, owner.tenant_id, unannounced, "raised", notify=False)  # shelved
        await mailer.tick(T0 + SECOND)
        cleared_at = T0 + minutes(12) + 3 * SECOND
        for alarm in (alarm_id, unannounced):
            await update_alarm(hub, alarm, state="cleared", cleared_at=cleared_at,
                               cleared_by="system", last_change_at=cleared_at)
            await changed(hub, owner.tenant_id, alarm, "cleared", at=cleared_at)
        await mailer.tick(cleared_at + SECOND)
        assert [m.subject.split()[1] for m in box.to(wants)] == ["RAISED", "CLEARED"]
        assert [m.subject.split()[1] for m in box.to(quiet)] == ["RAISED"]
        clear = box.to(wants)[1]
        assert clear.subject == "[MAJOR] CLEARED sw1 Gi0/1: link down"
        assert "Cleared at: 2026-12-07 09:42:03 UTC by system; lasted 12 min 3 s" in clear.body
    assert await notifications(hub, unannounced) == []
    [event] = await outbox(hub, owner.tenant_id, "alarm.cleared")
    assert event.payload["alarm_id"] == str(alarm_id) and event.payload["state"] == "cleared"


async def test_raised_again_after_a_clear_is_a_new_message_once(hub: Hub) -> None:
    owner = await hub.new_tenant("al-reraise")
    oncall = address("oncall")
    await add_policy(hub, owner.tenant_id, emails=[oncall])
    alarm_id = await add_alarm(hub, owner.tenant_id)
    again = T0 + minutes(30)
    async with smtp_server() as (box, port):
        mailer = notifier(hub, port)
        await changed(hub, owner.tenant_id, alarm_id, "raised")
        await mailer.tick(T0 + SECOND)
        await update_alarm(hub, alarm_id, state="cleared", cleared_at=T0 + minutes(5),
                           last_change_at=T0 + minutes(5))
        await changed(hub, owner.tenant_id, alarm_id, "cleared", at=T0 + minutes(5))
        await mailer.tick(T0 + minutes(5) + SECOND)
        await update_alarm(hub, alarm_id, state="raised", last_raised_at=again, raised_count=2,
                           last_change_at=again, cleared_at=None)
        for _ in range(2):  # the second is a redelivery
            await changed(hub, owner.tenant_id, alarm_id, "re_raised", at=again)
        await mailer.tick(again + SECOND)
        assert [m.subject.split()[1] for m in box.to(oncall)] == ["RAISED", "CLEARED", "RAISED"]
        assert "(raised 2 times)" in box.to(oncall)[2].body
    assert len(await outbox(hub, owner.tenant_id, "alarm.raised")) == 2


async def test_flapping_alarm_sends_one_flapping_notification(hub: Hub) -> None:
    owner = await hub.new_tenant("al-flap")
    oncall = address("oncall")
    await add_policy(hub, owner.tenant_id, emails=[oncall])
    alarm_id = await add_alarm(hub, owner.tenant_id)
    async with smtp_server() as (box, port):
        mailer = notifier(hub, port)
        await changed(hub, owner.tenant_id, alarm_id, "raised")
        await mailer.tick(T0 + SECOND)
        flap_at = T0 + minutes(4)
        await update_alarm(hub, alarm_id, flapping=True, flap_started_at=flap_at)
        await changed(hub, owner.tenant_id, alarm_id, "flapping", at=flap_at)
        for n in range(1, 9):  # the transitions while it flaps: quiet, and one redelivery
            at = flap_at + n * SECOND * 20
            await update_alarm(hub, alarm_id, state="cleared" if n % 2 else "raised",
                               last_change_at=at)
            await changed(hub, owner.tenant_id, alarm_id, "cleared" if n % 2 else "re_raised",
                          at=at, notify=False)
        await changed(hub, owner.tenant_id, alarm_id, "cleared", at=flap_at + minutes(4))
        await changed(hub, owner.tenant_id, alarm_id, "flapping", at=flap_at)
        await mailer.tick(flap_at + minutes(5))
        subjects = [m.subject for m in box.to(oncall)]
        assert subjects == ["[MAJOR] RAISED sw1 Gi0/1: link down",
                            "[MAJOR] FLAPPING sw1 Gi0/1: link down"]
        assert "no further mail for each transition" in box.to(oncall)[1].body
    assert len(await outbox(hub, owner.tenant_id, "alarm.flapping")) == 1
    assert len(await outbox(hub, owner.tenant_id, "alarm.cleared")) == 0


async def test_unacknowledged_alarm_escalates_once_after_the_delay(hub: Hub) -> None:
    owner = await hub.new_tenant("al-escalate")
    oncall, boss = address("oncall"), address("boss")
    await add_policy(hub, owner.tenant_id, emails=[oncall], escalate_after_min=15,
                     escalate_emails=[boss])
    alarm_id = await add_alarm(hub, owner.tenant_id, severity="critical")
    acked = await add_alarm(hub, owner.tenant_id, severity="critical", state="acknowledged",
                            acknowledged_at=T0 + minutes(2), acknowledged_by="ana")
    async with smtp_server() as (box, port):
        mailer = notifier(hub, port)
        await changed(hub, owner.tenant_id, alarm_id, "raised")
        await mailer.tick(T0 + SECOND)
        # the condition is reported again and again: that does not postpone escalation
        await update_alarm(hub, alarm_id, last_raised_at=T0 + minutes(14))
        await mailer.tick(T0 + minutes(15) - SECOND)
        assert box.to(boss) == []
        report = await mailer.tick(T0 + minutes(15))
        assert report.escalated >= 1
        for later in (minutes(16), minutes(40), minutes(600)):
            await mailer.tick(T0 + later)
        [mail] = box.to(boss)
        assert mail.subject == "[CRITICAL] ESCALATED sw1 Gi0/1: link down"
        assert "Not acknowledged 15 min after it was raised" in mail.body
        assert [m.subject.split()[1] for m in box.to(oncall)] == ["RAISED"]
    [line] = await history(hub, alarm_id, "escalated")
    assert "15 min" in line.text and line.details["emails"] == [boss]
    assert await history(hub, acked, "escalated") == []
    [event] = await outbox(hub, owner.tenant_id, "alarm.escalated")
    assert event.payload["alarm_id"] == str(alarm_id)
    assert event.payload["escalate_after_min"] == 15


async def test_smtp_down_is_retried_with_backoff_then_sent(hub: Hub) -> None:
    owner = await hub.new_tenant("al-down")
    oncall = address("oncall")
    await add_policy(hub, owner.tenant_id, emails=[oncall])
    alarm_id = await add_alarm(hub, owner.tenant_id)
    await changed(hub, owner.tenant_id, alarm_id, "raised")
    port = free_port()  # nothing listens there yet
    mailer = notifier(hub, port)
    now = T0 + SECOND
    for attempt in (1, 2):
        await mailer.tick(now)
        [row] = await notifications(hub, alarm_id, channel="email")
        assert (row.status, row.attempts) == ("pending", attempt)
        assert row.last_error is not None and f"127.0.0.1:{port}" in row.last_error
        wait = (row.next_attempt_at - now).total_seconds()
        nominal = BACKOFF * 2 ** (attempt - 1)
        assert 0.8 * nominal <= wait <= 1.2 * nominal
        await mailer.tick(row.next_attempt_at - SECOND)  # too early: not tried
        assert (await notifications(hub, alarm_id, channel="email"))[0].attempts == attempt
        now = row.next_attempt_at
    async with smtp_server(port) as (box, _):
        await mailer.tick(now)
        assert len(box.to(oncall)) == 1
    [row] = await notifications(hub, alarm_id, channel="email")
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)
    assert mailer.metrics.value(SENT, outcome="retry", reason="connect") >= 2
    assert mailer.metrics.value(SENT, outcome="sent", reason="ok") >= 1


async def test_refused_smtp_login_fails_at_once_with_its_reason(
        hub: Hub, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    owner = await hub.new_tenant("al-auth")
    first, second = address("first"), address("second")
    policy = await add_policy(hub, owner.tenant_id, emails=[first])
    alarm_id = await add_alarm(hub, owner.tenant_id)
    tls = self_signed(tmp_path, "localhost")
    wrong = "wrong-pass-4242"
    caplog.set_level(logging.DEBUG)
    async with smtp_server(tls=tls, login=Login("noc", "right-pass")) as (box, port):
        await changed(hub, owner.tenant_id, alarm_id, "raised")
        bad = notifier(hub, port, host="localhost", tls="starttls", ca_file=tls.cert,
                       username="noc", password=wrong)
        await bad.tick(T0 + SECOND)
        [row] = await notifications(hub, alarm_id, channel="email")
        assert (row.status, row.attempts) == ("failed", 1)
        assert row.last_error is not None
        assert row.last_error.startswith(f"SMTP login as 'noc' refused by localhost:{port} (535")
        assert "DOTMAC_HUB_SMTP_PASSWORD" in row.last_error
        assert bad.metrics.value(SENT, outcome="failed", reason="auth") == 1
        await bad.tick(T0 + minutes(60))  # failed for good: not tried again
        assert (await notifications(hub, alarm_id, channel="email"))[0].attempts == 1
        # the same server with the right password, over STARTTLS: delivered
        other = await add_alarm(hub, owner.tenant_id)
        await update_policy_emails(hub, policy, [second])
        await changed(hub, owner.tenant_id, other, "raised")
        good = notifier(hub, port, host="localhost", tls="starttls", ca_file=tls.cert,
                        username="noc", password="right-pass")
        await good.tick(T0 + SECOND)
        assert len(box.to(second)) == 1 and box.to(first) == []
    assert wrong not in caplog.text and "right-pass" not in caplog.text
    assert wrong not in (row.last_error or "")


async def update_policy_emails(hub: Hub, policy_id: uuid.UUID, emails: list[str]) -> None:
    """Change a policy's addresses."""
    from hub.alarms.models import NotificationPolicy

    async with hub.app.state.sessions() as session:
        policy = await session.get(NotificationPolicy, policy_id)
        assert policy is not None
        policy.emails = emails
        await session.commit()


async def test_redelivered_change_adds_no_message(hub: Hub) -> None:
    owner = await hub.new_tenant("al-redeliver")
    oncall, broken = address("oncall"), "ops@isp.example\r\nBcc: spy@evil.example"
    await add_policy(hub, owner.tenant_id, emails=[oncall, broken])
    alarm_id = await add_alarm(hub, owner.tenant_id)
    async with smtp_server() as (box, port):
        mailer = notifier(hub, port)
        for _ in range(3):
            await changed(hub, owner.tenant_id, alarm_id, "raised")
        await mailer.tick(T0 + SECOND)
        await changed(hub, owner.tenant_id, alarm_id, "raised")  # again, after it was sent
        await mailer.tick(T0 + minutes(1))
        assert len(box.to(oncall)) == 1
        assert box.to("spy@evil.example") == []
    [bad] = await notifications(hub, alarm_id, channel="email", target=broken)
    assert bad.status == "failed" and bad.last_error is not None
    assert bad.last_error.startswith("cannot address a mail to")
    assert await count(hub, AlarmNotification, alarm_id=alarm_id, channel="email") == 2
    assert await count(hub, OutboxEvent, tenant_id=owner.tenant_id, type="alarm.raised") == 1


async def test_two_notifiers_at_once_send_each_mail_once(hub: Hub) -> None:
    owner = await hub.new_tenant("al-two")
    targets = [address(f"t{n}") for n in range(8)]
    await add_policy(hub, owner.tenant_id, emails=targets)
    alarm_id = await add_alarm(hub, owner.tenant_id)
    await changed(hub, owner.tenant_id, alarm_id, "raised")
    now = T0 + SECOND
    engine = create_engine(hub.settings.database_url)  # the second process's own pool
    try:
        async with smtp_server() as (box, port):
            first, second = notifier(hub, port), notifier(hub, port)
            second.sessions = session_factory(engine)
            async with hub.app.state.sessions() as holder, holder.begin():
                held = await take_due_mail(holder, now, 3)  # a process in the middle of a claim
                claims = await asyncio.wait_for(second.claim(now), 10)  # skips, never waits
            mine = [c for c in claims if c.alarm_id == alarm_id]
            assert len(mine) == 5 and {c.row_id for c in mine}.isdisjoint({r.id for r in held})
            # the claimed five are leased: the first notifier sends only the three others
            results = await asyncio.gather(first.tick(now),
                                           *(second.send(c, now) for c in claims))
            await asyncio.gather(first.tick(now + minutes(10)), second.tick(now + minutes(10)))
            assert [len(box.to(t)) for t in targets] == [1] * len(targets)
    finally:
        await engine.dispose()
    assert results[1:].count("sent") == len(claims)
    rows = await notifications(hub, alarm_id, channel="email")
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}


async def test_acknowledgement_reaches_webhooks_where_the_raise_went(hub: Hub) -> None:
    owner = await hub.new_tenant("al-ack")
    oncall = address("oncall")
    await add_policy(hub, owner.tenant_id, emails=[oncall])
    mail_only = await hub.new_tenant("al-ack-mail")
    await add_policy(hub, mail_only.tenant_id, emails=[address("m")], webhook=False)
    for tenant in (owner.tenant_id, mail_only.tenant_id):
        alarm_id = await add_alarm(hub, tenant)
        await changed(hub, tenant, alarm_id, "raised")
        acked_at = T0 + minutes(3)
        await update_alarm(hub, alarm_id, state="acknowledged", acknowledged_at=acked_at,
                           acknowledged_by="ana")
        for _ in range(2):  # the second is a redelivery
            await changed(hub, tenant, alarm_id, "acknowledged", at=acked_at)
    [event] = await outbox(hub, owner.tenant_id, "alarm.acknowledged")
    assert event.payload["state"] == "acknowledged"
    assert await outbox(hub, mail_only.tenant_id, "alarm.acknowledged") == []
    assert await outbox(hub, mail_only.tenant_id, "alarm.raised") == []
    kinds = {(r.kind, r.channel) for r in await notifications(hub, event_alarm(event))}
    assert kinds == {("raised", "email"), ("raised", "webhook"), ("acknowledged", "webhook")}


def event_alarm(event: OutboxEvent) -> uuid.UUID:
    """The alarm an outbox event is about."""
    return uuid.UUID(str(event.payload["alarm_id"]))
