"""Jobs end to end: hub API -> dispatcher -> Mosquitto -> agent runtime -> SSH simulator
-> JobProgress/JobResult -> ingest -> job state at the API."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from hub.jobs.dispatcher import request_for
from hub.jobs.models import ProvisioningJob
from protocol import Channel, build, encode
from tests.hub.jobs.conftest import Stack, create_job, final, new_site, sites, stack, wait_job
from tests.ssh_sim import Simulator

__all__ = ["sites", "stack"]
PORT = "GigabitEthernet0/2"
pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_suspend_resume_and_change_plan_reach_the_device(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    site = await new_site(stack, dev, tmp_path)
    sites.append(site)
    await site.start(stack)

    job = await create_job(stack, site.device_id, "suspend_customer", interface=PORT)
    done = await wait_job(stack, job["id"], final)
    assert done["state"] == "succeeded", done
    assert dev.state.interface(PORT).admin_up is False
    assert [h["to_state"] for h in done["history"]] == [
        "queued", "dispatched", "running", "succeeded"]
    assert done["history"][-1]["actor"] == f"agent:{site.agent_id}"

    job = await create_job(stack, site.device_id, "resume_customer", interface=PORT)
    assert (await wait_job(stack, job["id"], final))["state"] == "succeeded"
    assert dev.state.interface(PORT).admin_up is True

    job = await create_job(stack, site.device_id, "change_plan", interface=PORT,
                           rate_kbps=25_000, plan="gold")
    assert (await wait_job(stack, job["id"], final))["state"] == "succeeded"
    assert dev.state.interface(PORT).rate_in_bps == 25_000_000


# Every other shipped CLI platform, through the whole path (the executor-level flows and
# the fault table per platform live in tests/agent_ssh/).
PLATFORM_PORTS = {"arista_eos": "Ethernet2", "cisco_nxos": "Ethernet1/2",
                  "huawei_vrp": "GigabitEthernet0/0/2", "juniper_junos": "ge-0/0/2",
                  "mikrotik_routeros": "ether2", "ubiquiti_edgeos": "eth2"}


@pytest.mark.parametrize("platform", sorted(PLATFORM_PORTS))
async def test_every_cli_platform_suspends_and_resumes_through_the_hub(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path, platform: str) -> None:
    dev = ssh_sim.add_device(platform)
    port = PLATFORM_PORTS[platform]
    site = await new_site(stack, dev, tmp_path)
    sites.append(site)
    await site.start(stack)

    job = await create_job(stack, site.device_id, "suspend_customer", interface=port)
    done = await wait_job(stack, job["id"], final)
    assert done["state"] == "succeeded", done
    assert dev.state.interface(port).admin_up is False

    job = await create_job(stack, site.device_id, "resume_customer", interface=port)
    done = await wait_job(stack, job["id"], final)
    assert done["state"] == "succeeded", done
    assert dev.state.interface(port).admin_up is True


async def test_wrong_password_fails_with_auth_failed(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    dev.faults.wrong_password = True
    site = await new_site(stack, dev, tmp_path)
    sites.append(site)
    await site.start(stack)
    job = await create_job(stack, site.device_id, "suspend_customer", interface=PORT)
    done = await wait_job(stack, job["id"], final)
    assert (done["state"], done["error_code"]) == ("failed", "auth_failed"), done
    assert dev.state.interface(PORT).admin_up is True


async def test_offline_agent_past_the_deadline_expires(
        stack: Stack, ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    site = await new_site(stack, dev, tmp_path)  # its agent never starts
    job = await create_job(stack, site.device_id, "suspend_customer", deadline_s=5,
                           interface=PORT)
    done = await wait_job(stack, job["id"], final, within_s=20)
    assert (done["state"], done["error_code"]) == ("expired", "expired"), done
    assert [h["actor"] for h in done["history"]][-1] == "sweeper"
    assert dev.state.logins == 0


async def test_the_same_job_delivered_twice_is_applied_once(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    site = await new_site(stack, dev, tmp_path)
    sites.append(site)
    await site.start(stack)
    job = await create_job(stack, site.device_id, "suspend_customer", interface=PORT)
    await wait_job(stack, job["id"], lambda j: j["state"] != "queued")
    # Re-send the very same JobRequest, as a redelivery after a hub crash would.
    async with stack.sessions() as session:
        row = await session.get(ProvisioningJob, uuid.UUID(job["id"]))
        assert row is not None
        request = request_for(row, site.agent_id)
        payload = encode(request)
    # The hub names the device by its id; the name is the label a local device answers to.
    assert (request.device, request.device_name) == (str(row.device_id), row.device_name)
    await stack.dispatcher.publisher.publish(build(site.agent_id, Channel.JOB), payload)
    done = await wait_job(stack, job["id"], final)
    assert done["state"] == "succeeded", done
    await asyncio.sleep(1.5)  # room for the duplicate to (not) act
    shutdowns = [c for c in dev.state.commands if c.strip() == "shutdown"]
    assert len(shutdowns) == 1, dev.state.commands
    again = (await stack.hub.client.get(f"/jobs/{job['id']}", headers=stack.owner.headers)).json()
    assert [h["to_state"] for h in again["history"]].count("succeeded") == 1
