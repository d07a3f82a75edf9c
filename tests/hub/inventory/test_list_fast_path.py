"""GET /devices writes its body straight from the rows (issue 15's benchmark route): the bytes
must be those FastAPI wrote from `response_model=DevicesPublic` before, for any row."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from pydantic import TypeAdapter

from hub.inventory.repository import DeviceRows
from hub.inventory.schemas import DevicesPublic, devices_page_json
from hub.pagination import PageParams, decode_cursor
from tests.hub.harness import Account, Hub

# What FastAPI does with a returned model and response_model (fastapi.routing: validate, then
# dump_json with its defaults: by_alias, nothing excluded).
_ANSWER = TypeAdapter(DevicesPublic)


def _model_body(rows: list[dict[str, Any]], cursor: str | None) -> bytes:
    return _ANSWER.dump_json(_ANSWER.validate_python(DevicesPublic.of(rows, cursor)),
                             by_alias=True, exclude_unset=False, exclude_none=False)


def _row(name: str, created_at: datetime, agent: bool = True, **over: Any) -> dict[str, Any]:
    # A devices-table row as TenantScopedRows returns it, tenant_id included (not answered).
    return {"id": uuid.uuid4(), "tenant_id": uuid.uuid4(), "site_id": uuid.uuid4(),
            "agent_id": uuid.uuid4() if agent else None, "name": name,
            "management_address": "2001:db8::9", "profile": "cisco_ios",
            "snmp_port": 161, "ssh_port": 22, "telemetry": "snmp", "interval_s": 60.0,
            "timeout_s": 2.0, "retries": 1, "enabled": True, "maintenance": False,
            "snmp_credential_id": None, "ssh_credential_id": None, "event_sources": [],
            "created_at": created_at, **over}


ODD_ROWS = [
    _row("core1", datetime(2026, 12, 5, 0, 48, 1, 123456, tzinfo=UTC)),
    _row("edge-2", datetime(2026, 1, 1, tzinfo=UTC), agent=False,  # no microseconds, no agent
         telemetry="both", interval_s=0.1 + 0.2, timeout_s=1e-3, snmp_port=65535,
         enabled=False, maintenance=True, snmp_credential_id=uuid.uuid4(),
         ssh_credential_id=uuid.uuid4(),
         event_sources=["10.255.0.1", "2001:db8::1"]),  # odd floats, polling fields set
    _row("zürich-ß-✓-😀", datetime(2026, 3, 1, 12, tzinfo=ZoneInfo("UTC"))),  # non-ASCII
    _row('ctl-"\\\x01\n\t\x7f\u2028', datetime(2026, 3, 1, 12, tzinfo=timezone(timedelta(hours=2))),
         management_address="10.0.0.1", profile="auto"),  # escapes, another offset
]


@pytest.mark.parametrize("cursor", [None, "c1.AZKx3f1Yd0CZq2m0d6lS3A"])
@pytest.mark.parametrize("rows", [[], ODD_ROWS[:1], ODD_ROWS], ids=["empty", "one", "odd"])
def test_fast_body_is_the_response_model_body(rows: list[dict[str, Any]],
                                              cursor: str | None) -> None:
    assert devices_page_json(rows, cursor) == _model_body(rows, cursor)


async def test_fast_body_is_what_the_route_with_a_returned_model_answered() -> None:
    """The old declaration (return the model, FastAPI serialises it) answers the same bytes."""
    old = FastAPI()

    @old.get("/devices", response_model=DevicesPublic)
    async def list_devices() -> DevicesPublic:
        return DevicesPublic.of(ODD_ROWS, "c1.next")

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=old),
                                 base_url="http://hub.test") as client:
        answer = await client.get("/devices")
    assert answer.headers["content-type"] == "application/json"
    assert answer.content == devices_page_json(ODD_ROWS, "c1.next")
    assert answer.json()["data"][1]["agent_id"] is None
    assert answer.json()["data"][3]["snmp_profile"] == "auto"  # deprecated field still there


async def test_device_list_body_from_the_database_matches_the_model(hub: Hub) -> None:
    """Real rows (PostgreSQL types, UTC timestamps) through the route, page by page."""
    owner: Account = await hub.new_tenant("fast")
    site = (await hub.post(owner, "/sites", {"name": "ams1"}))["id"]
    agent = (await hub.post(owner, "/agents", {"site_id": site, "name": "ams1-agent"}))["id"]
    for i, (profile_field, profile, agent_id) in enumerate([
            ("profile", "cisco_ios", agent), ("snmp_profile", "cisco-ios", None),
            ("profile", "auto", None)]):
        await hub.post(owner, "/devices", {"site_id": site, "name": f"sw{i}", "agent_id": agent_id,
                                           "management_address": f"192.0.2.{i + 1}",
                                           profile_field: profile})
    rows_of = DeviceRows(hub.app.state.read_engine, owner.tenant_id)
    cursor: str | None = None
    pages = 0
    while pages == 0 or cursor is not None:
        query = {"limit": 2} if cursor is None else {"limit": 2, "cursor": cursor}
        answer = await hub.client.get("/devices", params=query, headers=owner.headers)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
        after = None if cursor is None else decode_cursor(cursor)
        rows, next_cursor = await rows_of.list(PageParams(2, after), None, None)
        assert answer.content == _model_body(rows, next_cursor)
        assert [d["snmp_profile"] for d in answer.json()["data"]] == [
            d["profile"] for d in answer.json()["data"]]
        pages, cursor = pages + 1, answer.json()["next_cursor"]
    assert pages == 2
