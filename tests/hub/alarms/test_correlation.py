"""Correlation on PostgreSQL: an offline agent suppresses its devices' alarms, an
unreachable device its interfaces'; the suppressed name their root, notify no one, and stand
on their own (notifying) when the root clears."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alarms import service
from tests.hub.alarms.conftest import T0, Recorder, World, actions_of, alarm_by_id, minutes

Sessions = async_sessionmaker[AsyncSession]


def agent_offline(world: World) -> service.Condition:
    """The agent's offline alarm."""
    return world.condition("agent.offline", "", device=False, alarm_type="agent_offline",
                           severity="critical", origin="agent")


def unreachable(world: World) -> service.Condition:
    """sw unreachable."""
    return world.condition("device.unreachable", "", if_index=None,
                           alarm_type="device_unreachable", severity="critical",
                           origin="telemetry")


async def test_children_raised_under_an_active_root_name_it(sessions: Sessions, world: World,
                                                            changes: Recorder) -> None:
    async with sessions() as session, session.begin():
        root = await service.raise_alarm(session, agent_offline(world))
        device = await service.raise_alarm(session, unreachable(world))
        port = await service.raise_alarm(session, world.condition(at=T0 + minutes(1)))
    assert device.suppressed_by == root.id and port.suppressed_by == root.id
    assert changes.of(root.id) == [("raised", True)]
    assert changes.of(device.id) == [("raised", False)]
    assert changes.of(port.id) == [("raised", False)]
    suppressed = [h for h in await actions_of(sessions, device.id) if h.action == "suppressed"]
    assert suppressed[0].text == "root cause: agent"
    assert suppressed[0].details == {"root_id": str(root.id), "root_rule": "agent.offline"}


async def test_an_unreachable_device_suppresses_its_interfaces_only(
        sessions: Sessions, world: World, changes: Recorder) -> None:
    async with sessions() as session, session.begin():
        port = await service.raise_alarm(session, world.condition())
        cpu = await service.raise_alarm(session, world.condition(
            "device.cpu", "", if_index=None, alarm_type="cpu"))
        root = await service.raise_alarm(session, unreachable(world))
    assert (await alarm_by_id(sessions, port.id)).suppressed_by == root.id
    assert (await alarm_by_id(sessions, cpu.id)).suppressed_by is None
    assert changes.of(port.id) == [("raised", True)]  # raised before its root: told already


async def test_root_clear_releases_children_and_they_notify(sessions: Sessions, world: World,
                                                            changes: Recorder) -> None:
    cond = world.condition()
    async with sessions() as session, session.begin():
        root = await service.raise_alarm(session, agent_offline(world))
        port = await service.raise_alarm(session, cond)
        device = await service.raise_alarm(session, unreachable(world))
        await service.clear_alarm(session, world.tenant_id, device.dedupe_key,
                                  T0 + minutes(1))
    async with sessions() as session, session.begin():
        await service.clear_alarm(session, world.tenant_id, root.dedupe_key, T0 + minutes(5))
    stored_port = await alarm_by_id(sessions, port.id)
    assert stored_port.suppressed_by is None
    assert changes.of(port.id) == [("raised", False), ("unsuppressed", True)]
    # A cleared child is released quietly: there is nothing to tell about it.
    assert changes.of(device.id) == [("raised", False), ("cleared", False)]
    assert [h.action for h in await actions_of(sessions, port.id)] == [
        "raised", "suppressed", "unsuppressed"]


async def test_a_released_child_moves_under_the_next_root(sessions: Sessions, world: World,
                                                          changes: Recorder) -> None:
    """Agent back, device still unreachable: the port alarm now names the device."""
    async with sessions() as session, session.begin():
        agent = await service.raise_alarm(session, agent_offline(world))
        device = await service.raise_alarm(session, unreachable(world))
        port = await service.raise_alarm(session, world.condition())
        assert port.suppressed_by == agent.id
        await service.clear_alarm(session, world.tenant_id, agent.dedupe_key, T0 + minutes(2))
    stored = await alarm_by_id(sessions, port.id)
    assert stored.suppressed_by == device.id
    assert ("unsuppressed", True) not in changes.of(port.id)
    assert changes.of(device.id)[-1] == ("unsuppressed", True)


async def test_one_transaction_sees_its_own_roots_come_and_go(sessions: Sessions,
                                                              world: World) -> None:
    """The evaluator raises roots and children in one transaction, each rule inside a
    savepoint: what a rolled-back savepoint raised is no root, a root raised later in the
    transaction is one, even after the same question was answered "no root" before."""
    async with sessions() as session, session.begin():
        before = await service.raise_alarm(session, world.condition(extra=1))
        try:
            async with session.begin_nested():
                await service.raise_alarm(session, unreachable(world))
                raise RuntimeError("the rule failed half-way")
        except RuntimeError:
            pass
        undone = await service.raise_alarm(session, world.condition(extra=2, if_index=2))
        assert undone.suppressed_by is None
        assert not await service.open_dedupe_keys(session, world.tenant_id,
                                                  "device.unreachable")
        root = await service.raise_alarm(session, unreachable(world))
        after = await service.raise_alarm(session, world.condition(extra=3, if_index=3))
    assert after.suppressed_by == root.id
    assert (await alarm_by_id(sessions, before.id)).suppressed_by == root.id
    assert (await alarm_by_id(sessions, undone.id)).suppressed_by == root.id


async def test_nothing_read_in_one_transaction_is_trusted_in_the_next(
        sessions: Sessions, world: World) -> None:
    """A session used without an explicit begin (autobegin, then commit, as routes do):
    the second transaction reads the alarm again instead of trusting the first's answer."""
    cond = world.condition()
    async with sessions() as session:
        assert await service.clear_alarm(session, world.tenant_id, cond.dedupe_key, T0) is None
        await session.commit()
        async with sessions() as other, other.begin():
            made = await service.raise_alarm(other, cond)
        found = await service.clear_alarm(session, world.tenant_id, cond.dedupe_key,
                                          T0 + minutes(1))
        await session.commit()
    assert found is not None and found.id == made.id
    assert (await alarm_by_id(sessions, made.id)).state == "cleared"
