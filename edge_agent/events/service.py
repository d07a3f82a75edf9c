"""The events part as the runtime sees it: receivers and storm control behind one object.

The runtime starts it, asks `next_due()` when to come back, takes `due()` events to the
queue, puts `health()` into the health message, swaps `sources` when devices are reloaded
and `close()`s it at shutdown (then `flush()`). It schedules nothing itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from edge_agent.events.mapping import EventCatalog
from edge_agent.events.model import DeviceEvent
from edge_agent.events.sources import SourceMap
from edge_agent.events.storm import StormControl, StormSettings
from edge_agent.events.syslog import SyslogServer, SyslogSettings
from edge_agent.events.traps import TrapReceiver, TrapSettings


@dataclass(frozen=True)
class EventSettings:
    """Which receivers run (None: off) and the storm limits."""

    traps: TrapSettings | None = None
    syslog: SyslogSettings | None = None
    storm: StormSettings = field(default_factory=StormSettings)


class DeviceEvents:
    """Trap and syslog receivers feeding one StormControl."""

    def __init__(self, settings: EventSettings, catalog: EventCatalog, sources: SourceMap,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings, self._clock = settings, clock
        self.storm = StormControl(settings.storm)
        self.traps = (TrapReceiver(settings.traps, catalog, sources, self._offer)
                      if settings.traps else None)
        self.syslog = (SyslogServer(settings.syslog, catalog, sources, self._offer)
                       if settings.syslog else None)

    def _offer(self, event: DeviceEvent) -> None:
        self.storm.offer(event, self._clock())

    async def start(self) -> None:
        """Bind every configured port; on failure nothing stays bound (ReceiverError)."""
        try:
            if self.traps is not None:
                await self.traps.start()
            if self.syslog is not None:
                await self.syslog.start()
        except Exception:
            await self.close()
            raise

    async def close(self) -> None:
        """Stop receiving; pending events stay in storm control for `flush()`."""
        if self.traps is not None:
            await self.traps.close()
        if self.syslog is not None:
            await self.syslog.close()

    def set_sources(self, sources: SourceMap) -> None:
        """Use a new source map from the next message on (devices were reloaded)."""
        for receiver in (self.traps, self.syslog):
            if receiver is not None:
                receiver.sources = sources

    def due(self) -> list[DeviceEvent]:
        """Events that may go to the queue now."""
        return self.storm.due(self._clock())

    def next_due(self) -> float | None:
        """Seconds until the next event is due (0 when some are), None when idle."""
        at = self.storm.next_due()
        return None if at is None else max(0.0, at - self._clock())

    def flush(self) -> list[DeviceEvent]:
        """Everything still held (shutdown)."""
        return self.storm.flush()

    def health(self) -> dict[str, object]:
        """Counters for the health message: storm control and each receiver's refusals."""
        out: dict[str, object] = {"storm": asdict(self.storm.health())}
        if self.traps is not None:
            out["traps"] = asdict(self.traps.stats)
        if self.syslog is not None:
            out["syslog"] = asdict(self.syslog.stats)
        return out
