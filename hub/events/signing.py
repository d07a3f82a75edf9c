"""Webhook secrets (generated, encrypted at rest) and the two signature schemes.

`standard` (Standard Webhooks, https://www.standardwebhooks.com, the default for new
endpoints): `webhook-signature: v1,<base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}"))>`,
the key being the bytes the secret's base64 part (after `whsec_`) encodes.
`legacy` (deprecated, kept per endpoint for receivers built before it):
`v1=<hex(HMAC-SHA256(key=whole secret as UTF-8, same message))>`.

Both sign the `webhook-id` header, so a captured request cannot be replayed under a fresh id
past the receiver's dedupe. New secrets are `whsec_` + standard base64 of 32 random bytes.
Secrets made before the standard scheme are `whsec_` + URL-safe base64 without padding of 32
random bytes; the standard scheme reads either alphabet, so such a secret signs with the same
32 bytes, and its Standard Webhooks form is `standard_form(secret)` (`-` -> `+`, `_` -> `/`,
`=` appended; docs/webhooks.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
SIGNATURE_VERSION = "v1"
SignatureScheme = Literal["standard", "legacy"]
SCHEMES: tuple[SignatureScheme, ...] = ("standard", "legacy")
_CIPHER_VERSION = "g1:"
_KEY_LABEL = b"dotmac-hub webhook secrets v1"
_URLSAFE_TO_STANDARD = str.maketrans("-_", "+/")


def new_secret() -> str:
    """A fresh endpoint secret in the Standard Webhooks form (256 bits of randomness)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of the standard scheme: the bytes the part after `whsec_` encodes, in
    standard or URL-safe base64, padded or not (so secrets made before the scheme work)."""
    encoded = secret.removeprefix(SECRET_PREFIX).translate(_URLSAFE_TO_STANDARD).rstrip("=")
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError("webhook secret is not whsec_ + base64; rotate the endpoint's "
                         "secret") from exc
    if not key:
        raise ValueError("webhook secret is empty; rotate the endpoint's secret")
    return key


def standard_form(secret: str) -> str:
    """The secret as Standard Webhooks verifiers take it (`whsec_` + standard base64); the
    same string for secrets made since the scheme exists."""
    return SECRET_PREFIX + base64.b64encode(secret_key(secret)).decode()


def _key(hub_secret_key: str) -> bytes:
    # A key of its own, derived from the hub secret, so it never doubles as another key.
    return hmac.new(hub_secret_key.encode(), _KEY_LABEL, hashlib.sha256).digest()


def encrypt_secret(secret: str, hub_secret_key: str) -> str:
    """AES-256-GCM with a random nonce; the result is what the database stores."""
    nonce = os.urandom(12)
    sealed = AESGCM(_key(hub_secret_key)).encrypt(nonce, secret.encode(), None)
    return _CIPHER_VERSION + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt_secret(stored: str, hub_secret_key: str) -> str:
    """Inverse of encrypt_secret; a changed DOTMAC_HUB_SECRET_KEY is a clear error."""
    if not stored.startswith(_CIPHER_VERSION):
        raise ValueError("webhook secret: unknown storage format")
    raw = base64.urlsafe_b64decode(stored[len(_CIPHER_VERSION):])
    try:
        return AESGCM(_key(hub_secret_key)).decrypt(raw[:12], raw[12:], None).decode()
    except InvalidTag as exc:
        raise ValueError("webhook secret cannot be decrypted: DOTMAC_HUB_SECRET_KEY differs "
                         "from the one it was stored with; restore it or rotate the "
                         "endpoint's secret") from exc


def _message(webhook_id: str, timestamp: int, body: bytes) -> bytes:
    return f"{webhook_id}.{timestamp}.".encode() + body


def sign_standard(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks `webhook-signature` value: `v1,` + base64 HMAC-SHA256."""
    digest = hmac.new(secret_key(secret), _message(webhook_id, timestamp, body),
                      hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The legacy (deprecated) `Webhook-Signature` value: `v1=` + hex HMAC-SHA256 keyed
    with the whole secret string."""
    digest = hmac.new(secret.encode(), _message(webhook_id, timestamp, body),
                      hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def signature(scheme: SignatureScheme, secret: str, webhook_id: str, timestamp: int,
              body: bytes) -> str:
    """The signature header value of one attempt in an endpoint's scheme."""
    signer = sign_standard if scheme == "standard" else sign
    return signer(secret, webhook_id, timestamp, body)


def headers(scheme: SignatureScheme, secret: str, webhook_id: str, timestamp: int,
            body: bytes) -> dict[str, str]:
    """The three signing headers of one attempt (names as Standard Webhooks writes them;
    HTTP header names are case-insensitive, so legacy receivers read them unchanged)."""
    return {"webhook-id": webhook_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(scheme, secret, webhook_id, timestamp, body)}


def verify(secret: str, webhook_id: str, timestamp: int, body: bytes, header: str, now: int,
           tolerance_s: int = 300, scheme: SignatureScheme = "legacy") -> bool:
    """What a receiver does: fresh timestamp and a constant-time signature match (on bytes:
    a header with non-ASCII characters is a mismatch, not an exception). Legacy headers
    separate signatures with commas, standard ones with spaces."""
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = signature(scheme, secret, webhook_id, timestamp, body).encode()
    parts = header.split(" ") if scheme == "standard" else header.split(",")
    return any(hmac.compare_digest(expected, part.strip().encode()) for part in parts)
