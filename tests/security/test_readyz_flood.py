"""A flood of unauthenticated `/readyz` calls, and what the public learns from them.

`/readyz` is public. Each call used to open a database connection and a TCP connection per
broker, and a failing broker was named by address. Now one probe per interval per process
serves every caller, and each dependency shows only `ok` or `failed`. The interval's clock is
injected: the test counts database checkouts and probes, never time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import event

from hub.app import create_app
from hub.settings import BrokerSettings
from tests.hub.harness import hub_settings
from tests.services._proc import free_port
from tests.services.postgres import Postgres

FLOOD = 60


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest_asyncio.fixture(loop_scope="session")
async def app_with_dead_broker(postgres: Postgres) -> AsyncIterator[tuple[FastAPI, int]]:
    dead = free_port()
    app = create_app(hub_settings(postgres.sqlalchemy_url, broker=BrokerSettings(
        host="127.0.0.1", port=dead)))
    yield app, dead
    await app.state.engine.dispose()


def _count_checkouts(app: FastAPI) -> list[int]:
    seen = [0]

    def checkout(*_args: Any) -> None:
        seen[0] += 1

    event.listen(app.state.engine.sync_engine, "checkout", checkout)
    return seen


async def test_a_flood_costs_one_probe_per_interval(
        app_with_dead_broker: tuple[FastAPI, int]) -> None:
    app, _ = app_with_dead_broker
    clock = FakeClock()
    app.state.readiness.clock = clock
    checkouts = _count_checkouts(app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://hub") as client:
        answers = await asyncio.gather(*(client.get("/readyz") for _ in range(FLOOD)))
        assert {r.status_code for r in answers} == {503}
        assert checkouts[0] == 1 and app.state.readiness.probes == 1
        clock.now += app.state.readiness.interval_s
        assert (await client.get("/readyz")).status_code == 503
        assert checkouts[0] == 2 and app.state.readiness.probes == 2


async def test_readyz_names_no_address_and_no_error_text(
        app_with_dead_broker: tuple[FastAPI, int]) -> None:
    app, dead = app_with_dead_broker
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://hub") as client:
        resp = await client.get("/readyz")
    assert resp.status_code == 503
    assert resp.json() == {"status": "unavailable", "database": "ok", "broker": "failed"}
    assert str(dead) not in resp.text and "127.0.0.1" not in resp.text


async def test_a_dead_database_shows_only_failed() -> None:
    app = create_app(hub_settings(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://hub") as client:
        resp = await client.get("/readyz")
    await app.state.engine.dispose()
    assert resp.status_code == 503
    assert resp.json() == {"status": "unavailable", "database": "failed",
                           "broker": "not configured"}
