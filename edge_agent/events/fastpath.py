"""SNMPv2c traps decoded without pysnmp: the bulk of a trap storm, at a fraction of the CPU.

pysnmp's generic stack (pyasn1 codec, community tables, MIB instrumentation) costs about
a millisecond per notification. A v2c SNMPv2-Trap needs no reply and no crypto, so the
agent's own BER codec (the poller's hot path) decodes it. Everything else (v1 traps,
informs that need a Response, v3, anything this decoder refuses) goes to pysnmp. Values
are rendered exactly as pysnmp's prettyPrint does, so both paths yield the same event.
"""

from __future__ import annotations

from edge_agent.events.classify import TrapMessage
from edge_agent.snmp import ber

SNMPV2_TRAP = 0xA7
_V2C = 1
_INTEGERS = frozenset({ber.INTEGER, ber.COUNTER32, ber.GAUGE32, ber.TIMETICKS, ber.COUNTER64})


def _octets(value: bytes) -> str:
    if all(32 <= byte <= 126 for byte in value):
        return value.decode("ascii")
    return "0x" + value.hex()


def value_text(tag: int, value: ber.Value) -> str:
    """A varbind value as pysnmp's prettyPrint writes it."""
    if value is None:
        return ""
    if tag in _INTEGERS and isinstance(value, int):
        return str(value)
    if tag == ber.IP_ADDRESS and isinstance(value, bytes) and len(value) == 4:
        return ".".join(str(byte) for byte in value)
    if tag == ber.OBJECT_ID and isinstance(value, tuple):
        return ber.oid_str(value)
    if isinstance(value, bytes):
        return _octets(value)
    return str(value)


def decode_v2c_trap(datagram: bytes) -> tuple[bytes, TrapMessage] | None:
    """(community, message) of a v2c SNMPv2-Trap; None for anything else (pysnmp's job)."""
    if not datagram.startswith(b"\x30"):
        return None
    try:
        message = ber.decode_response(datagram)
    except (ber.BerError, IndexError):
        return None
    if message.version != _V2C or message.pdu_type != SNMPV2_TRAP:
        return None
    varbinds = tuple((ber.oid_str(oid), value_text(tag, value))
                     for oid, tag, value in message.varbinds)
    return message.community, TrapMessage("2c", "trap", varbinds)
