"""SNMP transport: targets, sessions (v2c fast path, v3 via pysnmp) and guarded walks."""

from edge_agent.snmp.ber import Oid, Varbind, oid_str, parse_oid
from edge_agent.snmp.errors import PollErrorCode, SnmpError
from edge_agent.snmp.session import SnmpSession, open_session
from edge_agent.snmp.target import SnmpTarget, SnmpV2c, SnmpV3
from edge_agent.snmp.walk import DEFAULT_MAX_ROWS, Walker

__all__ = [
    "DEFAULT_MAX_ROWS",
    "Oid",
    "PollErrorCode",
    "SnmpError",
    "SnmpSession",
    "SnmpTarget",
    "SnmpV2c",
    "SnmpV3",
    "Varbind",
    "Walker",
    "oid_str",
    "open_session",
    "parse_oid",
]
