"""The syslog parser on the header shapes devices really send; it never raises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from edge_agent.events import DeviceRef, SourceMap
from edge_agent.events.syslog_parse import parse_line

NOW = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)


def test_rfc5424_with_structured_data_and_bom() -> None:
    line = ('<28>1 2026-01-02T07:59:58.123+02:00 mx1 mib2d 1543 SNMP_TRAP_LINK_DOWN '
            '[junos@2636.1.1.1.2.21 snmp-interface-index="526" note="a \\] b"] '
            '\ufeffifIndex 526, ifName ge-0/0/1')
    msg = parse_line(line, NOW)
    assert (msg.format, msg.facility, msg.level, msg.hostname, msg.app) == (
        "rfc5424", 3, 4, "mx1", "mib2d")
    assert msg.text == "mib2d[1543]: SNMP_TRAP_LINK_DOWN: ifIndex 526, ifName ge-0/0/1"
    assert msg.timestamp == datetime(2026, 1, 2, 7, 59, 58, 123000,
                                     tzinfo=timezone(timedelta(hours=2)))


def test_rfc5424_with_nil_fields_and_no_message() -> None:
    msg = parse_line("<165>1 - - - - - -", NOW)
    assert (msg.format, msg.text, msg.timestamp, msg.hostname, msg.app) == (
        "rfc5424", "", None, None, None)


@pytest.mark.parametrize(("line", "host", "stamp", "text"), [
    ("<13>Jan  2 07:59:59 edge1 sshd[99]: hello", "edge1",
     datetime(2026, 1, 2, 7, 59, 59, tzinfo=UTC), "sshd[99]: hello"),
    # December line read on January 2nd: last year.
    ("<13>Dec 31 23:59:59 edge1 cron: tick", "edge1",
     datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC), "cron: tick"),
    # NX-OS: year first.
    ("<187>2026 Jan  2 07:00:00 n9k %ETHPORT-5-IF_UP: Interface Ethernet1/1 is up", "n9k",
     datetime(2026, 1, 2, 7, 0, tzinfo=UTC), "%ETHPORT-5-IF_UP: Interface Ethernet1/1 is up"),
    # Cisco IOS: sequence number and the device clock after the PRI, no host name.
    ("<189>12: *Jan  2 07:00:01.250: %SYS-5-CONFIG_I: Configured from console by a on vty0",
     None, datetime(2026, 1, 2, 7, 0, 1, 250000, tzinfo=UTC),
     "%SYS-5-CONFIG_I: Configured from console by a on vty0"),
    # Cisco with origin-id hostname and a time zone.
    ("<189>Jan  2 07:00:02 sw1 13: Jan  2 07:00:02.5 UTC: %LINK-3-UPDOWN: x", "sw1",
     datetime(2026, 1, 2, 7, 0, 2, tzinfo=UTC), "%LINK-3-UPDOWN: x"),
])
def test_rfc3164_and_vendor_variants(line: str, host: str | None, stamp: datetime,
                                     text: str) -> None:
    msg = parse_line(line, NOW)
    assert (msg.format, msg.hostname, msg.timestamp, msg.text) == ("rfc3164", host, stamp, text)


@pytest.mark.parametrize("line", ["", "no header at all", "<999>too big", "<>1 x",
                                  "<13>1 not-a-date h a p m - text", "\x00\x01\x02",
                                  "<13>Feb 30 10:00:00 host impossible date"])
def test_anything_else_never_raises(line: str) -> None:
    msg = parse_line(line, NOW)
    assert msg.line == line.rstrip("\r\n\x00")
    assert msg.text or line.strip("\x00") == ""


def test_source_map_normalises_and_refuses_shared_addresses() -> None:
    a, b = DeviceRef("d1", "core1", "cisco_ios"), DeviceRef("d2", "core2", None)
    sources = SourceMap.build([(a, ["192.0.2.1", "2001:DB8::1"]), (b, ["192.0.2.2"])])
    assert sources.device("::ffff:192.0.2.1") == a
    assert sources.device("2001:db8:0::1") == a
    assert sources.device("198.51.100.9") is None and len(sources) == 3
    with pytest.raises(ValueError, match="claimed by devices 'core1' and 'core2'"):
        SourceMap.build([(a, ["192.0.2.1"]), (b, ["192.0.2.1"])])
