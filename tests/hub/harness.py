"""A real hub app on a real database, driven through httpx's ASGI transport."""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
from fastapi import FastAPI

from hub import migrations
from hub.app import create_app
from hub.db import create_engine, session_factory
from hub.identity.passwords import Passwords
from hub.permissions import Role
from hub.settings import HubSettings
from hub.tenants.service import bootstrap

PASSWORD = "correct-horse-battery-staple"


async def one_window(seconds: int = 60, need_s: float = 20.0) -> None:
    """Rate limits count in fixed windows aligned to the epoch (`hub.ratelimit.Window`): a
    test that counts hits must not straddle the moment a window turns, or its count starts
    again half-way. Wait for the next window when less than `need_s` of this one is left."""
    left = seconds - time.time() % seconds
    if left < need_s:
        await asyncio.sleep(left + 0.05)


def hub_settings(database_url: str, **overrides: Any) -> HubSettings:
    """Cheap argon2 and generous limits so tests are fast and do not trip each other."""
    values: dict[str, Any] = {
        "database_url": database_url, "argon2_time_cost": 1, "argon2_memory_kib": 1024,
        "rate_limit_ip": 100_000, "rate_limit_principal": 100_000,
        "login_failures_ip": 10_000, "login_failures_account": 1_000, "auto_migrate": False,
        "enroll_rate_limit": 100_000,
        "secret_key": "test-secret-" + "x" * 32, "ingest_embedded": False,
    }
    values.update(overrides)
    return HubSettings(**values)


def create_database(admin_dsn: str, prefix: str) -> str:
    """A fresh PostgreSQL database for one test module; returns its name."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(admin_dsn: str, name: str) -> None:
    """Drop a database made by create_database."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Account:
    """A signed-in user: ids, role and bearer headers."""

    email: str
    role: str
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    access: str
    refresh: str

    @property
    def headers(self) -> dict[str, str]:
        """Authorization header for this account."""
        return {"Authorization": f"Bearer {self.access}"}


@dataclass
class Hub:
    """The running app and a client bound to it."""

    app: FastAPI
    client: httpx.AsyncClient
    settings: HubSettings
    owners: dict[str, Account] = field(default_factory=dict)

    async def new_tenant(self, label: str) -> Account:
        """Bootstrap a tenant with a unique name and sign its owner in."""
        name = f"{label}-{secrets.token_hex(3)}"
        email = f"owner-{name}@example.net"
        async with self.app.state.sessions() as session:
            await bootstrap(session, Passwords(self.settings), name, email, PASSWORD)
        return await self.login(email)

    async def login(self, email: str, password: str = PASSWORD) -> Account:
        """Sign in and read back who we are."""
        tokens = (await self.client.post("/auth/login",
                                         json={"email": email, "password": password}))
        assert tokens.status_code == 200, tokens.text
        body = tokens.json()
        me = await self.client.get("/auth/me",
                                   headers={"Authorization": f"Bearer {body['access_token']}"})
        assert me.status_code == 200, me.text
        info = me.json()
        return Account(email, info["roles"][0], uuid.UUID(info["id"]),
                       uuid.UUID(info["tenant_id"]), body["access_token"], body["refresh_token"])

    async def add_user(self, owner: Account, role: Role | str) -> Account:
        """Create a user of `role` in the owner's tenant and sign it in."""
        email = f"{role}-{secrets.token_hex(4)}@example.net"
        body: dict[str, Any] = {"email": email, "password": PASSWORD, "role": str(role)}
        if str(role) == "customer":  # bound to a real billing customer of the tenant
            account = await self.post(owner, "/billing/customers",
                                      {"name": email, "currency": "EUR"})
            body["customer_id"] = account["id"]
        made = await self.client.post("/users", json=body, headers=owner.headers)
        assert made.status_code == 201, made.text
        return await self.login(email)

    async def post(self, account: Account, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST that must succeed; returns the JSON body."""
        resp = await self.client.post(path, json=body, headers=account.headers)
        assert resp.status_code in (200, 201), resp.text
        result: dict[str, Any] = resp.json()
        return result


@asynccontextmanager
async def running_hub(settings: HubSettings, migrate: bool = True,
                      client_ip: str = "127.0.0.1") -> AsyncIterator[Hub]:
    """Migrate, start the app's lifespan and yield a client; tear everything down after."""
    if migrate:
        migrations.upgrade(settings.database_url)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, client=(client_ip, 40000))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://hub.test") as client:
        yield Hub(app, client, settings)


async def scalar(settings: HubSettings, sql: str, **params: Any) -> Any:
    """Run one query straight against the database (to check what was stored)."""
    from sqlalchemy import text

    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return (await session.execute(text(sql), params)).scalar()
    finally:
        await engine.dispose()
