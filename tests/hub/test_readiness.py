"""/readyz answers 503 naming which dependency is down: the database or a broker."""

from __future__ import annotations

import httpx

from hub.app import create_app
from hub.settings import BrokerSettings
from tests.hub.harness import hub_settings
from tests.services._proc import free_port


async def _ready(settings) -> tuple[int, dict[str, str]]:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://hub") as client:
        resp = await client.get("/readyz")
    await app.state.engine.dispose()
    return resp.status_code, resp.json()


async def test_ready_with_database_and_broker(postgres, mosquitto) -> None:  # type: ignore[no-untyped-def]
    code, body = await _ready(hub_settings(postgres.sqlalchemy_url, broker=BrokerSettings(
        host="127.0.0.1", port=mosquitto.port)))
    assert code == 200 and body == {"status": "ok", "database": "ok", "broker": "ok"}


async def test_unreachable_broker_makes_the_hub_not_ready(postgres) -> None:  # type: ignore[no-untyped-def]
    dead = free_port()
    code, body = await _ready(hub_settings(postgres.sqlalchemy_url, broker=BrokerSettings(
        host="127.0.0.1", port=dead)))
    assert code == 503 and body["database"] == "ok"
    assert body["broker"] == "failed"  # the address goes to the log, not to the public


async def test_unreachable_database_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none"
    code, body = await _ready(hub_settings(url))
    assert code == 503 and body["database"] == "failed"
    assert body["broker"] == "not configured"
