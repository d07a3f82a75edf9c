"""The events part built from the agent config: settings, source map, health counters, and
the pump that moves due events to wherever the runtime says (its durable queue).

Translation between `agent.yaml` (`edge_agent.config`) and this package's own types, so the
runtime only wires: it creates the pump's task, hands over the device list on reloads and
stops it at shutdown. Secrets are revealed into the receiver settings here and nowhere else
(those hide them from `repr`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from edge_agent.config import DeviceConfig, EventsSection, TrapUserConfig
from edge_agent.events.mapping import load_catalog
from edge_agent.events.model import DeviceEvent, DeviceRef
from edge_agent.events.service import DeviceEvents, EventSettings
from edge_agent.events.sources import SourceMap, normalise_address
from edge_agent.events.storm import StormSettings
from edge_agent.events.syslog import SyslogSettings
from edge_agent.events.traps import TrapSettings, TrapUser
from edge_agent.snmp.target import SnmpV3

log = logging.getLogger(__name__)

__all__ = ["ConfiguredEvents", "event_counters", "event_settings", "source_map"]

# How often the pump looks for due events when none is pending: an event arriving into an
# empty storm control waits at most this for the queue (the first of a kind is due at once).
TICK_S = 0.25


def _trap_user(user: TrapUserConfig) -> TrapUser:
    def reveal(secret: Any) -> str | None:
        return None if secret is None else str(secret.get_secret_value())

    creds = SnmpV3(user.user, user.auth_proto, reveal(user.auth_key), user.priv_proto,
                   reveal(user.priv_key))
    return TrapUser(creds, tuple(user.engine_ids))


def event_settings(section: EventsSection) -> EventSettings:
    """`EventSettings` for `DeviceEvents` from the `events:` section."""
    traps = syslog = None
    if section.traps is not None:
        t = section.traps
        traps = TrapSettings(t.listen, t.port,
                             tuple(c.get_secret_value() for c in t.communities),
                             tuple(_trap_user(u) for u in t.users), t.engine_id)
    if section.syslog is not None:
        s = section.syslog
        syslog = SyslogSettings(s.listen, s.udp_port, s.tcp_port, s.max_message_bytes,
                                s.max_connections)
    st = section.storm
    storm = StormSettings(st.rate_per_s, st.burst, st.window_s, st.max_keys, st.max_sources)
    return EventSettings(traps, syslog, storm)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def source_map(devices: Iterable[DeviceConfig],
               profile_of: Callable[[DeviceConfig], str | None]) -> SourceMap:
    """Source address -> device from the polled hosts and each device's `event_sources`.

    `event_sources` win over a polled host. A polled host shared by several devices (one
    box answering on several ports, a NAT address) names none of them: its events stay
    unmapped (logged once per build) rather than go to the wrong device. A host written
    as a DNS name is not matched (list its addresses in `event_sources`).
    """
    explicit: dict[str, DeviceRef] = {}
    polled: dict[str, list[DeviceRef]] = {}
    for device in devices:
        ref = DeviceRef(device.name, device.label or device.name, profile_of(device))
        for address in device.event_sources:
            explicit.setdefault(normalise_address(address), ref)
        if _is_ip(device.host):
            polled.setdefault(normalise_address(device.host), []).append(ref)
    entries = dict(explicit)
    for address, refs in polled.items():
        if address in entries:
            continue
        if len({r.device_id for r in refs}) > 1:
            log.warning("events.ambiguous_source address=%s devices=%s; events from it stay "
                        "unmapped: list it in one device's event_sources", address,
                        ",".join(sorted(r.name for r in refs)))
            continue
        entries[address] = refs[0]
    return SourceMap(entries)


def event_counters(health: Mapping[str, Any]) -> dict[str, int]:
    """`DeviceEvents.health()` folded into the health message's five counters."""
    storm = health.get("storm", {})
    traps = health.get("traps", {})
    syslog = health.get("syslog", {})
    trap_refused = sum(traps.get("rejected", {}).values())
    syslog_refused = sum(syslog.get(k, 0) for k in ("oversized", "invalid_utf8",
                                                      "refused_connections",
                                                      "framing_errors"))
    return {
        "received": (sum(traps.get("received", {}).values()) + trap_refused
                     + sum(syslog.get("received", {}).values())),
        "accepted": int(storm.get("accepted", 0)),
        "folded": int(storm.get("folded", 0)),
        "dropped": int(storm.get("dropped", 0)) + int(storm.get("overflowed", 0)),
        "refused": trap_refused + syslog_refused,
    }


def kernel_drops(ports: Iterable[int], tables: Sequence[Path] = (
        Path("/proc/net/udp"), Path("/proc/net/udp6"))) -> int:
    """Datagrams the kernel dropped on our UDP ports because the socket buffer was full (the
    agent too busy to read them): the `drops` column of /proc/net/udp*. 0 where unreadable."""
    wanted, total = set(ports), 0
    for table in tables:
        try:
            lines = table.read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) >= 13 and int(fields[1].rsplit(":", 1)[1], 16) in wanted:
                total += int(fields[-1])
    return total


ProfileOf = Callable[[DeviceConfig], str | None]
Enqueue = Callable[[list[DeviceEvent]], Awaitable[object]]


class ConfiguredEvents:
    """`DeviceEvents` as `agent.yaml` describes it, pumping due events into `enqueue`."""

    def __init__(self, section: EventsSection, devices: Sequence[DeviceConfig],
                 profile_of: ProfileOf, enqueue: Enqueue,
                 profiles_root: Path | None = None) -> None:
        self.section, self._profile_of, self._enqueue = section, profile_of, enqueue
        self.events = DeviceEvents(event_settings(section), load_catalog(profiles_root),
                                   source_map(devices, profile_of))
        self.lost = 0  # due events `enqueue` failed on (disk full...): counted as dropped
        self._kernel_drops = 0  # the last figure read while the sockets were open
        self._closed = False

    async def start(self) -> None:
        """Bind every port; `ReceiverError` (nothing stays bound) names port, cause, fix."""
        await self.events.start()
        s = self.section
        ports = {"traps": s.traps.port if s.traps else None,
                 "syslog_udp": s.syslog.udp_port if s.syslog else None,
                 "syslog_tcp": s.syslog.tcp_port if s.syslog else None}
        log.info("events.started %s", " ".join(f"{k}={v}" for k, v in ports.items() if v))

    def update_devices(self, devices: Sequence[DeviceConfig]) -> None:
        """Map senders to these devices from the next message on (reload, hub push, a
        profile detected)."""
        self.events.set_sources(source_map(devices, self._profile_of))

    async def pump(self) -> None:
        """Forever: move due events (fold window closed) to `enqueue`, in order."""
        while True:
            delay = self.events.next_due()
            await asyncio.sleep(TICK_S if delay is None else min(delay, TICK_S))
            await self._hand_over(self.events.due())

    async def stop(self) -> None:
        """Stop receiving, then hand over everything storm control still holds (call after
        cancelling `pump`)."""
        self.kernel_drops()  # the sockets leave /proc/net/udp when closed: read it last now
        self._closed = True
        await self.events.close()
        pending = self.events.flush()
        await self._hand_over(pending)
        log.info("events.stopped flushed=%d", len(pending))

    async def _hand_over(self, due: list[DeviceEvent]) -> None:
        if not due:
            return
        try:
            await self._enqueue(due)
        except Exception:  # a failing disk must not stop the pump for good: count, go on
            self.lost += len(due)
            log.exception("events.queue_failed events=%d; check free space and permissions "
                          "of the state directory", len(due))

    def counters(self, unsendable: int = 0) -> dict[str, int]:
        """The health message's counters; `unsendable`: events the protocol refused."""
        counters = event_counters(self.events.health())
        counters["dropped"] += self.lost + unsendable
        return counters

    def kernel_drops(self) -> int:
        """Datagrams lost before the receivers saw them (socket buffer full), since the
        sockets opened; the last figure once they are closed."""
        s = self.section
        ports = [p for p in (s.traps.port if s.traps else None,
                             s.syslog.udp_port if s.syslog else None) if p is not None]
        if ports and not self._closed:
            self._kernel_drops = max(self._kernel_drops, kernel_drops(ports))
        return self._kernel_drops

    def status(self, unsendable: int = 0) -> dict[str, object]:
        """Counters plus every receiver's and storm control's detail, for `status`."""
        return {"counters": self.counters(unsendable), "kernel_drops": self.kernel_drops(),
                **self.events.health()}
