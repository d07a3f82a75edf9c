"""Session tests run on one hub per module, served over HTTP to a private FreeRADIUS
(tests/radius_support.py) that `radclient` talks to as the NAS on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import uvicorn

from hub.access.models import Nas, SubscriberCredential
from hub.events.signing import encrypt_secret
from tests.hub.conftest import pg_url
from tests.hub.harness import Account, Hub, hub_settings, running_hub
from tests.radius_support import (
    NAS_SECRET,
    RadiusReply,
    RadiusServer,
    radclient,
    start_radius_server,
)

__all__ = ["pg_url"]
TOKEN = "sessions-test-token-0123456789"


@dataclass
class Radius:
    """The hub, its FreeRADIUS, and one tenant with the NAS radclient plays (127.0.0.1)."""

    hub: Hub
    url: str
    server: RadiusServer
    owner: Account
    site_id: str
    nas_id: uuid.UUID

    async def account(self, attributes: dict[str, Any], wait_s: float = 5) -> RadiusReply:
        """One Accounting-Request from the NAS through FreeRADIUS (no retries)."""
        body = {"NAS-IP-Address": "127.0.0.1", **attributes}
        return await radclient(self.server.acct_port, "acct", self.server.secret, body,
                               retries=1, wait_s=wait_s)

    @property
    def spool(self) -> Path:
        """FreeRADIUS's accounting spool (the rendered default: inside its directory)."""
        return self.server.conf_dir / "spool"

    async def delivered(self, within_s: float = 60) -> None:
        """Wait until FreeRADIUS's reader handed every acknowledged record to the hub: the
        spool holds no detail file (the reader deletes detail.work once the hub answered
        its last record, and every acknowledged record is in a file before the answer)."""
        await spool_drained(self.spool, within_s)

    def refused_records(self) -> str:
        """What the reader set aside after the hub refused it (422)."""
        return "".join(p.read_text() for p in sorted((self.spool / "refused").glob("detail-*")))

    async def post(self, attributes: dict[str, Any], nas: str = "127.0.0.1") -> Any:
        """The rest module's JSON straight to the route (another NAS's source address)."""
        body = {name: {"type": "string", "value": value if isinstance(value, list)
                       else [value]} for name, value in attributes.items()}
        return await self.hub.client.post("/radius/accounting", json=body, headers={
            "X-Dotmac-Radius-Token": TOKEN, "X-Dotmac-Radius-Nas": nas})

    async def add_nas(self, address: str, port: int = 3799, secret: str = NAS_SECRET,
                      vendor: str = "mikrotik") -> uuid.UUID:
        """A NAS of the tenant at `address` (its CoA port on the simulator's port)."""
        async with self.hub.app.state.sessions() as session, session.begin():
            nas = Nas(tenant_id=self.owner.tenant_id, site_id=uuid.UUID(self.site_id),
                      name=f"nas-{address}", address=address, vendor=vendor, coa_port=port,
                      secret_encrypted=encrypt_secret(secret, self.hub.settings.secret_key))
            session.add(nas)
        return nas.id

    async def set_coa(self, nas_id: uuid.UUID, port: int, secret: str = NAS_SECRET) -> None:
        """Point a NAS's CoA port at a simulator."""
        async with self.hub.app.state.sessions() as session, session.begin():
            nas = await session.get_one(Nas, nas_id)
            nas.coa_port = port
            nas.secret_encrypted = encrypt_secret(secret, self.hub.settings.secret_key)

    async def set_vendor(self, nas_id: uuid.UUID, vendor: str) -> None:
        """Change a NAS's vendor through the API."""
        resp = await self.hub.client.patch(f"/access/nas/{nas_id}", json={"vendor": vendor},
                                           headers=self.owner.headers)
        assert resp.status_code == 200, resp.text

    async def subscriber(self, username: str, **plan: Any) -> dict[str, Any]:
        """An active subscription with a PPPoE credential `username`."""
        h, o = self.hub, self.owner
        customer = await h.post(o, "/billing/customers", {"name": username, "currency": "EUR"})
        made = await h.post(o, "/billing/plans", {
            "name": f"p-{username}", "currency": "EUR", "down_kbps": 50_000,
            "up_kbps": 10_000, "price_minor": 3000, **plan})
        sub = await h.post(o, "/billing/subscriptions", {"customer_id": customer["id"],
                                                         "plan_id": made["id"]})
        await h.post(o, f"/billing/subscriptions/{sub['id']}/transitions",
                     {"action": "activate", "on": "2026-01-01"})
        async with h.app.state.sessions() as session, session.begin():
            session.add(SubscriberCredential(tenant_id=o.tenant_id,
                                             subscription_id=uuid.UUID(sub["id"]),
                                             username=username))
        return sub

    async def sessions(self, **params: Any) -> list[dict[str, Any]]:
        """GET /access/sessions as the owner."""
        resp = await self.hub.client.get("/access/sessions", params=params,
                                         headers=self.owner.headers)
        assert resp.status_code == 200, resp.text
        data: list[dict[str, Any]] = resp.json()["data"]
        return data

    async def session_of(self, acct_session_id: str) -> dict[str, Any]:
        """The one session with this Acct-Session-Id."""
        found = [s for s in await self.sessions() if s["acct_session_id"] == acct_session_id]
        assert len(found) == 1, found
        return found[0]

    def counted(self, name: str, **labels: str) -> float:
        """This hub's counter value."""
        return float(self.hub.app.state.metrics.value(name, **labels))


def spooled(spool: Path) -> list[Path]:
    """The detail files waiting in a spool (new ones and the reader's detail.work)."""
    return [*spool.glob("[0-9]*/detail-*"), *spool.glob("[0-9]*/detail.work")]


async def spool_drained(spool: Path, within_s: float = 60) -> None:
    """Poll until no detail file is left in `spool` (fails after `within_s`)."""
    deadline = asyncio.get_running_loop().time() + within_s
    while spooled(spool):
        assert asyncio.get_running_loop().time() < deadline, (
            f"accounting spool not drained after {within_s} s: {spooled(spool)}")
        await asyncio.sleep(0.05)


async def _serve(hub: Hub) -> tuple[uvicorn.Server, asyncio.Task[None], socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(hub.app, lifespan="off", log_level="warning",
                                           access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(1000):  # up to 10 s on a busy machine
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "the hub did not start serving"
    return server, task, sock


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def radius(pg_url: str, tmp_path_factory: pytest.TempPathFactory,
                 ) -> AsyncIterator[Radius]:
    """Hub on HTTP + FreeRADIUS + a tenant whose NAS is 127.0.0.1 (radclient)."""
    previous = os.environ.get("DOTMAC_HUB_RADIUS_TOKEN")
    os.environ["DOTMAC_HUB_RADIUS_TOKEN"] = TOKEN
    try:
        async with running_hub(hub_settings(pg_url)) as hub:
            server, task, sock = await _serve(hub)
            url = f"http://127.0.0.1:{sock.getsockname()[1]}"
            tmp: Path = tmp_path_factory.mktemp("radius")
            radius_server = await asyncio.to_thread(start_radius_server, url, TOKEN, tmp)
            try:
                owner = await hub.new_tenant("sessions")
                site = await hub.post(owner, "/sites", {"name": "pop-1"})
                made = Radius(hub, url, radius_server, owner, site["id"], uuid.uuid4())
                made.nas_id = await made.add_nas("127.0.0.1")
                yield made
            finally:
                radius_server.stop()
                dispatch = getattr(hub.app.state, "coa_dispatch", None)
                if dispatch is not None:
                    await dispatch.drain()
                server.should_exit = True
                await task
                sock.close()
    finally:
        if previous is None:
            os.environ.pop("DOTMAC_HUB_RADIUS_TOKEN", None)
        else:
            os.environ["DOTMAC_HUB_RADIUS_TOKEN"] = previous
