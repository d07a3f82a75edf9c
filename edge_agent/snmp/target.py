"""Where and how to reach one SNMP agent: address, credentials, timing, walk tuning."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AuthProto = Literal["MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"]
PrivProto = Literal["DES", "AES", "AES-192", "AES-256"]


@dataclass(frozen=True)
class SnmpV2c:
    """SNMPv2c community credentials (never printed: `repr` hides the community)."""

    community: str = field(repr=False)


@dataclass(frozen=True)
class SnmpV3:
    """SNMPv3 USM user; keys are pass phrases and are hidden from `repr`."""

    user: str
    auth_proto: AuthProto | None
    auth_key: str | None = field(default=None, repr=False)
    priv_proto: PrivProto | None = None
    priv_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SnmpTarget:
    """One device as the poller reaches it.

    `timeout` is per request (seconds) and `retries` the number of resends after the first
    try; `max_repetitions` tunes GETBULK; `bulk=False` forces GETNEXT walks.
    """

    host: str
    port: int = 161
    # keyword-only so the contract's field order (host, port, credentials) holds
    credentials: SnmpV2c | SnmpV3 = field(kw_only=True)
    timeout: float = 2.0
    retries: int = 1
    max_repetitions: int = 25
    bulk: bool = True

    @property
    def address(self) -> str:
        """`host` or `host:port` when the port is not 161 (for logs and facts)."""
        return self.host if self.port == 161 else f"{self.host}:{self.port}"
