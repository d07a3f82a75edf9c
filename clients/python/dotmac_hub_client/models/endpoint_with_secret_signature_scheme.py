from enum import StrEnum


class EndpointWithSecretSignatureScheme(StrEnum):
    LEGACY = "legacy"
    STANDARD = "standard"

    def __str__(self) -> str:
        return str(self.value)
