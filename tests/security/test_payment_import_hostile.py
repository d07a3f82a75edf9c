"""A hostile bank CSV (or a careless one) against the payment import, on PostgreSQL.

Decimal parses `NaN`, `sNaN` and `Infinity`, and `1e999999` is a valid Decimal whose minor
units overflow the BigInteger column; a short row has missing cells. Each must be that row's
error in the import report (like a malformed date), never a 500, and the good rows of the
file are stored exactly once. A file the csv module cannot read at all is one 422 that
stores nothing.
"""

from __future__ import annotations

import uuid

from hub.billing.money import MAX_PAYMENT_MINOR
from tests.hub.billing.matrix import customer
from tests.hub.harness import (
    Account,
    Hub,
    scalar,
)

HOSTILE_AMOUNTS = ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "inf", "1e999999",
                   "-1e999999", "1e20", "99999999999999999999.99", "10000000000000.01"]


async def _stored(hub: Hub, customer_id: str) -> int:
    return int(await scalar(hub.settings, "SELECT count(*) FROM billing_payments "
                            "WHERE customer_id = :c", c=uuid.UUID(customer_id)))


async def _import(hub: Hub, owner: Account, text: str) -> tuple[int, dict[str, object]]:
    resp = await hub.client.post("/billing/payments/import", json={"csv": text},
                                 headers=owner.headers)
    return resp.status_code, resp.json()


async def test_non_finite_and_huge_amounts_are_row_errors(hub: Hub) -> None:
    owner = await hub.new_tenant("csvbomb")
    cust = (await customer(hub, owner))["id"]
    rows = [f"{cust},{amount},2026-03-01,bad-{n}" for n, amount in enumerate(HOSTILE_AMOUNTS)]
    text = "\n".join(["customer_id,amount,date,reference", f"{cust},12.50,2026-03-01,good-1",
                      *rows, f"{cust}", f"{cust},3.00,2026-03-02,good-2"]) + "\n"
    code, body = await _import(hub, owner, text)
    assert code == 200, body
    assert body["created"] == 2 and body["duplicates"] == 0
    errors = body["errors"]
    assert isinstance(errors, list) and len(errors) == len(HOSTILE_AMOUNTS) + 1
    for line, error in enumerate(errors[:-1], start=3):
        assert error.startswith(f"line {line}: amount "), error
        assert "finite" in error or "largest payment" in error, error
    assert "missing" in errors[-1]
    assert await _stored(hub, cust) == 2
    code, again = await _import(hub, owner, text)  # the good rows are not stored twice
    assert code == 200 and again["created"] == 0 and again["duplicates"] == 2
    assert await _stored(hub, cust) == 2


async def test_the_largest_payment_is_accepted(hub: Hub) -> None:
    owner = await hub.new_tenant("csvmax")
    cust = (await customer(hub, owner))["id"]
    largest = f"{MAX_PAYMENT_MINOR // 100}.00"
    code, body = await _import(hub, owner, "customer_id,amount,date,reference\n"
                                           f"{cust},{largest},2026-03-01,max-1\n")
    assert code == 200 and body["created"] == 1 and body["errors"] == [], body


async def test_an_unreadable_file_is_one_422_and_stores_nothing(hub: Hub) -> None:
    owner = await hub.new_tenant("csvfield")
    cust = (await customer(hub, owner))["id"]
    huge_cell = "x" * 200_000  # over the csv module's field size limit
    text = ("customer_id,amount,date,reference\n"
            f"{cust},1.00,2026-03-01,before-1\n"
            f"{cust},1.00,2026-03-01,{huge_cell}\n")
    code, body = await _import(hub, owner, text)
    assert code == 422, body
    assert "nothing was imported" in str(body["detail"])
    assert await _stored(hub, cust) == 0


async def test_a_manual_payment_over_the_column_is_422(hub: Hub) -> None:
    owner = await hub.new_tenant("paybomb")
    cust = (await customer(hub, owner))["id"]
    for amount in (MAX_PAYMENT_MINOR + 1, 2**63, 10**30):
        resp = await hub.client.post("/billing/payments", json={
            "customer_id": cust, "amount_minor": amount}, headers=owner.headers)
        assert resp.status_code == 422, resp.text
    assert await _stored(hub, cust) == 0
