"""Configuration backups through the whole path: an unchanged device makes no new version,
a changed one makes a version whose diff shows the change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.hub.jobs.conftest import Stack, create_job, final, new_site, sites, stack, wait_job
from tests.ssh_sim import Simulator

__all__ = ["sites", "stack"]
PORT = "GigabitEthernet0/2"
pytestmark = pytest.mark.asyncio(loop_scope="session")


async def backup(stack: Stack, device_id: str) -> dict[str, Any]:
    """Run a backup_config job to success."""
    job = await create_job(stack, device_id, "backup_config")
    done = await wait_job(stack, job["id"], final)
    assert done["state"] == "succeeded", done
    return done


async def versions(stack: Stack, device_id: str) -> list[dict[str, Any]]:
    """The device's stored configuration versions."""
    resp = await stack.hub.client.get(f"/devices/{device_id}/config-versions",
                                      headers=stack.owner.headers)
    assert resp.status_code == 200, resp.text
    data: list[dict[str, Any]] = resp.json()["data"]
    return data


async def diff(stack: Stack, device_id: str, version: int) -> dict[str, Any]:
    """The unified diff of one version against the previous one."""
    resp = await stack.hub.client.get(f"/devices/{device_id}/config-versions/{version}/diff",
                                      headers=stack.owner.headers)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def test_unchanged_config_is_one_version_and_a_change_is_a_diff(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    site = await new_site(stack, dev, tmp_path)
    sites.append(site)
    await site.start(stack)

    first = await backup(stack, site.device_id)
    await backup(stack, site.device_id)
    stored = await versions(stack, site.device_id)
    assert [v["version"] for v in stored] == [1]
    assert stored[0]["job_id"] == first["id"]
    v1 = await diff(stack, site.device_id, 1)
    assert v1["previous_version"] is None
    assert f"+interface {PORT}" in v1["diff"]
    # Secrets were scrubbed by the agent before the config ever left the POP.
    assert "username admin privilege 15 password 7 <removed>" in v1["diff"]

    job = await create_job(stack, site.device_id, "suspend_customer", interface=PORT)
    assert (await wait_job(stack, job["id"], final))["state"] == "succeeded"
    await backup(stack, site.device_id)
    assert [v["version"] for v in await versions(stack, site.device_id)] == [1, 2]
    v2 = await diff(stack, site.device_id, 2)
    assert v2["previous_version"] == 1
    changed = [line for line in v2["diff"].splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["+ shutdown"], v2["diff"]

    missing = await stack.hub.client.get(f"/devices/{site.device_id}/config-versions/9/diff",
                                         headers=stack.owner.headers)
    assert missing.status_code == 404, missing.text
