"""Alarm mail in the order of the changes, on real servers (PostgreSQL, aiosmtpd): a port that
bounces before the notifier ran gets its raise and then its clear; a raise the server turns
away for now holds its clear back; another alarm's mail is not held; a long subject reaches
the reader as written. Time is the test's (`now` passed to each pass): nothing sleeps."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from hub.alarms.notify.worker import SENT
from tests.hub.alarms.notify.mailserver import Mailbox, smtp_server
from tests.hub.alarms.notify.support import (
    T0,
    add_alarm,
    add_policy,
    address,
    changed,
    minutes,
    notifications,
    notifier,
    outbox,
    update_alarm,
)
from tests.hub.harness import Hub

SECOND = timedelta(seconds=1)


async def bounce(hub: Hub, tenant_id: uuid.UUID, alarm_id: uuid.UUID,
                 down_for: timedelta = SECOND) -> datetime:
    """Raise and clear the alarm as the service does, both before any notifier pass; the
    clear's time."""
    await changed(hub, tenant_id, alarm_id, "raised")
    up = T0 + down_for
    await update_alarm(hub, alarm_id, state="cleared", cleared_at=up, cleared_by="system",
                       last_change_at=up)
    await changed(hub, tenant_id, alarm_id, "cleared", at=up)
    return up


def kinds(box: Mailbox, to: str, alarm_id: uuid.UUID) -> list[str]:
    """`RAISED`, `CLEARED`... of the mail about one alarm to one address, in arrival order."""
    return [m.subject.split()[1] for m in box.to(to)
            if m.message["X-Dotmac-Alarm-Id"] == str(alarm_id)]


async def test_a_bounce_faster_than_the_notifier_mails_the_raise_then_the_clear(
        hub: Hub) -> None:
    owner = await hub.new_tenant("al-bounce")
    oncall, quiet = address("oncall"), address("no-clear")
    await add_policy(hub, owner.tenant_id, emails=[oncall])
    await add_policy(hub, owner.tenant_id, emails=[quiet], notify_clear=False)
    alarm_id = await add_alarm(hub, owner.tenant_id)
    up = await bounce(hub, owner.tenant_id, alarm_id, down_for=2 * SECOND)
    async with smtp_server() as (box, port):
        report = await notifier(hub, port).tick(up + SECOND)  # one pass sends both, in order
        assert kinds(box, oncall, alarm_id) == ["RAISED", "CLEARED"]
        assert kinds(box, quiet, alarm_id) == ["RAISED"]
        assert report.outcomes["sent"] == 3
        raised, cleared = box.to(oncall)
        assert "Raised (and since cleared" in raised.body
        assert "Raised at:  2026-12-07 09:30:00 UTC" in raised.body
        assert "lasted 2 s" in cleared.body
    rows = await notifications(hub, alarm_id, channel="email")
    assert {(r.kind, r.target, r.status) for r in rows} == {
        ("raised", oncall, "sent"), ("raised", quiet, "sent"), ("cleared", oncall, "sent")}
    assert len(await outbox(hub, owner.tenant_id, "alarm.cleared")) == 1


async def test_a_raise_refused_for_good_is_not_followed_by_a_clear(hub: Hub) -> None:
    owner = await hub.new_tenant("al-bounce-refused")
    oncall = address("oncall")
    await add_policy(hub, owner.tenant_id, emails=[oncall])
    alarm_id = await add_alarm(hub, owner.tenant_id, subject="sw1 Gi0/9")
    async with smtp_server() as (box, port):
        box.refuse("RAISED sw1 Gi0/9", reply="554 5.7.1 Message rejected by policy")
        await changed(hub, owner.tenant_id, alarm_id, "raised")
        await notifier(hub, port).tick(T0 + SECOND)
        [raised] = await notifications(hub, alarm_id, channel="email")
        assert (raised.status, raised.attempts) == ("failed", 1)
        assert raised.last_error is not None and "554" in raised.last_error
        cleared_at = T0 + minutes(1)
        await update_alarm(hub, alarm_id, state="cleared", cleared_at=cleared_at,
                           last_change_at=cleared_at)
        await changed(hub, owner.tenant_id, alarm_id, "cleared", at=cleared_at)
        await notifier(hub, port).tick(cleared_at + SECOND)
        assert box.to(oncall) == []
    # the raise never reached the address: no clear is owed there; webhooks got both
    assert [r.kind for r in await notifications(hub, alarm_id, channel="email")] == ["raised"]
    assert len(await outbox(hub, owner.tenant_id, "alarm.cleared")) == 1


async def test_a_raise_the_server_defers_holds_its_clear_back_not_other_alarms(
        hub: Hub) -> None:
    owner = await hub.new_tenant("al-order-retry")
    oncall = address("oncall")
    await add_policy(hub, owner.tenant_id, emails=[oncall])
    deferred = await add_alarm(hub, owner.tenant_id, subject="sw1 Gi0/7")
    other = await add_alarm(hub, owner.tenant_id, subject="sw1 Gi0/8")
    for alarm_id in (deferred, other):
        await bounce(hub, owner.tenant_id, alarm_id)
    async with smtp_server() as (box, port):
        box.refuse("RAISED sw1 Gi0/7")  # 451: the first attempt only
        mailer = notifier(hub, port)
        await mailer.tick(T0 + 2 * SECOND)
        assert box.refused == ["[MAJOR] RAISED sw1 Gi0/7: link down"]
        assert kinds(box, oncall, deferred) == []  # the clear did not overtake
        assert kinds(box, oncall, other) == ["RAISED", "CLEARED"]  # not held by the other
        raised, cleared = await notifications(hub, deferred, channel="email")
        assert (raised.kind, raised.status, raised.attempts) == ("raised", "pending", 1)
        assert raised.last_error is not None and "451" in raised.last_error
        assert (cleared.kind, cleared.status, cleared.attempts) == ("cleared", "pending", 0)
        await mailer.tick(raised.next_attempt_at - SECOND)  # the raise is not due yet
        assert kinds(box, oncall, deferred) == []
        await mailer.tick(raised.next_attempt_at)
        assert kinds(box, oncall, deferred) == ["RAISED", "CLEARED"]
    assert {(r.kind, r.status, r.attempts)
            for r in await notifications(hub, deferred, channel="email")} == {
        ("raised", "sent", 2), ("cleared", "sent", 1)}
    assert mailer.metrics.value(SENT, outcome="retry", reason="temporary") == 1


async def test_a_raise_that_fails_for_good_after_retries_lets_its_clear_go(hub: Hub) -> None:
    owner = await hub.new_tenant("al-order-give-up")
    oncall = address("oncall")
    await add_policy(hub, owner.tenant_id, emails=[oncall])
    alarm_id = await add_alarm(hub, owner.tenant_id, subject="sw2 Gi0/3")
    await bounce(hub, owner.tenant_id, alarm_id)
    async with smtp_server() as (box, port):
        mailer = notifier(hub, port)  # max_attempts 5
        box.refuse("RAISED sw2 Gi0/3", times=mailer.settings.max_attempts)
        now = T0 + 2 * SECOND
        for _ in range(mailer.settings.max_attempts):
            await mailer.tick(now)
            raised = (await notifications(hub, alarm_id, channel="email", kind="raised"))[0]
            now = raised.next_attempt_at
        assert (raised.status, raised.attempts) == ("failed", mailer.settings.max_attempts)
        # the clear went out in the pass that gave the raise up: held no longer
        assert kinds(box, oncall, alarm_id) == ["CLEARED"]
        assert "lasted 1 s" in box.to(oncall)[0].body


async def test_a_raise_claimed_by_another_notifier_holds_the_clear_there(hub: Hub) -> None:
    owner = await hub.new_tenant("al-order-two")
    oncall = address("oncall")
    await add_policy(hub, owner.tenant_id, emails=[oncall])
    alarm_id = await add_alarm(hub, owner.tenant_id)
    await bounce(hub, owner.tenant_id, alarm_id)
    now = T0 + 2 * SECOND
    async with smtp_server() as (box, port):
        first, second = notifier(hub, port), notifier(hub, port)
        [claim] = [c for c in await first.claim(now) if c.alarm_id == alarm_id]
        assert claim.kind == "raised"
        await second.tick(now)  # the raise is leased by the first: the clear must wait
        assert kinds(box, oncall, alarm_id) == []
        assert await first.send(claim, now) == "sent"
        await second.tick(now)
        assert kinds(box, oncall, alarm_id) == ["RAISED", "CLEARED"]


async def test_a_long_subject_folds_at_spaces_and_reads_back_as_written(hub: Hub) -> None:
    owner = await hub.new_tenant("al-subject")
    oncall = address("oncall")
    await add_policy(hub, owner.tenant_id, emails=[oncall])
    # 72 characters: it fits on a line of its own, the case folded right after "Subject:"
    fits_alone = await add_alarm(hub, owner.tenant_id, summary="bgp neighbor down",
                                 subject="core-rtr-1.north GigabitEthernet0/0/1")
    long_words = await add_alarm(
        hub, owner.tenant_id, subject="core-rtr-1.north-pop.isp.example TenGigE0/0/0/1.100",
        summary="BGP neighbor 2001:db8::1 (AS64500, UPSTREAM-TRANSIT-A) down \N{EN DASH} Zürich "
                "uplink, hold timer expired")
    async with smtp_server() as (box, port):
        for alarm_id in (fits_alone, long_words):
            await changed(hub, owner.tenant_id, alarm_id, "raised")
        await notifier(hub, port).tick(T0 + SECOND)
        mails = {m.message["X-Dotmac-Alarm-Id"]: m for m in box.to(oncall)}
    expected = {
        fits_alone: "[MAJOR] RAISED core-rtr-1.north GigabitEthernet0/0/1: bgp neighbor down",
        long_words: "[MAJOR] RAISED core-rtr-1.north-pop.isp.example TenGigE0/0/0/1.100: BGP "
                    "neighbor 2001:db8::1 (AS64500, UPSTREAM-TRANSIT-A) down \N{EN DASH} "
                    "Zürich uplink, hold timer expired"}
    assert len(expected[fits_alone]) + len("Subject: ") > 78
    for alarm_id, subject in expected.items():
        mail = mails[str(alarm_id)]
        assert mail.subject == subject  # no leading space, no space lost or doubled
        head = subject_lines(mail.raw)
        assert len(head) > 1, head  # folded ...
        assert head[0].startswith(b"Subject: [MAJOR] RAISED"), head  # ... not after the name
        assert all(len(line) <= 78 for line in head), head
        assert all(line[:1] == b" " for line in head[1:]), head


def subject_lines(raw: bytes) -> list[bytes]:
    """The Subject header's lines as they came over the wire."""
    lines = raw.split(b"\r\n")
    start = next(n for n, line in enumerate(lines) if line.lower().startswith(b"subject:"))
    end = start + 1
    while lines[end][:1] in (b" ", b"\t"):
        end += 1
    return lines[start:end]

