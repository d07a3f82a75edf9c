from enum import StrEnum


class EndpointPublicSignatureScheme(StrEnum):
    LEGACY = "legacy"
    STANDARD = "standard"

    def __str__(self) -> str:
        return str(self.value)
