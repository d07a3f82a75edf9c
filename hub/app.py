"""FastAPI application factory: settings, database, keys, errors, metrics, routers."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hmac
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub import __version__, migrations
from hub.access.modes import new_dispatch
from hub.alarms.notify.runner import start_embedded as start_notifier
from hub.alarms.worker import start_embedded as start_evaluator
from hub.api.idempotency import install_idempotency
from hub.api.middleware import limit_per_ip
from hub.billing.documents.runner import start_embedded as start_document_mailer
from hub.broker import broker_admin
from hub.db import create_engine, read_engine, session_factory
from hub.errors import Problem, UnauthorizedError, error_docs, install_error_handlers
from hub.events.runner import start_embedded as start_webhooks
from hub.fleet.runner import EmbeddedPusher
from hub.fleet.runner import start_embedded as start_pusher
from hub.handlers import wire
from hub.hub_health import install as install_hub_health
from hub.identity.passwords import Passwords
from hub.identity.service import AuthKit
from hub.identity.signing import KeyRing, ensure_key
from hub.ingest import EmbeddedIngest, IngestSettings, build_worker, tsdb_for
from hub.jobs.runner import publisher_for
from hub.jobs.runner import start_embedded as start_dispatcher
from hub.jobs.settings import JobsSettings
from hub.metrics import Metrics, MetricsMiddleware, mark_process_dead
from hub.routes import DOMAIN_ROUTERS, include_domains
from hub.schedules.runner import start_embedded as start_scheduler
from hub.settings import HubSettings

TAGS = [
    {"name": "auth", "description": "Login, refresh-token rotation, logout, JWKS."},
    {"name": "tenants", "description": "The caller's tenant (ISP operator or reseller)."},
    {"name": "users", "description": "People of the tenant and their roles."},
    {"name": "api-keys", "description": "Scoped, expiring credentials for integrations."},
    {"name": "sites", "description": "Points of presence."},
    {"name": "agents", "description": "Edge agents installed in sites."},
    {"name": "devices", "description": "Routers, switches, OLTs and radios polled by agents."},
    {"name": "enrollment", "description": "One-time tokens that turn a POP box into an "
     "agent with its own broker login."},
    {"name": "audit", "description": "Security audit log."},
    {"name": "webhooks", "description": "Signed event deliveries to the tenant's "
     "integrations (docs/webhooks.md)."},
    {"name": "health", "description": "Liveness, readiness, Prometheus metrics."},
]


def create_app(settings: HubSettings | None = None) -> FastAPI:
    """Build the hub API; the database engine and signing keys live with its lifespan."""
    settings = settings or HubSettings()
    wire()  # domain events: the same reactions as every other hub process
    engine = create_engine(settings.database_url, settings.db_pool_size, settings.db_max_overflow)
    sessions = session_factory(engine)
    metrics = Metrics()
    # CoA / Disconnect-Requests billing asks for, sent once their rows commit (hub.access.modes)
    coa = new_dispatch(engine, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            # Alembic is synchronous; a thread keeps it off the event loop.
            await asyncio.to_thread(migrations.upgrade, settings.database_url)
        async with sessions() as session:
            await ensure_key(session, settings)
        ingest = _embedded_ingest(settings, sessions, metrics)
        # Jobs are dispatched wherever ingest runs embedded (a single-process hub).
        dispatcher = (start_dispatcher(sessions, JobsSettings(broker=settings.broker))
                      if settings.ingest_in_process else None)
        pusher = _embedded_pusher(settings, sessions)  # config pushes go with the jobs
        webhooks = start_webhooks(sessions, settings, metrics)  # None unless embedded
        # Alarms are decided and announced wherever ingest runs embedded, by default.
        evaluator = start_evaluator(sessions, settings, metrics)
        notifier = start_notifier(sessions, settings, metrics)
        document_mailer = start_document_mailer(sessions, settings, metrics)
        # Billing runs, dunning, retention, backups on their schedules (docs/scheduling.md).
        scheduler = start_scheduler(sessions, settings, metrics)
        counters = _app.state.auth.counters
        counters.start()
        # Everything built so far (routes, schemas, ORM mappers) lives as long as the
        # process: keep the cyclic GC from walking it again in every full collection,
        # which otherwise stalls a request for tens of milliseconds now and then. Once
        # per process (tests build many apps in one).
        if gc.get_freeze_count() == 0:
            gc.collect()
            gc.freeze()
        yield
        await counters.stop()
        for loop in (scheduler, document_mailer, notifier, evaluator):
            if loop is not None:
                await loop.stop()
        if webhooks is not None:
            await webhooks.stop()
        if pusher is not None:
            await pusher.stop()
        if dispatcher is not None:
            await dispatcher.stop()
        if ingest is not None:
            await ingest.stop()
        await coa.drain()  # sends in flight finish (a stopped one is swept later)
        await engine.dispose()
        mark_process_dead()  # a worker of `serve --workers N` leaving the shared metrics

    app = FastAPI(title="DotMac Edge hub", version=__version__, lifespan=lifespan,
                  openapi_tags=TAGS, description="Hub API: see docs/api.md for auth flows, "
                  "API keys, errors (RFC 9457) and pagination.")
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.coa_dispatch = coa
    app.state.read_engine = read_engine(engine)
    app.state.metrics = metrics
    app.state.broker = broker_admin(settings)
    app.state.auth = AuthKit(settings, KeyRing(sessions, settings), Passwords(settings), engine)
    install_error_handlers(app)
    install_idempotency(app)  # replays a repeated Idempotency-Key (docs/api.md)
    limit_per_ip(app, DOMAIN_ROUTERS)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    _health_routes(app)
    include_domains(app)
    _declare_problem_schema(app)
    install_hub_health(app)  # queue ages, agents offline, open alarms on /metrics
    return app


def _embedded_pusher(settings: HubSettings, sessions: async_sessionmaker[AsyncSession],
                     ) -> EmbeddedPusher | None:
    """Push agents' configs from this process wherever the dispatcher runs embedded."""
    if not settings.ingest_in_process:
        return None
    jobs = JobsSettings(broker=settings.broker)
    return start_pusher(sessions, publisher_for(jobs), settings.secret_key,
                        resend_after_s=jobs.resend_after_s)


def _embedded_ingest(settings: HubSettings, sessions: async_sessionmaker[AsyncSession],
                     metrics: Metrics) -> EmbeddedIngest | None:
    """Start an ingest worker in this process when DOTMAC_HUB_INGEST_EMBEDDED says so."""
    if not settings.ingest_in_process:
        return None
    ingest_settings = IngestSettings(broker=settings.broker)
    tsdb = tsdb_for(ingest_settings)
    ingest = EmbeddedIngest(build_worker(sessions, ingest_settings, tsdb, metrics), tsdb)
    ingest.start()
    return ingest


def broker_endpoints(settings: HubSettings) -> list[tuple[str, int]]:
    """Broker listeners this process depends on: the dynsec admin port (enrollment and
    revocation) when configured, and the ingest/dispatch login when they run in-process."""
    broker = settings.broker  # one broker for every login of the hub
    if broker.host or settings.ingest_in_process:
        return [(broker.address, broker.connect_port)]
    return []


log = logging.getLogger(__name__)
# /readyz is public: one probe (a database query, a TCP connect per broker) per this many
# seconds per process, shared by every caller, so a flood of probes costs the hub nothing.
READY_PROBE_INTERVAL_S = 2.0


@dataclass
class Readiness:
    """The last readiness answer, reused by every caller until it is `interval_s` old.

    The lock makes concurrent callers wait for the one probe in flight instead of each
    starting their own; `clock` and `interval_s` are injectable, `probes` counts real probes.
    """

    interval_s: float = READY_PROBE_INTERVAL_S
    clock: Callable[[], float] = time.monotonic
    probes: int = 0
    body: dict[str, str] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _at: float | None = None

    def stale(self) -> bool:
        """Whether the stored answer is missing or too old to give out again."""
        return self._at is None or self.clock() - self._at >= self.interval_s

    def store(self, body: dict[str, str]) -> None:
        """Keep a fresh probe's answer for the next `interval_s`."""
        self.body, self._at, self.probes = body, self.clock(), self.probes + 1


async def _brokers_up(brokers: list[tuple[str, int]]) -> bool:
    """Whether every broker listener accepts a connection; which one did not goes to the log."""
    down = [f"{h}:{p}" for h, p in brokers if not await _reachable(h, p)]
    if down:
        log.warning("event=not_ready dependency=broker unreachable=%s", ",".join(down))
    return not down


async def _reachable(host: str, port: int, timeout_s: float = 2.0) -> bool:
    try:
        _reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


def _health_routes(app: FastAPI) -> None:
    engine, metrics = app.state.engine, app.state.metrics
    brokers = broker_endpoints(app.state.settings)
    readiness = app.state.readiness = Readiness()

    @app.get("/healthz", tags=["health"], operation_id="health_live")
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", tags=["health"], operation_id="health_ready")
    async def readyz() -> JSONResponse:
        """Readiness: the database answers a query and the broker(s) accept connections.

        Each dependency is only `ok` or `failed` (addresses and errors go to the log), and
        the answer is reused for `READY_PROBE_INTERVAL_S` across callers.
        """
        async with readiness.lock:
            if readiness.stale():
                body = {"status": "ok", "database": "ok",
                        "broker": "ok" if brokers else "not configured"}
                try:
                    async with engine.connect() as conn:
                        await conn.execute(text("SELECT 1"))
                except Exception as exc:  # any driver error means "not ready"
                    log.warning("event=not_ready dependency=database error=%s: %s",
                                type(exc).__name__, exc)
                    body.update(status="unavailable", database="failed")
                if not await _brokers_up(brokers):
                    body.update(status="unavailable", broker="failed")
                readiness.store(body)
            body = readiness.body
        return JSONResponse(body, 200 if body["status"] == "ok" else 503)

    @app.get("/metrics", tags=["health"], operation_id="health_metrics",
             response_class=PlainTextResponse, responses=error_docs(401))
    async def prometheus(request: Request) -> PlainTextResponse:
        """Prometheus text exposition of this process's counters; with
        DOTMAC_HUB_METRICS_TOKEN set, only for `Authorization: Bearer <token>` (the gauges
        name tenants, sites and pools)."""
        if not scrape_allowed(app.state.settings, request.headers.get("authorization")):
            raise UnauthorizedError("metrics: send Authorization: Bearer <the hub's "
                                    "DOTMAC_HUB_METRICS_TOKEN>")
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")


def scrape_allowed(settings: HubSettings, authorization: str | None) -> bool:
    """Whether a scrape may read /metrics: always without a token set, else only with it."""
    token = settings.metrics_token.get_secret_value()
    if not token:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                               token.encode())


def _declare_problem_schema(app: FastAPI) -> None:
    """Make sure `Problem` is in components even before any route references it."""
    original = app.openapi

    def openapi() -> dict[str, object]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("Problem", Problem.model_json_schema())
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
