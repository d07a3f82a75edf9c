from enum import StrEnum


class PlanCreateRadiusSuspendedActionType0(StrEnum):
    REJECT = "reject"
    THROTTLE = "throttle"
    WALLED_GARDEN = "walled_garden"

    def __str__(self) -> str:
        return str(self.value)
