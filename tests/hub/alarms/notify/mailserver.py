"""A real SMTP server (aiosmtpd) on loopback that keeps every message it accepts.

It runs in aiosmtpd's own thread and event loop, as a mail relay runs beside the hub.
Optional STARTTLS (a self-signed certificate the client is told to trust) and AUTH with
one login, so the notifier's TLS and login paths meet a real server. A mailbox can be told to
refuse some messages (a 4xx "try later" or a 5xx refusal), as a busy or strict relay does."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.hub.events.receiver import TLSFiles


@dataclass(frozen=True)
class Mail:
    """One accepted message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    raw: bytes = b""  # as it came over the wire

    @property
    def subject(self) -> str:
        """The Subject header."""
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        """The plain-text body."""
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())


@dataclass
class Mailbox:
    """What the server accepted; read from the test's thread, written from the server's."""

    mails: list[Mail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refusals: list[Refusal] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # subjects of the refused messages

    def refuse(self, subject_part: str, times: int = 1,
               reply: str = "451 4.3.0 Temporary local problem, try again later") -> None:
        """Answer `reply` to the next `times` messages whose Subject contains `subject_part`
        (after DATA, as a relay that checks content does)."""
        with self.lock:
            self.refusals.append(Refusal(subject_part, times, reply))

    def to(self, address: str) -> list[Mail]:
        """Messages addressed to `address`."""
        with self.lock:
            return [m for m in self.mails if address in m.rcpt_tos]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """aiosmtpd handler hook: keep the message."""
        parsed = message_from_bytes(envelope.content, policy=email_policy.default)
        assert isinstance(parsed, EmailMessage)
        subject = str(parsed["Subject"])
        with self.lock:
            for refusal in self.refusals:
                if refusal.times > 0 and refusal.subject_part in subject:
                    refusal.times -= 1
                    self.refused.append(subject)
                    return refusal.reply
            self.mails.append(Mail(envelope.mail_from, tuple(envelope.rcpt_tos), parsed,
                                   bytes(envelope.content)))
        return "250 Message accepted for delivery"


@dataclass
class Refusal:
    """Messages the server refuses: those whose Subject contains `subject_part`, `times`
    more times, with `reply`."""

    subject_part: str
    times: int
    reply: str


def free_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Login:
    """The one login the server accepts."""

    username: str
    password: str

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str,
                 auth_data: Any) -> AuthResult:
        """aiosmtpd authenticator."""
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode() == self.username
              and auth_data.password.decode() == self.password)
        return AuthResult(success=ok, handled=False)


@asynccontextmanager
async def smtp_server(port: int = 0, tls: TLSFiles | None = None, login: Login | None = None,
                      mailbox: Mailbox | None = None) -> AsyncIterator[tuple[Mailbox, int]]:
    """Run a server on 127.0.0.1:`port` (a free one by default) until the block ends; with
    `tls` it offers STARTTLS and requires it, with `login` it requires AUTH (over TLS)."""
    box = mailbox or Mailbox()
    port = port or free_port()
    kwargs: dict[str, Any] = {}
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(tls.cert), str(tls.key))
        kwargs.update(tls_context=context, require_starttls=True)
    if login is not None:
        kwargs.update(authenticator=login, auth_required=True,
                      auth_require_tls=tls is not None)
    controller = Controller(box, hostname="127.0.0.1", port=port, **kwargs)
    await asyncio.to_thread(controller.start)
    try:
        yield box, port
    finally:
        await asyncio.to_thread(controller.stop)
