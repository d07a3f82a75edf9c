from enum import StrEnum


class PlanPublicUsageSource(StrEnum):
    RADIUS = "radius"
    SNMP = "snmp"

    def __str__(self) -> str:
        return str(self.value)
