from enum import StrEnum


class DunningCustomerStep(StrEnum):
    REMINDER = "reminder"
    SUSPEND = "suspend"
    THROTTLE = "throttle"

    def __str__(self) -> str:
        return str(self.value)
