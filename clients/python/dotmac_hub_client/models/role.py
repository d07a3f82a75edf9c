from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    BILLING = "billing"
    CUSTOMER = "customer"
    FIELD_TECH = "field_tech"
    NOC = "noc"
    OWNER = "owner"
    SUPPORT = "support"

    def __str__(self) -> str:
        return str(self.value)
