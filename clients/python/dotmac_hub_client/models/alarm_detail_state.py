from enum import StrEnum


class AlarmDetailState(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    CLEARED = "cleared"
    CLOSED = "closed"
    RAISED = "raised"

    def __str__(self) -> str:
        return str(self.value)
