"""A retried manual payment (a portal's timeout, a double click) must not book money twice.

A payment without a bank reference had nothing to deduplicate on. `Idempotency-Key` works as
on every POST (docs/api.md): the same key and body answers the original payment again
(`Idempotent-Replayed`), the same key with another body is a 422, and keys are per tenant;
the payment also keeps its key, so after the 24 h replay the key still finds it (200). On
PostgreSQL through the real app.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from tests.hub.billing.matrix import customer
from tests.hub.harness import (
    Account,
    Hub,
    scalar,
)
from tests.hub.idempotency.support import rows


async def _pay(hub: Hub, owner: Account, body: dict[str, Any], key: str) -> httpx.Response:
    return await hub.client.post("/billing/payments", json=body,
                                 headers={**owner.headers, "Idempotency-Key": key})


async def _booked(hub: Hub, customer_id: str) -> tuple[int, int]:
    """(payments, payment ledger entries) stored for a customer."""
    cust = uuid.UUID(customer_id)
    payments = await scalar(hub.settings, "SELECT count(*) FROM billing_payments "
                            "WHERE customer_id = :c", c=cust)
    ledger = await scalar(hub.settings, "SELECT count(*) FROM billing_ledger "
                          "WHERE customer_id = :c AND kind = 'payment'", c=cust)
    return int(payments), int(ledger)


async def test_a_retried_payment_is_booked_once(hub: Hub) -> None:
    owner = await hub.new_tenant("retry")
    cust = (await customer(hub, owner))["id"]
    body = {"customer_id": cust, "amount_minor": 2500}
    first = await _pay(hub, owner, body, "portal-7f3a")
    assert first.status_code == 201, first.text
    again = await _pay(hub, owner, body, "portal-7f3a")
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    # Past the 24 h replay (its row gone) the payment itself still knows the key.
    await rows(hub, "DELETE FROM idempotency_keys WHERE key = 'portal-7f3a'")
    later = await _pay(hub, owner, body, "portal-7f3a")
    assert later.status_code == 200 and later.json() == first.json(), later.text
    assert await _booked(hub, cust) == (1, 1)


async def test_the_same_key_for_another_payment_is_422(hub: Hub) -> None:
    owner = await hub.new_tenant("rekey")
    cust = (await customer(hub, owner))["id"]
    assert (await _pay(hub, owner, {"customer_id": cust, "amount_minor": 100},
                       "k-1")).status_code == 201
    for _ in range(2):  # from the replay layer, then from the payment after the 24 h
        other = await _pay(hub, owner, {"customer_id": cust, "amount_minor": 999}, "k-1")
        assert other.status_code == 422, other.text
        assert other.json()["type"].endswith("/idempotency-key-reused")
        assert "Idempotency-Key" in other.json()["detail"]
        await rows(hub, "DELETE FROM idempotency_keys WHERE key = 'k-1'")
    assert await _booked(hub, cust) == (1, 1)


async def test_keys_are_per_tenant(hub: Hub) -> None:
    first, second = await hub.new_tenant("tenant-a"), await hub.new_tenant("tenant-b")
    cust_a, cust_b = (await customer(hub, first))["id"], (await customer(hub, second))["id"]
    assert (await _pay(hub, first, {"customer_id": cust_a, "amount_minor": 100},
                       "shared-key")).status_code == 201
    theirs = await _pay(hub, second, {"customer_id": cust_b, "amount_minor": 100}, "shared-key")
    assert theirs.status_code == 201, theirs.text  # not another tenant's payment
    assert await _booked(hub, cust_b) == (1, 1)


async def test_concurrent_retries_book_once(hub: Hub) -> None:
    owner = await hub.new_tenant("race")
    cust = (await customer(hub, owner))["id"]
    body = {"customer_id": cust, "amount_minor": 4200}
    answers = await asyncio.gather(*(_pay(hub, owner, body, "double-click") for _ in range(4)))
    assert [r.status_code for r in answers] == [201] * 4, [r.text for r in answers]
    assert sum("idempotent-replayed" not in r.headers for r in answers) == 1
    assert await _booked(hub, cust) == (1, 1)


async def test_without_a_key_nothing_changes(hub: Hub) -> None:
    owner = await hub.new_tenant("nokey")
    cust = (await customer(hub, owner))["id"]
    for _ in range(2):
        resp = await hub.client.post("/billing/payments",
                                     json={"customer_id": cust, "amount_minor": 100},
                                     headers=owner.headers)
        assert resp.status_code == 201
    assert await _booked(hub, cust) == (2, 2)
