from enum import StrEnum


class DeviceEventsListOriginType0(StrEnum):
    SNMP_TRAP = "snmp_trap"
    SYSLOG = "syslog"

    def __str__(self) -> str:
        return str(self.value)
