"""A device's `event_sources` through the API: stored canonical, replaced and cleared by
PATCH, validated (IP addresses, at most 32, each once), and one address naming one device
of an agent (409 naming the other device); a change re-versions the agent's config."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

from tests.hub.harness import Account, Hub
from tests.hub.inventory.test_device_polling import Pop


@pytest.fixture
async def owner(hub: Hub) -> Account:
    return await hub.new_tenant("sources")


@pytest.fixture
async def pop(hub: Hub, owner: Account) -> Pop:
    return await Pop(hub, owner).build()


async def _desired(hub: Hub, owner: Account, agent: str) -> int:
    resp = await hub.client.get(f"/agents/{agent}/config", headers=owner.headers)
    assert resp.status_code == 200, resp.text
    version: int = resp.json()["desired_version"]
    return version


async def _patch(hub: Hub, owner: Account, device: str, body: dict[str, Any]) -> httpx.Response:
    return await hub.client.patch(f"/devices/{device}", json=body, headers=owner.headers)


def _detail(resp: httpx.Response, status: int) -> str:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    detail: str = resp.json()["detail"]
    return detail


async def test_stored_canonical_listed_replaced_and_cleared(hub: Hub, owner: Account,
                                                            pop: Pop) -> None:
    plain = await hub.post(owner, "/devices", pop.device(agent_id=pop.agents[0]))
    assert plain["event_sources"] == []
    made = await hub.post(owner, "/devices", pop.device(
        agent_id=pop.agents[0], management_address="192.0.2.30",
        event_sources=["::ffff:10.255.0.1", "2001:DB8::0:1"]))
    assert made["event_sources"] == ["10.255.0.1", "2001:db8::1"]
    got = await hub.client.get(f"/devices/{made['id']}", headers=owner.headers)
    assert got.json()["event_sources"] == ["10.255.0.1", "2001:db8::1"]
    listed = await hub.client.get("/devices", params={"agent_id": pop.agents[0]},
                                  headers=owner.headers)
    by_id = {d["id"]: d for d in listed.json()["data"]}
    assert by_id[made["id"]]["event_sources"] == ["10.255.0.1", "2001:db8::1"]
    assert by_id[plain["id"]]["event_sources"] == []

    renamed = await _patch(hub, owner, made["id"], {"name": f"r-{secrets.token_hex(3)}"})
    assert renamed.json()["event_sources"] == ["10.255.0.1", "2001:db8::1"]  # absent: kept
    kept = await _patch(hub, owner, made["id"], {"event_sources": None})
    assert kept.json()["event_sources"] == ["10.255.0.1", "2001:db8::1"]  # null: kept
    replaced = await _patch(hub, owner, made["id"], {"event_sources": ["10.255.0.9"]})
    assert replaced.json()["event_sources"] == ["10.255.0.9"]
    cleared = await _patch(hub, owner, made["id"], {"event_sources": []})
    assert cleared.status_code == 200 and cleared.json()["event_sources"] == []


async def test_invalid_lists_are_refused_naming_the_field(hub: Hub, owner: Account,
                                                          pop: Pop) -> None:
    cases = [(["lo0"], "is not an IP address"),
             (["10.0.0.0/24"], "is not an IP address"),
             (["10.255.0.1", "::ffff:10.255.0.1"], "10.255.0.1 listed more than once"),
             ([f"10.255.1.{n}" for n in range(33)], "at most 32"),
             ("10.255.0.1", "valid list")]
    made = await hub.post(owner, "/devices", pop.device())
    for sources, why in cases:
        for resp in (await hub.client.post("/devices", json=pop.device(event_sources=sources),
                                           headers=owner.headers),
                     await _patch(hub, owner, made["id"], {"event_sources": sources})):
            assert resp.status_code == 422, resp.text
            errors = resp.json()["errors"]
            assert errors[0]["loc"][:2] == ["body", "event_sources"], errors
            assert why in errors[0]["msg"], errors
    assert (await hub.client.get(f"/devices/{made['id']}", headers=owner.headers)
            ).json()["event_sources"] == []


async def test_an_address_names_one_device_of_an_agent(hub: Hub, owner: Account,
                                                       pop: Pop) -> None:
    agent, other_agent = pop.agents
    router = await hub.post(owner, "/devices", pop.device(
        agent_id=agent, name=f"rtr-{secrets.token_hex(3)}", management_address="192.0.2.1",
        event_sources=["10.255.0.1"]))
    switch = await hub.post(owner, "/devices", pop.device(
        agent_id=agent, name=f"sw-{secrets.token_hex(3)}", management_address="192.0.2.2"))

    # Listed by another device of the agent.
    detail = _detail(await hub.client.post("/devices", json=pop.device(
        agent_id=agent, management_address="192.0.2.3", event_sources=["10.255.0.1"]),
        headers=owner.headers), 409)
    assert f"10.255.0.1 is already used by device {router['name']}" in detail
    assert "lists it in its event_sources" in detail and "remove it from one" in detail
    # Another device of the agent is polled on it.
    detail = _detail(await _patch(hub, owner, router["id"],
                                  {"event_sources": ["10.255.0.1", "192.0.2.2"]}), 409)
    assert f"192.0.2.2 is already used by device {switch['name']}" in detail
    assert "is polled on it (its management_address)" in detail
    # A device polled on an address another one lists.
    detail = _detail(await _patch(hub, owner, switch["id"],
                                  {"management_address": "10.255.0.1"}), 409)
    assert detail.startswith("management_address 10.255.0.1: device " + router["name"])
    # Moving a device onto the agent brings its addresses along.
    mover = await hub.post(owner, "/devices", pop.device(
        agent_id=other_agent, management_address="192.0.2.4", event_sources=["10.255.0.1"]))
    detail = _detail(await _patch(hub, owner, mover["id"], {"agent_id": agent}), 409)
    assert router["name"] in detail

    # Nothing of the refused changes was stored.
    devices = {d["id"]: d for d in (await hub.client.get(
        "/devices", params={"site_id": pop.site}, headers=owner.headers)).json()["data"]}
    assert devices[router["id"]]["event_sources"] == ["10.255.0.1"]
    assert devices[switch["id"]]["management_address"] == "192.0.2.2"
    assert devices[mover["id"]]["agent_id"] == other_agent
    # Another agent, no agent, or the device's own management address: no clash.
    assert len(devices) == 3
    await hub.post(owner, "/devices", pop.device(management_address="192.0.2.5",
                                                 event_sources=["10.255.0.1"]))
    own = await _patch(hub, owner, router["id"], {"event_sources": ["10.255.0.1", "192.0.2.1"]})
    assert own.status_code == 200, own.text


async def test_a_change_of_event_sources_re_versions_the_agent(hub: Hub, owner: Account,
                                                               pop: Pop) -> None:
    agent = pop.agents[0]
    device = await hub.post(owner, "/devices", pop.device(agent_id=agent))
    first = await _desired(hub, owner, agent)
    assert first >= 1
    await _patch(hub, owner, device["id"], {"event_sources": ["10.255.0.7"]})
    assert await _desired(hub, owner, agent) == first + 1
    await _patch(hub, owner, device["id"], {"event_sources": ["10.255.0.7"]})
    assert await _desired(hub, owner, agent) == first + 1  # the same list: no new version
    await _patch(hub, owner, device["id"], {"event_sources": []})
    assert await _desired(hub, owner, agent) == first + 2
