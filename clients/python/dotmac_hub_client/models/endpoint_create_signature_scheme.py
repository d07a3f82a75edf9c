from enum import StrEnum


class EndpointCreateSignatureScheme(StrEnum):
    LEGACY = "legacy"
    STANDARD = "standard"

    def __str__(self) -> str:
        return str(self.value)
