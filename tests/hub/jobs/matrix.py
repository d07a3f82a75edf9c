"""Provisioning-job and config-version cases for the hub's role and tenant-isolation matrices.

The hub in those tests runs no dispatcher, so a job made here stays queued (cancellable).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Any

from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory, Request


def _n() -> str:
    return secrets.token_hex(4)


async def job_device(hub: Hub, owner: Account) -> dict[str, Any]:
    """A cisco-ios device (its profile has SSH actions) polled by a new agent."""
    site = await hub.post(owner, "/sites", {"name": f"s-{_n()}"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"], "name": f"a-{_n()}"})
    return await hub.post(owner, "/devices", {
        "site_id": site["id"], "agent_id": agent["id"], "name": f"d-{_n()}",
        "management_address": "192.0.2.20", "profile": "cisco_ios"})


def job_body(device_id: str) -> dict[str, Any]:
    """A valid create body: get_facts takes no parameters."""
    return {"device_id": device_id, "action": "get_facts", "params": {}}


async def queued_job(hub: Hub, owner: Account) -> dict[str, Any]:
    """A new get_facts job (stays queued: no dispatcher runs in the matrix hub)."""
    device = await job_device(hub, owner)
    return await hub.post(owner, "/jobs", job_body(device["id"]))


async def versioned_device(hub: Hub, owner: Account) -> dict[str, Any]:
    """A device with one stored configuration version (as a backup job would leave)."""
    from hub.jobs.models import ConfigVersion

    device = await job_device(hub, owner)
    async with hub.app.state.sessions() as session, session.begin():
        session.add(ConfigVersion(tenant_id=owner.tenant_id, device_id=uuid.UUID(device["id"]),
                                  version=1, sha256="0" * 64, text="hostname x\n", job_id=None))
    return device


async def _create(hub: Hub, owner: Account) -> Request:
    return {}, job_body((await job_device(hub, owner))["id"])


async def _job(hub: Hub, owner: Account) -> Request:
    return {"job_id": (await queued_job(hub, owner))["id"]}, None


async def _versions(hub: Hub, owner: Account) -> Request:
    return {"device_id": (await versioned_device(hub, owner))["id"]}, None


async def _diff(hub: Hub, owner: Account) -> Request:
    return {"device_id": (await versioned_device(hub, owner))["id"], "version": "1"}, None


async def _plain(hub: Hub, owner: Account) -> Request:
    return {}, None


REQUESTS: dict[str, Factory] = {
    "jobs_create": _create,
    "jobs_list": _plain,
    "jobs_get": _job,
    "jobs_cancel": _job,
    "config_versions_list": _versions,
    "config_versions_diff": _diff,
}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """A job and a versioned device of one tenant, for the isolation matrix."""
    job = await queued_job(hub, owner)
    device = await versioned_device(hub, owner)
    return {"j_job": job["id"], "j_job_device": job["device_id"], "j_device": device["id"],
            "j_key": job["idempotency_key"]}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per job/config-version operation, built with the matrix's `Case` class."""
    return {
        "jobs_list": case("own", {}, query={"device_id": a["j_job_device"]}),
        "jobs_create": case("foreign", {}, job_body(a["j_job_device"])),
        "jobs_get": case("foreign", {"job_id": a["j_job"]}),
        "jobs_cancel": case("foreign", {"job_id": a["j_job"]}),
        "config_versions_list": case("foreign", {"device_id": a["j_device"]}),
        "config_versions_diff": case("foreign", {"device_id": a["j_device"], "version": "1"}),
    }
