from enum import StrEnum


class PoolPublicKind(StrEnum):
    DELEGATED = "delegated"
    DYNAMIC = "dynamic"
    STATIC = "static"

    def __str__(self) -> str:
        return str(self.value)
