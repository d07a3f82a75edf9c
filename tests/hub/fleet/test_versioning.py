"""An agent's desired version moves only when what it polls really changes; the document
built for it holds exactly its enabled devices, their credential sets and its discoveries."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.fleet.builder import ConfigBuildError, build_config, fingerprint
from hub.fleet.pusher import ENVELOPE_ROOM
from hub.inventory.credentials.models import CredentialSet
from hub.inventory.models import Device
from protocol import MAX_MESSAGE_BYTES
from protocol.edge_config import SnmpV2cCredential, SnmpV3Credential, SshCredential, pack
from tests.hub.fleet.conftest import (
    SECRET_KEY,
    Where,
    announce,
    new_agent,
    new_credential,
    new_device,
    new_discovery,
    state_of,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")
Sessions = async_sessionmaker[AsyncSession]


async def _desired(sessions: Sessions, agent_id: uuid.UUID) -> int:
    state = await state_of(sessions, agent_id)
    return 0 if state is None else state.desired_version


async def _rename(sessions: Sessions, device_id: uuid.UUID, name: str, where: Where) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(Device).where(Device.id == device_id).values(name=name))
        await announce(session, where)


async def test_a_rename_bumps_the_version_and_the_same_change_twice_bumps_once(
        sessions: Sessions) -> None:
    where = await new_agent(sessions)
    device = await new_device(sessions, where)
    assert await _desired(sessions, where.agent_id) == 1
    await _rename(sessions, device, "renamed-core-1", where)
    assert await _desired(sessions, where.agent_id) == 2
    await _rename(sessions, device, "renamed-core-1", where)  # nothing new
    async with sessions() as session, session.begin():
        await announce(session, where, "agent.update")  # an event without a change
    state = await state_of(sessions, where.agent_id)
    assert state is not None
    assert (state.desired_version, state.desired_devices) == (2, 1)
    assert state.desired_at is not None


async def test_another_tenants_change_bumps_nothing_here(sessions: Sessions) -> None:
    mine, theirs = await new_agent(sessions), await new_agent(sessions)
    await new_device(sessions, mine)
    await new_device(sessions, theirs)
    await new_device(sessions, theirs)
    assert await _desired(sessions, mine.agent_id) == 1
    assert await _desired(sessions, theirs.agent_id) == 2
    # An event naming my agent under their tenant is ignored (not their agent).
    async with sessions() as session, session.begin():
        await announce(session, Where(theirs.tenant_id, theirs.site_id, mine.agent_id))
    assert await _desired(sessions, mine.agent_id) == 1


async def test_disabling_and_rotating_a_credential_bump_the_version(sessions: Sessions) -> None:
    where = await new_agent(sessions)
    cred = await new_credential(sessions, where, "snmp_v2c", {}, {"community": "public-1"})
    device = await new_device(sessions, where, snmp_credential_id=cred)
    before, _ = await _print(sessions, where)
    async with sessions() as session, session.begin():
        await session.execute(update(CredentialSet).where(CredentialSet.id == cred)
                              .values(updated_at=datetime.now(UTC) + timedelta(seconds=1)))
        await announce(session, where, "credential_set.update")
    rotated, _ = await _print(sessions, where)
    assert rotated != before and await _desired(sessions, where.agent_id) == 2
    async with sessions() as session, session.begin():
        await session.execute(update(Device).where(Device.id == device).values(enabled=False))
        await announce(session, where)
    state = await state_of(sessions, where.agent_id)
    assert state is not None and (state.desired_version, state.desired_devices) == (3, 0)


async def _print(sessions: Sessions, where: Where) -> tuple[str, int]:
    async with sessions() as session:
        return await fingerprint(session, where.tenant_id, where.agent_id)


async def test_the_document_holds_only_this_agents_enabled_devices_and_their_sets(
        sessions: Sessions) -> None:
    where = await new_agent(sessions)
    neighbour = await new_agent(sessions, where)  # same tenant and site, another agent
    v2c = await new_credential(sessions, where, "snmp_v2c", {}, {"community": "c0mmunity"})
    v3 = await new_credential(sessions, where, "snmp_v3",
                              {"user": "dotmac", "auth_proto": "SHA-256", "priv_proto": "AES"},
                              {"auth_key": "auth-key-1", "priv_key": "priv-key-1"})
    ssh = await new_credential(sessions, where, "ssh", {"username": "noc"},
                               {"password": "pa55word", "enable_secret": "en4ble"})
    unused = await new_credential(sessions, where, "snmp_v2c", {}, {"community": "other"})
    theirs = await new_credential(sessions, where, "snmp_v2c", {}, {"community": "theirs"})
    polled = await new_device(sessions, where, snmp_credential_id=v2c, ssh_credential_id=ssh,
                              telemetry="both", interval_s=30.0, maintenance=True,
                              snmp_port=1161, management_address="2001:db8::7")
    await new_device(sessions, where, enabled=False, snmp_credential_id=unused)
    await new_device(sessions, neighbour, snmp_credential_id=theirs)
    discovery = await new_discovery(sessions, where, [v3])
    await new_discovery(sessions, where, [unused], state="done")
    async with sessions() as session:
        config = await build_config(session, where.tenant_id, where.agent_id, SECRET_KEY)
    assert [d.id for d in config.devices] == [polled]
    device = config.devices[0]
    assert (device.host, device.snmp_port, device.telemetry, device.interval_s,
            device.maintenance, device.snmp_credential, device.ssh_credential) == (
        "2001:db8::7", 1161, "both", 30.0, True, v2c, ssh)
    by_id = {c.id: c for c in config.credentials}
    assert set(by_id) == {v2c, v3, ssh}
    assert by_id[v2c] == SnmpV2cCredential(id=v2c, community="c0mmunity")
    assert by_id[v3] == SnmpV3Credential(id=v3, user="dotmac", auth_proto="SHA-256",
                                         auth_key="auth-key-1", priv_proto="AES",
                                         priv_key="priv-key-1")
    assert by_id[ssh] == SshCredential(id=ssh, username="noc", password="pa55word",
                                       enable_secret="en4ble")
    assert [(d.id, d.credentials) for d in config.discoveries] == [(discovery, [v3])]


async def test_a_set_sealed_under_another_key_is_a_clear_error(sessions: Sessions) -> None:
    where = await new_agent(sessions)
    cred = await new_credential(sessions, where, "snmp_v2c", {}, {"community": "s3cret-c"})
    await new_device(sessions, where, snmp_credential_id=cred)
    async with sessions() as session:
        with pytest.raises(ConfigBuildError) as caught:
            await build_config(session, where.tenant_id, where.agent_id, "another-" + "k" * 40)
    assert caught.value.code == "unseal_failed" and str(cred) in caught.value.detail
    assert "s3cret-c" not in str(caught.value)


async def test_a_2000_device_agent_builds_well_under_a_second(sessions: Sessions) -> None:
    where = await new_agent(sessions)
    cred = await new_credential(sessions, where, "snmp_v2c", {}, {"community": "bulk"})
    async with sessions() as session, session.begin():
        session.add_all([Device(tenant_id=where.tenant_id, site_id=where.site_id,
                                agent_id=where.agent_id, name=f"bulk-{i:04d}-{where.agent_id}",
                                management_address=f"10.{i // 250}.{i % 250}.1",
                                profile="cisco_ios", snmp_credential_id=cred)
                         for i in range(2000)])
        await session.flush()
        started = time.perf_counter()
        await announce(session, where)
        versioned = time.perf_counter() - started
    async with sessions() as session:
        started = time.perf_counter()
        config = await build_config(session, where.tenant_id, where.agent_id, SECRET_KEY)
        built = time.perf_counter() - started
    assert len(config.devices) == 2000 and len(config.credentials) == 1
    assert versioned < 1.0 and built < 1.0, (versioned, built)
    blob, _ = pack(config)
    assert len(blob) < MAX_MESSAGE_BYTES - ENVELOPE_ROOM  # one message, as the pusher needs
