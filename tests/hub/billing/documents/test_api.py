"""The document API: who may fetch which PDF (billing:read staff, the portal customer its
own only, another tenant nothing), the route per kind, and the billing profile's checks."""

from __future__ import annotations

import base64
import secrets

from sqlalchemy import update

from hub.identity.models import User
from hub.permissions import Role
from tests.hub.billing.documents.support import PROFILE, invoice, open_books, pdf_text, png
from tests.hub.harness import Hub


async def test_roles_and_tenants_reaching_a_pdf(hub: Hub) -> None:
    books = await open_books(hub, "pdf-auth")
    inv = await invoice(hub, books)
    path = f"/billing/invoices/{inv['id']}/pdf"
    assert (await hub.client.get(path)).status_code == 401
    support = await hub.add_user(books.owner, Role.SUPPORT)  # billing:read
    assert (await hub.client.get(path, headers=support.headers)).status_code == 200
    noc = await hub.add_user(books.owner, Role.NOC)  # no billing:read
    assert (await hub.client.get(path, headers=noc.headers)).status_code == 403
    other = await hub.new_tenant("pdf-other")
    foreign = await hub.client.get(path, headers=other.headers)
    assert foreign.status_code == 404 and books.customer["name"] not in foreign.text
    as_note = await hub.client.get(f"/billing/credit-notes/{inv['id']}/pdf",
                                   headers=books.owner.headers)
    assert as_note.status_code == 404
    assert f"/billing/invoices/{inv['id']}/pdf" in as_note.json()["detail"]


async def test_portal_customer_gets_its_own_pdfs_only(hub: Hub) -> None:
    books = await open_books(hub, "pdf-portal")
    mine = await invoice(hub, books)
    note = await hub.post(books.owner, f"/billing/invoices/{mine['id']}/credit-notes",
                          {"amount": "2.00", "reason": "late install"})
    portal_user = await hub.add_user(books.owner, Role.CUSTOMER)
    async with hub.app.state.sessions() as session, session.begin():  # bind it to Jan
        await session.execute(update(User).where(User.id == portal_user.user_id)
                              .values(customer_id=books.customer["id"]))
    neighbour = await hub.post(books.owner, "/billing/customers", {
        "name": "Piet Jansen", "currency": "EUR", "tax_jurisdiction":
        books.tax["jurisdiction"]})
    theirs = await invoice(hub, type(books)(books.owner, neighbour, books.tax))
    own = await hub.client.get(f"/portal/invoices/{mine['id']}/pdf",
                               headers=portal_user.headers)
    assert own.status_code == 200 and own.headers["content-type"] == "application/pdf"
    assert f"Invoice {mine['number']}" in pdf_text(own.content)
    staff_copy = await hub.client.get(f"/billing/invoices/{mine['id']}/pdf",
                                      headers=books.owner.headers)
    assert own.content == staff_copy.content  # one document, whoever fetches it
    own_note = await hub.client.get(f"/portal/invoices/{note['id']}/pdf",
                                    headers=portal_user.headers)
    assert own_note.status_code == 200 and "Credit note" in pdf_text(own_note.content)
    refused = await hub.client.get(f"/portal/invoices/{theirs['id']}/pdf",
                                   headers=portal_user.headers)
    assert refused.status_code == 404 and "Piet" not in refused.text
    other = await hub.new_tenant("pdf-portal-other")
    stranger = await hub.add_user(other, Role.CUSTOMER)
    assert (await hub.client.get(f"/portal/invoices/{mine['id']}/pdf",
                                 headers=stranger.headers)).status_code == 404
    assert (await hub.client.get(f"/billing/invoices/{mine['id']}/pdf",
                                 headers=portal_user.headers)).status_code == 403


async def test_profile_round_trip_and_refused_logos(hub: Hub) -> None:
    owner = await hub.new_tenant("pdf-profile")
    empty = await hub.client.get("/billing/profile", headers=owner.headers)
    assert empty.status_code == 200 and empty.json()["legal_name"] == ""
    put = await hub.client.put("/billing/profile", json=PROFILE, headers=owner.headers)
    assert put.status_code == 200
    got = (await hub.client.get("/billing/profile", headers=owner.headers)).json()
    assert got["legal_name"] == PROFILE["legal_name"] and got["logo_type"] == "image/png"
    assert base64.b64decode(got["logo_base64"]) == png()
    assert got["address_lines"] == PROFILE["address_lines"]
    for logo, words in ((base64.b64encode(b"GIF89a" + b"\0" * 20).decode(), "neither PNG"),
                        ("not base64!", "not base64"),
                        (base64.b64encode(b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(300 * 1024))
                         .decode(), "scale the logo down"),
                        (base64.b64encode(b"\x89PNG\r\n\x1a\nbroken").decode(),
                         "cannot be read")):
        bad = await hub.client.put("/billing/profile", json=PROFILE | {"logo_base64": logo},
                                   headers=owner.headers)
        assert bad.status_code == 422 and words in bad.text, bad.text
    billing_user = await hub.add_user(owner, Role.SUPPORT)  # billing:read, not write
    refused = await hub.client.put("/billing/profile", json=PROFILE,
                                   headers=billing_user.headers)
    assert refused.status_code == 403
    kept = (await hub.client.get("/billing/profile", headers=owner.headers)).json()
    assert kept["logo_bytes"] == len(png())  # the refused changes left it as it was
