"""The pushed config carries each device's `event_sources`; a change of them is a new
version, the same list is not; agents none of whose devices uses them keep the fingerprint
(and document) they had before the field existed."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.fleet import repository as repo
from hub.fleet.builder import _fingerprint_text, build_config, fingerprint
from hub.inventory.models import Device
from protocol.edge_config import canonical_json
from tests.hub.fleet.conftest import SECRET_KEY, Where, announce, new_agent, new_device, state_of

pytestmark = pytest.mark.asyncio(loop_scope="session")
Sessions = async_sessionmaker[AsyncSession]


async def _set_sources(sessions: Sessions, where: Where, device: uuid.UUID,
                       sources: list[str]) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(Device).where(Device.id == device)
                              .values(event_sources=sources))
        await announce(session, where, "device.update")


async def _desired(sessions: Sessions, where: Where) -> int:
    state = await state_of(sessions, where.agent_id)
    assert state is not None
    return state.desired_version


async def test_the_push_carries_event_sources_of_enabled_devices(sessions: Sessions) -> None:
    where = await new_agent(sessions)
    router = await new_device(sessions, where, management_address="192.0.2.1",
                              event_sources=["10.255.0.1", "2001:db8::1"])
    plain = await new_device(sessions, where, management_address="192.0.2.2")
    hidden = await new_device(sessions, where, management_address="192.0.2.3",
                              event_sources=["10.255.0.3"], enabled=False)
    async with sessions() as session:
        config = await build_config(session, where.tenant_id, where.agent_id, SECRET_KEY)
    by_id = {d.id: d for d in config.devices}
    assert hidden not in by_id
    assert by_id[router].event_sources == ["10.255.0.1", "2001:db8::1"]
    assert by_id[plain].event_sources == []
    written = {d["id"]: d for d in json.loads(canonical_json(config))["devices"]}
    assert written[str(router)]["event_sources"] == ["10.255.0.1", "2001:db8::1"]
    assert "event_sources" not in written[str(plain)]  # a 1.2 agent reads this device


async def test_a_change_of_event_sources_is_a_new_version(sessions: Sessions) -> None:
    where = await new_agent(sessions)
    device = await new_device(sessions, where)
    first = await _desired(sessions, where)
    await _set_sources(sessions, where, device, ["10.255.0.9"])
    assert await _desired(sessions, where) == first + 1
    await _set_sources(sessions, where, device, ["10.255.0.9"])
    assert await _desired(sessions, where) == first + 1
    await _set_sources(sessions, where, device, ["10.255.0.9", "10.255.0.10"])
    assert await _desired(sessions, where) == first + 2
    await _set_sources(sessions, where, device, [])
    assert await _desired(sessions, where) == first + 3


async def test_no_event_sources_no_change_of_fingerprint(sessions: Sessions) -> None:
    """The fingerprint of an agent whose devices list none is the one computed from the
    device columns alone, as before the column existed: upgrading bumps no agent."""
    where = await new_agent(sessions)
    await new_device(sessions, where)
    await new_device(sessions, where, management_address="192.0.2.77")
    async with sessions() as session:
        digest, count = await fingerprint(session, where.tenant_id, where.agent_id)
        devices = await repo.polled_devices(session, where.tenant_id, where.agent_id)
    assert count == 2
    assert digest == hashlib.sha256(_fingerprint_text(devices, [], [])).hexdigest()
