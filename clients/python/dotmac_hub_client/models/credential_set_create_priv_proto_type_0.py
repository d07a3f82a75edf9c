from enum import StrEnum


class CredentialSetCreatePrivProtoType0(StrEnum):
    AES = "AES"
    AES_192 = "AES-192"
    AES_256 = "AES-256"
    DES = "DES"

    def __str__(self) -> str:
        return str(self.value)
