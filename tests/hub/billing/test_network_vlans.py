"""A subscription's IPAM VLANs reach the provisioning jobs billing queues, under the names the
profile's action declares (docs/ipam.md, "VLANs in provisioning templates").

The VLANs are allocated through the IPAM API; the queued job is rendered with the shipped
cisco_ios profile and run on the SSH simulator's switch by the agent's executor.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import firmware_profiles
from edge_agent.executor import Executor
from firmware_profiles.actions import PlatformActions, load_actions, render
from hub.billing import network
from hub.billing.models import NetworkAction
from hub.billing.network import vlan_params
from hub.ipam.service import SubscriberVlans
from hub.jobs import validation
from tests.agent_ssh.conftest import executor_for, job
from tests.hub.billing.matrix import customer
from tests.hub.billing.test_network_jobs import PORT, _device, _job, _rows, _step, _subscription
from tests.hub.harness import Account, Hub
from tests.ssh_sim import Simulator

__all__ = ["executor_for"]


async def _allocate(hub: Hub, owner: Account, site_id: str, sub: dict[str, Any],
                    kind: str) -> dict[str, Any]:
    """A VLAN of a new pool of `kind` (single: 300-309, qinq: 2000-2009 x 10-19) for `sub`."""
    body: dict[str, Any] = {"site_id": site_id, "name": f"{kind}-{uuid.uuid4().hex[:6]}",
                            "kind": kind, "first_tag": 300, "last_tag": 309}
    if kind == "qinq":
        body |= {"first_tag": 2000, "last_tag": 2009, "inner_first": 10, "inner_last": 19}
    pool = await hub.post(owner, "/ipam/vlan-pools", body)
    return await hub.post(owner, f"/ipam/vlan-pools/{pool['id']}/allocations",
                          {"subscription_id": sub["id"]})


async def _device_of(hub: Hub, owner: Account, profile: str) -> dict[str, Any]:
    """A device of `profile` (with an agent) on a new site."""
    site = await hub.post(owner, "/sites", {"name": f"s-{secrets.token_hex(3)}"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"],
                                              "name": f"a-{secrets.token_hex(3)}"})
    return await hub.post(owner, "/devices", {
        "site_id": site["id"], "agent_id": agent["id"], "name": f"sw-{secrets.token_hex(3)}",
        "management_address": "192.0.2.21", "profile": profile})


async def _activated(hub: Hub, owner: Account, kinds: tuple[str, ...],
                     profile: str = "cisco_ios") -> tuple[list[NetworkAction], dict[str, Any]]:
    device = await (_device(hub, owner) if profile == "cisco_ios"
                    else _device_of(hub, owner, profile))
    sub = await _subscription(hub, owner, device)
    for kind in kinds:
        await _allocate(hub, owner, device["site_id"], sub, kind)
    await _step(hub, owner, sub, action="activate", on="2026-03-01")
    return await _rows(hub, sub["id"]), device


async def test_a_single_tag_vlan_reaches_the_activation_and_the_switch_port(
        hub: Hub, ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    owner = await hub.new_tenant("net-vlan")
    (enable, rate), _ = await _activated(hub, owner, ("single",))
    assert (enable.job_action, enable.params) == (
        "resume_customer", {"interface": PORT, "customer_vlan": 300})
    assert "customer_vlan" not in rate.params  # change_plan does not declare it
    queued = await _job(hub, enable.job_id)
    assert queued.state == "queued" and queued.params == enable.params
    action = load_actions("cisco_ios").action("resume_customer")
    assert render(action, queued.params) == [
        f"interface {PORT}", "switchport access vlan 300", "no shutdown"]
    # The job as the hub queued it, on a switch over SSH: the port joins the VLAN.
    switch = ssh_sim.add_device("cisco_ios")
    switch.state.interface(PORT).admin_up = False
    done = await executor_for(switch).run(job(switch, "resume_customer", **queued.params))
    assert done.outcome == "succeeded", done.output
    port = switch.state.interface(PORT)
    assert (port.admin_up, port.access_vlan) == (True, 300)


async def test_a_failed_verify_puts_the_port_back_in_its_old_vlan(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    switch = ssh_sim.add_device("cisco_ios")
    port = switch.state.interface(PORT)
    port.admin_up, port.access_vlan = False, 77
    switch.faults.ignore = ["^no shutdown$"]  # accepted, no effect: the verify fails
    done = await executor_for(switch).run(job(switch, "resume_customer", interface=PORT,
                                              customer_vlan=300))
    assert (done.outcome, done.error_code) == ("rolled_back", "verify_failed"), done.output
    with switch.state.lock:
        sent = list(switch.state.commands)
    assert "switchport access vlan 77" in sent[sent.index("switchport access vlan 300") + 1:]
    assert (port.admin_up, port.access_vlan) == (False, 77)


async def test_huawei_vrp_access_port_joins_the_vlan(
        hub: Hub, ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    owner = await hub.new_tenant("net-vrp-vlan")
    huawei_port = "GigabitEthernet0/0/2"
    device = await _device_of(hub, owner, "huawei_vrp")
    plan = await hub.post(owner, "/billing/plans", {
        "name": "Fibre 50", "currency": "EUR", "down_kbps": 50_000, "up_kbps": 10_000,
        "price_minor": 2500})
    sub = await hub.post(owner, "/billing/subscriptions", {
        "customer_id": (await customer(hub, owner))["id"], "plan_id": plan["id"],
        "device_id": device["id"], "port": huawei_port, "if_index": 2})
    await _allocate(hub, owner, device["site_id"], sub, "single")
    await _allocate(hub, owner, device["site_id"], sub, "qinq")  # VRP declares no S-VLAN
    await _step(hub, owner, sub, action="activate", on="2026-03-01")
    enable, rate = await _rows(hub, sub["id"])
    assert enable.params == {"interface": huawei_port, "customer_vlan": 300}
    assert set(rate.params) == {"interface", "rate_kbps", "plan"}
    queued = await _job(hub, enable.job_id)
    switch = ssh_sim.add_device("huawei_vrp")
    switch.state.interface(huawei_port).admin_up = False
    done = await executor_for(switch).run(job(switch, "resume_customer", **queued.params))
    assert done.outcome == "succeeded", done.output
    port = switch.state.interface(huawei_port)
    assert (port.admin_up, port.access_vlan) == (True, 300)


async def test_qinq_gives_the_s_vlan_of_a_dot1q_tunnel_port(hub: Hub) -> None:
    owner = await hub.new_tenant("net-qinq")
    (enable, rate), _ = await _activated(hub, owner, ("qinq",))
    # cisco_ios declares customer_svlan only: the CPE tags the C-VLAN itself.
    assert enable.params == {"interface": PORT, "customer_svlan": 2000}
    queued = await _job(hub, enable.job_id)
    assert queued.params == enable.params and "customer_cvlan" not in rate.params
    assert render(load_actions("cisco_ios").action("resume_customer"), queued.params) == [
        f"interface {PORT}", "switchport access vlan 2000", "switchport mode dot1q-tunnel",
        "no shutdown"]


async def test_without_a_vlan_the_jobs_are_unchanged(
        hub: Hub, ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    owner = await hub.new_tenant("net-novlan")
    (enable, rate), _ = await _activated(hub, owner, ())
    assert (enable.params, rate.params) == (
        {"interface": PORT}, {"interface": PORT, "rate_kbps": 100_000, "plan": "Fibre-100-20"})
    queued = await _job(hub, enable.job_id)
    assert render(load_actions("cisco_ios").action("resume_customer"), queued.params) == [
        f"interface {PORT}", "no shutdown"]
    switch = ssh_sim.add_device("cisco_ios")
    switch.state.interface(PORT).access_vlan = 77  # someone else's setting stays
    done = await executor_for(switch).run(job(switch, "resume_customer", **queued.params))
    assert done.outcome == "succeeded", done.output
    assert switch.state.interface(PORT).access_vlan == 77


async def test_only_actions_that_declare_them_receive_vlans(hub: Hub) -> None:
    owner = await hub.new_tenant("net-vlan-steps")
    device = await _device(hub, owner)
    sub = await _subscription(hub, owner, device)
    await _allocate(hub, owner, device["site_id"], sub, "single")
    await _allocate(hub, owner, device["site_id"], sub, "qinq")
    for step in ({"action": "activate", "on": "2026-03-01"},
                 {"action": "suspend", "mode": "throttle", "on": "2026-03-10"},
                 {"action": "resume", "on": "2026-03-12"},
                 {"action": "suspend", "mode": "disconnect", "on": "2026-03-15"}):
        await _step(hub, owner, sub, **step)
    rows = await _rows(hub, sub["id"])
    got = [(r.job_action, sorted(set(r.params) - {"interface"})) for r in rows]
    # Both tags held: the QinQ S-VLAN and the single tag both go to resume_customer,
    # whose template puts the port in the tunnel; nothing else declares a VLAN.
    assert got == [("resume_customer", ["customer_svlan", "customer_vlan"]),
                   ("change_plan", ["plan", "rate_kbps"]),
                   ("set_port_speed", ["rate_kbps"]),
                   ("resume_customer", ["customer_svlan", "customer_vlan"]),
                   ("change_plan", ["plan", "rate_kbps"]),
                   ("suspend_customer", [])]
    assert all(r.job_id is not None and r.status == "requested" for r in rows)


def test_the_walled_garden_resume_gets_the_customers_own_vlan(tmp_path: Path) -> None:
    # In suspend_mode walled_garden_vlan, resume_customer needs `vlan`, the customer's own
    # VLAN, which IPAM's single tag is.
    garden = _garden_profile(tmp_path)
    tags = SubscriberVlans(vlan=120, svlan=2000, cvlan=10)
    assert vlan_params(garden, "resume_customer", tags) == {"vlan": 120}
    assert vlan_params(garden, "resume_customer", SubscriberVlans()) == {}
    # Its suspend's `vlan` is the walled garden's, never the customer's.
    assert vlan_params(garden, "suspend_customer", tags) == {}
    shipped = load_actions("cisco_ios")
    assert vlan_params(shipped, "resume_customer", tags) == {"customer_vlan": 120,
                                                             "customer_svlan": 2000}
    assert vlan_params(shipped, "bounce_port", tags) == {}
    assert vlan_params(shipped, "no_such_action", tags) == {}


async def test_arista_eos_access_vlan_and_dot1q_tunnel(
        ssh_sim: Simulator, executor_for: Callable[..., Executor]) -> None:
    action = load_actions("arista_eos").action("resume_customer")
    assert render(action, {"interface": "Ethernet2", "customer_svlan": 2000,
                           "customer_vlan": 300}) == [
        "interface Ethernet2", "switchport access vlan 2000", "switchport mode dot1q-tunnel",
        "no shutdown"]
    assert render(action, {"interface": "Ethernet2"}) == ["interface Ethernet2", "no shutdown"]
    switch = ssh_sim.add_device("arista_eos")
    port = switch.state.interface("Ethernet2")
    port.admin_up, port.access_vlan = False, 77
    done = await executor_for(switch).run(job(switch, "resume_customer", interface="Ethernet2",
                                              customer_vlan=300))
    assert done.outcome == "succeeded", done.output
    assert (port.admin_up, port.access_vlan) == (True, 300)


def _garden_profile(tmp_path: Path) -> PlatformActions:
    """A cisco_ios copy in suspend_mode walled_garden_vlan (how an ISP opts in: a profile of
    its own whose suspension moves the port instead of shutting it)."""
    folder = tmp_path / "cisco_ios"
    folder.mkdir(exist_ok=True)
    doc = yaml.safe_load((firmware_profiles.root() / "cisco_ios" / "actions.yaml").read_text())
    doc["suspend_mode"] = "walled_garden_vlan"
    doc.pop("cli_metrics", None)
    (folder / "actions.yaml").write_text(yaml.safe_dump(doc))
    return load_actions("cisco_ios", tmp_path)


async def test_a_walled_garden_suspension_moves_the_port_into_its_sites_garden_vlan(
        hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    garden = _garden_profile(tmp_path)
    # the hub's provisioning (billing's steps and the job check) sees that profile
    for module in (network, validation):
        monkeypatch.setattr(module, "platform_actions", lambda profile: garden)
    owner = await hub.new_tenant("net-garden")
    device = await _device(hub, owner)
    sub = await _subscription(hub, owner, device)
    await _step(hub, owner, sub, action="activate", on="2026-03-01")
    # the site has no walled-garden VLAN yet: the suspension says so instead of a job
    await _step(hub, owner, sub, action="suspend", mode="disconnect", on="2026-03-10")
    [refused] = [r for r in await _rows(hub, sub["id"]) if r.job_action == "suspend_customer"]
    assert refused.status == "failed" and refused.job_id is None
    assert (f"has none: set walled_garden_vlan with PATCH /sites/{device['site_id']}"
            in (refused.reason or ""))
    site = await hub.client.patch(f"/sites/{device['site_id']}",
                                  json={"walled_garden_vlan": 999}, headers=owner.headers)
    assert site.status_code == 200 and site.json()["walled_garden_vlan"] == 999
    await _step(hub, owner, sub, action="resume", on="2026-03-11")
    await _step(hub, owner, sub, action="suspend", mode="disconnect", on="2026-03-12")
    suspended = [r for r in await _rows(hub, sub["id"]) if r.job_action == "suspend_customer"]
    assert suspended[-1].params == {"interface": PORT, "vlan": 999}
    assert (suspended[-1].status, suspended[-1].reason) == ("requested", None), suspended[-1].reason
    queued = await _job(hub, suspended[-1].job_id)
    assert queued.params == {"interface": PORT, "vlan": 999}
    assert "switchport access vlan 999" in render(garden.action("suspend_customer"),
                                                  dict(queued.params))


async def test_the_sites_walled_garden_vlan_is_validated_and_cleared_with_null(
        hub: Hub) -> None:
    owner = await hub.new_tenant("site-garden")
    made = await hub.post(owner, "/sites", {"name": "pop-g", "walled_garden_vlan": 4000})
    assert made["walled_garden_vlan"] == 4000
    for bad in (0, 4095, "ten"):
        resp = await hub.client.patch(f"/sites/{made['id']}", json={"walled_garden_vlan": bad},
                                      headers=owner.headers)
        assert resp.status_code == 422, resp.text
    renamed = await hub.client.patch(f"/sites/{made['id']}", json={"name": "pop-g2"},
                                     headers=owner.headers)
    assert renamed.json()["walled_garden_vlan"] == 4000  # untouched when not sent
    cleared = await hub.client.patch(f"/sites/{made['id']}", json={"walled_garden_vlan": None},
                                     headers=owner.headers)
    assert cleared.status_code == 200 and cleared.json()["walled_garden_vlan"] is None
    assert cleared.json()["name"] == "pop-g2"
