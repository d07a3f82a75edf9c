"""GET and PATCH /portal/profile: a customer reads its account and changes how to reach it;
what the ISP owns is refused with a 422 naming the field; every change is audited."""

from __future__ import annotations

from tests.hub.harness import Hub
from tests.hub.portal.support import member


async def test_customer_reads_and_changes_its_contact_details(hub: Hub) -> None:
    owner = await hub.new_tenant("profile")
    me = await member(hub, owner)
    before = (await hub.client.get("/portal/profile", headers=me.account.headers)).json()
    assert before["id"] == me.customer_id and before["currency"] == "EUR"
    assert before["name"] == me.account.email  # the harness names the customer after it
    change = {"email": "new@example.net", "phone": "+44 20 7946 0001",
              "contacts": [{"name": "Bob", "role": "tech"}]}
    resp = await hub.client.patch("/portal/profile", json=change, headers=me.account.headers)
    assert resp.status_code == 200, resp.text
    assert {k: resp.json()[k] for k in change} == change
    staff_view = (await hub.client.get(f"/billing/customers/{me.customer_id}",
                                       headers=owner.headers)).json()
    assert {k: staff_view[k] for k in change} == change
    assert staff_view["name"] == before["name"]  # nothing else moved
    events = (await hub.client.get("/audit-events", params={"action": "portal.profile_update"},
                                   headers=owner.headers)).json()["data"]
    assert [(e["actor_id"], e["target_id"], e["detail"]) for e in events] == [
        (str(me.account.user_id), me.customer_id, {"fields": ["contacts", "email", "phone"]})]


async def test_an_unchanged_patch_is_not_audited(hub: Hub) -> None:
    owner = await hub.new_tenant("profile-same")
    me = await member(hub, owner)
    resp = await hub.client.patch("/portal/profile", json={"phone": ""},
                                  headers=me.account.headers)  # already empty
    assert resp.status_code == 200 and resp.json()["phone"] == ""
    events = (await hub.client.get("/audit-events", params={"action": "portal.profile_update"},
                                   headers=owner.headers)).json()["data"]
    assert events == []


async def test_staff_owned_fields_are_refused_with_a_clear_422(hub: Hub) -> None:
    owner = await hub.new_tenant("profile-staff")
    me = await member(hub, owner)
    for field, value in (("name", "Mallory"), ("account_number", "A-1"), ("currency", "USD"),
                         ("tax_jurisdiction", "GB"), ("service_address", "1 Other Road")):
        resp = await hub.client.patch("/portal/profile", json={"phone": "+1 555 0100",
                                                               field: value},
                                      headers=me.account.headers)
        assert resp.status_code == 422, (field, resp.text)
        [error] = resp.json()["errors"]
        assert field in error["msg"] and "staff" in error["msg"], error
        assert "POST /portal/tickets" in error["msg"]
    unknown = await hub.client.patch("/portal/profile", json={"plan": "gold"},
                                     headers=me.account.headers)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["loc"] == ["body", "plan"]
    bad_mail = await hub.client.patch("/portal/profile", json={"email": "not mail"},
                                      headers=me.account.headers)
    assert bad_mail.status_code == 422
    after = (await hub.client.get(f"/billing/customers/{me.customer_id}",
                                  headers=owner.headers)).json()
    assert (after["name"], after["phone"], after["currency"]) == (me.account.email, "", "EUR")


async def test_staff_bound_to_no_customer_have_no_profile(hub: Hub) -> None:
    owner = await hub.new_tenant("profile-unbound")
    for method, body in (("GET", None), ("PATCH", {"phone": "+1 555 0100"})):
        resp = await hub.client.request(method, "/portal/profile", json=body,
                                        headers=owner.headers)
        assert resp.status_code == 404, resp.text
        assert "bound to no customer account" in resp.json()["detail"]
        assert "/billing/customers/{id}" in resp.json()["detail"]
