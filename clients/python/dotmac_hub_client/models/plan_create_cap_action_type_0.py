from enum import StrEnum


class PlanCreateCapActionType0(StrEnum):
    NONE = "none"
    OVERAGE = "overage"
    OVERAGE_AND_THROTTLE = "overage_and_throttle"
    THROTTLE = "throttle"

    def __str__(self) -> str:
        return str(self.value)
