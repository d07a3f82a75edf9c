"""What an agent reports about a discovery it runs: progress, candidates, the end.

Nothing in a report is trusted beyond what the hub already knows: the discovery must be one
of the reporting agent's own (in its tenant), candidates must lie in the discovery's networks
and name one of its credential sets. Anything else is ignored, logged and counted by reason
(`dotmac_fleet_discovery_reports_ignored_total{reason}`), never raised: a bad report must
not fail the ingest worker's transaction.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.domain_events import publish
from hub.fleet.discovery.repository import CandidateKey, CandidateRepository, DiscoveryRepository
from hub.fleet.discovery.schemas import parse_network
from hub.fleet.models import Discovery, DiscoveryCandidate
from hub.ingest.events import DiscoveryReported
from hub.inventory.events import EdgeConfigChanged
from hub.metrics import count
from protocol import DiscoveryCandidate as ReportedCandidate
from protocol import DiscoveryReport

log = logging.getLogger("dotmac.hub.discovery")

FINISHED = frozenset({"done", "failed"})
IGNORED = "dotmac_fleet_discovery_reports_ignored_total"
_COPIED = ("sys_name", "sys_descr", "sys_object_id", "profile", "reason", "vendor", "model",
           "serial")


def _ignore(reason: str, event: DiscoveryReported, amount: int = 1) -> None:
    count(IGNORED, "Discovery reports or candidates left out, by reason", amount, reason=reason)
    log.warning("discovery.report_ignored reason=%s tenant=%s agent=%s discovery=%s count=%d",
                reason, event.tenant_id, event.agent_id, event.report.discovery_id, amount)


async def on_discovery_reported(session: AsyncSession, event: DiscoveryReported) -> None:
    """Apply one report to the reporting agent's own discovery (repeats change nothing)."""
    repo = DiscoveryRepository(session, event.tenant_id)
    report = event.report
    discovery = await repo.of_agent_locked(report.discovery_id, event.agent_id)
    if discovery is None:
        _ignore("unknown_discovery", event)
        return
    if discovery.state in FINISHED:
        _ignore("already_finished", event)
        return
    await _store_candidates(CandidateRepository(repo), discovery, event)
    _progress(discovery, report, event.received_at)
    if discovery.state in FINISHED:
        # The agent's next config leaves the finished discovery out.
        await publish(session, EdgeConfigChanged(event.tenant_id, frozenset({event.agent_id}),
                                                 "discovery.done"))
    log.info("discovery.report discovery=%s state=%s scanned=%d total=%d candidates=%d",
             discovery.id, discovery.state, discovery.scanned, discovery.total,
             len(report.candidates))


def _progress(discovery: Discovery, report: DiscoveryReport, at: datetime) -> None:
    # Reports can arrive twice or out of order (QoS 1): progress only moves forward.
    discovery.total = report.total or discovery.total
    discovery.scanned = max(discovery.scanned, min(report.scanned, discovery.total))
    if report.error:
        discovery.error = report.error
    if report.done:
        discovery.state = "failed" if report.error else "done"
        discovery.finished_at = at
        if not report.error:
            discovery.scanned = discovery.total
    else:
        discovery.state = "running"


async def _store_candidates(candidates: CandidateRepository, discovery: Discovery,
                            event: DiscoveryReported) -> None:
    wanted = _trusted(discovery, event)
    stored = await candidates.by_key(discovery.id, wanted.keys())
    for key, found in wanted.items():
        row = stored.get(key)
        if row is None:
            row = candidates.add(DiscoveryCandidate(discovery_id=discovery.id, address=key[0],
                                                    port=key[1]))
        for field in _COPIED:
            setattr(row, field, getattr(found, field))
        row.credential_set_id = found.credential


def _trusted(discovery: Discovery, event: DiscoveryReported,
             ) -> dict[CandidateKey, ReportedCandidate]:
    """The report's candidates worth storing, by (address, port); the last of a repeat wins."""
    networks = [parse_network(cidr) for cidr in discovery.cidrs]
    kept: dict[CandidateKey, ReportedCandidate] = {}
    for found in event.report.candidates:
        address = _address(found.address)
        if address is None:
            _ignore("bad_address", event)
        elif not any(address in network for network in networks if network.version
                     == address.version):
            _ignore("outside_cidrs", event)
        elif str(found.credential) not in discovery.credential_set_ids:
            _ignore("foreign_credential", event)
        else:
            kept[(str(address), found.port)] = found
    return kept


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None
