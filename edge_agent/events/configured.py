"""The events part built from the agent config: settings, source map, health counters.

Pure translation between `agent.yaml` (`edge_agent.config`) and this package's own types,
so the runtime only wires. Secrets are revealed into the receiver settings here and
nowhere else (those hide them from `repr`).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from edge_agent.config import DeviceConfig, EventsSection, TrapUserConfig
from edge_agent.events.model import DeviceRef
from edge_agent.events.service import EventSettings
from edge_agent.events.sources import SourceMap, normalise_address
from edge_agent.events.storm import StormSettings
from edge_agent.events.syslog import SyslogSettings
from edge_agent.events.traps import TrapSettings, TrapUser
from edge_agent.snmp.target import SnmpV3

log = logging.getLogger(__name__)

__all__ = ["event_counters", "event_settings", "source_map"]


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
