from enum import StrEnum


class TicketUpdateStatusType0(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"

    def __str__(self) -> str:
        return str(self.value)
