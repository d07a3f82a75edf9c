"""Ed25519 signing keys in the database, and issuing/verifying access JWTs with them."""

from __future__ import annotations

import base64
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.db import utcnow
from hub.errors import UnauthorizedError
from hub.identity.models import SigningKey
from hub.identity.repository import SigningKeys
from hub.settings import HubSettings

ALGORITHM = "EdDSA"
RELOAD_SECONDS = 30.0
# An unknown kid may mean another process just rotated, so it may force a reload, but at most
# once per this many seconds: otherwise every forged token costs a database round trip.
UNKNOWN_KID_RELOAD_SECONDS = 5.0
_VERIFIED_MAX = 20_000
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "nbf", "jti", "sub", "tenant", "sid"]
_JWT_ERRORS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ExpiredSignatureError, "expired"), (jwt.ImmatureSignatureError, "not_yet_valid"),
    (jwt.InvalidAudienceError, "audience"), (jwt.InvalidIssuerError, "issuer"),
    (jwt.InvalidSignatureError, "signature"), (jwt.MissingRequiredClaimError, "claims"),
)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def new_signing_key(secret: str) -> SigningKey:
    """A fresh key whose private half is encrypted with `secret` (never stored in clear)."""
    private = Ed25519PrivateKey.generate()
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret.encode()))
    return SigningKey(kid=secrets.token_urlsafe(12), public_pem=public_pem.decode(),
                      private_pem=private_pem.decode())


async def rotate(session: AsyncSession, settings: HubSettings) -> SigningKey:
    """Add a new active key; older active keys keep verifying for the overlap window."""
    now = utcnow()
    for old in await SigningKeys(session).active():
        old.retired_at = now
        old.verify_until = now + timedelta(seconds=settings.key_overlap)
    key = new_signing_key(settings.secret_key)
    session.add(key)
    await session.commit()
    return key


async def ensure_key(session: AsyncSession, settings: HubSettings) -> None:
    """Create the first signing key when none is active (first start, fresh database)."""
    if not await SigningKeys(session).active():
        session.add(new_signing_key(settings.secret_key))
        await session.commit()


@dataclass
class KeyRing:
    """Verifiable public keys and the current private key, reloaded from the DB every 30 s.

    The cache is only an optimisation: another process's rotation is seen within the reload
    interval, and an unknown `kid` forces a reload (at most once per
    `unknown_kid_reload_s`, so a flood of forged kids costs one query per window), so no
    process-local truth exists.
    """

    sessions: async_sessionmaker[AsyncSession]
    settings: HubSettings
    public: dict[str, Ed25519PublicKey] = field(default_factory=dict)
    current: tuple[str, Ed25519PrivateKey] | None = None
    loaded_at: float = 0.0
    unknown_kid_reload_s: float = UNKNOWN_KID_RELOAD_SECONDS
    clock: Callable[[], float] = time.monotonic
    loads: int = 0  # reads of the key table, for tests and operators
    _forced_at: float | None = None
    # Tokens whose signature already verified, with their kid: re-checked for time and for
    # the kid still verifying, so a retired key still ends them on schedule.
    _verified: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    async def load(self) -> None:
        """Read every key still allowed to verify; decrypt the newest active one."""
        now = utcnow()
        async with self.sessions() as session:
            rows = await SigningKeys(session).verifying(now)
        self.public = {r.kid: _load_public(r.public_pem) for r in rows}
        active = [r for r in rows if r.retired_at is None]
        if active:
            newest = active[-1]
            self.current = (newest.kid, _load_private(newest.private_pem, self.settings))
        self.loaded_at = self.clock()
        self.loads += 1

    async def _fresh(self, force: bool = False) -> None:
        if force or self.clock() - self.loaded_at > RELOAD_SECONDS:
            await self.load()

    def _may_force_reload(self) -> bool:
        """Whether an unknown kid may reload now (not within the window of the last one)."""
        now = self.clock()
        if self._forced_at is not None and now - self._forced_at < self.unknown_kid_reload_s:
            return False
        self._forced_at = now
        return True

    async def issue(self, subject: uuid.UUID, tenant: uuid.UUID, roles: list[str],
                    session_id: uuid.UUID) -> str:
        """A signed access token for one user session."""
        await self._fresh(self.current is None)
        if self.current is None:
            raise RuntimeError("no active signing key; run `dotmac-hub keys rotate`")
        kid, private = self.current
        now = int(time.time())
        claims = {"iss": self.settings.jwt_issuer, "aud": self.settings.jwt_audience,
                  "iat": now, "nbf": now, "exp": now + self.settings.access_token_ttl,
                  "jti": secrets.token_urlsafe(16), "sub": str(subject),
                  "tenant": str(tenant), "roles": roles, "sid": str(session_id)}
        return jwt.encode(claims, private, algorithm=ALGORITHM, headers={"kid": kid})

    async def verify(self, token: str) -> dict[str, Any]:
        """Claims of a valid token; anything else raises UnauthorizedError with a reason."""
        remembered = self._verified.get(token)
        if remembered is not None:
            # Same bytes as a token verified before: its header was checked then, so only
            # the key (still published, not retired past its overlap) and time can differ.
            await self._key(remembered[0])
            if _in_time(remembered[1]):
                return remembered[1]
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise UnauthorizedError("malformed") from exc
        if header.get("alg") != ALGORITHM:
            raise UnauthorizedError("algorithm")
        kid = str(header.get("kid", ""))
        key = await self._key(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[ALGORITHM], leeway=0,
                audience=self.settings.jwt_audience, issuer=self.settings.jwt_issuer,
                options={"require": REQUIRED_CLAIMS})
        except jwt.PyJWTError as exc:
            raise UnauthorizedError(_reason(exc)) from exc
        if len(self._verified) >= _VERIFIED_MAX:
            self._verified.clear()
        self._verified[token] = (kid, claims)
        return claims

    async def _key(self, kid: str) -> Ed25519PublicKey:
        await self._fresh()
        if kid not in self.public and self._may_force_reload():
            await self._fresh(force=True)
        if kid not in self.public:
            raise UnauthorizedError("unknown_kid")
        return self.public[kid]

    async def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set of every key that still verifies."""
        await self._fresh()
        keys = [{"kty": "OKP", "crv": "Ed25519", "alg": ALGORITHM, "use": "sig", "kid": kid,
                 "x": _b64(pub.public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw))}
                for kid, pub in self.public.items()]
        return {"keys": keys}


def _in_time(claims: dict[str, Any]) -> bool:
    """exp and nbf checked again for a token whose signature was verified before."""
    now = time.time()
    return float(claims["nbf"]) <= now < float(claims["exp"])


def _reason(exc: Exception) -> str:
    for kind, reason in _JWT_ERRORS:
        if isinstance(exc, kind):
            return reason
    return "malformed"


def _load_public(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise TypeError("signing key table holds a non-Ed25519 public key")
    return key


def _load_private(pem: str, settings: HubSettings) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode(), settings.secret_key.encode())
    except (ValueError, TypeError) as exc:
        raise RuntimeError("signing key cannot be decrypted: DOTMAC_HUB_SECRET_KEY differs "
                           "from the one it was created with; restore it, or run "
                           "`dotmac-hub keys rotate` with the new one") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError("signing key table holds a non-Ed25519 private key")
    return key
