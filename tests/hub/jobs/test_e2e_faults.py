"""Device faults seen from the hub API: a refused command and a session dropped mid-change
end in definite states with their error codes and the history that shows them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hub.jobs.conftest import Stack, create_job, final, new_site, sites, stack, wait_job
from tests.ssh_sim import Simulator

__all__ = ["sites", "stack"]
pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_refused_command_fails_the_job_with_command_rejected(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    dev.faults.reject = [r"^interface "]  # the first line: nothing is applied
    site = await new_site(stack, dev, tmp_path)
    sites.append(site)
    await site.start(stack)

    job = await create_job(stack, site.device_id, "suspend_customer",
                           interface="GigabitEthernet0/1")
    done = await wait_job(stack, job["id"], final)

    assert (done["state"], done["error_code"]) == ("failed", "command_rejected"), done
    assert [h["to_state"] for h in done["history"]] == [
        "queued", "dispatched", "running", "failed"]
    assert "% Invalid input" in done["output"]
    assert "rollback" not in done["output"], "nothing was applied, so nothing to undo"
    assert dev.state.interface("GigabitEthernet0/1").admin_up is True


async def test_a_session_dropped_mid_change_is_rolled_back_and_reported(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    port = dev.state.interface("GigabitEthernet0/3")
    port.rate_in_bps = 10_000_000
    site = await new_site(stack, dev, tmp_path)
    sites.append(site)
    await site.start(stack)
    # interface, description, no rate-limit are applied; the session dies on the next line.
    dev.faults.drop_after_config_lines = 3
    logins = dev.state.logins

    job = await create_job(stack, site.device_id, "change_plan", interface=port.name,
                           rate_kbps=20_000, plan="gold")
    done = await wait_job(stack, job["id"], final)

    assert (done["state"], done["error_code"]) == ("rolled_back", "unreachable"), done
    states = [h["to_state"] for h in done["history"]]
    assert states == ["queued", "dispatched", "running", "rolled_back"], states
    assert done["history"][-1]["actor"] == f"agent:{site.agent_id}"
    assert "closed the SSH session" in done["output"]
    assert "rollback after unreachable" in done["output"]
    assert dev.state.logins == logins + 2, "the rollback ran on a fresh login"
    assert (port.rate_in_bps, port.description) == (10_000_000, ""), "the old plan is back"
