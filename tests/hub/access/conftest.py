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

import pytest
import pytest_asyncio
import uvicorn

from hub.access.radius_config import RadiusClient
from hub.access.settings import RadiusSettings
from tests.hub.conftest import hub, pg_url
from tests.hub.harness import Account, Hub, hub_settings, running_hub
from tests.radius_support import (
    NAS_SECRET,
    RadiusReply,
    RadiusServer,
    radclient,
    start_radius_server,
)

__all__ = ["hub", "pg_url"]
TOKEN = "access-test-token-0123456789abcdef"
VENDOR_NAS = {"mikrotik": "127.0.0.11", "cisco": "127.0.0.12", "juniper": "127.0.0.13",
              "huawei": "127.0.0.14", "accel_ppp": "127.0.0.15", "generic": "127.0.0.16"}
# in clients.conf (FreeRADIUS answers it) but never registered at the hub
UNREGISTERED_NAS = "127.0.0.20"
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


@dataclass
class Aaa:
    """A served hub, its FreeRADIUS, one tenant with a NAS per vendor, helpers."""

    served: ServedHub
    server: RadiusServer
    owner: Account
    site_id: str
    nas_ids: dict[str, str] = field(default_factory=dict)

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
        """dotmac_radius_rejections_total{reason} of this hub."""
        return float(self.hub.app.state.metrics.value("dotmac_radius_rejections_total",
                                                      reason=reason))

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


@asynccontextmanager
async def aaa_setup(pg_url: str, tmp: Path, **radius_options: Any) -> AsyncIterator[Aaa]:
    """Hub (token, username limit, no per-IP budget in the way) + FreeRADIUS + NASes."""
    settings = hub_settings(pg_url, rate_limit_ip=1_000_000)
    async with running_hub(settings) as hub:
        hub.app.state.radius_settings = RadiusSettings(
            token=TOKEN, max_username_bytes=MAX_USERNAME)  # type: ignore[arg-type]
        served = ServedHub(hub)
        await served.start()
        clients = [RadiusClient(v, a, NAS_SECRET) for v, a in VENDOR_NAS.items()]
        clients.append(RadiusClient("unregistered", UNREGISTERED_NAS, NAS_SECRET))
        server = await asyncio.to_thread(start_radius_server, served.url, TOKEN, tmp,
                                         clients=clients, **radius_options)
        try:
            owner = await hub.new_tenant("aaa")
            site = await hub.post(owner, "/sites", {"name": "pop-aaa"})
            made = Aaa(served, server, owner, site["id"])
            for vendor, address in VENDOR_NAS.items():
                made.nas_ids[vendor] = await _nas(hub, owner, site["id"], vendor, address)
            yield made
        finally:
            server.stop()
            await served.stop()


def aaa_fixture(**radius_options: Any) -> Callable[..., Any]:
    """A module-scoped `aaa` fixture whose FreeRADIUS gets these options."""
    @pytest_asyncio.fixture(scope="module", loop_scope="session")
    async def aaa(pg_url: str, tmp_path_factory: pytest.TempPathFactory
                  ) -> AsyncIterator[Aaa]:
        async with aaa_setup(pg_url, tmp_path_factory.mktemp("aaa"), **radius_options) as made:
            yield made
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
