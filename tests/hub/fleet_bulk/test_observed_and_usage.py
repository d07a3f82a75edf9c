"""The observed view of a device (by id, by legacy name, tenant isolation) and billing usage
keyed by device id (a rename keeps it)."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from hub.billing.repository import interface_rollups
from hub.ingest.models import InterfaceRollup, ObservedDevice, ObservedInterface
from tests.hub.harness import Account, Hub

SEEN = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def owner(hub: Hub) -> Account:
    return await hub.new_tenant("observed")


async def _device(hub: Hub, owner: Account, name: str | None = None) -> dict[str, Any]:
    site = await hub.post(owner, "/sites", {"name": f"pop-{secrets.token_hex(3)}"})
    return await hub.post(owner, "/devices", {
        "site_id": site["id"], "name": name or f"sw-{secrets.token_hex(3)}",
        "management_address": "192.0.2.10", "profile": "cisco_ios"})


async def _observe(hub: Hub, owner: Account, device: dict[str, Any], key: str,
                   sys_name: str, interfaces: int = 2) -> None:
    """Store what ingest stores for an inventory report of `device` under `key`."""
    async with hub.app.state.sessions() as session, session.begin():
        session.add(ObservedDevice(
            tenant_id=owner.tenant_id, device=key, site_id=uuid.UUID(device["site_id"]),
            agent_id=uuid.uuid4(), address="192.0.2.10", profile="cisco_ios",
            facts={"sys_name": sys_name, "sys_descr": "Cisco IOS XE", "vendor": "Cisco",
                   "model": "C9300-48P", "serial": "FOC1234X0AB", "os_version": "17.9.4",
                   "uptime_s": 3600},
            status="up", status_since=SEEN, last_seen_at=SEEN + timedelta(minutes=5)))
        for n in range(interfaces, 0, -1):
            session.add(ObservedInterface(
                tenant_id=owner.tenant_id, device=key, if_index=n, name=f"Gi1/0/{n}",
                alias=f"cust-{n}", descr="", speed_bps=10**9, admin_status="up",
                oper_status="down" if n == 2 else "up"))


async def _observed(hub: Hub, account: Account, device_id: str) -> Any:
    resp = await hub.client.get(f"/devices/{device_id}/observed", headers=account.headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


async def test_observed_by_device_id(hub: Hub, owner: Account) -> None:
    device = await _device(hub, owner)
    await _observe(hub, owner, device, device["id"], "by-id.example.net")
    body = await _observed(hub, owner, device["id"])
    assert body["device_id"] == device["id"] and body["name"] == device["name"]
    seen = body["observed"]
    assert seen["reported_as"] == device["id"] and seen["sys_name"] == "by-id.example.net"
    assert (seen["vendor"], seen["model"], seen["serial"], seen["os_version"]) == (
        "Cisco", "C9300-48P", "FOC1234X0AB", "17.9.4")
    assert seen["status"] == "up" and seen["status_since"].startswith("2026-05-01T12:00")
    assert seen["last_seen_at"].startswith("2026-05-01T12:05")
    assert [(i["if_index"], i["name"], i["alias"], i["oper_status"])
            for i in seen["interfaces"]] == [(1, "Gi1/0/1", "cust-1", "up"),
                                             (2, "Gi1/0/2", "cust-2", "down")]
    assert seen["interfaces"][0]["speed_bps"] == 10**9


async def test_observed_by_legacy_name_and_the_id_first(hub: Hub, owner: Account) -> None:
    device = await _device(hub, owner)
    await _observe(hub, owner, device, device["name"], "by-name.example.net", interfaces=1)
    seen = (await _observed(hub, owner, device["id"]))["observed"]
    assert seen["reported_as"] == device["name"] and seen["sys_name"] == "by-name.example.net"
    assert len(seen["interfaces"]) == 1
    await _observe(hub, owner, device, device["id"], "by-id.example.net")  # moved to a push
    seen = (await _observed(hub, owner, device["id"]))["observed"]
    assert seen["reported_as"] == device["id"] and len(seen["interfaces"]) == 2


async def test_nothing_observed_yet_and_other_tenants(hub: Hub, owner: Account) -> None:
    device = await _device(hub, owner)
    assert (await _observed(hub, owner, device["id"]))["observed"] is None
    await _observe(hub, owner, device, device["id"], "secret-name.example.net")
    other = await hub.new_tenant("observed-other")
    # B has a device of the same name and observed rows of its own: A's never show.
    twin = await _device(hub, other, device["name"])
    assert (await _observed(hub, other, twin["id"]))["observed"] is None
    foreign = await hub.client.get(f"/devices/{device['id']}/observed", headers=other.headers)
    assert foreign.status_code == 404
    assert foreign.headers["content-type"] == "application/problem+json"
    assert "secret-name" not in foreign.text


async def _rollups(hub: Hub, owner: Account, key: str, start: datetime,
                   octets: list[int]) -> None:
    async with hub.app.state.sessions() as session, session.begin():
        for n, value in enumerate(octets):
            session.add(InterfaceRollup(
                tenant_id=owner.tenant_id, device=key, if_index=7,
                bucket_start=start + timedelta(minutes=5 * n), in_octets_delta=Decimal(value),
                out_octets_delta=Decimal(value // 2), in_errors_delta=Decimal(0),
                out_errors_delta=Decimal(0), in_bps=8 * value / 300, out_bps=4 * value / 300,
                samples=1))


async def _usage(hub: Hub, owner: Account, device_id: str) -> list[tuple[datetime, int, int]]:
    async with hub.app.state.sessions() as session:
        rows = await interface_rollups(session, owner.tenant_id, uuid.UUID(device_id), 7,
                                       SEEN, SEEN + timedelta(days=1))
    return [(r.bucket_start, int(r.in_octets_delta), int(r.out_octets_delta)) for r in rows]


async def test_usage_keyed_by_device_id_survives_a_rename(hub: Hub, owner: Account) -> None:
    device = await _device(hub, owner)
    await _rollups(hub, owner, device["id"], SEEN, [1000, 2000, 3000])
    before = await _usage(hub, owner, device["id"])
    assert [(i, o) for _, i, o in before] == [(1000, 500), (2000, 1000), (3000, 1500)]
    renamed = await hub.client.patch(f"/devices/{device['id']}", json={"name": "renamed-sw"},
                                     headers=owner.headers)
    assert renamed.status_code == 200, renamed.text
    assert await _usage(hub, owner, device["id"]) == before


async def test_usage_reads_legacy_names_and_sums_a_bucket_under_both_keys(
        hub: Hub, owner: Account) -> None:
    device = await _device(hub, owner)
    # Polled from agent.yaml (by name) until 12:10, then from the pushed config (by id):
    # the 12:10 bucket was reported under both keys.
    await _rollups(hub, owner, device["name"], SEEN, [100, 200, 300])
    await _rollups(hub, owner, device["id"], SEEN + timedelta(minutes=10), [40, 500])
    usage = await _usage(hub, owner, device["id"])
    assert [(t - SEEN, i, o) for t, i, o in usage] == [
        (timedelta(0), 100, 50), (timedelta(minutes=5), 200, 100),
        (timedelta(minutes=10), 340, 170), (timedelta(minutes=15), 500, 250)]
    other = await hub.new_tenant("usage-other")
    twin = await _device(hub, other, device["name"])  # B's namesake sees none of A's usage
    assert await _usage(hub, other, twin["id"]) == []
