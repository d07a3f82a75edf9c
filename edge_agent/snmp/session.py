"""SNMP sessions: the three primitive requests (GET, GETNEXT, GETBULK) for one target.

v1/v2c go through the shared UDP socket and the fast BER codec; v3 goes through pysnmp
(USM keys, engine discovery, encryption) on one SnmpEngine per process. Both return
plain `(oid, tag, value)` varbinds, so everything above is transport-agnostic.
"""

from __future__ import annotations

from typing import Protocol

from edge_agent.snmp import ber
from edge_agent.snmp.ber import Oid, Response
from edge_agent.snmp.errors import PollErrorCode, SnmpError
from edge_agent.snmp.target import SnmpTarget, SnmpV2c
from edge_agent.snmp.udp import shared_client

ERROR_STATUS = {
    0: "noError", 1: "tooBig", 2: "noSuchName", 3: "badValue", 4: "readOnly", 5: "genErr",
    6: "noAccess", 16: "authorizationError",
}


class SnmpSession(Protocol):
    """The request primitives a walk needs; one implementation per SNMP version."""

    target: SnmpTarget

    async def get(self, oids: list[Oid]) -> Response:
        """GET the given instances."""
        ...

    async def get_next(self, oids: list[Oid]) -> Response:
        """GETNEXT after each given OID."""
        ...

    async def get_bulk(self, oids: list[Oid], max_repetitions: int) -> Response:
        """GETBULK (non-repeaters 0) after each given OID."""
        ...


class V2cSession:
    """SNMPv2c over the shared UDP socket."""

    def __init__(self, target: SnmpTarget, credentials: SnmpV2c) -> None:
        self.target = target
        self._community = credentials.community.encode()

    async def _send(self, pdu_type: int, oids: list[Oid], max_rep: int = 0) -> Response:
        def build(request_id: int) -> bytes:
            return ber.encode_request(
                1, self._community, pdu_type, request_id, oids, 0, max_rep
            )

        target = self.target
        try:
            response = await shared_client().request(
                target.host, target.port, build, target.timeout, target.retries
            )
        except SnmpError as exc:
            if exc.code is PollErrorCode.TIMEOUT:
                raise SnmpError(exc.code, exc.detail + _COMMUNITY_HINT) from None
            raise
        if response.pdu_type != ber.RESPONSE:
            raise SnmpError(
                PollErrorCode.BAD_RESPONSE,
                f"{target.address} answered PDU type 0x{response.pdu_type:02x}, not a Response",
            )
        return response

    async def get(self, oids: list[Oid]) -> Response:
        """GET the given instances."""
        return await self._send(ber.GET, oids)

    async def get_next(self, oids: list[Oid]) -> Response:
        """GETNEXT after each given OID."""
        return await self._send(ber.GET_NEXT, oids)

    async def get_bulk(self, oids: list[Oid], max_repetitions: int) -> Response:
        """GETBULK (non-repeaters 0) after each given OID."""
        return await self._send(ber.GET_BULK, oids, max_repetitions)


# v2c agents drop a request with a wrong community without answering, so a timeout from
# a host that otherwise answers is most often the community.
_COMMUNITY_HINT = (
    "; SNMPv2c agents ignore a wrong community silently: check the community, "
    "the address and that UDP to the agent's port is allowed"
)


def open_session(target: SnmpTarget) -> SnmpSession:
    """The session for `target`'s SNMP version (v3 imports pysnmp lazily)."""
    if isinstance(target.credentials, SnmpV2c):
        return V2cSession(target, target.credentials)
    from edge_agent.snmp.v3 import V3Session

    return V3Session(target, target.credentials)


def error_status_name(status: int) -> str:
    """Human name of an SNMP error-status value."""
    return ERROR_STATUS.get(status, f"error-status {status}")
