"""Alarm API fixtures: the hub app on this module's PostgreSQL database (tests/hub/conftest.py)
and a tenant with two sites, the people who work alarms, and a way to raise alarms."""

from __future__ import annotations

from dataclasses import dataclass

import pytest_asyncio

from hub.permissions import Role
from tests.hub.alarms.api.support import Place, new_place
from tests.hub.harness import Account, Hub


@dataclass
class Desk:
    """One tenant: sites A and B (each with an agent and a device) and its people; the
    field tech is bound to site A, `roamer` is a field tech bound to no site."""

    owner: Account
    noc: Account
    field_tech: Account
    roamer: Account
    support: Account
    billing: Account
    a: Place
    b: Place


async def new_desk(hub: Hub, label: str) -> Desk:
    """A tenant with its sites and people; the field tech bound to site A via the API."""
    owner = await hub.new_tenant(label)
    a, b = await new_place(hub, owner, "a"), await new_place(hub, owner, "b")
    people = {role: await hub.add_user(owner, role) for role in
              (Role.NOC, Role.FIELD_TECH, Role.SUPPORT, Role.BILLING)}
    roamer = await hub.add_user(owner, Role.FIELD_TECH)
    bound = await hub.client.put(f"/users/{people[Role.FIELD_TECH].user_id}/sites",
                                 json={"site_ids": [str(a.site_id)]}, headers=owner.headers)
    assert bound.status_code == 200, bound.text
    return Desk(owner, people[Role.NOC], people[Role.FIELD_TECH], roamer,
                people[Role.SUPPORT], people[Role.BILLING], a, b)


@pytest_asyncio.fixture(loop_scope="session")
async def desk(hub: Hub) -> Desk:
    """A fresh tenant for one test (tests never see each other's alarms)."""
    return await new_desk(hub, "desk")
