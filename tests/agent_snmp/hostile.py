"""A hostile SNMPv2c agent on real UDP: answers GET correctly, then misbehaves on walks.

Written with asyncio datagrams and pysnmp/pyasn1 encoders (not our codec), it simulates
broken firmware: garbage replies, truncated packets, non-increasing OIDs, endless
tables and agents whose GETBULK fails while GETNEXT works.
"""

from __future__ import annotations

import asyncio
import bisect
from dataclasses import dataclass, field
from typing import Any

from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api, rfc1902, rfc1905

V2C = api.v2c
MODES = ("good", "garbage", "truncated", "not_increasing", "endless", "bulk_broken")
IF_HC_IN = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6)
IF_DESCR = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2)


def _data() -> dict[tuple[int, ...], Any]:
    data: dict[tuple[int, ...], Any] = {
        (1, 3, 6, 1, 2, 1, 1, 1, 0): rfc1902.OctetString("Hostile test agent"),
        (1, 3, 6, 1, 2, 1, 1, 2, 0): rfc1902.ObjectIdentifier((1, 3, 6, 1, 4, 1, 99999, 1)),
        (1, 3, 6, 1, 2, 1, 1, 3, 0): rfc1902.TimeTicks(4242),
        (1, 3, 6, 1, 2, 1, 1, 5, 0): rfc1902.OctetString("hostile"),
    }
    for index in (1, 2, 3):
        data[(*IF_DESCR, index)] = rfc1902.OctetString(f"eth{index}")
        data[(*IF_HC_IN, index)] = rfc1902.Counter64(2**40 + index)
    return data


@dataclass
class HostileAgent(asyncio.DatagramProtocol):
    """One misbehaviour per instance; `requests` counts PDUs by type for assertions."""

    mode: str
    data: dict[tuple[int, ...], Any] = field(default_factory=_data)
    requests: dict[str, int] = field(default_factory=dict)
    transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        message, _ = decoder.decode(data, asn1Spec=V2C.Message())
        reply = self._reply(message)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)

    def _sorted(self) -> list[tuple[int, ...]]:
        return sorted(self.data)

    def _next(self, oid: tuple[int, ...]) -> tuple[tuple[int, ...], Any]:
        keys = self._sorted()
        at = bisect.bisect_right(keys, oid)
        if at == len(keys):
            return oid, rfc1905.endOfMibView
        return keys[at], self.data[keys[at]]

    def _walk_answer(self, oid: tuple[int, ...], count: int) -> list[tuple[Any, Any]]:
        out = []
        for _ in range(count):
            if self.mode == "not_increasing":
                nxt = (oid, rfc1902.Integer(1))  # the same OID again: a looping agent
            elif self.mode == "endless":
                nxt = ((*oid, 1), rfc1902.Integer(1))  # always one deeper: never ends
            else:
                nxt = self._next(oid)
            out.append(nxt)
            oid = nxt[0]
        return out

    def _reply(self, message: Any) -> bytes | None:
        pdu = V2C.apiMessage.get_pdu(message)
        kind = pdu.__class__.__name__
        self.requests[kind] = self.requests.get(kind, 0) + 1
        response = V2C.apiMessage.get_response(message)
        rpdu = V2C.apiMessage.get_pdu(response)
        oids = [tuple(oid) for oid, _ in V2C.apiPDU.get_varbinds(pdu)]
        if kind == "GetRequestPDU":
            V2C.apiPDU.set_varbinds(
                rpdu, [(o, self.data.get(o, rfc1905.noSuchObject)) for o in oids]
            )
            return encoder.encode(response)
        if self.mode == "garbage":
            return b"\x30\x82\xff\xff garbage, not BER"
        if kind == "GetBulkRequestPDU" and self.mode == "bulk_broken":
            V2C.apiPDU.set_error_status(rpdu, 5)  # genErr
            V2C.apiPDU.set_error_index(rpdu, 1)
            V2C.apiPDU.set_varbinds(rpdu, [(o, rfc1902.Null("")) for o in oids])
            return encoder.encode(response)
        count = V2C.apiBulkPDU.get_max_repetitions(pdu) if kind == "GetBulkRequestPDU" else 1
        V2C.apiPDU.set_varbinds(rpdu, self._walk_answer(oids[0], int(count)))
        encoded = encoder.encode(response)
        return encoded[: len(encoded) // 2] if self.mode == "truncated" else encoded


async def start_hostile(mode: str) -> tuple[HostileAgent, asyncio.DatagramTransport, int]:
    """Serve a hostile agent on a free loopback UDP port."""
    loop = asyncio.get_running_loop()
    transport, agent = await loop.create_datagram_endpoint(
        lambda: HostileAgent(mode), local_addr=("127.0.0.1", 0)
    )
    port = transport.get_extra_info("sockname")[1]
    return agent, transport, port
