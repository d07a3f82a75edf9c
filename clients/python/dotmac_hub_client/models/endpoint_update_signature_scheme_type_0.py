from enum import StrEnum


class EndpointUpdateSignatureSchemeType0(StrEnum):
    LEGACY = "legacy"
    STANDARD = "standard"

    def __str__(self) -> str:
        return str(self.value)
