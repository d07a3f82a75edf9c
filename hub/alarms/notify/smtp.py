"""Handing one message to the SMTP server (aiosmtplib), and what a failure means.

One connection per message keeps it simple and correct with any relay; alarm mail is a few
messages a minute, not a mailing list. A failure is sorted into a reason (for the counter
and the log) and whether trying again can help: a refused login or a refused recipient will
be refused again (and repeated wrong logins lock accounts on many servers), so the mail
fails at once; a server that is down, slow or answers 4xx is tried again later.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from hub.alarms.notify.settings import SmtpSettings


@dataclass(frozen=True)
class SendFailure:
    """Why a message was not accepted, in words the operator reads."""

    reason: str  # counter label: auth, rejected, connect, timeout, tls, temporary, error
    text: str
    permanent: bool


class SmtpSender:
    """Sends messages through the configured server."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._context = self._tls_context() if settings.tls != "none" else None

    def _tls_context(self) -> ssl.SSLContext:
        cafile = str(self.settings.ca_file) if self.settings.ca_file else None
        context = ssl.create_default_context(cafile=cafile)
        if not self.settings.validate_certs:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    @property
    def where(self) -> str:
        """host:port, for messages."""
        return f"{self.settings.host}:{self.settings.effective_port}"

    async def send(self, message: EmailMessage) -> None:
        """Deliver `message` to the server; raises what aiosmtplib raises."""
        s = self.settings
        await aiosmtplib.send(
            message, hostname=s.host, port=s.effective_port,
            username=s.username or None,
            password=s.password.get_secret_value() or None,
            use_tls=s.tls == "implicit", start_tls=s.tls == "starttls",
            tls_context=self._context, timeout=s.timeout_s)

    def explain(self, exc: BaseException) -> SendFailure:
        """Sort a failed send (see the module)."""
        where, user = self.where, self.settings.username
        if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
            return SendFailure("auth", f"SMTP login as {user!r} refused by {where} "
                               f"({exc.code} {_short(exc.message)}); check "
                               "DOTMAC_HUB_SMTP_USERNAME and DOTMAC_HUB_SMTP_PASSWORD", True)
        if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
            return SendFailure("rejected", f"{where} refused the recipient(s): "
                               f"{_short(str(exc))}", True)
        tls_error = _tls_cause(exc)
        if tls_error is not None:
            return SendFailure("tls", f"TLS with {where} failed ({_short(str(tls_error))}); "
                               "check DOTMAC_HUB_SMTP_TLS and DOTMAC_HUB_SMTP_CA_FILE", False)
        if isinstance(exc, aiosmtplib.SMTPException) and "STARTTLS" in exc.message:
            return SendFailure("tls", f"{where}: {_short(exc.message)}; nothing was sent in "
                               "clear (is DOTMAC_HUB_SMTP_TLS right for this server?)", False)
        if isinstance(exc, aiosmtplib.SMTPResponseException):
            return _response_failure(where, exc)
        if isinstance(exc, TimeoutError):
            return SendFailure("timeout", f"{where} did not answer within "
                               f"{self.settings.timeout_s:g} s", False)
        if isinstance(exc, OSError | aiosmtplib.SMTPConnectError |
                      aiosmtplib.SMTPServerDisconnected):
            return SendFailure("connect", f"cannot reach SMTP server {where}: "
                               f"{_short(str(exc))}", False)
        return SendFailure("error", f"{type(exc).__name__}: {_short(str(exc))}", False)


def _tls_cause(exc: BaseException | None) -> ssl.SSLError | None:
    """The TLS error behind a failure (aiosmtplib wraps it in a connect error)."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, ssl.SSLError):  # certificate verification failures included
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _response_failure(where: str, exc: aiosmtplib.SMTPResponseException) -> SendFailure:
    """A 5xx answer will come again; a 4xx is the server asking to try later."""
    text = f"{where} answered {exc.code} {_short(exc.message)}"
    if 500 <= exc.code < 600:
        return SendFailure("rejected", text, True)
    return SendFailure("temporary", text, False)


def _short(text: str) -> str:
    return " ".join(str(text).split())[:200]
