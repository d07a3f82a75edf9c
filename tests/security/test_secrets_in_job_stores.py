"""A support user (`jobs:read`) must never read a device secret: the whole path on real
services (hub API + PostgreSQL, ingest worker, dispatcher on Mosquitto, an agent runtime,
the SSH simulator). Issue #16, High 3; the rule corpus is in test_secrets_in_job_output.py.

Before the fix a backup job's output held the whole configuration (readable with
`jobs:read`), the backup scrubber left BGP, OSPF, NTP, SNMP-host and TACACS+ keys in it,
`run_show` offered `show running-config`, and the hub stored whatever an agent sent.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import edge_agent.executor.executor
import edge_agent.executor.runner
from edge_agent.executor import Executor
from firmware_profiles.scrub import Scrubber
from hub import migrations
from hub.jobs.models import ConfigVersion, ProvisioningJob
from tests.agent_ssh.conftest import executor_for, job
from tests.hub.jobs.conftest import Stack, create_job, final, new_site, sites, stack, wait_job
from tests.ssh_sim import Simulator

__all__ = ["executor_for", "sites", "stack"]
pytestmark = pytest.mark.asyncio(loop_scope="session")

# Lines a real POP router holds, each with a secret the old backup rules did not know.
SECRET_LINES = {
    "BgpPlain-77": "router bgp 65000\n neighbor 192.0.2.1 password BgpPlain-77",
    "OspfMd5-Key": "interface Loopback9\n ip ospf message-digest-key 1 md5 OspfMd5-Key",
    "NtpKey-Ios": "ntp authentication-key 1 md5 NtpKey-Ios 7",
    "TrapComm-1": "snmp-server host 198.51.100.5 version 2c TrapComm-1",
    "IkePsk-Ios": "crypto isakmp key IkePsk-Ios address 203.0.113.9",
    "TacacsKey-9": "tacacs-server host 192.0.2.50 key TacacsKey-9",
}


async def _backup_of_a_router_with_secrets(stack: Stack, sites: list, ssh_sim: Simulator,
                                           tmp_path: Path) -> tuple[str, dict[str, Any]]:
    dev = ssh_sim.add_device("cisco_ios")
    for lines in SECRET_LINES.values():
        dev.state.global_lines.extend(lines.split("\n"))
    site = await new_site(stack, dev, tmp_path)
    sites.append(site)
    await site.start(stack)
    job = await create_job(stack, site.device_id, "backup_config")
    done = await wait_job(stack, job["id"], final)
    assert done["state"] == "succeeded", done
    return site.device_id, done


async def _stored_config(stack: Stack, device_id: str) -> str:
    resp = await stack.hub.client.get(f"/devices/{device_id}/config-versions/1/diff",
                                      headers=stack.owner.headers)
    assert resp.status_code == 200, resp.text
    diff: str = resp.json()["diff"]
    return diff


def _assert_no_secret(text: str, where: str) -> None:
    left = [secret for secret in SECRET_LINES if secret in text]
    assert left == [], f"{where} shows {left}"


async def test_a_backup_jobs_output_holds_no_configuration(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path) -> None:
    device_id, job = await _backup_of_a_router_with_secrets(stack, sites, ssh_sim, tmp_path)
    # jobs:read sees that a backup ran and its hash, not the configuration...
    assert "hostname" not in job["output"] and "snmp-server" not in job["output"], job
    assert "config_backup" in job["output"]
    _assert_no_secret(job["output"], "the job output")
    # ...which is a config version (config_versions:read), scrubbed.
    config = await _stored_config(stack, device_id)
    assert "+hostname " in config
    _assert_no_secret(config, "the stored config version")
    assert "+snmp-server host 198.51.100.5 version 2c <removed>" in config


async def test_an_agent_that_does_not_scrub_still_stores_no_secret(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # An agent with older (or no) secret rules: the hub's own scrub is the second line.
    def no_rules(os_name: str | None = None) -> Scrubber:
        return Scrubber(())

    monkeypatch.setattr(edge_agent.executor.runner, "scrubber", no_rules, raising=False)
    monkeypatch.setattr(edge_agent.executor.executor, "scrubber", no_rules, raising=False)
    device_id, job = await _backup_of_a_router_with_secrets(stack, sites, ssh_sim, tmp_path)
    _assert_no_secret(job["output"], "the job output")
    _assert_no_secret(await _stored_config(stack, device_id), "the stored config version")


async def test_a_configuration_dump_cannot_be_asked_for_as_a_show(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    site = await new_site(stack, dev, tmp_path)
    resp = await stack.hub.client.post(
        "/jobs", headers={**stack.owner.headers, "Idempotency-Key": "dump-1"},
        json={"device_id": site.device_id, "action": "run_show",
              "params": {"command": "show running-config"}})
    assert resp.status_code == 422, resp.text


async def test_the_agent_publishes_no_secret(ssh_sim: Simulator,
                                             executor_for: Callable[..., Executor]) -> None:
    # First line of defence: what leaves the POP (and what the agent's job store keeps).
    dev = ssh_sim.add_device("cisco_ios")
    for lines in SECRET_LINES.values():
        dev.state.global_lines.extend(lines.split("\n"))
    result = await executor_for(dev).run(job(dev, "backup_config"))
    assert result.outcome == "succeeded", result.output
    config = json.loads(result.output)["config"]
    assert "hostname " in config
    _assert_no_secret(result.output, "the published job result")


async def test_outputs_stored_before_the_upgrade_are_scrubbed_by_the_migration(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path) -> None:
    device_id, job = await _backup_of_a_router_with_secrets(stack, sites, ssh_sim, tmp_path)
    # What a hub before the fix stored: the raw configuration, in the job and the version.
    raw = "hostname r1\n" + "\n".join(SECRET_LINES.values()) + "\nend\n"
    async with stack.sessions() as session, session.begin():
        await session.execute(sa.update(ProvisioningJob)
                              .where(ProvisioningJob.id == uuid.UUID(job["id"]))
                              .values(output=json.dumps({"kind": "config_backup",
                                                         "sha256": "0" * 64, "config": raw})))
        await session.execute(sa.update(ConfigVersion)
                              .where(ConfigVersion.device_id == uuid.UUID(device_id))
                              .values(text=raw))
    bind = stack.sessions.kw["bind"]
    url = bind.url.render_as_string(hide_password=False)
    await asyncio.to_thread(migrations.downgrade, url, "0012")
    await asyncio.to_thread(migrations.upgrade, url)

    resp = await stack.hub.client.get(f"/jobs/{job['id']}", headers=stack.owner.headers)
    assert resp.status_code == 200, resp.text
    assert "hostname" not in resp.json()["output"]
    _assert_no_secret(resp.json()["output"], "an old job output")
    resp = await stack.hub.client.get(f"/devices/{device_id}/config-versions/1/diff",
                                      headers=stack.owner.headers)
    assert "+hostname r1" in resp.json()["diff"]
    _assert_no_secret(resp.json()["diff"], "an old config version")
