from enum import StrEnum


class PlanCreateUsageKind(StrEnum):
    GB = "gb"
    NONE = "none"
    P95 = "p95"

    def __str__(self) -> str:
        return str(self.value)
