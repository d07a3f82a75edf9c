from enum import StrEnum


class TransitionAction(StrEnum):
    ACTIVATE = "activate"
    CHANGE_PLAN = "change_plan"
    RESUME = "resume"
    SUSPEND = "suspend"
    TERMINATE = "terminate"

    def __str__(self) -> str:
        return str(self.value)
