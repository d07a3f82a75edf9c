from enum import StrEnum


class AlarmPublicState(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    CLEARED = "cleared"
    CLOSED = "closed"
    RAISED = "raised"

    def __str__(self) -> str:
        return str(self.value)
