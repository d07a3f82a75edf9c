"""Walking a subtree with GETBULK (falling back to GETNEXT) and guards against bad agents.

Guards: a reply OID that does not increase stops the walk with `oid_not_increasing`
(an agent looping would otherwise keep us busy forever), and more than `max_rows` rows
stops it with `table_too_long`. Agents that mishandle GETBULK (error status, empty or
undecodable reply, silence) are walked with GETNEXT from then on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from edge_agent.snmp import ber
from edge_agent.snmp.ber import Oid, Response, Varbind, oid_str
from edge_agent.snmp.errors import PollErrorCode, SnmpError
from edge_agent.snmp.session import SnmpSession, error_status_name

log = logging.getLogger(__name__)

DEFAULT_MAX_ROWS = 10_000
_TOO_BIG = 1
_NO_SUCH_NAME = 2


@dataclass
class Walker:
    """Walks subtrees of one device; remembers whether its GETBULK can be trusted."""

    session: SnmpSession
    max_rows: int = DEFAULT_MAX_ROWS
    use_bulk: bool = True
    max_repetitions: int = 25
    requests: int = field(default=0, init=False)
    # The last reply as a run of consecutive agent OIDs following `_after`: a later walk
    # whose root falls inside the run starts from it instead of asking again (columns
    # walked in OID order often begin exactly where the previous one's overshoot went).
    _after: Oid = field(default=(), init=False)
    _run: list[Varbind] = field(default_factory=list, init=False)

    @classmethod
    def for_session(cls, session: SnmpSession, max_rows: int = DEFAULT_MAX_ROWS) -> Walker:
        """A walker tuned by the session's target (bulk on/off, max-repetitions)."""
        target = session.target
        return cls(session, max_rows, target.bulk, max(1, target.max_repetitions))

    async def get(self, oids: list[Oid]) -> list[Varbind]:
        """GET instances; raises `SnmpError` on an error status."""
        self.requests += 1
        response = await self.session.get(oids)
        if response.error_status:
            raise SnmpError(
                PollErrorCode.BAD_RESPONSE,
                f"GET answered {error_status_name(response.error_status)} "
                f"(index {response.error_index})",
            )
        return response.varbinds

    def _seed(self, root: Oid) -> list[Varbind] | None:
        """Known successors of `root` from the previous reply, or None if unknown."""
        run = self._run
        if not run or not self._after < root < run[-1][0]:
            return None
        return [vb for vb in run if vb[0] > root]

    async def walk(self, root: Oid) -> list[Varbind]:
        """Every varbind below `root`, in order."""
        rows: list[Varbind] = []
        last = root
        seed = self._seed(root)
        while True:
            batch = seed if seed is not None else await self._fetch(last)
            seed = None
            for oid, tag, value in batch:
                if tag == ber.END_OF_MIB_VIEW or oid[: len(root)] != root:
                    return rows
                if oid <= last:
                    raise _not_increasing(root, last, oid)
                rows.append((oid, tag, value))
                if len(rows) > self.max_rows:
                    raise _too_long(root, self.max_rows)
                last = oid
            if not batch:
                return rows

    async def _fetch(self, after: Oid) -> list[Varbind]:
        batch = None
        if self.use_bulk:
            batch = await self._bulk(after)
        if batch is None:
            batch = await self._next(after)
        self._remember(after, batch)
        return batch

    def _remember(self, after: Oid, batch: list[Varbind]) -> None:
        run: list[Varbind] = []
        previous = after
        for varbind in batch:
            if varbind[1] in ber.EXCEPTIONS or varbind[0] <= previous:
                break
            run.append(varbind)
            previous = varbind[0]
        self._after, self._run = after, run

    async def _next(self, after: Oid) -> list[Varbind]:
        self.requests += 1
        response = await self.session.get_next([after])
        if response.error_status == _NO_SUCH_NAME:  # SNMPv1 style end of view
            return []
        if response.error_status:
            raise SnmpError(
                PollErrorCode.BAD_RESPONSE,
                f"GETNEXT {oid_str(after)} answered {error_status_name(response.error_status)}",
            )
        return response.varbinds[:1]

    async def _bulk(self, after: Oid) -> list[Varbind] | None:
        """A GETBULK batch, or None after switching this device to GETNEXT."""
        while True:
            self.requests += 1
            try:
                response = await self.session.get_bulk([after], self.max_repetitions)
            except SnmpError as exc:
                if exc.code not in (PollErrorCode.TIMEOUT, PollErrorCode.BAD_RESPONSE):
                    raise
                self._give_up_bulk(exc.detail)
                return None
            if response.error_status == _TOO_BIG and self.max_repetitions > 1:
                self.max_repetitions //= 2
                continue
            return self._bulk_batch(response)

    def _bulk_batch(self, response: Response) -> list[Varbind] | None:
        problem = (
            error_status_name(response.error_status) if response.error_status
            else "empty GETBULK reply" if not response.varbinds
            else None
        )
        if problem is None:
            return response.varbinds
        self._give_up_bulk(problem)
        return None

    def _give_up_bulk(self, why: str) -> None:
        log.info(
            "snmp_bulk_fallback target=%s reason=%r", self.session.target.address, why
        )
        self.use_bulk = False


def _not_increasing(root: Oid, last: Oid, oid: Oid) -> SnmpError:
    return SnmpError(
        PollErrorCode.OID_NOT_INCREASING,
        f"walking {oid_str(root)}: agent returned {oid_str(oid)} after {oid_str(last)}; "
        "the agent's table is broken (firmware bug); the rest of the table is skipped",
    )


def _too_long(root: Oid, max_rows: int) -> SnmpError:
    return SnmpError(
        PollErrorCode.TABLE_TOO_LONG,
        f"walking {oid_str(root)}: more than {max_rows} rows; the agent may loop, "
        "or raise the row limit for this device",
    )
