"""Conflicts on billing and support create paths answer 409 problem+json and store nothing.

The races are made deterministic on PostgreSQL: a second connection holds the clashing row in
an open transaction, the API request blocks on it, and the transaction then commits.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import Payment
from hub.db import create_engine, session_factory
from tests.hub.billing.matrix import customer
from tests.hub.harness import Account, Hub, scalar


def _conflict(resp: httpx.Response, *words: str) -> None:
    assert resp.status_code == 409, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    for word in words:
        assert word in resp.json()["detail"], resp.json()


async def _payments(hub: Hub, customer_id: str) -> list[tuple[str, int]]:
    engine = create_engine(hub.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            rows = await session.execute(text(
                "SELECT reference, amount_minor FROM billing_payments "
                "WHERE customer_id = :c ORDER BY reference"), {"c": uuid.UUID(customer_id)})
            return [(r[0], r[1]) for r in rows]
    finally:
        await engine.dispose()


@asynccontextmanager
async def _held(hub: Hub) -> AsyncIterator[AsyncSession]:
    """A session on its own connection whose transaction the test commits when it wants."""
    engine = create_engine(hub.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            yield session
    finally:
        await engine.dispose()


async def _blocked(hub: Hub, request: Awaitable[httpx.Response]) -> asyncio.Task[httpx.Response]:
    """Start the request and return once PostgreSQL shows it waiting on a row lock."""
    task = asyncio.ensure_future(request)
    for _ in range(200):
        waiting = await scalar(hub.settings, "SELECT count(*) FROM pg_stat_activity WHERE "
                               "datname = current_database() AND wait_event_type = 'Lock'")
        if waiting:
            return task
        assert not task.done(), (await task).text
        await asyncio.sleep(0.05)
    raise AssertionError("the request never waited on the held row")


async def _pay(hub: Hub, who: Account, body: dict[str, Any]) -> httpx.Response:
    return await hub.client.post("/billing/payments", json=body, headers=who.headers)


async def test_duplicate_payment_reference_is_409_and_stores_nothing(hub: Hub) -> None:
    owner = await hub.new_tenant("pay-dup")
    cust = await customer(hub, owner)
    first = await _pay(hub, owner, {"customer_id": cust["id"], "amount_minor": 1500,
                                    "reference": "bank-77"})
    assert first.status_code == 201, first.text
    again = await _pay(hub, owner, {"customer_id": cust["id"], "amount_minor": 900,
                                    "reference": "bank-77"})
    _conflict(again, "bank-77", "already recorded")
    assert await _payments(hub, cust["id"]) == [("bank-77", 1500)]
    ledger = (await hub.client.get(f"/billing/customers/{cust['id']}/ledger",
                                   headers=owner.headers)).json()
    assert ledger["balance_minor"] == -1500 and len(ledger["entries"]) == 1
    other = await hub.new_tenant("pay-dup-other")  # references are unique per tenant only
    theirs = await customer(hub, other)
    made = await _pay(hub, other, {"customer_id": theirs["id"], "amount_minor": 900,
                                   "reference": "bank-77"})
    assert made.status_code == 201, made.text


async def test_reference_stored_by_a_concurrent_request_is_409(hub: Hub) -> None:
    owner = await hub.new_tenant("pay-race")
    cust = await customer(hub, owner)
    async with _held(hub) as held:
        held.add(Payment(tenant_id=owner.tenant_id, customer_id=uuid.UUID(cust["id"]),
                         amount_minor=700, currency="EUR", method="manual", reference="race-1",
                         received_on=date(2026, 3, 1), unallocated_minor=700))
        await held.flush()
        task = await _blocked(hub, _pay(hub, owner, {"customer_id": cust["id"],
                                                     "amount_minor": 300,
                                                     "reference": "race-1"}))
        await held.commit()
    _conflict(await task, "race-1", "concurrent")
    assert await _payments(hub, cust["id"]) == [("race-1", 700)]
    events = await scalar(hub.settings, "SELECT count(*) FROM event_outbox WHERE tenant_id = :t",
                          t=owner.tenant_id)
    assert events == 0  # no payment.received for the refused request


async def test_csv_import_skips_known_references_and_refuses_a_concurrent_one(hub: Hub) -> None:
    owner = await hub.new_tenant("csv-dup")
    cust = await customer(hub, owner)
    paid = await _pay(hub, owner, {"customer_id": cust["id"], "amount_minor": 1000,
                                   "reference": "csv-known"})
    assert paid.status_code == 201, paid.text
    ref = f"csv-race-{secrets.token_hex(2)}"
    csv = ("customer_id,amount,date,reference\n"
           f"{cust['id']},10.00,2026-03-03,csv-known\n"
           f"{cust['id']},4.00,2026-03-03,csv-new\n"
           f"{cust['id']},5.00,2026-03-03,{ref}\n"
           f"{cust['id']},1.001,2026-03-03,csv-bad\n")
    import_ = hub.client.post("/billing/payments/import", json={"csv": csv},
                              headers=owner.headers)
    async with _held(hub) as held:
        held.add(Payment(tenant_id=owner.tenant_id, customer_id=uuid.UUID(cust["id"]),
                         amount_minor=500, currency="EUR", method="manual", reference=ref,
                         received_on=date(2026, 3, 3), unallocated_minor=500))
        await held.flush()
        task = await _blocked(hub, import_)
        await held.commit()
    _conflict(await task, "line 4", ref, "import the file again")
    assert await _payments(hub, cust["id"]) == [("csv-known", 1000), (ref, 500)]
    again = await hub.client.post("/billing/payments/import", json={"csv": csv},
                                  headers=owner.headers)
    assert again.status_code == 200, again.text
    result = again.json()
    assert (result["created"], result["duplicates"]) == (1, 2)
    assert len(result["errors"]) == 1 and result["errors"][0].startswith("line 5:")
    assert await _payments(hub, cust["id"]) == [("csv-known", 1000), ("csv-new", 400),
                                                (ref, 500)]


async def test_duplicate_tax_rate_is_409(hub: Hub) -> None:
    owner = await hub.new_tenant("tax-dup")
    body = {"jurisdiction": "AT", "name": "USt", "rate": "0.2"}
    await hub.post(owner, "/billing/tax-rates", body)
    again = await hub.client.post("/billing/tax-rates", json={**body, "rate": "0.1"},
                                  headers=owner.headers)
    _conflict(again, "tax rate AT", "already defined")
    rate = await scalar(hub.settings, "SELECT rate FROM billing_tax_rates WHERE tenant_id = :t",
                        t=owner.tenant_id)
    assert str(rate).rstrip("0") == "0.2"


async def test_ticket_on_a_device_removed_meanwhile_is_409(hub: Hub) -> None:
    owner = await hub.new_tenant("ticket-gone")
    cust = await customer(hub, owner)
    site = await hub.post(owner, "/sites", {"name": f"pop-{secrets.token_hex(3)}"})
    device = await hub.post(owner, "/devices", {
        "site_id": site["id"], "name": "olt1", "profile": "cisco_ios",
        "management_address": "192.0.2.10"})
    opening = hub.client.post("/tickets", json={
        "customer_id": cust["id"], "device_id": device["id"], "subject": "LOS",
        "body": "ONT dark"}, headers=owner.headers)
    async with _held(hub) as held:
        await held.execute(text("DELETE FROM devices WHERE id = :d"),
                           {"d": uuid.UUID(device["id"])})
        task = await _blocked(hub, opening)
        await held.commit()
    _conflict(await task, "ticket", "removed meanwhile")
    tickets = await scalar(hub.settings, "SELECT count(*) FROM support_tickets "
                           "WHERE tenant_id = :t", t=owner.tenant_id)
    assert tickets == 0
