"""A flood of tokens with made-up `kid`s must not cost a key-table query each.

An unknown kid may mean another process has just rotated, so it may reload the keys, but at
most once per window; inside the window it is refused without touching the database. The
window's clock is injected, so the test counts reloads and never waits.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.identity.signing import KeyRing, rotate
from tests.hub.harness import (
    Account,
    Hub,
)


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def _claims(account: Account) -> dict[str, Any]:
    real = jwt.decode(account.access, options={"verify_signature": False})
    now = int(time.time())
    return {**real, "iat": now, "nbf": now, "exp": now + 300}


def _forged(account: Account) -> str:
    return jwt.encode(_claims(account), Ed25519PrivateKey.generate(), algorithm="EdDSA",
                      headers={"kid": secrets.token_urlsafe(12)})


async def _status(hub: Hub, token: str) -> int:
    resp = await hub.client.get("/sites", headers={"Authorization": f"Bearer {token}"})
    return resp.status_code


async def test_a_flood_of_unknown_kids_reloads_keys_once_per_window(hub: Hub) -> None:
    victim = await hub.new_tenant("kidflood")
    keys: KeyRing = hub.app.state.auth.keys
    clock = FakeClock()
    keys.clock, keys.unknown_kid_reload_s = clock, 5.0
    await keys.load()  # fresh on the fake clock, so the 30 s periodic reload stays out
    before = keys.loads
    for _ in range(50):
        assert await _status(hub, _forged(victim)) == 401
    assert keys.loads - before == 1  # the first unknown kid reloads; the other 49 do not
    clock.now += 5.0
    assert await _status(hub, _forged(victim)) == 401
    assert keys.loads - before == 2  # a new window allows one more


async def test_a_key_rotated_elsewhere_is_still_picked_up(hub: Hub) -> None:
    victim = await hub.new_tenant("rotated")
    keys: KeyRing = hub.app.state.auth.keys
    clock = FakeClock(start=2000.0)  # far past the previous test's forced reload
    keys.clock, keys.unknown_kid_reload_s = clock, 5.0
    await keys.load()  # periodic reload is 30 s away: only the forced one can see the new key
    before = keys.loads
    async with hub.app.state.sessions() as session:  # "another process" rotates
        new = await rotate(session, hub.settings)
    private = _private(new.private_pem, hub)
    token = jwt.encode(_claims(victim), private, algorithm="EdDSA", headers={"kid": new.kid})
    assert await _status(hub, token) == 200
    assert keys.loads - before == 1


def _private(pem: str, hub: Hub) -> Ed25519PrivateKey:
    from hub.identity.signing import _load_private

    return _load_private(pem, hub.settings)
