from enum import StrEnum


class NotificationPolicyPublicMinSeverity(StrEnum):
    CRITICAL = "critical"
    INFO = "info"
    MAJOR = "major"
    MINOR = "minor"
    WARNING = "warning"

    def __str__(self) -> str:
        return str(self.value)
