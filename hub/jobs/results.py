"""What an agent's JobProgress/JobResult does to a job. Ingest announces each report as
`JobReported` inside its transaction, after the seq dedupe; `on_job_reported` (registered in
hub.handlers) applies it. Idempotent: a repeated or late message changes nothing once the job
has moved on, and only the agent the job was sent to can move it.

Nothing an agent reports is stored before the device's secret rules scrubbed it
(firmware_profiles.scrub; the agent scrubbed it too, this is the second line of defence), and
a backup's configuration goes only into a config version, never into the job's output.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from firmware_profiles.scrub import Scrubber, scrubber
from hub.ingest.events import JobReported
from hub.inventory.repository import DeviceRepository
from hub.jobs.backups import BACKUP_ACTION, backup_payload, backup_summary, store_backup
from hub.jobs.models import ProvisioningJob
from hub.jobs.repository import job_by_id
from hub.jobs.transitions import move
from protocol import JobProgress, JobResult

log = logging.getLogger("dotmac.hub.jobs")


async def on_job_reported(session: AsyncSession, event: JobReported) -> None:
    """Apply an agent's job report (progress or result) to the job it names."""
    if isinstance(event.report, JobProgress):
        await apply_progress(session, event.agent_id, event.tenant_id, event.report)
    else:
        await apply_result(session, event.agent_id, event.tenant_id, event.report)


async def _own_job(session: AsyncSession, agent_id: uuid.UUID, tenant_id: uuid.UUID,
                   job_id: uuid.UUID) -> ProvisioningJob | None:
    job = await job_by_id(session, job_id)
    if job is None or job.agent_id != agent_id or job.tenant_id != tenant_id:
        log.warning("jobs.foreign_message job_id=%s agent=%s", job_id, agent_id)
        return None
    return job


async def _secrets(session: AsyncSession, job: ProvisioningJob) -> Scrubber:
    """The secret rules of the job's device platform (every platform's when unknown)."""
    device = await DeviceRepository(session, job.tenant_id).find(job.device_id)
    return scrubber(device.profile if device is not None else None)


def _job_output(job: ProvisioningJob, output: str) -> str:
    """What the job row keeps: a backup's output without its configuration."""
    if job.action != BACKUP_ACTION:
        return output
    data = backup_payload(output)
    if data is not None:
        return backup_summary(data)
    if '"config_backup"' in output[:64]:  # a backup document cut at the agent's size limit
        return ("config backup unreadable (cut at the agent's output limit?); no config "
                "version was stored and the configuration is not kept here")
    return output


async def apply_progress(session: AsyncSession, agent_id: uuid.UUID, tenant_id: uuid.UUID,
                         message: JobProgress) -> None:
    """dispatched -> running on the first progress report; later steps only log."""
    job = await _own_job(session, agent_id, tenant_id, message.job_id)
    if job is None:
        return
    if job.state == "dispatched":
        detail = (await _secrets(session, job)).scrub(f"{message.step}: {message.message}")
        await move(session, job.id, "running", f"agent:{agent_id}", detail,
                   only_from=("dispatched",))


async def apply_result(session: AsyncSession, agent_id: uuid.UUID, tenant_id: uuid.UUID,
                       message: JobResult) -> None:
    """The final state, error code and output (the move announces JobFinished); a backup's
    config becomes a version."""
    job = await _own_job(session, agent_id, tenant_id, message.job_id)
    if job is None:
        return
    code = message.error_code.value if message.error_code is not None else None
    # Off the event loop: a 256 KiB output takes the rules some tens of milliseconds.
    output = await asyncio.to_thread((await _secrets(session, job)).scrub_output,
                                     message.output)
    left = await move(session, job.id, message.outcome, f"agent:{agent_id}", code or "",
                      only_from=("dispatched", "running"), error_code=code,
                      output=_job_output(job, output), finished_at=message.finished_at)
    if left is None:
        log.info("jobs.late_result job_id=%s state=%s outcome=%s", job.id, job.state,
                 message.outcome)
        return
    if message.outcome == "succeeded" and job.action == BACKUP_ACTION:
        await store_backup(session, job, output)
