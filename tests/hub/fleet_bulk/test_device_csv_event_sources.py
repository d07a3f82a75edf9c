"""The device CSV's `event_sources` column: addresses in one cell, exported space-separated,
kept when a file lacks the column, cleared by an empty cell; bad addresses and sender
clashes between devices of one agent are row errors (dry run too), nothing written."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from tests.hub.harness import Account, Hub

PATH = "/inventory/devices.csv"


@pytest.fixture
async def owner(hub: Hub) -> Account:
    return await hub.new_tenant("csv-src")


@pytest.fixture
async def pop(hub: Hub, owner: Account) -> None:
    """Site pop-a with agents agent-a and agent-b."""
    site = (await hub.post(owner, "/sites", {"name": "pop-a"}))["id"]
    for agent in ("agent-a", "agent-b"):
        await hub.post(owner, "/agents", {"site_id": site, "name": agent})


async def _import(hub: Hub, owner: Account, text: str, dry_run: bool = False) -> httpx.Response:
    return await hub.client.post(PATH, params={"dry_run": str(dry_run).lower()},
                                 content=text.encode(),
                                 headers={**owner.headers, "Content-Type": "text/csv"})


async def _exported(hub: Hub, owner: Account) -> dict[str, dict[str, str]]:
    resp = await hub.client.get(PATH, headers=owner.headers)
    assert resp.status_code == 200, resp.text
    return {r["name"]: r for r in csv.DictReader(io.StringIO(resp.text, newline=""))}


def _errors(resp: httpx.Response) -> dict[tuple[int | None, str | None], str]:
    assert resp.status_code == 422, resp.text
    return {(e["row"], e["column"]): e["message"] for e in resp.json()["errors"]}


async def test_the_column_round_trips_is_kept_when_absent_and_cleared_when_empty(
        hub: Hub, owner: Account, pop: None) -> None:
    text = ("name,site,agent,management_address,event_sources\n"
            'rtr1,pop-a,agent-a,192.0.2.1,"10.255.0.1, ::ffff:10.255.0.2;2001:DB8::1"\n'
            "sw1,pop-a,agent-a,192.0.2.2,\n")
    made = await _import(hub, owner, text)
    assert made.status_code == 200, made.text
    assert made.json()["created"] == 2
    rows = await _exported(hub, owner)
    assert rows["rtr1"]["event_sources"] == "10.255.0.1 10.255.0.2 2001:db8::1"
    assert rows["sw1"]["event_sources"] == ""
    devices = (await hub.client.get("/devices", headers=owner.headers)).json()["data"]
    assert {d["name"]: d["event_sources"] for d in devices} == {
        "rtr1": ["10.255.0.1", "10.255.0.2", "2001:db8::1"], "sw1": []}

    # The export imports as unchanged; a file without the column keeps them.
    again = (await hub.client.get(PATH, headers=owner.headers)).text
    assert (await _import(hub, owner, again)).json()["unchanged"] == 2
    moved = await _import(hub, owner, "name,site,management_address\nrtr1,pop-a,192.0.2.9\n")
    assert moved.json()["updated"] == 1
    assert (await _exported(hub, owner))["rtr1"]["event_sources"] == \
        "10.255.0.1 10.255.0.2 2001:db8::1"
    cleared = await _import(hub, owner, "name,site,management_address,event_sources\n"
                                        "rtr1,pop-a,192.0.2.9,\n")
    assert cleared.json()["updated"] == 1
    assert (await _exported(hub, owner))["rtr1"]["event_sources"] == ""


async def test_bad_addresses_and_clashes_are_row_errors(hub: Hub, owner: Account,
                                                        pop: None) -> None:
    stored = ("name,site,agent,management_address,event_sources\n"
              "rtr1,pop-a,agent-a,192.0.2.1,10.255.0.1\n")
    assert (await _import(hub, owner, stored)).status_code == 200
    text = ("name,site,agent,management_address,event_sources\n"
            "bad1,pop-a,agent-a,192.0.2.5,lo0\n"              # 2: not an address
            "dup1,pop-a,agent-a,192.0.2.6,10.9.0.1 10.9.0.1\n"  # 3: twice
            "rtr2,pop-a,agent-a,192.0.2.7,10.255.0.1\n"        # 4: rtr1 (stored) lists it
            "sw1,pop-a,agent-a,10.255.0.1,\n"                  # 5: polled where rtr1 lists
            "sw2,pop-a,agent-a,192.0.2.8,\n"
            "rtr3,pop-a,agent-a,192.0.2.9,192.0.2.8\n"         # 7: sw2 (same file) polled there
            "rtr4,pop-a,agent-b,192.0.2.10,10.255.0.1\n")      # another agent: fine
    before = await _exported(hub, owner)
    for dry_run in (True, False):
        errors = _errors(await _import(hub, owner, text, dry_run=dry_run))
        assert set(errors) == {(2, "event_sources"), (3, "event_sources"), (4, "event_sources"),
                               (5, "management_address"), (7, "event_sources")}, errors
        assert "'lo0' is not an IP address" in errors[(2, "event_sources")]
        assert "10.9.0.1 listed more than once" in errors[(3, "event_sources")]
        assert "already used by device rtr1" in errors[(4, "event_sources")]
        assert errors[(5, "management_address")].startswith(
            "management_address 10.255.0.1: device rtr1")
        assert "device sw2 of the same agent, which is polled on it" in \
            errors[(7, "event_sources")]
    assert await _exported(hub, owner) == before
