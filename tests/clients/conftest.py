"""A live hub for the generated client: the app served by uvicorn on a loopback port, on a
PostgreSQL database of its own (the client talks real HTTP to it, as a portal back end does)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest_asyncio
import uvicorn

from tests.hub.harness import Hub, create_database, drop_database, hub_settings, running_hub
from tests.services.postgres import Postgres


@dataclass(frozen=True)
class LiveHub:
    """The hub's base URL and the in-process handle (to bootstrap tenants)."""

    url: str
    hub: Hub


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def live_hub(postgres: Postgres) -> AsyncIterator[LiveHub]:
    """Migrate a fresh database, start the app's lifespan, serve it over HTTP."""
    name = create_database(postgres.admin_dsn, "hub_client")
    url = f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"
    try:
        async with running_hub(hub_settings(url)) as hub:
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
            try:
                yield LiveHub(f"http://127.0.0.1:{sock.getsockname()[1]}", hub)
            finally:
                server.should_exit = True
                await task
                sock.close()
    finally:
        drop_database(postgres.admin_dsn, name)
