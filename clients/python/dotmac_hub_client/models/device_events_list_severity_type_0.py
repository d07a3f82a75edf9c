from enum import StrEnum


class DeviceEventsListSeverityType0(StrEnum):
    CRITICAL = "critical"
    INFO = "info"
    MAJOR = "major"
    MINOR = "minor"
    WARNING = "warning"

    def __str__(self) -> str:
        return str(self.value)
