"""FastAPI application factory: health and readiness for now; domains mount here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from hub import __version__
from hub.settings import HubSettings


def _ensure_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def create_app(settings: HubSettings | None = None) -> FastAPI:
    """Build the hub API with its database engine bound to the app's lifespan."""
    settings = settings or HubSettings()
    _ensure_sqlite_folder(settings.database_url)
    engine: AsyncEngine = create_async_engine(settings.database_url, pool_pre_ping=True)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    app = FastAPI(title="DotMac Edge hub", version=__version__, lifespan=lifespan)

    @app.get("/healthz", tags=["health"], operation_id="health_live")
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", tags=["health"], operation_id="health_ready")
    async def readyz() -> JSONResponse:
        """Readiness: the database answers a query."""
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means "not ready", reported by class
            return JSONResponse({"status": "unavailable", "database": type(exc).__name__}, 503)
        return JSONResponse({"status": "ok", "database": "ok"})

    return app
