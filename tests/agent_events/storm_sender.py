"""A trap storm from its own process: prebuilt SNMPv2c linkDown traps sent at a fixed rate.

    python storm_sender.py HOST PORT COMMUNITY RATE SECONDS

Every datagram is built before the clock starts (BER by hand, no SNMP library in the hot
loop) and carries its own ifIndex, so storm control sees new events, not repeats it could
fold. Prints one JSON line: how many were sent, over how long, the rate reached.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import time

DISTINCT = 50_000  # > RATE x window: a repeat never finds its first copy still pending
SYS_UPTIME = (1, 3, 6, 1, 2, 1, 1, 3, 0)
SNMP_TRAP_OID = (1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0)
LINK_DOWN = (1, 3, 6, 1, 6, 3, 1, 1, 5, 3)
IF_INDEX = (1, 3, 6, 1, 2, 1, 2, 2, 1, 1)


def tlv(tag: int, body: bytes) -> bytes:
    """One BER tag-length-value (definite length)."""
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def integer(tag: int, value: int) -> bytes:
    """A BER INTEGER (or an application integer type such as TimeTicks)."""
    return tlv(tag, value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True))


def oid(parts: tuple[int, ...]) -> bytes:
    """A BER OBJECT IDENTIFIER."""
    body = bytearray([parts[0] * 40 + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, bytes(body))


def trap(community: bytes, request_id: int, if_index: int) -> bytes:
    """An SNMPv2-Trap PDU: sysUpTime, snmpTrapOID = linkDown, ifIndex."""
    varbinds = tlv(0x30, b"".join([
        tlv(0x30, oid(SYS_UPTIME) + integer(0x43, 4242)),
        tlv(0x30, oid(SNMP_TRAP_OID) + oid(LINK_DOWN)),
        tlv(0x30, oid((*IF_INDEX, if_index)) + integer(0x02, if_index)),
    ]))
    pdu = tlv(0xA7, integer(0x02, request_id) + integer(0x02, 0) + integer(0x02, 0) + varbinds)
    return tlv(0x30, integer(0x02, 1) + tlv(0x04, community) + pdu)


def main() -> None:
    host, port, community, rate, seconds = (sys.argv[1], int(sys.argv[2]),
                                            sys.argv[3].encode(), float(sys.argv[4]),
                                            float(sys.argv[5]))
    datagrams = [trap(community, i + 1, 100_000 + i) for i in range(DISTINCT)]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect((host, port))
    tried = sent = 0
    start = time.monotonic()
    end = start + seconds
    while (now := time.monotonic()) < end:
        due = int((now - start) * rate)
        while tried < due:
            with contextlib.suppress(OSError):  # ECONNREFUSED after an ICMP, ENOBUFS: go on
                sock.send(datagrams[tried % DISTINCT])
                sent += 1  # only what the kernel took
            tried += 1
        time.sleep(0.0005)
    elapsed = time.monotonic() - start
    print(json.dumps({"sent": sent, "failed": tried - sent, "elapsed_s": round(elapsed, 3),
                      "rate_per_s": round(sent / elapsed, 1)}), flush=True)


if __name__ == "__main__":
    main()
