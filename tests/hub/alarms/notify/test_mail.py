"""The text of alarm mail and the SMTP settings' checks, without a server."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email import policy as email_policy
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from hub.alarms.notify.mail import MailContext, alarm_link, compose, duration_text, subject_line
from hub.alarms.notify.settings import NotifierSettings, SmtpSettings

RAISED = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


@dataclass
class Alarm:
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    rule: str = "event.link"
    alarm_type: str = "link_down"
    severity: str = "major"
    state: str = "raised"
    subject: str = "sw1 Gi0/1"
    summary: str = "link down"
    site_id: uuid.UUID | None = None
    first_raised_at: datetime = RAISED
    last_raised_at: datetime = RAISED
    raised_count: int = 1
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    cleared_at: datetime | None = None
    cleared_by: str | None = None
    flapping: bool = False
    impacts: Any = field(default_factory=list)


def context(kind: str = "raised", zone: str = "UTC", **extra: Any) -> MailContext:
    return MailContext(kind=kind, sender="NOC <noc@isp.example>", recipient="oncall@isp.example",
                       zone=ZoneInfo(zone), site_name="pop-north",
                       link=alarm_link("https://hub.isp.example", uuid.UUID(int=7)),
                       raised_at=RAISED, **extra)


def test_raised_mail_has_the_subject_and_the_facts() -> None:
    alarm = Alarm(impacts=[{"subscription_id": "s1", "customer_id": "c1"},
                           {"subscription_id": "s2", "customer_id": "c1"},
                           {"subscription_id": "s3", "customer_id": "c2"}])
    message = compose(context(zone="Europe/Berlin"), alarm, RAISED, uuid.UUID(int=1))
    assert message["Subject"] == "[MAJOR] RAISED sw1 Gi0/1: link down"
    assert message["To"] == "oncall@isp.example"
    assert message["Message-ID"] == f"<{uuid.UUID(int=1)}@isp.example>"
    body = message.get_content()
    assert body.startswith("[MAJOR] RAISED sw1 Gi0/1: link down\n")
    assert "Site:       pop-north" in body
    assert "Raised at:  2026-12-07 09:30:00 UTC (2026-12-07 10:30 CET, Europe/Berlin)" in body
    assert "Impacted customers: 2" in body  # two distinct customers on three subscriptions
    assert f"https://hub.isp.example/alarms/{uuid.UUID(int=7)}" in body


def test_clear_mail_says_how_long_it_lasted() -> None:
    cleared = RAISED + timedelta(minutes=12, seconds=3)
    alarm = Alarm(state="cleared", cleared_at=cleared, cleared_by="system")
    message = compose(context("cleared"), alarm, cleared, uuid.UUID(int=2))
    assert message["Subject"] == "[MAJOR] CLEARED sw1 Gi0/1: link down"
    body = message.get_content()
    assert "Cleared.\n" in body
    assert "Cleared at: 2026-12-07 09:42:03 UTC by system; lasted 12 min 3 s" in body


def test_escalated_and_flapping_mail_say_why() -> None:
    esc = compose(context("escalated", escalate_after_min=15), Alarm(severity="critical"),
                  RAISED, uuid.uuid4())
    assert esc["Subject"] == "[CRITICAL] ESCALATED sw1 Gi0/1: link down"
    assert "Not acknowledged 15 min after it was raised" in esc.get_content()
    flap = compose(context("flapping"), Alarm(flapping=True), RAISED, uuid.uuid4())
    assert flap["Subject"].startswith("[MAJOR] FLAPPING sw1 Gi0/1")
    assert "no further mail for each transition" in flap.get_content()


def test_subject_is_one_line_and_cut() -> None:
    alarm = Alarm(summary="line one\nline two " + "x" * 300, subject="sw1\r\nBcc: evil@x")
    line = subject_line("raised", alarm)
    assert "\n" not in line and "\r" not in line and len(line) < 200
    assert line.endswith("…")


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (40, "40 s"), (723, "12 min 3 s"), (7500, "2 h 5 min"), (90061, "1 d 1 h")])
def test_duration_text(seconds: int, text: str) -> None:
    assert duration_text(timedelta(seconds=seconds)) == text


def test_smtp_settings_read_the_documented_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOTMAC_HUB_SMTP_HOST", "mail.isp.example")
    monkeypatch.setenv("DOTMAC_HUB_SMTP_FROM", "NOC <noc@isp.example>")
    monkeypatch.setenv("DOTMAC_HUB_SMTP_USERNAME", "noc")
    monkeypatch.setenv("DOTMAC_HUB_SMTP_PASSWORD", "s3cret-pass")
    monkeypatch.setenv("DOTMAC_HUB_SMTP_TLS", "implicit")
    settings = SmtpSettings()
    assert (settings.host, settings.from_address, settings.effective_port) == (
        "mail.isp.example", "NOC <noc@isp.example>", 465)
    assert "s3cret-pass" not in repr(settings) and "s3cret-pass" not in str(settings)
    monkeypatch.setenv("DOTMAC_HUB_SMTP_PORT", "2525")
    assert SmtpSettings().effective_port == 2525


@pytest.mark.parametrize(("values", "names"), [
    ({"host": "mail.isp.example"}, "DOTMAC_HUB_SMTP_FROM: missing"),
    ({"host": "m", "from_address": "not-an-address"}, "not an e-mail address"),
    ({"host": "m", "from_address": "a@b", "password": "pw-9"},
     "DOTMAC_HUB_SMTP_USERNAME is empty"),
    ({"host": "mail.isp.example", "from_address": "a@b", "tls": "none", "username": "u",
      "password": "pw-9"}, "would send the SMTP password in clear"),
    ({"host": "m", "from_address": "a@b", "ca_file": "/nonexistent/ca.pem"},
     "DOTMAC_HUB_SMTP_CA_FILE: /nonexistent/ca.pem is not a readable file"),
    ({"tls": "ssl"}, "tls"),
])
def test_smtp_settings_refuse_what_cannot_work(values: dict[str, Any], names: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "FROM", "USERNAME", "PASSWORD", "TLS", "PORT", "CA_FILE"):
        monkeypatch.delenv(f"DOTMAC_HUB_SMTP_{name}", raising=False)
    with pytest.raises(ValidationError) as caught:
        SmtpSettings(**values)
    assert names in str(caught.value)
    assert "input_value" not in str(caught.value) and "pw-9" not in str(caught.value)


def test_plain_smtp_with_a_password_is_allowed_to_this_machine() -> None:
    plain: dict[str, Any] = {"host": "127.0.0.1", "from_address": "a@b", "tls": "none",
                             "username": "u", "password": "p"}  # (mypy: see SmtpSettings)
    assert SmtpSettings(**plain).effective_port == 25
    with pytest.raises(ValidationError, match="not an http"):
        NotifierSettings(link_base_url="hub.isp.example")
    assert NotifierSettings(link_base_url="https://hub.isp.example/").link_base_url == \
        "https://hub.isp.example"


@pytest.mark.parametrize(("subject", "summary"), [
    ("core-rtr-1.north GigabitEthernet0/0/1", "bgp neighbor down"),  # fits a line alone
    ("sw1 Gi0/1", "link down \N{EN DASH} ü ü on the uplink towards the core router in the north"),
    ("Zürich-Höngg ТрансЛинк", "Störung " * 20),  # long non-ASCII runs, cut with "…"
    ("sw1 =?utf-8?q?x?=", "looks encoded but is not: =?utf-8?b?eA==?="),
])
def test_subject_folds_at_spaces_and_parses_back_unchanged(subject: str, summary: str) -> None:
    message = compose(context(), Alarm(subject=subject, summary=summary), RAISED, uuid.uuid4())
    raw = message.as_bytes(policy=email_policy.SMTP)  # as aiosmtplib writes it
    parsed = message_from_bytes(raw, policy=email_policy.default)
    assert str(parsed["Subject"]) == subject_line("raised", Alarm(subject=subject,
                                                                  summary=summary))
    head = raw.split(b"\r\nFrom: ")[0].split(b"\r\n")
    assert len(head) > 1 and head[0].startswith(b"Subject: [MAJOR] RAISED")
    assert all(len(line) <= 78 and line.isascii() for line in head)
