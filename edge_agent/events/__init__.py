"""Events from devices: SNMP traps/informs and syslog, mapped by profile data, storm-controlled.

A self-contained part the runtime wires (pending, issue #18): receivers turn datagrams and
lines into `DeviceEvent`s through the `EventCatalog` (firmware_profiles/*/events.yaml),
`StormControl` folds and rate-limits them, and what `due()` returns goes to the queue.
`DeviceEvents` holds them together for the runtime.
"""

from edge_agent.events.classify import SyslogMessage, TrapMessage, syslog_event, trap_event
from edge_agent.events.mapping import EventCatalog, EventsFileError, load_catalog
from edge_agent.events.model import DeviceEvent, DeviceRef, Severity
from edge_agent.events.service import DeviceEvents, EventSettings
from edge_agent.events.sources import SourceMap
from edge_agent.events.storm import StormControl, StormHealth, StormSettings
from edge_agent.events.syslog import SyslogServer, SyslogSettings
from edge_agent.events.traps import ReceiverError, TrapReceiver, TrapSettings, TrapUser

__all__ = [
    "DeviceEvent",
    "DeviceEvents",
    "DeviceRef",
    "EventCatalog",
    "EventSettings",
    "EventsFileError",
    "ReceiverError",
    "Severity",
    "SourceMap",
    "StormControl",
    "StormHealth",
    "StormSettings",
    "SyslogMessage",
    "SyslogServer",
    "SyslogSettings",
    "TrapMessage",
    "TrapReceiver",
    "TrapSettings",
    "TrapUser",
    "load_catalog",
    "syslog_event",
    "trap_event",
]
