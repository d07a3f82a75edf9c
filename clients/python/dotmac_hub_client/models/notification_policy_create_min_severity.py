from enum import StrEnum


class NotificationPolicyCreateMinSeverity(StrEnum):
    CRITICAL = "critical"
    INFO = "info"
    MAJOR = "major"
    MINOR = "minor"
    WARNING = "warning"

    def __str__(self) -> str:
        return str(self.value)
