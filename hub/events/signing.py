"""Webhook secrets (generated, encrypted at rest) and the `Webhook-Signature` recipe.

signature = "v1=" + hex(HMAC-SHA256(key=secret, msg=f"{webhook_id}.{timestamp}.{body}")),
with `secret` the whole `whsec_...` string as UTF-8, `webhook_id` the `Webhook-Id` header and
`body` the exact bytes POSTed (docs/webhooks.md). The id is signed so a captured request
cannot be replayed under a fresh id past the receiver's dedupe.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
SIGNATURE_VERSION = "v1"
_CIPHER_VERSION = "g1:"
_KEY_LABEL = b"dotmac-hub webhook secrets v1"


def new_secret() -> str:
    """A fresh endpoint secret (256 bits of randomness)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


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


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `Webhook-Signature` header value for one attempt."""
    message = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def verify(secret: str, webhook_id: str, timestamp: int, body: bytes, header: str, now: int,
           tolerance_s: int = 300) -> bool:
    """What a receiver does: fresh timestamp and a constant-time signature match (on bytes:
    a header with non-ASCII characters is a mismatch, not an exception)."""
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = sign(secret, webhook_id, timestamp, body).encode()
    return any(hmac.compare_digest(expected, part.strip().encode())
               for part in header.split(","))
