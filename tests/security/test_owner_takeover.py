"""A hostile admin (or an API key with `users:write`) tries to take the owner's account over.

Whoever can set a user's password can sign in as them; so a credential change on a user whose
role carries permissions the caller does not hold is refused like a demotion: 403 with the
reason, an audit event, and nothing changed. Runs on PostgreSQL through the real app.
"""

from __future__ import annotations

from typing import Any

from hub.permissions import Role
from tests.hub.harness import (
    PASSWORD,
    Account,
    Hub,
)

NEW_PASSWORD = "attacker-chosen-password-1"


async def _refusals(hub: Hub, owner: Account) -> list[dict[str, Any]]:
    resp = await hub.client.get("/audit-events", params={"action": "user.change_refused"},
                                headers=owner.headers)
    assert resp.status_code == 200, resp.text
    return [e["detail"] for e in resp.json()["data"]]


async def _owner_still_signs_in(hub: Hub, owner: Account) -> None:
    refused = await hub.client.post("/auth/login",
                                    json={"email": owner.email, "password": NEW_PASSWORD})
    assert refused.status_code == 401
    await hub.login(owner.email, PASSWORD)


async def test_admin_cannot_reset_the_owners_password(hub: Hub) -> None:
    owner = await hub.new_tenant("takeover")
    admin = await hub.add_user(owner, Role.ADMIN)
    resp = await hub.client.patch(f"/users/{owner.user_id}", json={"password": NEW_PASSWORD},
                                  headers=admin.headers)
    assert resp.status_code == 403, resp.text
    assert "owner" in resp.json()["detail"] and "password" in resp.json()["detail"]
    await _owner_still_signs_in(hub, owner)
    assert await _refusals(hub, owner) == [
        {"change": "update", "fields": ["password"], "target_role": "owner",
         "reason": "higher_role"}]


async def test_admin_cannot_deactivate_the_owner(hub: Hub) -> None:
    owner = await hub.new_tenant("lockout")
    admin = await hub.add_user(owner, Role.ADMIN)
    resp = await hub.client.delete(f"/users/{owner.user_id}", headers=admin.headers)
    assert resp.status_code == 403, resp.text
    await hub.login(owner.email, PASSWORD)  # still active
    assert [d["change"] for d in await _refusals(hub, owner)] == ["deactivate"]


async def test_users_write_api_key_cannot_reset_the_owners_password(hub: Hub) -> None:
    owner = await hub.new_tenant("keyholder")
    made = await hub.post(owner, "/api-keys", {"name": "hr sync", "scopes": ["users:write"]})
    resp = await hub.client.patch(f"/users/{owner.user_id}", json={"password": NEW_PASSWORD},
                                  headers={"Authorization": f"Bearer {made['key']}"})
    assert resp.status_code == 403, resp.text
    await _owner_still_signs_in(hub, owner)
    assert len(await _refusals(hub, owner)) == 1


async def test_email_cannot_be_changed_through_the_users_api(hub: Hub) -> None:
    owner = await hub.new_tenant("email")
    admin = await hub.add_user(owner, Role.ADMIN)
    resp = await hub.client.patch(f"/users/{owner.user_id}",
                                  json={"email": "attacker@evil.example"}, headers=admin.headers)
    assert resp.status_code == 422  # not a field of UserUpdate: no e-mail reset to hijack
    await hub.login(owner.email, PASSWORD)


async def test_own_password_and_lower_roles_still_change(hub: Hub) -> None:
    owner = await hub.new_tenant("normal")
    admin = await hub.add_user(owner, Role.ADMIN)
    tech = await hub.add_user(owner, Role.FIELD_TECH)
    own = await hub.client.patch(f"/users/{admin.user_id}", json={"password": NEW_PASSWORD},
                                 headers=admin.headers)
    assert own.status_code == 200, own.text
    await hub.login(admin.email, NEW_PASSWORD)
    lower = await hub.client.patch(f"/users/{tech.user_id}", json={"password": NEW_PASSWORD},
                                   headers=(await hub.login(admin.email, NEW_PASSWORD)).headers)
    assert lower.status_code == 200, lower.text
    assert (await hub.client.patch(f"/users/{admin.user_id}", json={"password": PASSWORD},
                                   headers=owner.headers)).status_code == 200
    assert await _refusals(hub, owner) == []
