"""Baselines for bench/api.py: a bare FastAPI endpoint answering a device-list-sized page,
and (information) the same page read with one raw psycopg query per request.

`/bare` is the issue's baseline: no auth, no database, no middleware. `/bare-db` is the
floor of any endpoint that reads PostgreSQL once per request on this stack: a prepared
query on a connection kept open, rows turned into JSON by hand, still no auth, tenancy
checks, validation or pool. It runs only when BARE_DB_URL is set.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from fastapi import FastAPI, Query, Response

PAGE: dict[str, Any] = {
    "data": [{"id": f"0195f3c2-8a1e-7c4d-9b1a-{i:012d}", "site_id": "0195f3c2-0000-7000-8000-"
              "000000000001", "agent_id": None, "name": f"bench-dev-{i}",
              "management_address": f"10.0.{i // 250}.{i % 250 + 1}", "profile": "cisco_ios",
              "created_at": "2026-11-27T09:00:00Z"} for i in range(50)],
    "next_cursor": None,
}
PAGE_QUERY = ("SELECT id, site_id, agent_id, name, management_address, profile, created_at "
              "FROM devices WHERE tenant_id = %s ORDER BY id LIMIT 51")
CONNECTIONS: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Open the connections `/bare-db` uses (one per load-generator connection)."""
    url = os.environ.get("BARE_DB_URL")
    opened = []
    for _ in range(int(os.environ.get("BARE_DB_CONNECTIONS", "8")) if url else 0):
        opened.append(await psycopg.AsyncConnection.connect(url or "", autocommit=True))
        CONNECTIONS.put_nowait(opened[-1])
    yield
    for conn in opened:
        await conn.close()


app = FastAPI(lifespan=lifespan)


@app.get("/bare")
async def bare() -> dict[str, Any]:
    """No auth, no database, no middleware: what FastAPI + uvicorn cost on their own."""
    return PAGE


def _device(row: tuple[Any, ...]) -> dict[str, Any]:
    return {"id": str(row[0]), "site_id": str(row[1]),
            "agent_id": None if row[2] is None else str(row[2]), "name": row[3],
            "management_address": row[4], "profile": row[5],
            "created_at": row[6].isoformat()}


@app.get("/bare-db")
async def bare_db(tenant: uuid.UUID = Query()) -> Response:
    """One prepared query per request, nothing else: the floor of a database-backed page."""
    conn = await CONNECTIONS.get()
    try:
        cursor = await conn.execute(PAGE_QUERY, (tenant,), prepare=True)
        rows = await cursor.fetchall()
    finally:
        CONNECTIONS.put_nowait(conn)
    body = {"data": [_device(row) for row in rows[:50]],
            "next_cursor": "more" if len(rows) > 50 else None}
    return Response(json.dumps(body), media_type="application/json")
