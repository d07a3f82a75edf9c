from enum import StrEnum


class DunningPolicyBodyMode(StrEnum):
    DISCONNECT = "disconnect"
    THROTTLE = "throttle"

    def __str__(self) -> str:
        return str(self.value)
