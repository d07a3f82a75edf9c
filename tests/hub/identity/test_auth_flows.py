"""Login, refresh rotation, logout, API keys, key rotation, rate limits and brute force."""

from __future__ import annotations

import asyncio

import jwt

from hub.identity.signing import rotate
from hub.permissions import Role
from hub.ratelimit import counter_key
from tests.hub.harness import PASSWORD, Hub, hub_settings, one_window, running_hub, scalar


async def test_login_issues_a_short_lived_eddsa_token_with_the_required_claims(hub: Hub) -> None:
    owner = await hub.new_tenant("claims")
    header = jwt.get_unverified_header(owner.access)
    claims = jwt.decode(owner.access, options={"verify_signature": False})
    assert header["alg"] == "EdDSA" and header["kid"]
    assert {"iss", "aud", "exp", "iat", "nbf", "jti", "sub", "tenant", "roles"} <= set(claims)
    assert claims["exp"] - claims["iat"] == 600
    assert claims["tenant"] == str(owner.tenant_id) and claims["roles"] == ["owner"]
    jwks = (await hub.client.get("/.well-known/jwks.json")).json()
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    public = jwt.PyJWK(key).key
    verified = jwt.decode(owner.access, public, algorithms=["EdDSA"], audience="dotmac-api",
                          issuer="dotmac-hub")
    assert verified["sub"] == str(owner.user_id)


async def test_refresh_rotates_and_refresh_tokens_are_stored_hashed(hub: Hub) -> None:
    owner = await hub.new_tenant("rotate")
    new = await hub.client.post("/auth/refresh", json={"refresh_token": owner.refresh})
    assert new.status_code == 200
    assert new.json()["refresh_token"] != owner.refresh
    stored = await scalar(hub.settings, "SELECT count(*) FROM refresh_tokens WHERE "
                          "token_hash = :t", t=owner.refresh)
    assert stored == 0  # never in clear
    me = await hub.client.get("/auth/me", headers={
        "Authorization": f"Bearer {new.json()['access_token']}"})
    assert me.json()["id"] == str(owner.user_id)


async def test_logout_revokes_the_session_and_its_access_tokens(hub: Hub) -> None:
    owner = await hub.new_tenant("logout")
    assert (await hub.client.post("/auth/logout",
                                  json={"refresh_token": owner.refresh})).status_code == 204
    assert (await hub.client.get("/auth/me", headers=owner.headers)).status_code == 401
    assert (await hub.client.post("/auth/refresh",
                                  json={"refresh_token": owner.refresh})).status_code == 401


async def test_wrong_password_unknown_user_and_deactivated_user_look_alike(hub: Hub) -> None:
    owner = await hub.new_tenant("login")
    tech = await hub.add_user(owner, Role.FIELD_TECH)
    assert (await hub.client.delete(f"/users/{tech.user_id}",
                                    headers=owner.headers)).status_code == 204
    bodies = []
    for email, password in ((owner.email, "wrong-password!"), ("nobody@example.net", PASSWORD),
                            (tech.email, PASSWORD)):
        resp = await hub.client.post("/auth/login", json={"email": email, "password": password})
        assert resp.status_code == 401
        bodies.append(resp.json())
    assert bodies[0] == bodies[1] == bodies[2]
    assert (await hub.client.get("/auth/me", headers=tech.headers)).status_code == 401
    actions = [e["action"] for e in (await hub.client.get(
        "/audit-events", headers=owner.headers, params={"limit": 200})).json()["data"]]
    assert actions.count("auth.login_failed") == 2 and "user.deactivate" in actions


async def test_api_key_is_shown_once_scoped_and_records_last_use(hub: Hub) -> None:
    owner = await hub.new_tenant("keys")
    noc = await hub.add_user(owner, Role.NOC)
    made = await hub.post(owner, "/api-keys", {"name": "portal", "scopes": ["devices:read"]})
    assert made["key"].startswith(f"dmk_{made['prefix']}_") and made["last_used_at"] is None
    listed = (await hub.client.get("/api-keys", headers=owner.headers)).text
    assert made["key"] not in listed and made["key"].split("_")[-1] not in listed
    stored = await scalar(hub.settings, "SELECT secret_hash FROM api_keys WHERE id = :i",
                          i=made["id"].replace("-", ""))
    assert stored and made["key"].split("_")[-1] not in stored
    key_headers = {"Authorization": f"Bearer {made['key']}"}
    assert (await hub.client.get("/devices", headers=key_headers)).status_code == 200
    assert (await hub.client.get("/sites", headers=key_headers)).status_code == 403
    after = (await hub.client.get(f"/api-keys/{made['id']}", headers=owner.headers)).json()
    assert after["last_used_at"] is not None
    # The key's own scopes bound what it may delegate, like a user's role does.
    beyond = await hub.client.post("/api-keys", json={"name": "x", "scopes": ["audit:read"]},
                                   headers=noc.headers)
    assert beyond.status_code == 403
    unknown = await hub.client.post("/api-keys", json={"name": "x", "scopes": ["root"]},
                                    headers=owner.headers)
    assert unknown.status_code == 422
    events = (await hub.client.get("/audit-events", headers=owner.headers,
                                   params={"action": "api_key.issue"})).json()["data"]
    assert [e["target_id"] for e in events] == [made["id"]]


async def test_key_rotation_keeps_old_tokens_valid_for_the_overlap(hub: Hub) -> None:
    owner = await hub.new_tenant("keyrot")
    old_kid = jwt.get_unverified_header(owner.access)["kid"]
    async with hub.app.state.sessions() as session:
        new_key = await rotate(session, hub.settings)
    await hub.app.state.auth.keys.load()  # other processes see it within 30 s
    assert (await hub.client.get("/auth/me", headers=owner.headers)).status_code == 200
    fresh = await hub.login(owner.email)
    assert jwt.get_unverified_header(fresh.access)["kid"] == new_key.kid != old_kid
    kids = {k["kid"] for k in (await hub.client.get("/.well-known/jwks.json")).json()["keys"]}
    assert {old_kid, new_key.kid} <= kids
    private = await scalar(hub.settings, "SELECT private_pem FROM signing_keys WHERE kid = :k",
                           k=new_key.kid)
    assert "ENCRYPTED PRIVATE KEY" in private


async def test_rate_limits_answer_429_with_retry_after(pg_url: str) -> None:
    await one_window()
    settings = hub_settings(pg_url, rate_limit_principal=5, rate_limit_ip=1000)
    async with running_hub(settings, client_ip="192.0.2.50") as limited:
        owner = await limited.new_tenant("limited")  # /auth/me in login used one
        codes = [(await limited.client.get("/sites", headers=owner.headers)).status_code
                 for _ in range(6)]
        assert codes[:4] == [200] * 4 and codes[-1] == 429
        resp = await limited.client.get("/sites", headers=owner.headers)
        assert resp.status_code == 429 and 1 <= int(resp.headers["retry-after"]) <= 60
        assert resp.headers["content-type"] == "application/problem+json"
    await one_window()
    settings = hub_settings(pg_url, rate_limit_ip=3)
    async with running_hub(settings, migrate=False, client_ip="192.0.2.51") as per_ip:
        codes = [(await per_ip.client.get("/sites")).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]


async def test_two_processes_share_the_counters(pg_url: str) -> None:
    """Each process folds its hits into the shared counter at every sync (here: every
    request), so the pair together spends one budget."""
    await one_window()
    settings = hub_settings(pg_url, rate_limit_ip=4, rate_sync_interval=0)
    async with running_hub(settings, client_ip="192.0.2.60") as one, \
            running_hub(settings, migrate=False, client_ip="192.0.2.60") as two:
        codes = [(await c.client.get("/sites")).status_code for c in (one, two) * 3]
        assert codes == [401] * 4 + [429] * 2


async def test_a_process_counts_exactly_between_syncs(pg_url: str) -> None:
    """Between syncs a process decides on its own count: concurrent requests are exact,
    and the next sync puts every hit into the shared counter."""
    await one_window()
    settings = hub_settings(pg_url, rate_limit_ip=4, rate_sync_interval=60)
    async with running_hub(settings, client_ip="192.0.2.61") as hub:
        codes = await asyncio.gather(*[hub.client.get("/sites") for _ in range(6)])
        assert sorted(r.status_code for r in codes) == [401] * 4 + [429] * 2
        await hub.app.state.auth.counters.sync()
        stored = await scalar(hub.settings, "SELECT hits FROM rate_counters WHERE key = :k",
                              k=counter_key("ip", "192.0.2.61"))
        assert stored == 6


async def test_login_brute_force_is_stopped_per_account_and_per_ip(pg_url: str) -> None:
    await one_window(900)  # DOTMAC_HUB_LOGIN_WINDOW
    settings = hub_settings(pg_url, login_failures_account=3, login_failures_ip=5)
    async with running_hub(settings, client_ip="192.0.2.70") as guarded:
        victim = await guarded.new_tenant("brute")
        wrong = {"email": victim.email, "password": "not-the-password"}
        codes = [(await guarded.client.post("/auth/login", json=wrong)).status_code
                 for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        right = await guarded.client.post("/auth/login",
                                          json={"email": victim.email, "password": PASSWORD})
        assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
        for n in range(2):
            await guarded.client.post("/auth/login", json={"email": f"x{n}@example.net",
                                                           "password": "guess-guess"})
        other = await guarded.client.post("/auth/login", json={"email": "y@example.net",
                                                               "password": "guess-guess"})
        assert other.status_code == 429  # this IP spent its 5 failures


async def test_counts_reach_the_shared_table_in_the_background(pg_url: str) -> None:
    """A quiet process still hands its hits to the others: the app's background task syncs
    every interval, without waiting for another request."""
    await one_window()
    settings = hub_settings(pg_url, rate_limit_ip=100, rate_sync_interval=0.2)
    async with running_hub(settings, client_ip="192.0.2.62") as hub:
        for _ in range(3):
            await hub.client.get("/sites")
        stored = None
        for _ in range(50):  # a sync every 0.2 s; on a busy machine it may take longer
            await asyncio.sleep(0.2)
            stored = await scalar(hub.settings, "SELECT hits FROM rate_counters "
                                  "WHERE key = :k", k=counter_key("ip", "192.0.2.62"))
            if stored == 3:
                break
        assert stored == 3
