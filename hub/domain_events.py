"""Domain events: a domain announces a fact it owns; other domains react, in the same transaction.

    @dataclass(frozen=True)
    class JobFinished(DomainEvent): ...                 # hub/jobs/events.py (the producer)

    await publish(session, JobFinished(...))            # where the job reached its final state
    bus.subscribe(JobFinished, billing.on_job_finished) # hub/handlers.py (the composition root)

Handlers run one after another, in the order they were subscribed, inside the publisher's
transaction and with its session: what they write commits or rolls back with the fact
itself, and an exception in a handler fails the publisher's transaction. A reaction that must
survive a crash after the commit (a webhook, a mail) writes an outbox row here
(`hub.events.record_event`) and is delivered from there.

The producer never imports its consumers: the registry is filled at start-up by ONE function,
`hub.handlers.wire`, which every entry point (API app, standalone ingest worker, standalone
dispatcher, webhook worker) calls, so every process reacts the same way. An event nobody
subscribed to is fine (the fact is recorded by its own domain); an event class that sets
`requires_handler = True` refuses to be published unwired, because its producer leaves the
work to a consumer (ingest hands job reports to jobs).

This module imports no domain: it is a shared base module like `hub.db`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger("dotmac.hub.domain_events")


@dataclass(frozen=True)
class DomainEvent:
    """Base of every domain event: a frozen dataclass naming a fact in the ISP's words."""

    # True when the producer relies on a consumer to finish the work (see the module).
    requires_handler: ClassVar[bool] = False


E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[AsyncSession, E], Awaitable[None]]


class UnwiredEventError(RuntimeError):
    """An event that needs a consumer was published in a process that registered none."""


class DomainEvents:
    """The registry: event class -> handlers, in subscription order."""

    def __init__(self) -> None:
        self._handlers: dict[type[DomainEvent], list[Handler[Any]]] = {}

    def subscribe(self, event_type: type[E], handler: Handler[E]) -> None:
        """Call `handler(session, event)` for every `event_type` published (exact class)."""
        self._handlers.setdefault(event_type, []).append(handler)

    def handlers(self, event_type: type[DomainEvent]) -> tuple[Handler[Any], ...]:
        """The handlers of `event_type`, in the order they run."""
        return tuple(self._handlers.get(event_type, ()))

    def clear(self) -> None:
        """Forget every subscription (the composition root starts from nothing)."""
        self._handlers.clear()

    async def publish(self, session: AsyncSession, event: DomainEvent) -> None:
        """Run every handler of the event's class now, inside the caller's transaction."""
        handlers = self.handlers(type(event))
        if not handlers and event.requires_handler:
            raise UnwiredEventError(
                f"{type(event).__name__}: no handler registered in this process, so the work "
                "it hands over would be lost; call hub.handlers.wire() at start-up")
        for handler in handlers:
            await handler(session, event)
        if not handlers:
            log.debug("domain_event.unobserved type=%s", type(event).__name__)


# The process's registry, filled by hub.handlers.wire() at start-up.
bus = DomainEvents()


async def publish(session: AsyncSession, event: DomainEvent) -> None:
    """Announce `event` on the process's registry (see the module docstring)."""
    await bus.publish(session, event)
