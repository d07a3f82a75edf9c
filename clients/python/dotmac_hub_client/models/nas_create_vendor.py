from enum import StrEnum


class NasCreateVendor(StrEnum):
    ACCEL_PPP = "accel_ppp"
    CISCO = "cisco"
    GENERIC = "generic"
    HUAWEI = "huawei"
    JUNIPER = "juniper"
    MIKROTIK = "mikrotik"

    def __str__(self) -> str:
        return str(self.value)
