"""Baseline for bench/api.py: a bare FastAPI endpoint answering a device-list-sized page."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

app = FastAPI()
PAGE: dict[str, Any] = {
    "data": [{"id": f"0195f3c2-8a1e-7c4d-9b1a-{i:012d}", "site_id": "0195f3c2-0000-7000-8000-"
              "000000000001", "agent_id": None, "name": f"bench-dev-{i}",
              "management_address": f"10.0.{i // 250}.{i % 250 + 1}", "snmp_profile": "cisco-ios",
              "created_at": "2026-11-27T09:00:00Z"} for i in range(50)],
    "next_cursor": None,
}


@app.get("/bare")
async def bare() -> dict[str, Any]:
    """No auth, no database, no middleware: what FastAPI + uvicorn cost on their own."""
    return PAGE
