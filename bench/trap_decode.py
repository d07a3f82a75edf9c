"""SNMPv2c trap decoding: the agent's fast path vs pysnmp's own decoder on the same datagram.

The trap receiver (edge_agent/events/traps.py) hands v2c SNMPv2-Trap datagrams, the bulk of
a trap storm, to `decode_v2c_trap` (the poller's BER codec) and everything else to pysnmp.
Baseline = pysnmp's pyasn1 BER decode of the same message plus rendering its varbinds with
prettyPrint, which is only the first step of pysnmp's notification path (community lookup
and MIB instrumentation come on top), so the real gap is larger than the ratio printed.
"""

from __future__ import annotations

from protocol_codec import cpu_rate  # bench/ is the script's directory
from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto.api import v2c

from edge_agent.events.fastpath import decode_v2c_trap

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"


def _datagram() -> bytes:
    """A linkDown trap as a Cisco switch sends it: uptime, trap OID, ifIndex/descr/status."""
    pdu = v2c.TrapPDU()
    v2c.apiTrapPDU.set_defaults(pdu)
    v2c.apiTrapPDU.set_varbinds(pdu, [
        (v2c.ObjectIdentifier("1.3.6.1.2.1.1.3.0"), v2c.TimeTicks(123456)),
        (v2c.ObjectIdentifier("1.3.6.1.6.3.1.1.4.1.0"), v2c.ObjectIdentifier(LINK_DOWN)),
        (v2c.ObjectIdentifier("1.3.6.1.2.1.2.2.1.1.10103"), v2c.Integer(10103)),
        (v2c.ObjectIdentifier("1.3.6.1.2.1.2.2.1.2.10103"),
         v2c.OctetString("GigabitEthernet1/0/3")),
        (v2c.ObjectIdentifier("1.3.6.1.2.1.2.2.1.7.10103"), v2c.Integer(1)),
        (v2c.ObjectIdentifier("1.3.6.1.2.1.2.2.1.8.10103"), v2c.Integer(2)),
    ])
    message = v2c.Message()
    v2c.apiMessage.set_defaults(message)
    v2c.apiMessage.set_community(message, "public")
    v2c.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def _pysnmp(datagram: bytes) -> list[tuple[str, str]]:
    message, _rest = decoder.decode(datagram, asn1Spec=v2c.Message())
    pdu = v2c.apiMessage.get_pdu(message)
    return [(str(oid), value.prettyPrint())
            for oid, value in v2c.apiTrapPDU.get_varbinds(pdu)]


def main() -> None:
    """Print traps decoded per CPU-second by both decoders and the ratio."""
    datagram = _datagram()
    fast = decode_v2c_trap(datagram)
    assert fast is not None and fast[0] == b"public", "the fast path must take this trap"
    ours, baseline = cpu_rate(decode_v2c_trap, datagram), cpu_rate(_pysnmp, datagram)
    print(f"v2c linkDown trap, {len(datagram)} bytes, 6 varbinds")
    print(f"  ours (edge_agent BER fast path): {ours:10.0f} traps per CPU-second")
    print(f"  pysnmp pyasn1 decode + render:   {baseline:10.0f} traps per CPU-second")
    print(f"  ratio ours/pysnmp: {ours / baseline:.1f}x")


if __name__ == "__main__":
    main()
