"""Records what agents answer on up/config (ConfigReported, inside ingest's transaction,
after its seq dedupe).

- `applied`: the agent runs `config_version` now.
- `rejected`: it refused `config_version` (error code and detail kept); what it applied
  before still runs, so `applied_version` stays.
- `current`: sent after every connect, what the agent runs. It is the agent's truth, so
  it may move `applied_version` back (a reinstalled agent runs nothing). When it runs less
  than desired, `pushed_version` drops to it, so the pusher sends the newest at its next
  pass instead of waiting for the resend interval.

Any answer from an agent the hub never versioned (its devices predate config push) gives it
a first version of what the inventory holds; one running *more* than the hub desires (the
hub database was restored from a backup) makes desired_version jump past it, or the agent
would refuse every push as stale.

Other acks never move `applied_version` backwards: a late `applied` of an older version
(redelivered, reordered) only refreshes `acked_at`.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from hub.fleet import repository as repo
from hub.fleet.builder import fingerprint
from hub.fleet.models import AgentConfigState
from hub.fleet.versioning import desire
from hub.ingest.events import ConfigReported
from hub.metrics import count
from protocol import ConfigAck

log = logging.getLogger("dotmac.hub.fleet")
ACKS = "dotmac_fleet_config_acks_total"
REJECTS = "dotmac_fleet_config_rejects_total"


async def on_config_reported(session: AsyncSession, event: ConfigReported) -> None:
    """Apply one agent's config_ack to its config state."""
    report = event.report
    state = await repo.locked_state(session, event.agent_id, event.tenant_id)
    if report.status == "applied":
        _applied(state, report)
    elif report.status == "rejected":
        _rejected(state, report)
    else:
        _current(state, report)
    if state.applied_version > state.desired_version or not state.desired_hash:
        await _version_now(session, state)
    state.last_status, state.acked_at = report.status, event.received_at
    if report.status == "rejected":
        state.last_error_at = event.received_at
    await session.flush()
    count(ACKS, "config_ack messages from agents by status", status=report.status)
    log.info("fleet.config_ack agent_id=%s status=%s version=%d applied=%d desired=%d "
             "error_code=%s", event.agent_id, report.status, report.config_version,
             state.applied_version, state.desired_version, report.error_code)


def _applied(state: AgentConfigState, report: ConfigAck) -> None:
    if report.config_version >= state.applied_version:
        state.applied_version, state.applied_hash = report.config_version, report.content_hash
        state.last_error_code = state.last_error_detail = state.last_error_at = None


def _rejected(state: AgentConfigState, report: ConfigAck) -> None:
    code = report.error_code or "unknown"
    state.last_error_code, state.last_error_detail = code, report.detail[:2000]
    count(REJECTS, "Config pushes agents refused, by error code", error_code=code)
    if report.applied_version > state.applied_version:
        state.applied_version = report.applied_version  # what still runs, as the agent says


def _current(state: AgentConfigState, report: ConfigAck) -> None:
    state.applied_version, state.applied_hash = report.applied_version, report.content_hash
    if state.applied_version < state.desired_version:
        state.pushed_version = min(state.pushed_version, state.applied_version)


async def _version_now(session: AsyncSession, state: AgentConfigState) -> None:
    """Give the agent a version of what the inventory holds now, newer than anything it
    runs: it was never versioned (its devices predate config push, or no change touched it
    yet), or it runs a version the hub never desired (the hub database was restored from a
    backup) and would refuse anything older as stale."""
    digest, devices = await fingerprint(session, state.tenant_id, state.agent_id)
    version = max(state.desired_version, state.applied_version) + 1
    if state.applied_version > state.desired_version:
        log.warning("fleet.config_version_behind agent_id=%s applied=%d desired=%d (hub data "
                    "older than the agent's; pushing version %d)", state.agent_id,
                    state.applied_version, state.desired_version, version)
    desire(state, version, digest, devices)
