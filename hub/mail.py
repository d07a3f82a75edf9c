"""Outgoing e-mail, shared by every domain that mails (alarm notifications, billing
documents): the SMTP server settings (`DOTMAC_HUB_SMTP_*`) and the transport that hands one
message to it (aiosmtplib), with what a failure means.

One connection per message keeps it simple and correct with any relay; the hub sends a few
messages a minute, not a mailing list. A failure is sorted into a reason (for the counter
and the log) and whether trying again can help: a refused login or a refused recipient will
be refused again (and repeated wrong logins lock accounts on many servers), so the mail
fails at once; a server that is down, slow or answers 4xx is tried again later.

This module imports no domain: it is a shared base module like `hub.db`.
"""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import ClassVar, Literal, Self

import aiosmtplib
from pydantic import Field, SecretStr, field_validator, model_validator

from hub.settings_env import EnvSettings, env_config

TlsMode = Literal["starttls", "implicit", "none"]
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "implicit": 465, "none": 25}


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SmtpSettings(EnvSettings):
    """The mail server the hub hands its e-mail to (alarm notifications, invoices). No host:
    e-mail stays pending, unsent."""

    # A refused setting's message must not echo the values given (the password among them);
    # `from_address` is read from DOTMAC_HUB_SMTP_FROM (`from` is a Python keyword).
    model_config = env_config("DOTMAC_HUB_SMTP_") | {"hide_input_in_errors": True,
                                                      "populate_by_name": True}
    field_env: ClassVar[dict[str, str]] = {"from_address": "DOTMAC_HUB_SMTP_FROM"}

    host: str = Field("", description="SMTP server (relay or submission) host name; empty "
                      "turns e-mail off: alarm and invoice mail stay pending (webhooks "
                      "still go out)")
    port: int = Field(0, ge=0, le=65535, description="its port (0: by TLS mode: 587 "
                      "starttls, 465 implicit, 25 none)")
    tls: TlsMode = Field("starttls", description="starttls (upgrade, required), implicit "
                         "(TLS from the first byte, 'SMTPS') or none (plain; only without a "
                         "password, or to a server on this machine)")
    username: str = Field("", description="login name (empty: no AUTH)")
    password: SecretStr = Field(SecretStr(""), description="its password (secret)")
    from_address: str = Field("", validation_alias="DOTMAC_HUB_SMTP_FROM",
                              description="From: address of the hub's mail, e.g. "
                              "'NOC <noc@isp.example>' (required with a host)")
    ca_file: Path | None = Field(None, description="PEM of the CA that signed the server's "
                                 "certificate, when it is not a public one")
    validate_certs: bool = Field(True, description="verify the server certificate and name")
    timeout_s: float = Field(30.0, gt=0, le=300, description="seconds one SMTP command may "
                             "wait for the server")

    @classmethod
    def env_name(cls, field: str) -> str:
        """The environment variable of `field` (DOTMAC_HUB_SMTP_FROM for the sender)."""
        return cls.field_env.get(field) or super().env_name(field)

    @field_validator("from_address")
    @classmethod
    def _from(cls, value: str) -> str:
        _, address = parseaddr(value)
        if value and ("@" not in address or "\n" in value or "\r" in value):
            raise ValueError(f"{value!r}: not an e-mail address; set DOTMAC_HUB_SMTP_FROM "
                             "to e.g. noc@isp.example or 'NOC <noc@isp.example>'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        env = type(self).env_name
        if self.host and not self.from_address:
            raise ValueError("DOTMAC_HUB_SMTP_FROM: missing; mail needs a sender address "
                             f"(e.g. noc@isp.example) when {env('host')} is set")
        if self.password.get_secret_value() and not self.username:
            raise ValueError(f"{env('password')} is set but {env('username')} is empty; set "
                             "the login name too (or unset the password)")
        if (self.tls == "none" and self.password.get_secret_value() and self.host
                and not _loopback(self.host)):
            raise ValueError(f"{env('tls')}=none would send the SMTP password in clear to "
                             f"{self.host}; use starttls or implicit")
        if self.ca_file is not None and not self.ca_file.is_file():
            raise ValueError(f"{env('ca_file')}: {self.ca_file} is not a readable file")
        return self

    @property
    def enabled(self) -> bool:
        """Whether e-mail is sent at all."""
        return bool(self.host)

    @property
    def effective_port(self) -> int:
        """The port connected to."""
        return self.port or DEFAULT_PORTS[self.tls]



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
