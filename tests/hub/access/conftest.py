"""Access tests: one hub per module on its own PostgreSQL database, served over HTTP on a
real port (FreeRADIUS's rest module calls it), and a private FreeRADIUS started with the
shipped configuration (tests/radius_support.py); `radclient` is the NAS.

The hub can be stopped and started again on the same port (`ServedHub.stop/start`) to prove
what FreeRADIUS does while the hub is unreachable."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
import pytest_asyncio
import uvicorn
from sqlalchemy.engine import make_url

from hub.access import answers
from hub.access.radius_config import RadiusClient
from hub.access.radius_sql import READ_COLUMNS
from hub.access.sessions.settings import SessionsSettings
from hub.access.settings import RadiusSettings
from tests.hub.conftest import hub, pg_url
from tests.hub.harness import (
    Account,
    Hub,
    create_database,
    drop_database,
    hub_settings,
    running_hub,
)
from tests.radius_support import (
    NAS_SECRET,
    RadiusReply,
    RadiusServer,
    radclient,
    start_radius_server,
)
from tests.services.postgres import Postgres

__all__ = ["hub", "pg_url"]
TOKEN = "access-test-token-0123456789abcdef"
VENDOR_NAS = {"mikrotik": "127.0.0.11", "cisco": "127.0.0.12", "juniper": "127.0.0.13",
              "huawei": "127.0.0.14", "accel_ppp": "127.0.0.15", "generic": "127.0.0.16"}
# in clients.conf (FreeRADIUS answers it) but never registered at the hub
UNREGISTERED_NAS = "127.0.0.20"
OTHER_TENANT_NAS = "127.0.0.21"  # in clients.conf; a test registers it to a second tenant
PASSWORD = "s3cret-Pw"  # the test subscribers' password
MAX_USERNAME = 64  # the hub limit these tests run with (DOTMAC_HUB_RADIUS_MAX_USERNAME_BYTES)


@dataclass
class ServedHub:
    """The app served by uvicorn on a fixed loopback port; stop() and start() again."""

    hub: Hub
    port: int = 0
    server: uvicorn.Server | None = None
    task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """Base URL FreeRADIUS calls."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Serve (again) on the same port."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(self.hub.app, lifespan="off",
                                                    log_level="warning", access_log=False))
        self.task = asyncio.create_task(self.server.serve(sockets=[sock]))
        for _ in range(1000):  # up to 10 s on a busy machine
            if self.server.started:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the hub did not start serving")

    async def stop(self) -> None:
        """Stop serving: connections to the port are refused until start()."""
        if self.server is not None and self.task is not None:
            self.server.should_exit = True
            await self.task
            self.server = self.task = None

    @asynccontextmanager
    async def down(self) -> AsyncIterator[None]:
        """The hub unreachable for the block, serving again after it."""
        await self.stop()
        try:
            yield
        finally:
            await self.start()


# the Module-Failure-Message the sql backend's policy logs per hub rejection reason
SQL_REASONS = {"suspended": "hub: subscription suspended",
               "terminated": "hub: subscription terminated",
               "unknown_nas": "hub: NAS not registered at the hub",
               "oversized_username": "hub: oversized User-Name"}


@dataclass
class Aaa:
    """A served hub, its FreeRADIUS, one tenant with a NAS per vendor, helpers."""

    served: ServedHub
    server: RadiusServer
    owner: Account
    site_id: str
    nas_ids: dict[str, str] = field(default_factory=dict)
    backend: str = "rest"
    sql_role: tuple[str, str] | None = None  # (admin libpq URL, FreeRADIUS's role)
    other: Account | None = None  # a second tenant, owner of OTHER_TENANT_NAS in clients.conf

    @property
    def hub(self) -> Hub:
        """The in-process hub (API client, app state)."""
        return self.served.hub

    async def request(self, attributes: dict[str, Any], nas: str = VENDOR_NAS["mikrotik"],
                      secret: str | None = None, port: int | None = None,
                      wait_s: float = 3.0) -> RadiusReply:
        """One Access-Request from `nas` (radclient binds that source address); `wait_s`
        is how long radclient waits for an answer."""
        body = {"Packet-Src-IP-Address": nas, "NAS-IP-Address": nas,
                "Message-Authenticator": "0x00", **attributes}
        return await radclient(port or self.server.auth_port, "auth",
                               secret or self.server.secret, body, retries=1, wait_s=wait_s)

    def counted(self, reason: str) -> float:
        """dotmac_radius_rejections_total{reason} of this hub (rest), or on the sql backend
        FreeRADIUS's log lines of that refusal, read at once (the hub counts them too, but
        only when the rejection reader delivered the record: `counted_at_hub`)."""
        if self.backend == "sql" and reason in SQL_REASONS:
            message = SQL_REASONS[reason]
            return float(self.server.log.read_text().count(f"Login incorrect ({message})"))
        return float(self.hub.app.state.metrics.value("dotmac_radius_rejections_total",
                                                      reason=reason))

    def hub_counter(self, reason: str) -> float:
        """dotmac_radius_rejections_total{reason} of this hub, on either backend."""
        return float(self.hub.app.state.metrics.value("dotmac_radius_rejections_total",
                                                      reason=reason))

    async def counted_at_hub(self, reason: str, at_least: float, within_s: float = 30.0
                             ) -> float:
        """The hub's counter once it reached `at_least` (FreeRADIUS's rejection reader
        delivers spooled records asynchronously: polled with a deadline)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within_s
        while (value := self.hub_counter(reason)) < at_least:
            if loop.time() > deadline:
                raise AssertionError(f"rejections{{reason={reason}}} stayed {value}, "
                                     f"expected {at_least}")
            await asyncio.sleep(0.05)
        return value

    @asynccontextmanager
    async def unreachable(self) -> AsyncIterator[None]:
        """Where FreeRADIUS gets answers from unreachable for the block: the hub (rest), or
        PostgreSQL refusing FreeRADIUS's role (sql)."""
        if self.sql_role is None:
            async with self.served.down():
                yield
            return
        admin, role = self.sql_role
        await asyncio.to_thread(_role_login, admin, role, False)
        try:
            yield
        finally:
            await asyncio.to_thread(_role_login, admin, role, True)

    async def subscriber(self, username: str, password: str | None = PASSWORD, *,
                         mac: str | None = None, **plan: Any) -> dict[str, Any]:
        """An active subscription (50/10 Mbit/s plan unless told) with its credential."""
        h, o = self.hub, self.owner
        customer = await h.post(o, "/billing/customers", {"name": username, "currency": "EUR"})
        made = await h.post(o, "/billing/plans", {
            "name": f"p-{uuid.uuid4().hex[:8]}", "currency": "EUR", "down_kbps": 50_000,
            "up_kbps": 10_000, "price_minor": 3000, **plan})
        sub = await h.post(o, "/billing/subscriptions", {"customer_id": customer["id"],
                                                         "plan_id": made["id"]})
        await h.post(o, f"/billing/subscriptions/{sub['id']}/transitions",
                     {"action": "activate", "on": "2026-01-01"})
        body: dict[str, Any] = {"username": username, "password": password, "mac": mac}
        put = await h.client.put(f"/access/subscriptions/{sub['id']}/credentials",
                                 json={k: v for k, v in body.items() if v is not None},
                                 headers=o.headers)
        assert put.status_code == 200, put.text
        return sub


async def _nas(hub: Hub, owner: Account, site_id: str, vendor: str, address: str) -> str:
    made = await hub.post(owner, "/access/nas", {
        "site_id": site_id, "name": f"bng-{vendor}".replace("_", "-"), "address": address,
        "secret": NAS_SECRET, "vendor": vendor})
    return str(made["id"])


def readonly_role(pg_url: str) -> tuple[str, str, str]:
    """The documented production setup of the sql backend: a login role that may only
    SELECT the columns of radius_answers its queries read. Returns (admin URL, role,
    FreeRADIUS's libpq connection string)."""
    url = make_url(pg_url)
    role, password = f"radius_ro_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        conn.execute(f'GRANT CONNECT ON DATABASE "{url.database}" TO {role}')
        conn.execute(f"GRANT SELECT ({', '.join(READ_COLUMNS)}) ON radius_answers TO {role}")
    return admin, role, (f"host={url.host} port={url.port} dbname={url.database} "
                         f"user={role} password={password}")


def _role_login(admin: str, role: str, allowed: bool) -> None:
    """Let FreeRADIUS's role log in again, or refuse it and cut its connections (the
    database unreachable, as FreeRADIUS sees it)."""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"ALTER ROLE {role} {'LOGIN' if allowed else 'NOLOGIN'}")
        if not allowed:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE usename = %s", (role,))


@asynccontextmanager
async def aaa_setup(pg_url: str, tmp: Path, backend: str = "rest", **radius_options: Any
                    ) -> AsyncIterator[Aaa]:
    """Hub (token, username limit, no per-IP budget in the way) + FreeRADIUS + NASes;
    `backend` sql: the hub materializes answers and FreeRADIUS reads them as a read-only
    role."""
    settings = hub_settings(pg_url, rate_limit_ip=1_000_000)
    async with running_hub(settings) as hub:
        radius = RadiusSettings(token=TOKEN, max_username_bytes=MAX_USERNAME,
                                backend=backend)  # type: ignore[arg-type]
        hub.app.state.radius_settings = radius
        answers.enable(hub.app.state.engine, answers.AnswerConfig(
            settings.secret_key, radius, SessionsSettings().interim_interval_s)
            if backend == "sql" else None)
        served = ServedHub(hub)
        await served.start()
        owner = await hub.new_tenant("aaa")
        other = await hub.new_tenant("aaa-other")  # a test registers OTHER_TENANT_NAS to it
        site = await hub.post(owner, "/sites", {"name": "pop-aaa"})
        nas_ids = {vendor: await _nas(hub, owner, site["id"], vendor, address)
                   for vendor, address in VENDOR_NAS.items()}
        # clients.conf as `dotmac-hub radius clients` writes it: tenant and vendor per NAS
        clients = [RadiusClient(v, a, NAS_SECRET, str(owner.tenant_id), v)
                   for v, a in VENDOR_NAS.items()]
        clients.append(RadiusClient("unregistered", UNREGISTERED_NAS, NAS_SECRET))
        clients.append(RadiusClient("other-tenant", OTHER_TENANT_NAS, NAS_SECRET,
                                    str(other.tenant_id), "mikrotik"))
        sql_role = None
        if backend == "sql":
            admin, role, dsn = readonly_role(pg_url)
            sql_role = (admin, role)
            radius_options.update(backend="sql", sql_dsn=dsn, max_username_bytes=MAX_USERNAME)
        server = await asyncio.to_thread(start_radius_server, served.url, TOKEN, tmp,
                                         clients=clients, **radius_options)
        try:
            made = Aaa(served, server, owner, site["id"], nas_ids, backend=backend,
                       sql_role=sql_role, other=other)
            yield made
        finally:
            server.stop()
            await served.stop()


def aaa_fixture(backends: tuple[str, ...] = ("rest",), **radius_options: Any
                ) -> Callable[..., Any]:
    """A module-scoped `aaa` fixture whose FreeRADIUS gets these options, once per backend
    (rest: the hub per request; sql: the hub's materialized answers in PostgreSQL)."""
    @pytest_asyncio.fixture(scope="module", loop_scope="session", params=backends)
    async def aaa(pg_url: str, postgres: Postgres, tmp_path_factory: pytest.TempPathFactory,
                  request: pytest.FixtureRequest) -> AsyncIterator[Aaa]:
        # NAS addresses are unique over a hub: every backend but the first gets its own
        # database
        name = None if request.param == backends[0] else create_database(
            postgres.admin_dsn, f"hub_aaa_{request.param}")
        url = pg_url if name is None else make_url(pg_url).set(database=name).render_as_string(
            hide_password=False)
        try:
            async with aaa_setup(url, tmp_path_factory.mktemp("aaa"), request.param,
                                 **radius_options) as made:
                yield made
        finally:
            if name is not None:
                drop_database(postgres.admin_dsn, name)
    return aaa


async def accepted_again(aaa: Aaa, login: dict[str, Any], within_s: float = 20.0
                         ) -> RadiusReply:
    """Access-Requests until one is accepted: after a restart FreeRADIUS reconnects to the
    hub after its pool's retry_delay (1 s here)."""
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        reply = await aaa.request(login)
        if reply.code == "Access-Accept" or asyncio.get_running_loop().time() > deadline:
            return reply
        await asyncio.sleep(0.2)
