from enum import StrEnum


class CredentialKind(StrEnum):
    SNMP_V2C = "snmp_v2c"
    SNMP_V3 = "snmp_v3"
    SSH = "ssh"

    def __str__(self) -> str:
        return str(self.value)
