"""The hub runs the dispatcher itself: a single-process hub (embedded ingest) takes a job
from the API to the device and back; several dispatchers at once still send a job once."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hub.jobs.dispatcher import JobDispatcher
from hub.jobs.models import JobTransition
from hub.jobs.mqtt import MqttCommandPublisher
from tests.hub.harness import hub_settings, running_hub
from tests.hub.jobs.conftest import Stack, create_job, final, new_site, sites, stack, wait_job
from tests.services.mosquitto import Broker
from tests.services.victoria import Victoria
from tests.ssh_sim import Simulator

__all__ = ["sites", "stack"]
PORT = "GigabitEthernet0/2"
pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_an_embedded_hub_dispatches_and_settles_jobs(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path, mosquitto: Broker,
        victoria: Victoria, monkeypatch: pytest.MonkeyPatch) -> None:
    stack.dispatcher.stop()  # from here on only the embedded hub's dispatcher works
    tag = secrets.token_hex(3)
    for name, value in {"BROKER_HOST": mosquitto.host, "BROKER_PORT": str(mosquitto.port),
                        "INGEST_USERNAME": mosquitto.hub.username,
                        "INGEST_PASSWORD": mosquitto.hub.password,
                        "JOBS_USERNAME": mosquitto.hub.username,
                        "JOBS_PASSWORD": mosquitto.hub.password, "TSDB_URL": victoria.url,
                        "INGEST_CLIENT_ID": f"emb-{tag}", "INGEST_GROUP": f"emb-{tag}"}.items():
        monkeypatch.setenv(f"DOTMAC_HUB_{name}", value)
    settings = hub_settings(stack.hub.settings.database_url, ingest_embedded=True)
    async with running_hub(settings, migrate=False) as embedded:
        dev = ssh_sim.add_device("cisco_ios")
        site = await new_site(stack, dev, tmp_path)
        sites.append(site)
        await site.start(stack)
        job = await create_job(stack, site.device_id, "suspend_customer", interface=PORT)
        done = await wait_job(stack, job["id"], final, within_s=40)
        assert embedded.app.state.settings.ingest_in_process
    assert done["state"] == "succeeded", done
    assert [h["actor"] for h in done["history"]][1] == "dispatcher"
    assert dev.state.interface(PORT).admin_up is False


async def test_a_job_sent_before_its_agent_first_connected_is_sent_again(
        stack: Stack, sites: list, ssh_sim: Simulator, tmp_path: Path, mosquitto: Broker,
) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    site = await new_site(stack, dev, tmp_path)
    sites.append(site)
    publisher = MqttCommandPublisher(mosquitto.host, mosquitto.port, mosquitto.hub.username,
                                     mosquitto.hub.password, f"resend-{secrets.token_hex(3)}")
    dispatcher = JobDispatcher(stack.sessions, publisher, interval_s=0.2, resend_after_s=2.0)
    task = asyncio.create_task(dispatcher.run())
    try:
        job = await create_job(stack, site.device_id, "suspend_customer", interface=PORT)
        # Published while the agent has no broker session yet: the broker drops it.
        await wait_job(stack, job["id"], lambda j: j["state"] == "dispatched", within_s=10)
        await site.start(stack)
        done = await wait_job(stack, job["id"], final, within_s=40)  # deadline is 60 s
    finally:
        dispatcher.stop()
        await task
        await publisher.close()
    assert done["state"] == "succeeded", done
    assert [h["to_state"] for h in done["history"]].count("dispatched") == 1
    assert dev.state.interface(PORT).admin_up is False


async def test_racing_dispatchers_send_each_job_once(
        stack: Stack, ssh_sim: Simulator, tmp_path: Path, mosquitto: Broker) -> None:
    jobs = []
    for _ in range(4):  # agents never start: the jobs stay dispatched
        site = await new_site(stack, ssh_sim.add_device("cisco_ios"), tmp_path)
        jobs.append(await create_job(stack, site.device_id, "get_facts"))
    publishers = [MqttCommandPublisher(mosquitto.host, mosquitto.port, mosquitto.hub.username,
                                       mosquitto.hub.password, f"race-{i}-{secrets.token_hex(3)}")
                  for i in range(3)]
    try:
        reports = await asyncio.gather(*(JobDispatcher(stack.sessions, p).tick()
                                         for p in publishers))
    finally:
        for publisher in publishers:
            await publisher.close()
    ids = [j["id"] for j in jobs]
    async with stack.sessions() as session:
        sent = (await session.execute(
            select(JobTransition.job_id, func.count()).where(
                JobTransition.to_state == "dispatched",
                JobTransition.job_id.in_([uuid.UUID(i) for i in ids]))
            .group_by(JobTransition.job_id))).all()
    assert sorted(str(job_id) for job_id, _ in sent) == sorted(ids)
    assert all(count == 1 for _, count in sent), sent
    assert sum(r.dispatched for r in reports) <= len(ids)
