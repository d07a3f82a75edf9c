"""SNMP trap and inform receiver (v1, v2c, v3/USM) on pysnmp's asyncio transport.

pysnmp decodes, authenticates, decrypts and acknowledges informs; this module decides what
the agent accepts and counts every datagram it refuses with a reason. Reasons come from
the engine's own RFC counters (snmpInBadCommunityNames, usmStatsWrongDigests, ...), read
before and after each datagram, so a refusal is attributed exactly and the offending
community or user key is never looked at, let alone logged.

v3 traps are authoritative at the sender: a USM user is registered once per sender
engine ID listed in `engine_ids` (like net-snmp's `createUser -e`); informs are
authoritative here and use this receiver's own `engine_id`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pyasn1.type.univ import OctetString
from pysnmp.carrier.asyncio.dgram import udp, udp6
from pysnmp.entity import config, engine
from pysnmp.entity.rfc3413 import ntfrcv
from pysnmp.proto.api import v2c

from edge_agent.events.classify import TrapMessage, trap_event
from edge_agent.events.fastpath import decode_v2c_trap
from edge_agent.events.mapping import EventCatalog
from edge_agent.events.model import EventSink
from edge_agent.events.sources import SourceMap, normalise_address
from edge_agent.snmp.target import SnmpV3
from edge_agent.snmp.v3 import AUTH, PRIV

log = logging.getLogger(__name__)


# (MIB module, counter, reason): the engine bumps one of these when it refuses a message.
_REFUSALS = (
    ("__SNMPv2-MIB", "snmpInBadCommunityNames", "unknown_community"),
    ("__SNMPv2-MIB", "snmpInASNParseErrs", "malformed_ber"),
    ("__SNMPv2-MIB", "snmpInBadVersions", "bad_version"),
    ("__SNMP-MPD-MIB", "snmpInvalidMsgs", "invalid_message"),
    ("__SNMP-MPD-MIB", "snmpUnknownPDUHandlers", "not_a_notification"),
    ("__SNMP-USER-BASED-SM-MIB", "usmStatsUnknownUserNames", "v3_unknown_user_or_engine"),
    ("__SNMP-USER-BASED-SM-MIB", "usmStatsWrongDigests", "v3_wrong_auth"),
    ("__SNMP-USER-BASED-SM-MIB", "usmStatsDecryptionErrors", "v3_wrong_priv"),
    ("__SNMP-USER-BASED-SM-MIB", "usmStatsUnsupportedSecLevels", "v3_security_level"),
)
# Part of every v3 inform exchange (the sender learns our engine ID and clock): not refusals.
_DISCOVERY = (
    ("__SNMP-USER-BASED-SM-MIB", "usmStatsUnknownEngineIDs"),
    ("__SNMP-USER-BASED-SM-MIB", "usmStatsNotInTimeWindows"),
)
_VERSIONS: dict[int, Literal["1", "2c", "3"]] = {0: "1", 1: "2c", 3: "3"}


class ReceiverError(RuntimeError):
    """The receiver could not start; the message says what to change."""


@dataclass(frozen=True)
class TrapUser:
    """A USM user allowed to send v3 traps/informs; `engine_ids` (hex) of trap senders."""

    credentials: SnmpV3
    engine_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrapSettings:
    """Where to listen and whom to accept. Communities are secrets: hidden from repr."""

    host: str = "0.0.0.0"  # noqa: S104 - devices send from anywhere; the source map decides
    port: int = 162
    communities: tuple[str, ...] = field(default=(), repr=False)
    users: tuple[TrapUser, ...] = ()
    engine_id: str | None = None


@dataclass
class ReceiverStats:
    """Counters for health: notifications accepted and datagrams refused, by reason."""

    received: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    unknown_sources: int = 0
    discovery: int = 0

    def count(self, table: dict[str, int], key: str) -> int:
        """Add one to `table[key]`; the new value."""
        table[key] = table.get(key, 0) + 1
        return table[key]


def _value_text(value: Any) -> str:
    text = value.prettyPrint()
    return str(text)


class _Guarded:
    """Processes each datagram inside `guard` (pysnmp would defer it with call_soon)."""

    guard: Callable[[Any, bytes, Callable[[], None]], None]
    _callback_function: Callable[[Any, Any, bytes], None]

    def datagram_received(self, datagram: bytes, transportAddress: Any) -> None:  # noqa: N803
        """Hand the datagram to `guard` with a way to run pysnmp's processing."""

        def process() -> None:
            self._callback_function(self, transportAddress, datagram)

        self.guard(transportAddress, datagram, process)


class _GuardedUdp(_Guarded, udp.UdpAsyncioTransport):  # type: ignore[misc]
    """IPv4 server transport."""


class _GuardedUdp6(_Guarded, udp6.Udp6AsyncioTransport):  # type: ignore[misc]
    """IPv6 server transport (a host with ':' in it)."""


class TrapReceiver:
    """Receives notifications, maps them with the catalog and hands events to `sink`."""

    def __init__(self, settings: TrapSettings, catalog: EventCatalog, sources: SourceMap,
                 sink: EventSink) -> None:
        self.settings, self._catalog, self.sources, self._sink = settings, catalog, sources, sink
        # `sources` may be replaced while running (devices reloaded): read per message.
        self.stats = ReceiverStats()
        self._communities = frozenset(c.encode() for c in settings.communities)
        self._engine: Any = None
        self._transport: _GuardedUdp | _GuardedUdp6 | None = None
        self._refusal_counters: list[tuple[str, Any]] = []
        self._discovery_counters: list[Any] = []
        self._current: dict[str, Any] = {}
        self._accepted_in_datagram = False

    @property
    def port(self) -> int:
        """The bound UDP port (useful when configured as 0)."""
        if self._transport is None or self._transport.transport is None:
            raise ReceiverError("trap receiver not started")
        return int(self._transport.transport.get_extra_info("sockname")[1])

    async def start(self) -> None:
        """Bind the UDP port and start accepting; ReceiverError names the fix on failure."""
        self._engine = self._build_engine()
        v6 = ":" in self.settings.host
        transport: _GuardedUdp | _GuardedUdp6 = _GuardedUdp6() if v6 else _GuardedUdp()
        transport.guard = self._guard
        config.add_transport(self._engine, udp6.DOMAIN_NAME if v6 else udp.DOMAIN_NAME,
                             transport.open_server_mode((self.settings.host, self.settings.port)))
        self._transport = transport
        try:
            await transport._lport  # the bind happens here
        except OSError as exc:
            await self.close()
            raise ReceiverError(
                f"trap receiver: cannot bind udp {self.settings.host}:{self.settings.port} "
                f"({exc.strerror}); for ports below 1024 grant CAP_NET_BIND_SERVICE "
                "(see docs/events.md) or choose another port") from exc
        builder = self._engine.get_mib_builder()
        # The engine bumps these objects' values in place: resolve them once, read per datagram.
        self._refusal_counters = [(reason, builder.import_symbols(module, name)[0])
                                  for module, name, reason in _REFUSALS]
        self._discovery_counters = [builder.import_symbols(m, n)[0] for m, n in _DISCOVERY]
        ntfrcv.NotificationReceiver(self._engine, self._on_notification)
        self._engine.observer.register_observer(self._on_request, "rfc3412.receiveMessage:request")

    async def close(self) -> None:
        """Stop listening and release the port (idempotent)."""
        if self._engine is not None:
            self._engine.close_dispatcher()
            self._engine = None
        if self._transport is not None:
            self._transport = None
            # asyncio closes a datagram socket on the next loop turn: let it happen.
            await asyncio.sleep(0)

    def _build_engine(self) -> Any:
        engine_id = self.settings.engine_id
        snmp_engine = (engine.SnmpEngine(OctetString(hexValue=engine_id)) if engine_id
                       else engine.SnmpEngine())
        for index, community in enumerate(self.settings.communities):
            config.add_v1_system(snmp_engine, f"trap-community-{index}", community)
        for user in self.settings.users:
            for sender in (None, *user.engine_ids):
                _add_user(snmp_engine, user.credentials, sender)
        return snmp_engine

    def _counters(self) -> dict[str, int]:
        return {reason: int(node.syntax) for reason, node in self._refusal_counters}

    def _discovery_count(self) -> int:
        return sum(int(node.syntax) for node in self._discovery_counters)

    def _guard(self, address: Any, datagram: bytes, process: Callable[[], None]) -> None:
        source = normalise_address(str(address[0]))
        try:
            fast = decode_v2c_trap(datagram)
            if fast is not None:
                self._fast_trap(source, *fast)
            else:
                self._through_pysnmp(source, process)
        except Exception:  # hostile input must never stop the receiver
            log.exception("trap receiver: datagram failed source=%s bytes=%d", source,
                          len(datagram))
            self._reject(source, "internal_error")

    def _through_pysnmp(self, source: str, process: Callable[[], None]) -> None:
        before, discovery = self._counters(), self._discovery_count()
        self._accepted_in_datagram, self._current = False, {}
        process()
        after = self._counters()
        moved = [reason for reason, value in after.items() if value != before[reason]]
        if moved:
            self._reject(source, moved[0])
        elif self._discovery_count() != discovery:
            self.stats.discovery += 1
        elif not self._accepted_in_datagram:
            self._reject(source, "ignored")

    def _fast_trap(self, source: str, community: bytes, message: TrapMessage) -> None:
        if community not in self._communities:
            self._reject(source, "unknown_community")
            return
        self._deliver(source, message)

    def _reject(self, source: str, reason: str) -> None:
        count = self.stats.count(self.stats.rejected, reason)
        if str(count).strip("0") == "1":  # 1, 10, 100, ...: visible, never a flood
            log.warning("trap rejected reason=%s source=%s total=%d", reason, source, count)

    def _on_request(self, _engine: Any, _point: str, variables: dict[str, Any],
                    _ctx: Any) -> None:
        self._current = variables

    def _on_notification(self, _engine: Any, _state: Any, _ctx_engine: Any, _ctx_name: Any,
                         var_binds: Any, _cb_ctx: Any) -> None:
        variables, self._current = self._current, {}
        self._accepted_in_datagram = True
        version = _VERSIONS.get(int(variables.get("messageProcessingModel", 1)), "2c")
        pdu = variables.get("pdu")
        kind: Literal["trap", "inform"] = (
            "inform" if pdu is not None and pdu.tagSet == v2c.InformRequestPDU.tagSet else "trap")
        source = normalise_address(str(variables.get("transportAddress", ("?",))[0]))
        self._deliver(source, TrapMessage(version, kind, tuple(
            (str(oid), _value_text(value)) for oid, value in var_binds)))

    def _deliver(self, source: str, message: TrapMessage) -> None:
        self.stats.count(self.stats.received, f"v{message.version}_{message.kind}")
        device = self.sources.device(source)
        if device is None:
            self.stats.unknown_sources += 1
        self._sink(trap_event(self._catalog, message, source, device, datetime.now(UTC)))


def _add_user(snmp_engine: Any, creds: SnmpV3, sender_engine_id: str | None) -> None:
    config.add_v3_user(
        snmp_engine, creds.user,
        AUTH[creds.auth_proto], creds.auth_key,
        PRIV[creds.priv_proto], creds.priv_key,
        securityEngineId=OctetString(hexValue=sender_engine_id) if sender_engine_id else None,
    )
