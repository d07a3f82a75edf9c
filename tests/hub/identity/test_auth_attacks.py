"""Forged, stale and replayed credentials: every one answers the same bare 401."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.db import utcnow
from tests.hub.harness import Account, Hub, scalar

UNAUTHORIZED = {"type": "https://dotmac.dev/problems/unauthorized",
                "title": "Authentication required", "status": 401}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _segment(obj: dict[str, Any]) -> str:
    return _b64(json.dumps(obj, separators=(",", ":")).encode())


def _claims(hub: Hub, account: Account, **overrides: Any) -> dict[str, Any]:
    real = jwt.decode(account.access, options={"verify_signature": False})
    now = int(time.time())
    claims = {**real, "iat": now, "nbf": now, "exp": now + 300}
    claims.update(overrides)
    return claims


async def _signing_key(hub: Hub) -> tuple[str, Ed25519PrivateKey]:
    keys = hub.app.state.auth.keys
    await keys.load()
    assert keys.current is not None
    return keys.current  # type: ignore[no-any-return]


async def _signed(hub: Hub, claims: dict[str, Any], kid: str | None = None) -> str:
    real_kid, private = await _signing_key(hub)
    return jwt.encode(claims, private, algorithm="EdDSA", headers={"kid": kid or real_kid})


async def _assert_refused(hub: Hub, token: str) -> None:
    resp = await hub.client.get("/sites", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 401, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.headers["www-authenticate"] == "Bearer"
    body = resp.json()
    assert body == {**UNAUTHORIZED, "instance": "/sites"}  # no detail, no reason, no echo


@pytest.fixture
async def victim(hub: Hub) -> Account:
    return await hub.new_tenant("attacked")


async def test_valid_token_is_accepted_as_baseline(hub: Hub, victim: Account) -> None:
    forged_but_valid = await _signed(hub, _claims(hub, victim))
    resp = await hub.client.get("/sites", headers={"Authorization": f"Bearer {forged_but_valid}"})
    assert resp.status_code == 200


async def test_alg_none_is_refused(hub: Hub, victim: Account) -> None:
    kid, _ = await _signing_key(hub)
    token = f"{_segment({'alg': 'none', 'typ': 'JWT', 'kid': kid})}." \
            f"{_segment(_claims(hub, victim))}."
    await _assert_refused(hub, token)


async def test_hs256_signed_with_the_public_key_is_refused(hub: Hub, victim: Account) -> None:
    kid, private = await _signing_key(hub)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    raw = private.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
    for secret in (public_pem, raw, _b64(raw).encode()):
        signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}." \
                        f"{_segment(_claims(hub, victim))}"
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        await _assert_refused(hub, f"{signing_input}.{_b64(mac)}")


# Times are offsets from the moment the test runs: collection happens minutes earlier in a
# full run, so absolute times computed here would have drifted into validity.
@pytest.mark.parametrize("overrides", [
    lambda now: {"exp": now - 5, "iat": now - 700},
    lambda now: {"nbf": now + 120},
    lambda now: {"aud": "someone-else"},
    lambda now: {"iss": "https://evil.example"},
], ids=["expired", "not-yet-valid", "wrong-aud", "wrong-iss"])
async def test_bad_time_or_audience_claims_are_refused(
    hub: Hub, victim: Account, overrides: Callable[[int], dict[str, Any]]
) -> None:
    claims = _claims(hub, victim, **overrides(int(time.time())))
    await _assert_refused(hub, await _signed(hub, claims))


async def test_unknown_kid_is_refused(hub: Hub, victim: Account) -> None:
    stranger = Ed25519PrivateKey.generate()
    token = jwt.encode(_claims(hub, victim), stranger, algorithm="EdDSA",
                       headers={"kid": "no-such-kid"})
    await _assert_refused(hub, token)
    real_kid, _ = await _signing_key(hub)  # a stranger's key under our kid fails too
    await _assert_refused(hub, jwt.encode(_claims(hub, victim), stranger, algorithm="EdDSA",
                                          headers={"kid": real_kid}))


async def test_tampered_claims_are_refused(hub: Hub, victim: Account) -> None:
    other = await hub.new_tenant("other")
    header, payload, signature = victim.access.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    for change in ({"tenant": str(other.tenant_id)}, {"roles": ["owner", "admin"]},
                   {"exp": claims["exp"] + 86400}, {"sub": str(other.user_id)}):
        await _assert_refused(hub, f"{header}.{_segment({**claims, **change})}.{signature}")


async def test_missing_claims_and_garbage_are_refused(hub: Hub, victim: Account) -> None:
    claims = _claims(hub, victim)
    for dropped in ("sid", "jti", "exp", "tenant"):
        await _assert_refused(hub, await _signed(
            hub, {k: v for k, v in claims.items() if k != dropped}))
    for garbage in ("", "x", "a.b.c", "dmk_", "dmk_abc", "dmk_abc_def", "Bearer x"):
        resp = await hub.client.get("/sites", headers={"Authorization": f"Bearer {garbage}"})
        assert resp.status_code == 401


async def test_reused_refresh_token_revokes_the_family(hub: Hub, victim: Account) -> None:
    first = await hub.client.post("/auth/refresh", json={"refresh_token": victim.refresh})
    assert first.status_code == 200
    rotated = first.json()
    replay = await hub.client.post("/auth/refresh", json={"refresh_token": victim.refresh})
    assert replay.status_code == 401 and "detail" not in replay.json()
    # The thief's replay ended the session: the legitimate new tokens are dead too.
    again = await hub.client.post("/auth/refresh",
                                  json={"refresh_token": rotated["refresh_token"]})
    assert again.status_code == 401
    await _assert_refused(hub, rotated["access_token"])
    await _assert_refused(hub, victim.access)
    reason = await scalar(hub.settings, "SELECT revoke_reason FROM auth_sessions WHERE "
                          "user_id = :u ORDER BY created_at DESC LIMIT 1", u=victim.user_id)
    assert reason == "refresh_reuse"


async def test_revoked_and_expired_api_keys_are_refused(hub: Hub, victim: Account) -> None:
    made = await hub.post(victim, "/api-keys", {"name": "portal", "scopes": ["sites:read"]})
    key = made["key"]
    ok = await hub.client.get("/sites", headers={"Authorization": f"Bearer {key}"})
    assert ok.status_code == 200
    assert (await hub.client.delete(f"/api-keys/{made['id']}",
                                    headers=victim.headers)).status_code == 204
    await _assert_refused(hub, key)
    soon = utcnow() + timedelta(seconds=3)
    short = await hub.post(victim, "/api-keys", {"name": "short", "scopes": ["sites:read"],
                                                 "expires_at": soon.isoformat()})
    assert (await hub.client.get(
        "/sites", headers={"Authorization": f"Bearer {short['key']}"})).status_code == 200
    await asyncio.sleep(max(0.0, (soon - utcnow()).total_seconds()) + 0.1)
    await _assert_refused(hub, short["key"])
    prefix, secret = key[4:].split("_", 1)
    await _assert_refused(hub, f"dmk_{prefix}_{secret[:-2]}xx")  # right prefix, wrong secret


async def test_failures_are_counted_by_reason_in_metrics(hub: Hub, victim: Account) -> None:
    await _assert_refused(hub, await _signed(hub, _claims(hub, victim, aud="x")))
    text = (await hub.client.get("/metrics")).text
    assert 'dotmac_hub_auth_failures_total{reason="audience"}' in text
    assert 'dotmac_hub_requests_total{method="GET",route="/sites",status="401"}' in text
