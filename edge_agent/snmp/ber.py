"""A small, fast BER codec for SNMPv1/v2c messages (the poller's hot path).

pysnmp's generic pyasn1 codec costs most of the CPU of a walk; SNMP messages use a
handful of types, so decoding them by hand is several times faster. Tests check this
codec against pysnmp's decoding of the same packets and against `snmpbulkwalk`.

A varbind is `(oid, tag, value)`: `tag` is the BER tag byte, which is also the snmpsim
`.snmprec` type number (2 int, 4 string, 6 oid, 64 ipaddr, 65 counter32, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

Oid = tuple[int, ...]
Value = int | bytes | Oid | None
Varbind = tuple[Oid, int, Value]

INTEGER = 0x02
OCTET_STRING = 0x04
NULL = 0x05
OBJECT_ID = 0x06
SEQUENCE = 0x30
IP_ADDRESS = 0x40
COUNTER32 = 0x41
GAUGE32 = 0x42
TIMETICKS = 0x43
OPAQUE = 0x44
COUNTER64 = 0x46
NO_SUCH_OBJECT = 0x80
NO_SUCH_INSTANCE = 0x81
END_OF_MIB_VIEW = 0x82

GET = 0xA0
GET_NEXT = 0xA1
RESPONSE = 0xA2
GET_BULK = 0xA5
REPORT = 0xA8

EXCEPTIONS = frozenset({NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW})
_UNSIGNED = frozenset({COUNTER32, GAUGE32, TIMETICKS, COUNTER64})
_BYTES = frozenset({OCTET_STRING, OPAQUE, IP_ADDRESS})
_NONE = frozenset({NULL, NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW})


class BerError(ValueError):
    """The packet is not a well-formed SNMP message (truncated, garbage, wrong types)."""


@dataclass(slots=True)
class Response:
    """A decoded SNMP response PDU."""

    version: int
    community: bytes
    pdu_type: int
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[Varbind]


def parse_oid(text: str) -> Oid:
    """`"1.3.6.1"` (leading dot allowed) -> `(1, 3, 6, 1)`."""
    return tuple(int(part) for part in text.strip().lstrip(".").split("."))


def oid_str(oid: Oid) -> str:
    """`(1, 3, 6, 1)` -> `"1.3.6.1"`."""
    return ".".join(map(str, oid))


# --- encoding -------------------------------------------------------------------------


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def _tlv(tag: int, payload: bytes) -> bytes:
    return bytes((tag,)) + _length(len(payload)) + payload


def _integer(value: int) -> bytes:
    return _tlv(INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def encode_oid(oid: Oid) -> bytes:
    """BER body (no tag/length) of an OBJECT IDENTIFIER."""
    if len(oid) < 2:
        raise BerError(f"OID {oid_str(oid)} needs at least two arcs")
    out = bytearray()
    for arc in (oid[0] * 40 + oid[1], *oid[2:]):
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return bytes(out)


def encode_request(
    version: int,
    community: bytes,
    pdu_type: int,
    request_id: int,
    oids: list[Oid],
    non_repeaters: int = 0,
    max_repetitions: int = 0,
) -> bytes:
    """A GET/GETNEXT/GETBULK message; for GETBULK the two error fields carry the bulk knobs."""
    varbinds = b"".join(_tlv(SEQUENCE, _tlv(OBJECT_ID, encode_oid(o)) + b"\x05\x00") for o in oids)
    pdu = (
        _integer(request_id)
        + _integer(non_repeaters)
        + _integer(max_repetitions)
        + _tlv(SEQUENCE, varbinds)
    )
    body = _integer(version) + _tlv(OCTET_STRING, community) + _tlv(pdu_type, pdu)
    return _tlv(SEQUENCE, body)


# --- decoding -------------------------------------------------------------------------


def _header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, value start, value end) of the TLV at `pos`, checked against `end`."""
    if pos + 2 > end:
        raise BerError(f"truncated at byte {pos}")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if not 0 < count <= 4 or pos + count > end:
            raise BerError(f"bad length at byte {pos - 1}")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    stop = pos + length
    if stop > end:
        raise BerError(f"truncated value at byte {pos} (needs {length} bytes)")
    return tag, pos, stop


def _expect(data: bytes, pos: int, end: int, tag: int) -> tuple[int, int]:
    found, start, stop = _header(data, pos, end)
    if found != tag:
        raise BerError(f"expected tag 0x{tag:02x} at byte {pos}, found 0x{found:02x}")
    return start, stop


def _int_at(data: bytes, pos: int, end: int) -> tuple[int, int]:
    start, stop = _expect(data, pos, end, INTEGER)
    if start == stop:
        raise BerError(f"empty INTEGER at byte {pos}")
    return int.from_bytes(data[start:stop], "big", signed=True), stop


def decode_oid(body: bytes) -> Oid:
    """BER OBJECT IDENTIFIER body -> tuple of arcs."""
    if not body or body[-1] & 0x80:
        raise BerError("malformed OBJECT IDENTIFIER")
    arcs: list[int] = []
    acc = 0
    for byte in body:
        acc = (acc << 7) | (byte & 0x7F)
        if byte < 0x80:
            arcs.append(acc)
            acc = 0
    first = arcs[0]
    head = (0, first) if first < 40 else (1, first - 40) if first < 80 else (2, first - 80)
    return (*head, *arcs[1:])


def _value(tag: int, body: bytes) -> Value:
    if tag == INTEGER:
        if not body:
            raise BerError("empty INTEGER value")
        return int.from_bytes(body, "big", signed=True)
    if tag in _UNSIGNED:
        return int.from_bytes(body, "big")
    if tag in _BYTES:
        return body
    if tag == OBJECT_ID:
        return decode_oid(body)
    if tag in _NONE:
        return None
    raise BerError(f"unknown value type 0x{tag:02x}")


def _varbinds(data: bytes, pos: int, end: int) -> list[Varbind]:
    out: list[Varbind] = []
    while pos < end:
        start, pos = _expect(data, pos, end, SEQUENCE)
        ostart, ostop = _expect(data, start, pos, OBJECT_ID)
        tag, vstart, vstop = _header(data, ostop, pos)
        out.append((decode_oid(data[ostart:ostop]), tag, _value(tag, data[vstart:vstop])))
    return out


def decode_response(data: bytes) -> Response:
    """Decode a v1/v2c message; raises `BerError` for anything malformed or truncated."""
    start, end = _expect(data, 0, len(data), SEQUENCE)
    version, pos = _int_at(data, start, end)
    cstart, pos = _expect(data, pos, end, OCTET_STRING)
    community = data[cstart:pos]
    pdu_type, pstart, pend = _header(data, pos, end)
    if pdu_type & 0xE0 != 0xA0:
        raise BerError(f"not an SNMP PDU (tag 0x{pdu_type:02x})")
    request_id, pos = _int_at(data, pstart, pend)
    error_status, pos = _int_at(data, pos, pend)
    error_index, pos = _int_at(data, pos, pend)
    vstart, vend = _expect(data, pos, pend, SEQUENCE)
    return Response(
        version, community, pdu_type, request_id, error_status, error_index,
        _varbinds(data, vstart, vend),
    )

