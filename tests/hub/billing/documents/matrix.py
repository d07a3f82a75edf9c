"""Billing-document cases for the hub's role matrix and tenant-isolation matrix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from hub.identity.models import User
from tests.hub.billing.matrix import customer, invoice, plan
from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory, Request
from tests.hub.matrix_support import by_id as _by_id
from tests.hub.matrix_support import plain as _plain

PROFILE = {"legal_name": "Matrix ISP", "address_lines": ["1 Loop Road"], "tax_id": "X1"}


async def credit_note(hub: Hub, owner: Account) -> dict[str, Any]:
    """A credit note of 1.00 on a new finalized invoice."""
    made = await invoice(hub, owner)
    return await hub.post(owner, f"/billing/invoices/{made['id']}/credit-notes",
                          {"amount": "1.00", "reason": "goodwill"})


async def _portal_invoice(hub: Hub, owner: Account) -> Request:
    """An invoice of the tenant's newest portal user's customer (the role matrix calls the
    route as every role: the customer sees its own, staff with billing:read any)."""
    async with hub.app.state.sessions() as session:
        bound = (await session.execute(
            select(User.customer_id).where(User.tenant_id == owner.tenant_id,
                                           User.customer_id.is_not(None))
            .order_by(User.created_at.desc()).limit(1))).scalar_one_or_none()
    customer_id = str(bound) if bound is not None else (await customer(hub, owner))["id"]
    sub = await hub.post(owner, "/billing/subscriptions", {
        "customer_id": customer_id, "plan_id": (await plan(hub, owner))["id"]})
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "activate", "on": "2026-05-01"})
    made = await hub.post(owner, "/billing/runs", {"period": "2026-05-01",
                                                   "today": "2026-05-01"})
    [one] = [i for i in made["created"] if i["subscription_id"] == sub["id"]]
    return {"invoice_id": one["id"]}, None


REQUESTS: dict[str, Factory] = {
    "billing_invoices_pdf": _by_id(invoice, "invoice_id"),
    "billing_credit_notes_pdf": _by_id(credit_note, "credit_note_id"),
    "billing_profile_get": _plain(),
    "billing_profile_set": _plain(lambda: dict(PROFILE)),
    "portal_invoices_pdf": _portal_invoice,
}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """A credit note of the tenant (its invoice is the billing matrix's `b_invoice` kind)."""
    resp = await hub.client.put("/billing/profile", json=PROFILE | {
        "legal_name": f"{owner.email} legal"}, headers=owner.headers)
    assert resp.status_code == 200, resp.text
    return {"d_credit_note": (await credit_note(hub, owner))["id"],
            "d_legal_name": f"{owner.email} legal"}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """Another tenant's documents are 404; the profile is the caller's own."""
    return {
        "billing_invoices_pdf": case("foreign", {"invoice_id": a["b_invoice"]}),
        "billing_credit_notes_pdf": case("foreign", {"credit_note_id": a["d_credit_note"]}),
        "billing_profile_get": case("own", {}),
        "billing_profile_set": case("own", {}, dict(PROFILE)),
        "portal_invoices_pdf": case("foreign", {"invoice_id": a["b_invoice"]}),
    }
