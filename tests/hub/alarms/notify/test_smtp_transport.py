"""The SMTP transport against a real aiosmtpd server: implicit TLS and STARTTLS verified
against the CA the operator names, and every kind of refusal sorted into a reason that says
whether trying again can help."""

from __future__ import annotations

import asyncio
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller

from hub.alarms.notify.settings import SmtpSettings
from hub.alarms.notify.smtp import SendFailure, SmtpSender
from tests.hub.alarms.notify.mailserver import Mailbox, free_port, smtp_server
from tests.hub.events.receiver import TLSFiles, self_signed


def message(to: str = "oncall@isp.example") -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "noc@isp.example", to, "[MAJOR] RAISED x: y"
    mail.set_content("body")
    return mail


def sender(port: int, **values: Any) -> SmtpSender:
    return SmtpSender(SmtpSettings(**{"host": "127.0.0.1", "port": port, "tls": "none",
                                      "from_address": "noc@isp.example", "timeout_s": 5.0,
                                      **values}))


async def failure(smtp: SmtpSender, mail: EmailMessage | None = None) -> SendFailure:
    with pytest.raises(Exception) as caught:  # any failure: explain() sorts it
        await smtp.send(mail or message())
    return smtp.explain(caught.value)


async def test_implicit_tls_delivers_with_the_named_ca(tmp_path: Path) -> None:
    tls = self_signed(tmp_path, "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(tls.cert), str(tls.key))
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, ssl_context=context,
                            server_hostname="localhost")
    await asyncio.to_thread(controller.start)
    try:
        await sender(port, host="localhost", tls="implicit", ca_file=tls.cert).send(message())
        untrusted = await failure(sender(port, host="localhost", tls="implicit"))
    finally:
        await asyncio.to_thread(controller.stop)
    assert len(box.to("oncall@isp.example")) == 1
    assert untrusted.reason == "tls" and not untrusted.permanent
    assert "DOTMAC_HUB_SMTP_CA_FILE" in untrusted.text


async def test_starttls_is_required_and_verified(tmp_path: Path) -> None:
    tls: TLSFiles = self_signed(tmp_path, "localhost")
    async with smtp_server(tls=tls) as (box, port):
        await sender(port, host="localhost", tls="starttls", ca_file=tls.cert).send(message())
        wrong_name = await failure(sender(port, host="127.0.0.1", tls="starttls",
                                          ca_file=tls.cert))
        assert len(box.to("oncall@isp.example")) == 1
    assert wrong_name.reason == "tls" and not wrong_name.permanent
    async with smtp_server() as (box, port):  # a server that offers no STARTTLS
        downgrade = await failure(sender(port, host="localhost", tls="starttls",
                                         ca_file=tls.cert))
        assert box.mails == []  # never sent in clear when TLS was asked for
    assert downgrade.reason == "tls" and "DOTMAC_HUB_SMTP_TLS" in downgrade.text


class Refusing(Mailbox):
    """Refuses one recipient for good, and data with a temporary error for another."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if "busy@isp.example" in envelope.rcpt_tos:
            return "451 4.3.0 try again later"
        return await super().handle_DATA(server, session, envelope)


async def test_refusals_say_whether_to_try_again() -> None:
    async with smtp_server(mailbox=Refusing()) as (_, port):
        smtp = sender(port)
        rejected = await failure(smtp, message("nobody@isp.example"))
        busy = await failure(smtp, message("busy@isp.example"))
    assert (rejected.reason, rejected.permanent) == ("rejected", True)
    assert "no such mailbox" in rejected.text
    assert (busy.reason, busy.permanent) == ("temporary", False)
    assert busy.text.startswith(f"127.0.0.1:{port} answered 451")
    down = await failure(sender(free_port()))
    assert (down.reason, down.permanent) == ("connect", False)
    assert down.text.startswith("cannot reach SMTP server 127.0.0.1:")
    slow = sender(port, timeout_s=1.0).explain(aiosmtplib.SMTPReadTimeoutError("timed out"))
    assert (slow.reason, slow.permanent) == ("timeout", False)
