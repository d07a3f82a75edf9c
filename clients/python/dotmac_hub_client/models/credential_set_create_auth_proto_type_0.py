from enum import StrEnum


class CredentialSetCreateAuthProtoType0(StrEnum):
    MD5 = "MD5"
    SHA = "SHA"
    SHA_224 = "SHA-224"
    SHA_256 = "SHA-256"
    SHA_384 = "SHA-384"
    SHA_512 = "SHA-512"

    def __str__(self) -> str:
        return str(self.value)
