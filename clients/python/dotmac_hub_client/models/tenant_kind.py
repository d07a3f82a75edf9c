from enum import StrEnum


class TenantKind(StrEnum):
    ISP = "isp"
    PLATFORM = "platform"
    RESELLER = "reseller"

    def __str__(self) -> str:
        return str(self.value)
