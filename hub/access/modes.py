"""Which way billing reaches a subscriber, and the CoA sender of each hub database.

Billing asks `hub.billing.network.network_actions` for its network actions; the composition
root (hub.handlers.wire) installs `subscriber_network_actions` there, so every billing step
(API, dunning, usage caps, schedules) cuts and re-rates RADIUS subscribers with CoA /
Disconnect-Request and everyone else with port jobs.

The radius action rows are written in the billing transaction; the process's `CoaDispatch`
sends them once it commits. One dispatch per database engine: the API app and the
scheduler register theirs at start (`register_dispatch`); a process that registered none
(a one-off command) gets one built from the environment's settings. Rows a process wrote
and did not send (it stopped first) are sent by the `access.coa_sweep` schedule.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.access.sessions.actions import CoaDispatch, SubscriberNetworkActions
from hub.access.sessions.settings import SessionsSettings
from hub.access.settings import RadiusSettings
from hub.billing.network import NetworkActions
from hub.db import session_factory
from hub.principal import Principal
from hub.settings import HubSettings

_DISPATCHES: WeakKeyDictionary[Engine, CoaDispatch] = WeakKeyDictionary()


def new_dispatch(engine: AsyncEngine, settings: HubSettings) -> CoaDispatch:
    """The CoA sender of one process on `engine`, registered for it."""
    dispatch = CoaDispatch(session_factory(engine), settings, SessionsSettings(),
                           RadiusSettings().walled_garden)
    _DISPATCHES[engine.sync_engine] = dispatch
    return dispatch


def dispatch_for(engine: AsyncEngine) -> CoaDispatch:
    """The dispatch registered for `engine`, or one from the environment's settings."""
    found = _DISPATCHES.get(engine.sync_engine)
    return found if found is not None else new_dispatch(engine, HubSettings())


def subscriber_network_actions(session: AsyncSession,
                               principal: Principal) -> NetworkActions:
    """RADIUS for subscriptions with credentials, port jobs for the rest."""
    engine = session.bind
    assert isinstance(engine, AsyncEngine)  # hub sessions are bound to their engine
    return SubscriberNetworkActions(session, principal, dispatch_for(engine))


async def sweep_coa(sessions: async_sessionmaker[AsyncSession], now: datetime,
                    tenant_id: uuid.UUID) -> int:
    """Send the tenant's radius actions nobody sent (their process stopped first)."""
    engine = sessions.kw["bind"]
    assert isinstance(engine, AsyncEngine)
    return await dispatch_for(engine).send_pending(now, tenant_id)
