"""Error codes a poll reports per device, and the exception the SNMP layer raises."""

from __future__ import annotations

from enum import StrEnum


class PollErrorCode(StrEnum):
    """Why (part of) a poll failed; stable strings for health messages and `--json`."""

    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    AUTH_FAILED = "auth_failed"
    NO_SUCH_PROFILE = "no_such_profile"
    BAD_RESPONSE = "bad_response"
    OID_NOT_INCREASING = "oid_not_increasing"
    TABLE_TOO_LONG = "table_too_long"
    HOST_KEY_CHANGED = "host_key_changed"  # SSH telemetry: see edge_agent.executor.host_keys
    INTERNAL = "internal"


class SnmpError(Exception):
    """An SNMP exchange failed; `code` classifies it, `detail` names cause and fix."""

    def __init__(self, code: PollErrorCode, detail: str) -> None:
        super().__init__(f"{code.value}: {detail}")
        self.code = code
        self.detail = detail
