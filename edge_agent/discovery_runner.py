"""SNMP discoveries the hub asks for (``EdgeConfig.discoveries``), run once each.

The runtime owns one :class:`DiscoveryRunner` and tells it, whenever a config is applied
(and once at start with the stored config), which discoveries the hub currently lists::

    runner = DiscoveryRunner(state_dir, profiles, emit)    # emit: async DiscoveryProgress -> None
    runner.sync(config.discoveries, {c.id: c for c in config.credentials})  # in the event loop
    ...
    await runner.close()                                    # on shutdown: cancels sweeps

``emit`` receives :class:`DiscoveryProgress` values; the runtime turns each into one
``protocol.DiscoveryReport`` (same fields) on ``up/discovery``. An exception from ``emit``
is logged and the sweep goes on.

Rules:

- ``sync`` starts a sweep for each listed id that is neither running nor finished, and
  cancels sweeps whose id is no longer listed (a cancelled sweep reports nothing more and
  is not remembered: listed again, it starts over).
- Finished discoveries (done, with or without ``error``) are remembered in
  ``state_dir/discoveries.json`` (written atomically), so a restart or a re-push of the same
  request never sweeps again. While the hub still lists a finished id, every ``sync``
  re-reports it: its kept candidates in reports of at most 200, the last one ``done`` with
  the recorded ``scanned``/``total`` (equal unless the sweep ended in error), so the hub can
  close it. The hub stores candidates by (address, port), so a re-report is harmless.
- The file keeps the first 1,000 candidates of each finished discovery (later ones were
  reported live but are not re-sent) and only while the hub lists it; ids are kept for the
  1,024 most recent finished discoveries.
- A sweep expands the CIDRs (IPv4 and IPv6; the network and broadcast addresses of IPv4
  prefixes shorter than /31 are skipped; at most 65,536 addresses per discovery), probes
  each address with each credential set in the request's order (SNMP GET with the
  request's port and timeout, no retry) and stops at the first that answers. At most
  ``concurrency`` addresses are probed at once, by that many workers pulling from one
  iterator (the bound of a semaphore, without a task per address). A host that answers is
  identified by :func:`edge_agent.poll.detect` (profile and reason), and a second GET reads
  sysName/sysDescr/sysObjectID and the model and serial where the profile's inventory
  names a cheap source (sysDescr regex or one instance OID; ENTITY-MIB walks are skipped).
- Progress is emitted once at the start (``scanned=0`` with the ``total``), every
  ``progress_every`` scanned hosts, whenever 200 new candidates are waiting, and at the
  end (``done=True``); memory stays bounded.
- Nothing a request or a host does crashes the agent: a bad CIDR, too many addresses, no
  usable credential set or an internal error ends the discovery with a final progress
  carrying ``error`` (recorded as finished like a success).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import os
import re
import tempfile
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from uuid import UUID

from edge_agent.poll import DetectResult, PollFailure, detect, get_values
from edge_agent.profiles import ProfileSet
from edge_agent.profiles.facts import SYS_DESCR, SYS_NAME, SYS_OBJECT_ID, resolve
from edge_agent.profiles.mapping import Cell, text
from edge_agent.profiles.model import Source
from edge_agent.snmp import ber
from edge_agent.snmp.errors import SnmpError
from edge_agent.snmp.session import open_session
from edge_agent.snmp.target import SnmpTarget, SnmpV2c, SnmpV3
from edge_agent.snmp.walk import Walker
from protocol import DiscoveryCandidate
from protocol.edge_config import DiscoveryRequest, SnmpV2cCredential, SnmpV3Credential

__all__ = [
    "MAX_ADDRESSES",
    "REPORT_CANDIDATES",
    "STATE_FILE",
    "DiscoveryError",
    "DiscoveryProgress",
    "DiscoveryRunner",
    "expand_hosts",
]

log = logging.getLogger(__name__)

STATE_FILE: Final = "discoveries.json"
MAX_ADDRESSES: Final = 65_536
REPORT_CANDIDATES: Final = 200  # protocol.DiscoveryReport.candidates max_length
KEPT_CANDIDATES: Final = 1_000
KEPT_FINISHED: Final = 1_024
_OID = re.compile(r"^[0-9]+(\.[0-9]+)*$")

SnmpCredential = SnmpV2cCredential | SnmpV3Credential
Emit = Callable[["DiscoveryProgress"], Awaitable[None]]


@dataclass
class DiscoveryProgress:
    """One progress step of a discovery; the runtime sends it as a DiscoveryReport."""

    discovery_id: UUID
    scanned: int
    total: int
    done: bool
    candidates: list[DiscoveryCandidate]  # new since the previous progress
    error: str | None = None


class DiscoveryError(ValueError):
    """A request that cannot be swept (the message is the report's ``error``)."""


@dataclass
class _Finished:
    """A finished discovery as remembered in the state file."""

    discovery_id: UUID
    scanned: int
    total: int
    error: str | None
    finished_at: str
    candidates: list[DiscoveryCandidate] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"scanned": self.scanned, "total": self.total, "error": self.error,
                "finished_at": self.finished_at,
                "candidates": [c.model_dump(mode="json") for c in self.candidates]}

    @classmethod
    def from_json(cls, key: str, data: dict[str, Any]) -> _Finished:
        return cls(UUID(key), int(data["scanned"]), int(data["total"]), data.get("error"),
                   str(data.get("finished_at", "")),
                   [DiscoveryCandidate.model_validate(c, strict=False)
                    for c in data.get("candidates", [])])


class _FinishedStore:
    """``discoveries.json``: finished discoveries by id, replaced atomically on change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._items = self._load()

    def _load(self) -> dict[UUID, _Finished]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {UUID(k): _Finished.from_json(k, v) for k, v in raw["finished"].items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # Losing the record costs at most one repeated sweep; refusing to start costs more.
            log.warning("discovery_state_unreadable path=%s error=%s", self.path, exc)
            return {}

    def get(self, discovery_id: UUID) -> _Finished | None:
        """The finished discovery, or None."""
        return self._items.get(discovery_id)

    def record(self, finished: _Finished) -> None:
        """Remember a finished discovery (oldest ids beyond KEPT_FINISHED are dropped)."""
        self._items[finished.discovery_id] = finished
        if len(self._items) > KEPT_FINISHED:
            oldest = sorted(self._items.values(), key=lambda f: f.finished_at)
            for old in oldest[: len(self._items) - KEPT_FINISHED]:
                del self._items[old.discovery_id]
        self._save()

    def forget_candidates(self, listed: set[UUID]) -> None:
        """Drop the kept candidates of finished discoveries the hub no longer lists."""
        changed = False
        for finished in self._items.values():
            if finished.discovery_id not in listed and finished.candidates:
                finished.candidates = []
                changed = True
        if changed:
            self._save()

    def _save(self) -> None:
        doc = {"version": 1,
               "finished": {str(k): v.to_json() for k, v in self._items.items()}}
        try:
            _atomic_write(self.path, json.dumps(doc, separators=(",", ":")).encode())
        except OSError as exc:
            log.error("discovery_state_write_failed path=%s error=%s", self.path, exc)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _addresses(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> Iterator[Any]:
    if network.version == 4 and network.prefixlen < 31:
        return network.hosts()
    return iter(network)


def expand_hosts(cidrs: Sequence[str]) -> list[str]:
    """The addresses to probe, in order, without duplicates; DiscoveryError when refused."""
    networks = []
    for position, cidr in enumerate(cidrs):
        try:
            networks.append(ipaddress.ip_network(cidr.strip(), strict=False))
        except ValueError:
            raise DiscoveryError(
                f"cidrs[{position}] {cidr[:64]!r}: not a network; "
                "use e.g. 10.20.0.0/24 or 2001:db8::/120") from None
    count = sum(network.num_addresses for network in networks)
    if count > MAX_ADDRESSES:
        raise DiscoveryError(
            f"{count} addresses requested; a discovery sweeps at most {MAX_ADDRESSES}: "
            "split it into several (a /16 or an IPv6 /112 each)")
    unique = dict.fromkeys(str(a) for network in networks for a in _addresses(network))
    return list(unique)


def _snmp_credentials(
    request: DiscoveryRequest, credentials: Mapping[UUID, Any]
) -> list[tuple[UUID, SnmpV2c | SnmpV3]]:
    out: list[tuple[UUID, SnmpV2c | SnmpV3]] = []
    for cred_id in request.credentials:
        cred = credentials.get(cred_id)
        if isinstance(cred, SnmpV2cCredential):
            out.append((cred_id, SnmpV2c(cred.community)))
        elif isinstance(cred, SnmpV3Credential):
            out.append((cred_id, SnmpV3(cred.user, cred.auth_proto, cred.auth_key,
                                        cred.priv_proto, cred.priv_key)))
        else:
            log.warning("discovery_credential_unusable discovery=%s credential=%s",
                        request.id, cred_id)
    if not out:
        raise DiscoveryError(
            "none of the request's credential sets is an SNMP set in the pushed config; "
            "pick an SNMP v2c or v3 credential set of this tenant")
    return out


def _cheap(sources: Iterable[Source]) -> tuple[Source, ...]:
    """Sources read by one GET or from sysDescr (walks cost too much in a sweep)."""
    return tuple(s for s in sources if s.walk is None and (s.oid or s.sys_descr))


def _cell(values: Mapping[ber.Oid, Cell], oid: ber.Oid) -> str | None:
    found = values.get(oid)
    if found is None or found[0] in ber.EXCEPTIONS:
        return None
    return text(*found) or None


def _clip(value: str | None, limit: int = 256) -> str | None:
    return value[:limit] if value else None


class _Sweep:
    """One discovery's sweep: probing, counting, reporting, recording."""

    def __init__(self, request: DiscoveryRequest, credentials: Mapping[UUID, Any],
                 profiles: ProfileSet, emit: Emit, store: _FinishedStore,
                 progress_every: int) -> None:
        self.request, self.credentials, self.profiles = request, credentials, profiles
        self.emit, self.store, self.every = emit, store, max(1, progress_every)
        self.scanned = self.total = 0
        self.pending: list[DiscoveryCandidate] = []
        self.kept: list[DiscoveryCandidate] = []
        self.found = 0
        self.lock = asyncio.Lock()
        self.creds: list[tuple[UUID, SnmpV2c | SnmpV3]] = []

    async def run(self) -> None:
        """Sweep, then record and report the end (with `error` when it failed)."""
        error: str | None = None
        try:
            self.creds = _snmp_credentials(self.request, self.credentials)
            hosts = expand_hosts(self.request.cidrs)
            self.total = len(hosts)
            log.info("discovery_started discovery=%s total=%d credentials=%d concurrency=%d",
                     self.request.id, self.total, len(self.creds), self.request.concurrency)
            await _emit_safely(self.emit, DiscoveryProgress(self.request.id, 0, self.total,
                                                            False, []))
            await self._sweep(hosts)
        except DiscoveryError as exc:
            error = str(exc)
        except Exception as exc:  # a bug ends this discovery, never the agent
            log.exception("discovery_internal_error discovery=%s", self.request.id)
            error = f"internal error in the agent: {type(exc).__name__}: {exc}"[:1024]
        await self._finish(error)

    async def _sweep(self, hosts: list[str]) -> None:
        addresses = iter(hosts)

        async def worker() -> None:
            for host in addresses:  # shared iterator: each address goes to one worker
                await self._scanned(await self._probe(host))

        workers = min(self.request.concurrency, len(hosts))
        async with asyncio.TaskGroup() as group:
            for _ in range(workers):
                group.create_task(worker())

    async def _probe(self, host: str) -> DiscoveryCandidate | None:
        try:
            for cred_id, cred in self.creds:
                target = SnmpTarget(host, self.request.port, credentials=cred,
                                    timeout=self.request.timeout_s, retries=0)
                try:
                    found = await detect(target, self.profiles)
                except PollFailure:
                    continue  # silence or refusal: try the next credential set
                return await self._describe(target, cred_id, found)
        except Exception:  # one bad host costs that host, never the sweep
            log.exception("discovery_probe_error discovery=%s host=%s", self.request.id, host)
        return None

    async def _describe(self, target: SnmpTarget, cred_id: UUID,
                        found: DetectResult) -> DiscoveryCandidate:
        profile = self.profiles.profiles.get(found.profile)
        models = _cheap(profile.inventory.model) if profile else ()
        serials = _cheap(profile.inventory.serial) if profile else ()
        extra = [s.oid for s in (*models, *serials) if s.oid is not None]
        walker = Walker.for_session(open_session(target))
        try:
            values = await get_values(walker, [SYS_NAME, SYS_DESCR, SYS_OBJECT_ID, *extra])
        except SnmpError:
            values = {}  # it answered detect: report it with what we know
        oid = _cell(values, SYS_OBJECT_ID)
        return DiscoveryCandidate(
            address=target.host, port=target.port, credential=cred_id,
            sys_name=_clip(_cell(values, SYS_NAME)),
            sys_descr=_clip(_cell(values, SYS_DESCR), 4096),
            sys_object_id=oid if oid and len(oid) <= 512 and _OID.match(oid) else None,
            profile=found.profile, reason=found.reason[:256],
            vendor=_clip(found.vendor),
            model=_clip(resolve(models, values, {})),
            serial=_clip(resolve(serials, values, {})),
        )

    async def _scanned(self, candidate: DiscoveryCandidate | None) -> None:
        async with self.lock:
            self.scanned += 1
            if candidate is not None:
                self.found += 1
                self.pending.append(candidate)
                if len(self.kept) < KEPT_CANDIDATES:
                    self.kept.append(candidate)
            if self.scanned % self.every == 0 or len(self.pending) >= REPORT_CANDIDATES:
                await self._flush(done=False)

    async def _flush(self, done: bool, error: str | None = None) -> None:
        pending, self.pending = self.pending, []
        for progress in _reports(self.request.id, self.scanned, self.total, pending, done,
                                 error):
            await _emit_safely(self.emit, progress)

    async def _finish(self, error: str | None) -> None:
        log.info("discovery_finished discovery=%s scanned=%d total=%d found=%d error=%s",
                 self.request.id, self.scanned, self.total, self.found, error)
        self.store.record(_Finished(self.request.id, self.scanned, self.total, error,
                                    datetime.now(UTC).isoformat(), self.kept))
        async with self.lock:
            await self._flush(done=True, error=error)


def _reports(discovery_id: UUID, scanned: int, total: int,
             candidates: list[DiscoveryCandidate], done: bool,
             error: str | None = None) -> Iterator[DiscoveryProgress]:
    """Progress steps carrying at most REPORT_CANDIDATES each; only the last may be done."""
    chunks = [candidates[i : i + REPORT_CANDIDATES]
              for i in range(0, len(candidates), REPORT_CANDIDATES)] or [[]]
    for position, chunk in enumerate(chunks):
        last = position == len(chunks) - 1
        yield DiscoveryProgress(discovery_id, scanned, total, done and last, chunk,
                                error if last else None)


async def _emit_safely(emit: Emit, progress: DiscoveryProgress) -> None:
    try:
        await emit(progress)
    except Exception as exc:  # the runtime's queue decides delivery; a failure is its to log
        log.warning("discovery_emit_failed discovery=%s error=%s: %s",
                    progress.discovery_id, type(exc).__name__, exc)


class DiscoveryRunner:
    """Runs the discoveries the hub lists, once each, and reports their progress."""

    def __init__(self, state_dir: Path, profiles: ProfileSet, emit: Emit, *,
                 progress_every: int = 64) -> None:
        self._store = _FinishedStore(Path(state_dir) / STATE_FILE)
        self._profiles, self._emit, self._every = profiles, emit, progress_every
        self._tasks: dict[UUID, asyncio.Task[None]] = {}
        self._stopping: set[asyncio.Task[None]] = set()

    def sync(self, requests: Sequence[DiscoveryRequest],
             credentials: Mapping[UUID, Any]) -> None:
        """Start what is listed and new, re-report what is listed and finished, cancel the
        rest. Must be called from the running event loop; never raises for a bad request."""
        listed = {request.id for request in requests}
        for discovery_id in [d for d in self._tasks if d not in listed]:
            self._cancel(discovery_id)
        for request in requests:
            finished = self._store.get(request.id)
            if finished is not None:
                # Even while its sweep is still unwinding after the final emit: the hub
                # listing it again means it may not have seen that report.
                self._start(request.id, self._rereport(finished))
            elif request.id not in self._tasks:
                sweep = _Sweep(request, credentials, self._profiles, self._emit, self._store,
                               self._every)
                self._start(request.id, sweep.run())
        self._store.forget_candidates(listed)

    def active(self) -> list[UUID]:
        """Ids of discoveries being swept or re-reported right now."""
        return list(self._tasks)

    def finished(self, discovery_id: UUID) -> bool:
        """True when this discovery finished (here or before a restart)."""
        return self._store.get(discovery_id) is not None

    async def close(self) -> None:
        """Cancel every sweep and wait for them to stop."""
        for discovery_id in list(self._tasks):
            self._cancel(discovery_id)
        stopping = list(self._stopping)
        for task in stopping:
            task.cancel()
        await asyncio.gather(*stopping, return_exceptions=True)

    def _start(self, discovery_id: UUID, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work, name=f"discovery-{discovery_id}")
        previous = self._tasks.get(discovery_id)
        if previous is not None:
            self._stopping.add(previous)  # left to finish its last emit; close() waits
        self._tasks[discovery_id] = task
        task.add_done_callback(lambda t: self._done(discovery_id, t))

    def _done(self, discovery_id: UUID, task: asyncio.Task[None]) -> None:
        if self._tasks.get(discovery_id) is task:
            del self._tasks[discovery_id]
        self._stopping.discard(task)

    def _cancel(self, discovery_id: UUID) -> None:
        task = self._tasks.pop(discovery_id)
        log.info("discovery_cancelled discovery=%s", discovery_id)
        task.cancel()
        self._stopping.add(task)

    async def _rereport(self, finished: _Finished) -> None:
        for progress in _reports(finished.discovery_id, finished.scanned, finished.total,
                                 list(finished.candidates), True, finished.error):
            await _emit_safely(self._emit, progress)
