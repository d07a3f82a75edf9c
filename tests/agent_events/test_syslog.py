"""Syslog receivers over real sockets, fed by util-linux `logger` (RFC 5424 and 3164, UDP,
TCP with newline and octet-counting framing) and by raw sockets for hostile input."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from edge_agent.events import DeviceEvent, EventCatalog, SyslogServer, SyslogSettings
from tests.agent_events.conftest import DEVICE, next_event, source_map, wait_state
from tests.services._proc import free_port, require_binary


class Syslogd:
    """A running server and the queue it feeds."""

    def __init__(self, server: SyslogServer, events: asyncio.Queue[DeviceEvent]) -> None:
        self.server, self.events = server, events

    @property
    def udp(self) -> int:
        """Bound UDP port."""
        assert self.server.udp_port is not None
        return self.server.udp_port

    @property
    def tcp(self) -> int:
        """Bound TCP port."""
        assert self.server.tcp_port is not None
        return self.server.tcp_port


async def start(catalog: EventCatalog, profile: str, max_bytes: int = 8192) -> Syslogd:
    """A server on free loopback ports; loopback is one device of `profile`."""
    events: asyncio.Queue[DeviceEvent] = asyncio.Queue()
    settings = SyslogSettings("127.0.0.1", free_port(socket.SOCK_DGRAM), free_port(),
                              max_message_bytes=max_bytes)
    server = SyslogServer(settings, catalog, source_map(profile), events.put_nowait)
    await server.start()
    return Syslogd(server, events)


@pytest.fixture
async def junos(catalog: EventCatalog) -> AsyncIterator[Syslogd]:
    running = await start(catalog, "juniper_junos")
    yield running
    await running.server.close()


async def logger(*argv: str) -> None:
    """util-linux logger, the standard sender; waits for it without blocking the loop."""
    proc = await asyncio.create_subprocess_exec(
        require_binary("logger", "bsdutils"), *argv,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode(errors="replace")


async def test_rfc5424_over_udp_junos_link_down(junos: Syslogd) -> None:
    await logger("-n", "127.0.0.1", "-P", str(junos.udp), "-d", "--rfc5424", "-p", "daemon.warning",
                 "-t", "mib2d", "--msgid", "SNMP_TRAP_LINK_DOWN",
                 "ifIndex 526, ifAdminStatus up(1), ifOperStatus down(2), ifName ge-0/0/1")
    event = await next_event(junos.events)
    assert (event.event_type, event.severity, event.origin) == ("link_down", "major", "syslog")
    assert event.labels == {"ifIndex": "526", "ifName": "ge-0/0/1"}
    assert event.device is not None and event.device.device_id == DEVICE.device_id
    assert event.device_time is not None
    assert abs((event.received_at - event.device_time).total_seconds()) < 600
    assert junos.server.stats.formats == {"rfc5424": 1}


async def test_rfc3164_over_tcp_newline_framing(junos: Syslogd) -> None:
    await logger("-n", "127.0.0.1", "-P", str(junos.tcp), "-T", "--rfc3164", "-t", "mgd[9921]",
                 "UI_COMMIT: User 'netops' requested 'commit' operation (comment: none)")
    event = await next_event(junos.events)
    assert (event.event_type, event.labels) == (
        "config_change", {"user": "netops", "operation": "commit"})
    assert junos.server.stats.received == {"tcp": 1}
    assert junos.server.stats.formats == {"rfc3164": 1}


async def test_octet_counted_tcp_arista(catalog: EventCatalog) -> None:
    eos = await start(catalog, "arista_eos")
    try:
        await logger("-n", "127.0.0.1", "-P", str(eos.tcp), "-T", "--octet-count", "--rfc5424",
                     "-t", "Bgp", "%BGP-5-ADJCHANGE: peer 192.0.2.1 (VRF default AS 65001) "
                     "old state Established event Stop new state Idle")
        event = await next_event(eos.events)
        assert event.event_type == "bgp_neighbor_down"
        assert event.labels == {"neighbor": "192.0.2.1", "vrf": "default", "peer_as": "65001",
                                "state": "Idle"}
        assert eos.server.stats.framing_errors == 0
    finally:
        await eos.server.close()


async def test_rfc3164_over_udp_huawei_and_cisco_clock(catalog: EventCatalog) -> None:
    vrp = await start(catalog, "huawei_vrp")
    try:
        # VRP's own header: year after the day, then %%<ver><module>/<level>/<mnemonic>.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(b"<188>Mar  4 2026 10:15:02 HUAWEI %%01IFPDT/4/IF_STATE(l)[3]:Interface "
                        b"GigabitEthernet0/0/1 has turned into DOWN state.", ("127.0.0.1", vrp.udp))
        event = await next_event(vrp.events)
        assert (event.event_type, event.labels) == ("link_down",
                                                    {"ifName": "GigabitEthernet0/0/1"})
        assert event.device_time == datetime(2026, 3, 4, 10, 15, 2, tzinfo=UTC)
        # A Cisco box without `logging origin-id`: sequence number, then its own clock.
        line = (b"<187>4711: *Mar  4 10:15:02.345: %LINEPROTO-5-UPDOWN: Line protocol on "
                b"Interface GigabitEthernet0/1, changed state to down")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(line, ("127.0.0.1", vrp.udp))
        event = await next_event(vrp.events)
        # Not a VRP line: the patterns of the other profiles still recognise it.
        assert event.event_type == "line_protocol_down"
        assert event.rule is not None and not event.rule.startswith("huawei_vrp.")
        assert event.device_time is not None
        assert (event.device_time.month, event.device_time.day, event.device_time.second,
                event.device_time.microsecond) == (3, 4, 2, 345000)
    finally:
        await vrp.server.close()


async def test_hostile_input_is_counted_and_still_becomes_events(catalog: EventCatalog) -> None:
    running = await start(catalog, "cisco_ios", max_bytes=512)
    try:
        frames = (b"<13>1 2026-03-04T10:15:02.5+01:00 sw1 app - - - plain message\n"
                  + b"<13>Mar  4 10:15:02 sw1 app: " + b"x" * 4000 + b"\n"
                  + b"<13>Mar  4 10:15:02 sw1 app: bad \xff\xfe utf8\n"
                  + b"complete nonsense without any header\n"
                  + b"25 <13>1 - - - - - - counted")
        with socket.create_connection(("127.0.0.1", running.tcp)) as sock:
            sock.sendall(frames)
        events = [await next_event(running.events) for _ in range(5)]
        stats = running.server.stats
        assert stats.oversized == 1 and stats.invalid_utf8 == 1
        assert stats.formats == {"rfc5424": 2, "rfc3164": 2, "unknown": 1}
        assert [e.event_type for e in events] == ["syslog"] * 5
        assert events[0].device_time == datetime(2026, 3, 4, 9, 15, 2, 500000, tzinfo=UTC)
        assert len(events[1].raw) <= 1024 and "\ufffd" in events[2].raw
        assert events[3].raw == "complete nonsense without any header"
        assert events[4].raw == "<13>1 - - - - - - counted"
        # The connection survived all of it and the UDP side still answers.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(b"<13>" + b"\xc3" * 600, ("127.0.0.1", running.udp))
        await next_event(running.events)
        await wait_state(lambda: stats.invalid_utf8 == 2 and stats.oversized == 2, "counters")
    finally:
        await running.server.close()


async def test_close_releases_both_ports(catalog: EventCatalog) -> None:
    running = await start(catalog, "cisco_ios")
    udp, tcp = running.udp, running.tcp
    with socket.create_connection(("127.0.0.1", tcp)):
        await wait_state(lambda: running.server.connections == 1, "the open connection")
        await running.server.close()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", udp))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", tcp))
