from enum import StrEnum


class NotificationPolicyUpdateMinSeverityType0(StrEnum):
    CRITICAL = "critical"
    INFO = "info"
    MAJOR = "major"
    MINOR = "minor"
    WARNING = "warning"

    def __str__(self) -> str:
        return str(self.value)
