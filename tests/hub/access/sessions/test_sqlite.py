"""The embedded SQLite hub keeps sessions the same way: accounting, usage upserts, the
support disconnect and stale close on SQLite (the rest module's JSON posted directly)."""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.access.models import Nas, SubscriberCredential
from hub.access.sessions.actions import CoaDispatch
from hub.access.sessions.service import close_stale_sessions, session_octets
from hub.access.sessions.settings import SessionsSettings
from hub.events.signing import encrypt_secret
from tests.hub.access.sessions.conftest import TOKEN
from tests.hub.access.sessions.nas_sim import nas_simulator
from tests.hub.harness import Hub, hub_settings, running_hub


def _json(attributes: dict[str, Any]) -> dict[str, Any]:
    return {k: {"type": "string", "value": [v]} for k, v in attributes.items()}


async def _setup(hub: Hub, port: int) -> tuple[Any, str]:
    owner = await hub.new_tenant("lite")
    site = await hub.post(owner, "/sites", {"name": "pop"})
    customer = await hub.post(owner, "/billing/customers", {"name": "c", "currency": "EUR"})
    plan = await hub.post(owner, "/billing/plans", {"name": "p", "currency": "EUR",
                                                    "down_kbps": 1000, "up_kbps": 500,
                                                    "price_minor": 100})
    sub = await hub.post(owner, "/billing/subscriptions", {"customer_id": customer["id"],
                                                           "plan_id": plan["id"]})
    async with hub.app.state.sessions() as session, session.begin():
        session.add(Nas(tenant_id=owner.tenant_id, site_id=uuid.UUID(site["id"]), name="n",
                        address="127.0.0.1", vendor="generic", coa_port=port,
                        secret_encrypted=encrypt_secret("lite", hub.settings.secret_key)))
        session.add(SubscriberCredential(tenant_id=owner.tenant_id, username="lite-user",
                                         subscription_id=uuid.UUID(sub["id"])))
    return owner, sub["id"]


async def test_sessions_on_sqlite(tmp_path: Path) -> None:
    os.environ["DOTMAC_HUB_RADIUS_TOKEN"] = TOKEN
    try:
        settings = hub_settings(f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}")
        async with running_hub(settings) as hub, nas_simulator("lite") as nas:
            await _run(hub, nas.port, nas.received)
    finally:
        os.environ.pop("DOTMAC_HUB_RADIUS_TOKEN", None)


async def _run(hub: Hub, port: int, received: list[Any]) -> None:
    owner, sub_id = await _setup(hub, port)
    headers = {"X-Dotmac-Radius-Token": TOKEN, "X-Dotmac-Radius-Nas": "127.0.0.1"}
    t0 = int(time.time()) - 7200
    for attributes in (
            {"Acct-Status-Type": "Start", "Acct-Session-Id": "s1", "Event-Timestamp": t0},
            {"Acct-Status-Type": "Interim-Update", "Acct-Session-Id": "s1",
             "Event-Timestamp": t0 + 60, "Acct-Input-Octets": 70, "Acct-Output-Gigawords": 1,
             "Acct-Output-Octets": 3},
            {"Acct-Status-Type": "Start", "Acct-Session-Id": "s2",
             "Event-Timestamp": int(time.time())}):
        resp = await hub.client.post("/radius/accounting", headers=headers,
                                     json=_json({"User-Name": "lite-user", **attributes}))
        assert resp.status_code == 204, resp.text
    async with hub.app.state.sessions() as session:
        used = await session_octets(session, owner.tenant_id, uuid.UUID(sub_id),
                                    datetime.fromtimestamp(t0 - 3600, UTC),
                                    datetime.now(UTC))
    assert used == (70, (1 << 32) + 3)
    online = (await hub.client.get("/access/sessions", params={"online": "true"},
                                   headers=owner.headers)).json()["data"]
    s2 = next(s for s in online if s["acct_session_id"] == "s2")
    hub.app.state.coa_dispatch = CoaDispatch(hub.app.state.sessions, hub.settings,
                                             SessionsSettings(coa_timeout_s=0.5))
    resp = await hub.client.post(f"/access/sessions/{s2['id']}/disconnect",
                                 headers=owner.headers)
    assert resp.status_code == 202, resp.text
    await hub.app.state.coa_dispatch.drain()
    assert [r.kind for r in received] == ["disconnect"]
    async with hub.app.state.sessions() as session, session.begin():
        closed = await close_stale_sessions(session, owner.tenant_id, datetime.now(UTC))
    assert closed == 1
    detail = (await hub.client.get(f"/access/sessions/{s2['id']}",
                                   headers=owner.headers)).json()
    assert detail["stopped_at"] is None and detail["actions"][0]["status"] == "acked"
