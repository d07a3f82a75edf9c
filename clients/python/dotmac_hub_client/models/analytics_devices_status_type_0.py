from enum import StrEnum


class AnalyticsDevicesStatusType0(StrEnum):
    DOWN = "down"
    UNKNOWN = "unknown"
    UP = "up"

    def __str__(self) -> str:
        return str(self.value)
