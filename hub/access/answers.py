"""Materialized RADIUS answers for FreeRADIUS's `sql` backend (docs/radius.md).

The hub keeps the rules: `RadiusAuthorizer.build` (the builder the rest route answers with)
decides each subscriber's answer, and this module writes it into `radius_answers`, one row
set per NAS vendor and login key (User-Name; MAC; option-82 circuit id). FreeRADIUS reads it
with one index look-up per query, keyed by the tenant and vendor of the NAS's clients.conf
entry, so a NAS only finds its own tenant's subscribers.

When does an answer change? Whenever one of its inputs is committed: the subscription
(state, plan, cap throttle), its credential, its IPAM allocations, its plan, a suspension's
network action. Rather than asking every domain to call us, a listener on the ORM session
collects the subscriptions such a flush touched and rebuilds their answers just before the
transaction commits, in the same transaction (the answer and its cause commit together or
not at all). `on_subscription_changed` (billing's domain event) marks the subscription too,
and `reconcile_answers` (a scheduled task) rebuilds a whole tenant to repair any drift: a
bulk UPDATE the listener cannot see, a row changed by hand.

Materialization is on for a database only while the sql backend is: the rows carry the PPPoE
password in clear (CHAP needs it). `enable(engine, ...)` switches it on for an engine;
processes without an explicit call follow DOTMAC_HUB_RADIUS_BACKEND.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from pydantic import ValidationError
from sqlalchemy import Engine, event, inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_session
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.util import await_only

from hub.access import repository as repo
from hub.access.answer import Answer, reply_attribute_names, vendors
from hub.access.authorize import RadiusAuthorizer
from hub.access.models import SubscriberCredential
from hub.access.settings import RadiusSettings
from hub.billing.events import SubscriptionChanged
from hub.billing.models import NetworkAction, Plan, Subscription
from hub.db import utcnow
from hub.ipam.models import IpAllocation

log = logging.getLogger("dotmac.hub.access.answers")
_PENDING = "dotmac_radius_answers"  # Session.info key: subscription ids to rebuild
_PLANS = "dotmac_radius_plans"  # Session.info key: plan ids whose subscriptions to rebuild


@dataclass(frozen=True)
class AnswerConfig:
    """What the builder needs besides the database: the hub key (to open the PPPoE
    password), the RADIUS settings and the accounting interim interval."""

    secret_key: str
    radius: RadiusSettings
    interim_interval_s: int


_ENGINES: WeakKeyDictionary[Engine, AnswerConfig | None] = WeakKeyDictionary()


def enable(engine: AsyncEngine | Engine, config: AnswerConfig | None) -> None:
    """Materialize answers on `engine` with `config` (None: never, whatever the env says)."""
    sync = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    _ENGINES[sync] = config
    _install()


@cache
def _from_environment() -> AnswerConfig | None:
    """The process's configuration when DOTMAC_HUB_RADIUS_BACKEND=sql, else None. Invalid
    settings are logged (once) rather than raised: this runs inside every commit."""
    from hub.access.sessions.settings import SessionsSettings
    from hub.settings import HubSettings

    try:
        radius = RadiusSettings()
        if radius.backend != "sql":
            return None
        return AnswerConfig(HubSettings().secret_key, radius,
                            SessionsSettings().interim_interval_s)
    except ValidationError as exc:
        log.error("radius answers not materialized: invalid settings (%s errors): %s",
                  exc.error_count(), exc.errors(include_input=False))
        return None


def config_for(engine: Engine | None) -> AnswerConfig | None:
    """The configuration materializing on `engine`, or None when it does not."""
    if engine is None or engine.dialect.name != "postgresql":
        return None
    if engine in _ENGINES:
        return _ENGINES[engine]
    return _from_environment()


# --- building -------------------------------------------------------------------------------

def _lookups(credential: SubscriberCredential) -> list[tuple[str, str, str | None, bool]]:
    """(lookup, key, remote id, by User-Name) for each way a request may name the login,
    keyed as the FreeRADIUS query writes them (MAC: 12 hex digits; option 82: 0x-hex)."""
    found: list[tuple[str, str, str | None, bool]] = [("user", credential.username, None,
                                                       True)]
    if credential.mac:
        found.append(("mac", credential.mac.replace(":", ""), None, False))
    if credential.circuit_id:
        remote = "0x" + credential.remote_id.encode().hex() if credential.remote_id else None
        found.append(("circuit", "0x" + credential.circuit_id.encode().hex(), remote, False))
    return found


@cache
def _copied() -> frozenset[str]:
    return frozenset(reply_attribute_names())


def answer_rows(answer: Answer) -> list[tuple[str, str, str, str]]:
    """(kind, attribute, op, value) of an answer as radcheck / radreply rows: a refusal is
    `Auth-Type := Reject` plus its Reply-Message; a repeated attribute is added (`+=`)."""
    if not answer.accept:
        return [("check", "Auth-Type", ":=", "Reject"),
                ("reply", "Reply-Message", ":=", answer.message)]
    unknown = {name for name, _ in answer.reply} - _copied()
    if unknown:  # the sql backend's policy would not copy them into the reply
        raise ValueError(f"reply attribute(s) {sorted(unknown)} missing from "
                         "answer.reply_attribute_names()")
    rows = []
    for kind, pairs in (("check", answer.control), ("reply", answer.reply)):
        seen: set[str] = set()
        for name, value in pairs:
            rows.append((kind, name, "+=" if name in seen else ":=", value))
            seen.add(name)
    return rows


async def _rows_of(authorizer: RadiusAuthorizer, subscription_id: uuid.UUID
                   ) -> list[dict[str, Any]]:
    found = await repo.login_of(authorizer.session, subscription_id)
    if found is None:
        return []
    credential, sub, plan = found
    facts = await authorizer.facts(sub, plan)
    now, rows = utcnow(), []
    for vendor in vendors():
        for lookup, key, remote, by_username in _lookups(credential):
            answer = authorizer.build(facts, vendor, credential, by_username=by_username)
            for position, (kind, name, op, value) in enumerate(answer_rows(answer)):
                rows.append({"tenant_id": sub.tenant_id, "subscription_id": sub.id,
                             "vendor": vendor, "lookup": lookup, "lookup_key": key,
                             "remote_id": remote, "kind": kind, "position": position,
                             "attribute": name, "op": op, "value": value,
                             "updated_at": now})
    return rows


async def refresh(session: AsyncSession, config: AnswerConfig,
                  subscription_ids: set[uuid.UUID]) -> int:
    """Rebuild the answers of these subscriptions (none for one without a login); returns
    how many subscriptions have an answer now."""
    if not subscription_ids:
        return 0
    ids = sorted(subscription_ids)
    authorizer = RadiusAuthorizer(session, config.secret_key, config.radius,
                                  config.interim_interval_s)
    await repo.lock_subscriptions(session, ids)
    await repo.delete_answers(session, ids)
    answered = 0
    for subscription_id in ids:
        rows = await _rows_of(authorizer, subscription_id)
        await repo.insert_answers(session, rows)
        answered += bool(rows)
    return answered


async def reconcile_answers(session: AsyncSession, tenant_id: uuid.UUID) -> str:
    """Rebuild every answer of the tenant (the `access.reconcile_answers` task): repairs
    drift; with the sql backend off it removes the tenant's rows (no password left in
    clear). Commits."""
    engine = session.bind
    config = config_for(engine.sync_engine if isinstance(engine, AsyncEngine) else None)
    removed = await repo.delete_tenant_answers(session, tenant_id)
    if config is None:
        await session.commit()
        return f"sql backend off: {removed} answer rows removed"
    session.info.pop(_PENDING, None)
    answered = await refresh(session, config, set(await repo.logins_of_tenant(session,
                                                                               tenant_id)))
    await session.commit()
    return f"{answered} subscriber answers rebuilt"


async def on_subscription_changed(session: AsyncSession, event: SubscriptionChanged) -> None:
    """Billing moved a subscription (activate, suspend, resume, terminate, plan change):
    its answer is rebuilt when the transaction commits (after every other reaction, such
    as IPAM releasing a terminated subscriber's addresses)."""
    mark(session, event.subscription_id)


def mark(session: AsyncSession | Session, subscription_id: uuid.UUID) -> None:
    """Rebuild this subscription's answer when the session's transaction commits."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    sync.info.setdefault(_PENDING, set()).add(subscription_id)


# --- the session listener -----------------------------------------------------------------

def _touched(obj: object) -> list[uuid.UUID]:
    """Subscriptions whose answer depends on this changed row."""
    if isinstance(obj, Subscription):
        return [obj.id]
    if isinstance(obj, SubscriberCredential | NetworkAction):
        return [obj.subscription_id] if obj.subscription_id else []
    if isinstance(obj, IpAllocation):
        history = inspect(obj).attrs.subscription_id.history
        return [s for s in (*history.added, *history.deleted, *history.unchanged) if s]
    return []


def _after_flush(session: Session, context: UOWTransaction) -> None:
    if config_for(_engine_of(session)) is None:
        return
    pending: set[uuid.UUID] = session.info.setdefault(_PENDING, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        pending.update(_touched(obj))
        if isinstance(obj, Plan) and obj not in session.new:
            session.info.setdefault(_PLANS, set()).add(obj.id)


def _before_commit(session: Session) -> None:
    """Commit runs this before its own final flush: flush first, so rows added since the
    last flush are seen too, then rebuild what the transaction touched."""
    config = config_for(_engine_of(session))
    proxy = async_session(session)
    if config is None or proxy is None:
        _forget(session)
        return
    session.flush()
    if session.info.get(_PENDING) or session.info.get(_PLANS):
        await_only(_refresh_pending(proxy, config))


async def _refresh_pending(session: AsyncSession, config: AnswerConfig) -> None:
    info = session.sync_session.info
    pending: set[uuid.UUID] = info.pop(_PENDING, set())
    plans: set[uuid.UUID] = info.pop(_PLANS, set())
    if plans:
        pending.update(await repo.subscriptions_on_plans(session, plans))
    await refresh(session, config, pending)
    info.pop(_PENDING, None)  # what the rebuild itself flushed


def _forget(session: Session, *_: object) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_PLANS, None)


def _engine_of(session: Session) -> Engine | None:
    bind = session.bind
    return bind if isinstance(bind, Engine) else None


@cache
def _install() -> None:
    """Listen on every ORM session once per process (cheap when materialization is off)."""
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_rollback", _forget)


def install() -> None:
    """Start listening (hub.handlers.wire calls it in every process)."""
    _install()
