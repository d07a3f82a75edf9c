from enum import StrEnum


class VlanPoolCreateKind(StrEnum):
    QINQ = "qinq"
    SINGLE = "single"

    def __str__(self) -> str:
        return str(self.value)
