"""The fast BER codec agrees with pysnmp/pyasn1 on every SNMP value type."""

from __future__ import annotations

import contextlib

from hypothesis import given
from hypothesis import strategies as st
from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api, rfc1902, rfc1905

from edge_agent.snmp import ber

V2C = api.v2c
oids = st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=20).map(lambda t: (1, 3, *t))
VALUES = st.one_of(
    st.integers(-(2**31), 2**31 - 1).map(lambda v: (ber.INTEGER, v, rfc1902.Integer32(v))),
    st.binary(max_size=300).map(lambda v: (ber.OCTET_STRING, v, rfc1902.OctetString(v))),
    oids.map(lambda v: (ber.OBJECT_ID, v, rfc1902.ObjectIdentifier(v))),
    st.binary(min_size=4, max_size=4).map(lambda v: (ber.IP_ADDRESS, v, rfc1902.IpAddress(v))),
    st.integers(0, 2**32 - 1).map(lambda v: (ber.COUNTER32, v, rfc1902.Counter32(v))),
    st.integers(0, 2**32 - 1).map(lambda v: (ber.GAUGE32, v, rfc1902.Gauge32(v))),
    st.integers(0, 2**32 - 1).map(lambda v: (ber.TIMETICKS, v, rfc1902.TimeTicks(v))),
    st.integers(0, 2**64 - 1).map(lambda v: (ber.COUNTER64, v, rfc1902.Counter64(v))),
    st.just((ber.NO_SUCH_OBJECT, None, rfc1905.noSuchObject)),
    st.just((ber.END_OF_MIB_VIEW, None, rfc1905.endOfMibView)),
)


def _pysnmp_response(request_id: int, varbinds: list) -> bytes:
    message = V2C.Message()
    V2C.apiMessage.set_defaults(message)
    V2C.apiMessage.set_community(message, "c")
    pdu = V2C.ResponsePDU()
    V2C.apiPDU.set_defaults(pdu)
    V2C.apiPDU.set_request_id(pdu, request_id)
    V2C.apiPDU.set_varbinds(pdu, varbinds)
    V2C.apiMessage.set_pdu(message, pdu)
    return encoder.encode(message)


@given(st.integers(0, 2**31 - 1), st.lists(st.tuples(oids, VALUES), max_size=30))
def test_decode_matches_pysnmp_encoding(request_id: int, items: list) -> None:
    packet = _pysnmp_response(request_id, [(oid, value[2]) for oid, value in items])
    decoded = ber.decode_response(packet)
    assert decoded.request_id == request_id and decoded.community == b"c"
    assert decoded.varbinds == [(oid, tag, value) for oid, (tag, value, _) in items]


@given(st.integers(1, 2**31 - 1), st.lists(oids, min_size=1, max_size=10), st.integers(0, 100))
def test_requests_decode_in_pysnmp(request_id: int, targets: list, repetitions: int) -> None:
    packet = ber.encode_request(1, b"public", ber.GET_BULK, request_id, targets, 0, repetitions)
    message, rest = decoder.decode(packet, asn1Spec=V2C.Message())
    assert rest == b""
    pdu = V2C.apiMessage.get_pdu(message)
    assert isinstance(pdu, V2C.GetBulkRequestPDU)
    assert int(V2C.apiBulkPDU.get_request_id(pdu)) == request_id
    assert int(V2C.apiBulkPDU.get_max_repetitions(pdu)) == repetitions
    assert [tuple(o) for o, _ in V2C.apiBulkPDU.get_varbinds(pdu)] == targets


@given(st.binary(max_size=200))
def test_garbage_never_crashes_the_decoder(data: bytes) -> None:
    with contextlib.suppress(ber.BerError):
        ber.decode_response(data)


def test_truncated_packet_is_a_ber_error() -> None:
    packet = _pysnmp_response(7, [((1, 3, 6, 1), rfc1902.Counter64(5))])
    for cut in range(1, len(packet)):
        try:
            ber.decode_response(packet[:cut])
        except ber.BerError:
            continue
        raise AssertionError(f"decoding {cut} of {len(packet)} bytes did not fail")
