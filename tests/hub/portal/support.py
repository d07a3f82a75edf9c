"""Portal test data: a tenant's customers with portal users, plans, ports and traffic."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hub.billing.models import Subscription
from hub.ingest.models import InterfaceRollup
from hub.permissions import Role
from tests.hub.harness import Account, Hub


@dataclass
class Member:
    """A portal user and the customer account it is bound to."""

    account: Account
    customer_id: str


async def member(hub: Hub, owner: Account) -> Member:
    """A new customer of the owner's tenant with a signed-in portal user."""
    account = await hub.add_user(owner, Role.CUSTOMER)
    resp = await hub.client.get("/portal/profile", headers=account.headers)
    assert resp.status_code == 200, resp.text
    return Member(account, resp.json()["id"])


async def plan(hub: Hub, owner: Account, **extra: Any) -> dict[str, Any]:
    """A 30.00 EUR monthly plan (plus usage terms)."""
    return await hub.post(owner, "/billing/plans", {
        "name": f"p-{secrets.token_hex(3)}", "currency": "EUR", "down_kbps": 100_000,
        "up_kbps": 20_000, "price_minor": 3000, **extra})


async def device(hub: Hub, owner: Account) -> dict[str, Any]:
    """A device of a new site."""
    site = await hub.post(owner, "/sites", {"name": f"s-{secrets.token_hex(4)}"})
    return await hub.post(owner, "/devices", {
        "site_id": site["id"], "name": f"d-{secrets.token_hex(4)}",
        "management_address": "192.0.2.10", "profile": "cisco_ios"})


async def subscription(hub: Hub, owner: Account, customer_id: str, plan_id: str,
                       device_id: str | None = None, started: date | None = None,
                       ) -> dict[str, Any]:
    """A subscription on port 7 of `device_id`; `started` marks it active from that day
    (staged in the table: activation through the API would queue provisioning jobs)."""
    body: dict[str, Any] = {"customer_id": customer_id, "plan_id": plan_id,
                            "port": "ge-0/0/7"}
    if device_id is not None:
        body |= {"device_id": device_id, "if_index": 7}
    made = await hub.post(owner, "/billing/subscriptions", body)
    if started is not None:
        async with hub.app.state.sessions() as session, session.begin():
            row = await session.get_one(Subscription, uuid.UUID(made["id"]))
            row.status, row.started_on = "active", started
    return made


async def traffic(hub: Hub, tenant_id: uuid.UUID, device_id: str, start: datetime,
                  octets: list[tuple[int, int]], step: timedelta = timedelta(minutes=5),
                  ) -> None:
    """5-minute rollups of port 7, as ingest stores them, every `step` from `start`."""
    async with hub.app.state.sessions() as session, session.begin():
        for n, (i, o) in enumerate(octets):
            session.add(InterfaceRollup(
                tenant_id=tenant_id, device=device_id, if_index=7,
                bucket_start=start + n * step, in_octets_delta=Decimal(i),
                out_octets_delta=Decimal(o), in_errors_delta=Decimal(0),
                out_errors_delta=Decimal(0), in_bps=8 * i / 300, out_bps=8 * o / 300,
                samples=1))
