"""One poll of one device: detect its family, read what its profile names, map to samples.

`poll_device` never raises for device problems: errors land in `PollResult.errors`
with a code from `PollErrorCode`, and whatever was read before the failure is kept.
Only the I/O is here; mapping lives in `edge_agent.profiles.mapping`/`facts`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from edge_agent.profiles import DetectResult, Profile, ProfileSet
from edge_agent.profiles.facts import (
    SYS_DESCR,
    SYS_OBJECT_ID,
    SYSTEM_OIDS,
    device_facts,
    instance_oids,
    source_oids,
)
from edge_agent.profiles.mapping import ALWAYS, Cell, Column, column, profile_samples, text
from edge_agent.snmp import ber
from edge_agent.snmp.ber import Oid
from edge_agent.snmp.errors import PollErrorCode, SnmpError
from edge_agent.snmp.session import open_session
from edge_agent.snmp.target import SnmpTarget
from edge_agent.snmp.walk import DEFAULT_MAX_ROWS, Walker
from protocol import DeviceFacts, Sample

__all__ = [
    "DetectResult",
    "PollError",
    "PollErrorCode",
    "PollFailure",
    "PollResult",
    "detect",
    "poll_device",
]

log = logging.getLogger(__name__)
GET_CHUNK = 16  # varbinds per GET: small enough for any agent's PDU size
# After these the device is gone for this cycle; walking more columns only adds timeouts.
_FATAL = frozenset({PollErrorCode.TIMEOUT, PollErrorCode.UNREACHABLE, PollErrorCode.AUTH_FAILED})


@dataclass
class PollError:
    """One problem during a poll: a code for machines, a detail for people."""

    code: PollErrorCode
    detail: str


class PollFailure(Exception):  # noqa: N818 - name fixed by the agent contract
    """Raised by `detect` when the device cannot be read at all."""

    def __init__(self, error: PollError) -> None:
        super().__init__(f"{error.code.value}: {error.detail}")
        self.error = error


@dataclass
class PollResult:
    """What one poll produced."""

    device: str
    profile: str
    samples: list[Sample] = field(default_factory=list)
    facts: DeviceFacts | None = None
    errors: list[PollError] = field(default_factory=list)
    duration_s: float = 0.0
    varbinds: int = 0


async def get_values(walker: Walker, oids: Iterable[Oid]) -> dict[Oid, Cell]:
    """GET instances in chunks; an instance the agent refuses is left out."""
    wanted = list(dict.fromkeys(oids))
    out: dict[Oid, Cell] = {}
    for start in range(0, len(wanted), GET_CHUNK):
        chunk = wanted[start : start + GET_CHUNK]
        try:
            varbinds = await walker.get(chunk)
        except SnmpError as exc:
            if exc.code is not PollErrorCode.BAD_RESPONSE or len(chunk) == 1:
                raise
            # An SNMPv1-ish agent fails the whole GET for one unknown OID: ask one by one.
            varbinds = []
            for oid in chunk:
                varbinds.extend(await _get_one(walker, oid))
        out.update({oid: (tag, value) for oid, tag, value in varbinds})
    return out


async def _get_one(walker: Walker, oid: Oid) -> list[ber.Varbind]:
    try:
        return await walker.get([oid])
    except SnmpError as exc:
        if exc.code is PollErrorCode.BAD_RESPONSE:
            return []
        raise


def plan_poll(
    profile: Profile, wanted: set[str] | None, with_facts: bool
) -> tuple[list[Oid], list[Oid]]:
    """(instances to GET, column roots to walk) for one poll, in a stable order."""
    gets: list[Oid] = list(SYSTEM_OIDS)
    gets += [m.oid for m in profile.scalars if wanted is None or m.name in wanted | ALWAYS]
    walks: list[Oid] = []
    for table in profile.tables:
        metrics = [m for m in table.metrics if wanted is None or m.name in wanted | ALWAYS]
        if not metrics:
            continue
        walks += table.columns(metrics)
    if with_facts:
        inv_gets, inv_walks = source_oids(profile)
        gets += inv_gets
        walks += inv_walks
    # OID order lets each column start where the previous reply overshot (see Walker).
    return list(dict.fromkeys(gets)), sorted(set(walks))


async def _walk_all(walker: Walker, roots: list[Oid], errors: list[PollError]) -> dict[Oid, Column]:
    columns: dict[Oid, Column] = {}
    for root in roots:
        try:
            columns[root] = column(root, await walker.walk(root))
        except SnmpError as exc:
            errors.append(PollError(exc.code, exc.detail))
            if exc.code in _FATAL:
                break
    return columns


async def poll_device(
    device: str,
    target: SnmpTarget,
    profile: Profile,
    *,
    now: datetime | None = None,
    metrics: set[str] | None = None,
    with_facts: bool = True,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> PollResult:
    """Poll `device` once with `profile`; `metrics` limits which metrics are read.

    `sys_uptime_ticks` and `if_counter_discontinuity_ticks` are always read so the
    counter math can detect reboots and discontinuities. Never raises for device trouble.
    """
    started = time.monotonic()
    ts = (now or datetime.now(UTC)).astimezone(UTC)
    result = PollResult(device, profile.name)
    walker = Walker.for_session(open_session(target), max_rows)
    gets, walks = plan_poll(profile, metrics, with_facts)
    try:
        scalars = await get_values(walker, gets)
        columns = await _walk_all(walker, walks, result.errors)
        result.samples = profile_samples(profile, scalars, columns, device, ts, metrics)
        if with_facts:
            scalars.update(await get_values(walker, instance_oids(profile, columns)))
            result.facts = device_facts(device, target.address, profile, scalars, columns)
        result.varbinds = len(scalars) + sum(len(c) for c in columns.values())
    except SnmpError as exc:
        result.errors.append(PollError(exc.code, exc.detail))
    except Exception as exc:  # a bug must cost one device one cycle, never the poller
        log.exception("poll_internal_error device=%s", device)
        result.errors.append(PollError(PollErrorCode.INTERNAL, f"{type(exc).__name__}: {exc}"))
    result.duration_s = time.monotonic() - started
    return result


async def detect(target: SnmpTarget, profiles: ProfileSet) -> DetectResult:
    """Identify the device family; the generic profile when nothing matches.

    Raises `PollFailure` when the device cannot be read (timeout, auth, garbage).
    """
    walker = Walker.for_session(open_session(target))
    extra = [ber.parse_oid(o) for o in profiles.snmpget_oids()]
    try:
        values = await get_values(walker, [SYS_DESCR, SYS_OBJECT_ID, *extra])
    except SnmpError as exc:
        raise PollFailure(PollError(exc.code, exc.detail)) from exc
    descr = _text(values.get(SYS_DESCR))
    oid = _text(values.get(SYS_OBJECT_ID))
    snmpget = {ber.oid_str(o): _value(values.get(o)) for o in extra}
    found = profiles.detect(oid, descr, snmpget)
    if found is not None:
        return found
    fallback = profiles.fallback
    reason = (
        f"no profile matched sysObjectID {oid or '(none)'} / sysDescr {descr[:60]!r}; "
        "using generic MIB-2 (add a profile: see docs/profiles.md)"
    )
    return DetectResult(fallback.name, fallback.vendor, reason)


def _text(cell: Cell | None) -> str:
    if cell is None or cell[0] in ber.EXCEPTIONS:
        return ""
    return text(*cell)


def _value(cell: Cell | None) -> str | int | None:
    if cell is None or cell[0] in ber.EXCEPTIONS:
        return None
    return cell[1] if isinstance(cell[1], int) else text(*cell)
