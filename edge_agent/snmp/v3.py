"""SNMPv3 (USM) requests through pysnmp, sharing one SnmpEngine per process.

pysnmp does engine discovery, key localisation and encryption; we only translate its
results into the same `Response`/varbind shape the v2c fast path produces.
"""

from __future__ import annotations

from typing import Any

from pysnmp.hlapi.v3arch.asyncio import (
    USM_AUTH_HMAC96_MD5,
    USM_AUTH_HMAC96_SHA,
    USM_AUTH_HMAC128_SHA224,
    USM_AUTH_HMAC192_SHA256,
    USM_AUTH_HMAC256_SHA384,
    USM_AUTH_HMAC384_SHA512,
    USM_AUTH_NONE,
    USM_PRIV_CBC56_DES,
    USM_PRIV_CFB128_AES,
    USM_PRIV_CFB192_AES,
    USM_PRIV_CFB256_AES,
    USM_PRIV_NONE,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    bulk_cmd,
    get_cmd,
    next_cmd,
)
from pysnmp.proto import errind

from edge_agent.snmp import ber
from edge_agent.snmp.ber import Oid, Response, Varbind
from edge_agent.snmp.errors import PollErrorCode, SnmpError
from edge_agent.snmp.target import SnmpTarget, SnmpV3

AUTH = {
    None: USM_AUTH_NONE, "MD5": USM_AUTH_HMAC96_MD5, "SHA": USM_AUTH_HMAC96_SHA,
    "SHA-224": USM_AUTH_HMAC128_SHA224, "SHA-256": USM_AUTH_HMAC192_SHA256,
    "SHA-384": USM_AUTH_HMAC256_SHA384, "SHA-512": USM_AUTH_HMAC384_SHA512,
}
PRIV = {
    None: USM_PRIV_NONE, "DES": USM_PRIV_CBC56_DES, "AES": USM_PRIV_CFB128_AES,
    "AES-192": USM_PRIV_CFB192_AES, "AES-256": USM_PRIV_CFB256_AES,
}
# Error indications that mean "the agent rejected who we are", as opposed to silence.
_AUTH_ERRORS = (
    errind.WrongDigest, errind.UnknownUserName, errind.UnsupportedSecurityLevel,
    errind.DecryptionError, errind.AuthenticationFailure, errind.AuthenticationError,
    errind.UnknownSecurityName, errind.NotInTimeWindow,
)

_engine: SnmpEngine | None = None


def engine() -> SnmpEngine:
    """The process-wide SnmpEngine (creating one is expensive: key tables, MIB builder)."""
    global _engine
    if _engine is None:
        _engine = SnmpEngine()
    return _engine


def _usm(creds: SnmpV3) -> UsmUserData:
    return UsmUserData(
        creds.user,
        authKey=creds.auth_key,
        privKey=creds.priv_key,
        authProtocol=AUTH[creds.auth_proto],
        privProtocol=PRIV[creds.priv_proto],
    )


def _varbind(item: Any) -> Varbind:
    oid = tuple(item[0])
    value = item[1]
    tag = value.tagSet[0]
    tag_byte = int(tag.tagClass) | int(tag.tagId)
    return oid, tag_byte, _plain(tag_byte, value)


def _plain(tag: int, value: Any) -> ber.Value:
    if tag in ber.EXCEPTIONS or tag == ber.NULL:
        return None
    if tag == ber.OBJECT_ID:
        return tuple(value)
    if tag in (ber.OCTET_STRING, ber.OPAQUE, ber.IP_ADDRESS):
        return bytes(value.asOctets())
    return int(value)


class V3Session:
    """SNMPv3 authNoPriv/authPriv/noAuthNoPriv through pysnmp."""

    def __init__(self, target: SnmpTarget, credentials: SnmpV3) -> None:
        self.target = target
        self._usm = _usm(credentials)
        self._user = credentials.user
        self._transport: UdpTransportTarget | None = None

    async def _udp(self) -> UdpTransportTarget:
        if self._transport is None:
            try:
                self._transport = await UdpTransportTarget.create(
                    (self.target.host, self.target.port),
                    timeout=self.target.timeout,
                    retries=self.target.retries,
                )
            except Exception as exc:  # pysnmp wraps resolver errors in its own types
                raise SnmpError(
                    PollErrorCode.UNREACHABLE, f"cannot resolve {self.target.host}: {exc}"
                ) from exc
        return self._transport

    def _result(self, result: tuple[Any, Any, Any, Any]) -> Response:
        indication, status, index, varbinds = result
        if indication is not None:
            raise self._classify(indication)
        return Response(
            3, b"", ber.RESPONSE, 0, int(status), int(index), [_varbind(v) for v in varbinds]
        )

    def _classify(self, indication: Any) -> SnmpError:
        where = self.target.address
        if isinstance(indication, errind.RequestTimedOut):
            return SnmpError(
                PollErrorCode.TIMEOUT,
                f"no reply from {where} within {self.target.timeout:g}s x "
                f"{self.target.retries + 1}; check address, port and firewall",
            )
        if isinstance(indication, _AUTH_ERRORS):
            return SnmpError(
                PollErrorCode.AUTH_FAILED,
                f"{where} refused SNMPv3 user {self._user!r}: {indication}; "
                "check user name, auth/priv protocols and keys",
            )
        return SnmpError(PollErrorCode.BAD_RESPONSE, f"{where}: {indication}")

    @staticmethod
    def _objects(oids: list[Oid]) -> list[ObjectType]:
        return [ObjectType(ObjectIdentity(ber.oid_str(o))) for o in oids]

    async def get(self, oids: list[Oid]) -> Response:
        """GET the given instances."""
        result = await get_cmd(
            engine(), self._usm, await self._udp(), ContextData(), *self._objects(oids),
            lookupMib=False,
        )
        return self._result(result)

    async def get_next(self, oids: list[Oid]) -> Response:
        """GETNEXT after each given OID."""
        result = await next_cmd(
            engine(), self._usm, await self._udp(), ContextData(), *self._objects(oids),
            lookupMib=False,
        )
        return self._result(result)

    async def get_bulk(self, oids: list[Oid], max_repetitions: int) -> Response:
        """GETBULK (non-repeaters 0) after each given OID."""
        result = await bulk_cmd(
            engine(), self._usm, await self._udp(), ContextData(), 0, max_repetitions,
            *self._objects(oids), lookupMib=False,
        )
        return self._result(result)
