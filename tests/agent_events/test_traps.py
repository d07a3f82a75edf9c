"""The trap receiver against net-snmp's own senders (snmptrap, snmpinform): v1, v2c, informs
(acknowledged, or snmpinform fails), v3 authPriv; refusals are counted with a reason."""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections.abc import AsyncIterator

import pytest

from edge_agent.events import (
    DeviceEvent,
    EventCatalog,
    ReceiverError,
    SourceMap,
    StormControl,
    StormSettings,
    TrapReceiver,
    TrapSettings,
    TrapUser,
)
from edge_agent.snmp.target import SnmpV3
from tests.agent_events.conftest import DEVICE, next_event, source_map, wait_state
from tests.services._proc import free_port, require_binary

SENDER_ENGINE = "0x8000000001020304"
RECEIVER_ENGINE = "80001f8880c0ffee01"
USER = SnmpV3("noc-traps", "SHA", "auth-pass-2026", "AES", "priv-pass-2026")
LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
IF_INDEX, IF_ADMIN, IF_OPER, IF_NAME = ("1.3.6.1.2.1.2.2.1.1", "1.3.6.1.2.1.2.2.1.7",
                                       "1.3.6.1.2.1.2.2.1.8", "1.3.6.1.2.1.31.1.1.1.1")


class Trapd:
    """A running receiver, the queue it feeds, its port and its community."""

    def __init__(self, receiver: TrapReceiver, events: asyncio.Queue[DeviceEvent],
                 community: str) -> None:
        self.receiver, self.events, self.community = receiver, events, community
        self.target = f"udp:127.0.0.1:{receiver.settings.port}"


async def start(catalog: EventCatalog, sources: SourceMap) -> Trapd:
    """A receiver on a free loopback port with a community of its own."""
    events: asyncio.Queue[DeviceEvent] = asyncio.Queue()
    community = f"c-{uuid.uuid4().hex[:12]}"
    settings = TrapSettings("127.0.0.1", free_port(socket.SOCK_DGRAM), (community,),
                            (TrapUser(USER, (SENDER_ENGINE.removeprefix("0x"),)),),
                            RECEIVER_ENGINE)
    receiver = TrapReceiver(settings, catalog, sources, events.put_nowait)
    await receiver.start()
    return Trapd(receiver, events, community)


@pytest.fixture
async def trapd(catalog: EventCatalog) -> AsyncIterator[Trapd]:
    running = await start(catalog, source_map("cisco_ios"))
    yield running
    await running.receiver.close()


async def send(*argv: str) -> tuple[int, str]:
    """Run a net-snmp sender without blocking the loop the receiver runs on."""
    binary = require_binary(argv[0], "snmp")
    proc = await asyncio.create_subprocess_exec(
        binary, "-m", "", "-M", "/nonexistent", *argv[1:],
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={"MIBS": "", "PATH": "/usr/bin:/bin", "SNMPCONFPATH": "/nonexistent"})
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    return int(proc.returncode or 0), err.decode(errors="replace")


V3 = ("-u", USER.user, "-l", "authPriv", "-a", "SHA", "-A", "auth-pass-2026",
      "-x", "AES", "-X", "priv-pass-2026")


async def test_v1_trap_linkdown_maps_to_the_device(trapd: Trapd) -> None:
    rc, err = await send("snmptrap", "-v1", "-c", trapd.community, trapd.target,
                         "1.3.6.1.4.1.9.1.1", "127.0.0.1", "2", "0", "",
                         f"{IF_INDEX}.7", "i", "7", f"{IF_ADMIN}.7", "i", "1",
                         f"{IF_OPER}.7", "i", "2", f"{IF_NAME}.7", "s", "Gi0/7")
    assert rc == 0, err
    event = await next_event(trapd.events)
    assert (event.event_type, event.severity, event.origin) == ("link_down", "major", "snmp_trap")
    assert event.labels == {"ifIndex": "7", "ifName": "Gi0/7", "ifAdminStatus": "up",
                            "ifOperStatus": "down"}
    assert event.device == DEVICE and event.source == "127.0.0.1"
    assert event.raw.startswith(f"v1 trap {LINK_DOWN} ")
    assert trapd.community not in event.raw and trapd.community not in event.fingerprint
    assert trapd.receiver.stats.received == {"v1_trap": 1}


async def test_v2c_trap_and_acknowledged_inform(trapd: Trapd) -> None:
    rc, err = await send("snmptrap", "-v2c", "-c", trapd.community, trapd.target, "",
                         "1.3.6.1.6.3.1.1.5.4", f"{IF_INDEX}.3", "i", "3")
    assert rc == 0, err
    event = await next_event(trapd.events)
    assert (event.event_type, event.labels) == ("link_up", {"ifIndex": "3"})
    # snmpinform exits non-zero unless the receiver sends the Response PDU back.
    rc, err = await send("snmpinform", "-v2c", "-c", trapd.community, "-t", "5", "-r", "2",
                         trapd.target, "", "1.3.6.1.6.3.1.1.5.1")
    assert rc == 0, f"inform not acknowledged: {err}"
    event = await next_event(trapd.events)
    assert event.event_type == "cold_start" and event.raw.startswith("v2c inform ")
    assert trapd.receiver.stats.received == {"v2c_trap": 1, "v2c_inform": 1}


async def test_v3_authpriv_trap_and_inform(trapd: Trapd) -> None:
    rc, err = await send("snmptrap", "-v3", "-e", SENDER_ENGINE, *V3, trapd.target, "",
                         "1.3.6.1.4.1.9.9.13.3.0.8",
                         "1.3.6.1.4.1.9.9.13.1.4.1.2.1", "s", "Fan 1",
                         "1.3.6.1.4.1.9.9.13.1.4.1.3.1", "i", "3")
    assert rc == 0, err
    event = await next_event(trapd.events)
    assert (event.event_type, event.severity) == ("fan_state_change", "critical")
    assert event.labels == {"component": "Fan 1", "state": "critical"}
    assert event.rule == "CISCO-ENVMON-MIB::ciscoEnvMonFanStatusChangeNotif"
    # An inform is authoritative at the receiver: net-snmp discovers our engine ID itself.
    rc, err = await send("snmpinform", "-v3", *V3, "-t", "5", "-r", "2", trapd.target, "",
                         "1.3.6.1.6.3.1.1.5.2")
    assert rc == 0, f"v3 inform not acknowledged: {err}"
    event = await next_event(trapd.events)
    assert event.event_type == "warm_start" and event.raw.startswith("v3 inform ")
    assert trapd.receiver.stats.received == {"v3_trap": 1, "v3_inform": 1}
    assert trapd.receiver.stats.rejected == {}


async def test_wrong_community_is_counted_and_never_logged(
        trapd: Trapd, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = f"wrong-{uuid.uuid4().hex[:8]}"
    rc, err = await send("snmptrap", "-v2c", "-c", wrong, trapd.target, "", LINK_DOWN)
    assert rc == 0, err
    # v1 goes through pysnmp, v2c traps through the fast path: both refuse it the same way.
    rc, err = await send("snmptrap", "-v1", "-c", wrong, trapd.target, "1.3.6.1.4.1.9",
                         "127.0.0.1", "2", "0", "")
    assert rc == 0, err
    stats = trapd.receiver.stats
    await wait_state(lambda: stats.rejected.get("unknown_community") == 2, "both refusals")
    assert "reason=unknown_community source=127.0.0.1" in caplog.text
    assert wrong not in caplog.text and trapd.community not in caplog.text
    assert trapd.events.empty() and stats.received == {}


async def test_wrong_v3_keys_and_unknown_engine_are_refused(trapd: Trapd) -> None:
    bad_auth = ("-u", USER.user, "-l", "authPriv", "-a", "SHA", "-A", "not-the-pass",
                "-x", "AES", "-X", "priv-pass-2026")
    await send("snmptrap", "-v3", "-e", SENDER_ENGINE, *bad_auth, trapd.target, "", LINK_DOWN)
    stats = trapd.receiver.stats
    await wait_state(lambda: stats.rejected.get("v3_wrong_auth") == 1, "wrong auth key")
    await send("snmptrap", "-v3", "-e", "0x80000000010a0b0c0d", *V3, trapd.target, "", LINK_DOWN)
    await wait_state(lambda: stats.rejected.get("v3_unknown_user_or_engine") == 1,
                     "an engine ID nobody configured")
    bad_priv = ("-u", USER.user, "-l", "authPriv", "-a", "SHA", "-A", "auth-pass-2026",
                "-x", "AES", "-X", "not-the-priv-key")
    await send("snmptrap", "-v3", "-e", SENDER_ENGINE, *bad_priv, trapd.target, "", LINK_DOWN)
    await wait_state(lambda: stats.rejected.get("v3_wrong_priv") == 1, "wrong privacy key")
    assert trapd.events.empty() and stats.received == {}


async def test_malformed_ber_is_counted_not_fatal(trapd: Trapd) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for junk in (b"\x30\x82\xff\xff garbage", b"\x00" * 40, b"not snmp at all"):
            sock.sendto(junk, ("127.0.0.1", trapd.receiver.port))
    stats = trapd.receiver.stats
    await wait_state(lambda: sum(stats.rejected.values()) == 3, "three refusals")
    assert stats.rejected.get("malformed_ber", 0) >= 2
    # Still serving afterwards.
    rc, err = await send("snmptrap", "-v2c", "-c", trapd.community, trapd.target, "",
                         "1.3.6.1.4.1.99999.0.7", "1.3.6.1.4.1.99999.1.0", "s", "hello")
    assert rc == 0, err
    event = await next_event(trapd.events)
    assert event.event_type == "snmp_trap" and event.labels == {
        "trap_oid": "1.3.6.1.4.1.99999.0.7"}
    assert "1.3.6.1.4.1.99999.1.0=hello" in event.raw


async def test_unmapped_source_is_kept_and_counted(catalog: EventCatalog) -> None:
    running = await start(catalog, SourceMap({}))
    try:
        rc, err = await send("snmptrap", "-v2c", "-c", running.community, running.target, "",
                             LINK_DOWN)
        assert rc == 0, err
        event = await next_event(running.events)
        assert event.device is None and event.source == "127.0.0.1"
        assert running.receiver.stats.unknown_sources == 1
    finally:
        await running.receiver.close()


async def test_a_busy_port_names_the_fix(catalog: EventCatalog) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as busy:
        busy.bind(("127.0.0.1", 0))
        port = busy.getsockname()[1]
        receiver = TrapReceiver(TrapSettings("127.0.0.1", port, ("x",)), catalog,
                                SourceMap({}), lambda event: None)
        with pytest.raises(ReceiverError, match=f"cannot bind udp 127.0.0.1:{port}.*"
                                                "CAP_NET_BIND_SERVICE"):
            await receiver.start()


async def test_ipv6_listener(catalog: EventCatalog) -> None:
    events: asyncio.Queue[DeviceEvent] = asyncio.Queue()
    port = free_port(socket.SOCK_DGRAM)
    receiver = TrapReceiver(TrapSettings("::1", port, ("v6-community",)), catalog,
                            source_map("cisco_ios"), events.put_nowait)
    await receiver.start()
    try:
        rc, err = await send("snmptrap", "-v2c", "-c", "v6-community", f"udp6:[::1]:{port}", "",
                             LINK_DOWN, f"{IF_INDEX}.2", "i", "2")
        assert rc == 0, err
        event = await next_event(events)
        assert (event.source, event.device, event.labels) == ("::1", DEVICE, {"ifIndex": "2"})
    finally:
        await receiver.close()


VALUES = ("1.3.6.1.4.1.99999.1.1.0", "i", "-5", "1.3.6.1.4.1.99999.1.2.0", "u", "7",
          "1.3.6.1.4.1.99999.1.3.0", "c", "4000000000", "1.3.6.1.4.1.99999.1.4.0", "s", "Gi0/1 up",
          "1.3.6.1.4.1.99999.1.5.0", "x", "00 1A 2B FF", "1.3.6.1.4.1.99999.1.6.0", "o",
          "1.3.6.1.4.1.9.1.1", "1.3.6.1.4.1.99999.1.7.0", "t", "123456",
          "1.3.6.1.4.1.99999.1.8.0", "a", "192.0.2.33", "1.3.6.1.4.1.99999.1.9.0", "s", "")


async def test_fast_path_and_pysnmp_render_the_same_event(trapd: Trapd) -> None:
    """v2c traps skip pysnmp (the storm path); informs go through it: same text both ways."""
    oid = "1.3.6.1.4.1.99999.0.9"
    rc, err = await send("snmptrap", "-v2c", "-c", trapd.community, trapd.target, "", oid,
                         *VALUES)
    assert rc == 0, err
    fast = await next_event(trapd.events)
    rc, err = await send("snmpinform", "-v2c", "-c", trapd.community, "-t", "5", "-r", "2",
                         trapd.target, "", oid, *VALUES)
    assert rc == 0, err
    slow = await next_event(trapd.events)
    assert fast.raw.startswith("v2c trap ") and slow.raw.startswith("v2c inform ")
    assert fast.fingerprint == slow.fingerprint
    assert "1.3.6.1.4.1.99999.1.5.0=0x001a2bff" in fast.fingerprint
    assert "1.3.6.1.4.1.99999.1.8.0=192.0.2.33" in fast.fingerprint
    assert "1.3.6.1.4.1.99999.1.1.0=-5" in fast.fingerprint


async def test_ten_thousand_identical_traps_fold_into_one_follow_up(catalog: EventCatalog) -> None:
    """A real snmptrap datagram replayed 10,000 times: the first event and one follow-up
    with count 9,999 leave storm control, and the receiver kept up (paced by what it has
    counted, not by sleeps)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as capture:
        capture.bind(("127.0.0.1", 0))
        rc, err = await send("snmptrap", "-v2c", "-c", "storm",
                             f"udp:127.0.0.1:{capture.getsockname()[1]}", "", LINK_DOWN,
                             f"{IF_INDEX}.4", "i", "4", f"{IF_NAME}.4", "s", "Gi0/4")
        assert rc == 0, err
        datagram = capture.recv(65535)
    storm = StormControl(StormSettings(window_s=60.0))
    loop = asyncio.get_running_loop()
    receiver = TrapReceiver(TrapSettings("127.0.0.1", free_port(socket.SOCK_DGRAM), ("storm",)),
                            catalog, source_map("cisco_ios"),
                            lambda e: storm.offer(e, loop.time()))
    await receiver.start()
    try:
        received = receiver.stats.received
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for sent in range(100, 10_001, 100):
                for _ in range(100):
                    sock.sendto(datagram, ("127.0.0.1", receiver.port))
                def caught_up(n: int = sent) -> bool:
                    return received.get("v2c_trap") == n

                await wait_state(caught_up, f"{sent} traps")
        first, folded = storm.flush()
        assert (first.event_type, first.count, folded.count) == ("link_down", 1, 9_999)
        assert first.labels == folded.labels == {"ifIndex": "4", "ifName": "Gi0/4"}
        assert storm.health().folded == 9_999
    finally:
        await receiver.close()


async def test_close_releases_the_port(catalog: EventCatalog) -> None:
    port = free_port(socket.SOCK_DGRAM)
    for _ in range(2):  # a restart (config reload) binds the same port again
        receiver = TrapReceiver(TrapSettings("127.0.0.1", port, ("x",)), catalog,
                                SourceMap({}), lambda event: None)
        await receiver.start()
        assert receiver.port == port
        await receiver.close()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", port))
