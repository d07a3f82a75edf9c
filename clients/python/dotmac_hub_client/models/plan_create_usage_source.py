from enum import StrEnum


class PlanCreateUsageSource(StrEnum):
    RADIUS = "radius"
    SNMP = "snmp"

    def __str__(self) -> str:
        return str(self.value)
