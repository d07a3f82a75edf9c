from enum import StrEnum


class TenantCreateKindType0(StrEnum):
    ISP = "isp"
    RESELLER = "reseller"

    def __str__(self) -> str:
        return str(self.value)
