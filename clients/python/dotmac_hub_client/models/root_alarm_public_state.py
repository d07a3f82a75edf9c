from enum import StrEnum


class RootAlarmPublicState(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    CLEARED = "cleared"
    CLOSED = "closed"
    RAISED = "raised"

    def __str__(self) -> str:
        return str(self.value)
