from enum import StrEnum


class Telemetry(StrEnum):
    BOTH = "both"
    SNMP = "snmp"
    SSH = "ssh"

    def __str__(self) -> str:
        return str(self.value)
