from enum import StrEnum


class AlarmsListStateType0Item(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    CLEARED = "cleared"
    CLOSED = "closed"
    RAISED = "raised"

    def __str__(self) -> str:
        return str(self.value)
