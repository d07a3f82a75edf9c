"""A configuration built to make the hub's backup diff hang, on PostgreSQL through the API.

difflib costs up to the square of the line counts, and ran on the event loop: one request for
the diff of two big configs that differ on every other line froze every other request of the
worker for tens of seconds. Now inputs over the limits are answered at once with "too large
to diff", and a diff within them runs in a worker thread while the loop keeps serving.
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import threading
import uuid
from typing import Any

import pytest

from hub.jobs.config_diff import MAX_DIFF_CHARS, MAX_DIFF_LINES
from hub.jobs.models import ConfigVersion
from tests.hub.harness import (
    Account,
    Hub,
)


async def _device_with(hub: Hub, label: str, *texts: str) -> tuple[Account, str]:
    """A new tenant's device whose stored config versions are `texts` (1, 2, ...)."""
    owner = await hub.new_tenant(label)
    site = await hub.post(owner, "/sites", {"name": f"{label}-pop"})
    device = await hub.post(owner, "/devices", {
        "site_id": site["id"], "name": f"{label}-core", "management_address": "192.0.2.1",
        "profile": "cisco_ios"})
    async with hub.app.state.sessions() as session:
        for number, text in enumerate(texts, start=1):
            session.add(ConfigVersion(
                tenant_id=owner.tenant_id, device_id=uuid.UUID(device["id"]), version=number,
                sha256=hashlib.sha256(text.encode()).hexdigest(), text=text))
        await session.commit()
    return owner, device["id"]


async def _diff(hub: Hub, owner: Account, device_id: str, version: int) -> Any:
    return await hub.client.get(f"/devices/{device_id}/config-versions/{version}/diff",
                                headers=owner.headers)


def _every_other_line_changed(lines: int, sep: str = "\n") -> tuple[str, str]:
    old = sep.join(f"interface ge-0/0/{i}" for i in range(lines)) + sep
    new = sep.join(f"interface ge-0/0/{i}" if i % 2 else f" description x{i}"
                   for i in range(lines)) + sep
    return old, new


@pytest.mark.parametrize("kind", ["lines", "carriage_returns", "characters"])
async def test_a_diff_bomb_is_answered_too_large_at_once(hub: Hub, kind: str) -> None:
    if kind == "characters":  # few lines, each huge: the size limit
        old, new = "a" * (MAX_DIFF_CHARS + 1), "b" * (MAX_DIFF_CHARS + 1)
    else:  # \r splits lines for difflib too, so it counts as one
        old, new = _every_other_line_changed(MAX_DIFF_LINES + 1,
                                             "\r" if kind == "carriage_returns" else "\n")
    owner, device_id = await _device_with(hub, f"bomb-{kind[:5]}", old, new)
    resp = await _diff(hub, owner, device_id, 2)
    assert resp.status_code == 422, resp.text[:300]
    assert "too large to diff" in resp.json()["detail"]


async def test_a_diff_runs_off_the_event_loop(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = _every_other_line_changed(200)
    owner, device_id = await _device_with(hub, "offloop", old, new)
    loop_thread = threading.get_ident()
    entered, release = threading.Event(), threading.Event()
    ran_on: list[int] = []
    real = difflib.unified_diff

    def held_diff(*args: Any, **kwargs: Any) -> Any:
        ran_on.append(threading.get_ident())
        entered.set()
        release.wait(60)  # on the loop (the old code) this would freeze the request below
        return real(*args, **kwargs)

    monkeypatch.setattr(difflib, "unified_diff", held_diff)
    request = asyncio.ensure_future(_diff(hub, owner, device_id, 2))
    assert await asyncio.to_thread(entered.wait, 60)
    served = await hub.client.get("/healthz")  # the loop serves while the diff is running
    release.set()
    resp = await request
    assert served.status_code == 200
    assert ran_on and ran_on[0] != loop_thread
    assert resp.status_code == 200 and "+ description x0" in resp.json()["diff"]
