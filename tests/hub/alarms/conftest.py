"""Alarm fixtures others reuse: a migrated PostgreSQL database per test module, a tenant with
a site, an agent, two devices, a customer with a subscription on a port, and a recorder of
the AlarmChanged events published."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub import domain_events
from hub.alarms.events import AlarmChanged
from hub.alarms.models import Alarm, AlarmHistory
from hub.alarms.service import Condition, dedupe_key
from hub.billing.models import Customer, Plan, Subscription
from hub.handlers import wire
from hub.inventory.models import Agent, Device, Site
from hub.tenants.models import Tenant
from tests.hub.harness import drop_database
from tests.hub.ingest.harness import engine_and_sessions, migrated_database
from tests.services.postgres import Postgres

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def token(prefix: str) -> str:
    """A unique lowercase name."""
    return f"{prefix}-{secrets.token_hex(4)}"


@pytest.fixture(scope="module")
def alarms_db(postgres: Postgres) -> Iterator[str]:
    """URL of a fresh database at the newest schema, private to the test module."""
    url = migrated_database(postgres, "alarms")
    yield url
    drop_database(postgres.admin_dsn, url.rsplit("/", 1)[1])


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sessions(alarms_db: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the module's database, with the process's domain events wired."""
    wire()
    engine, factory = engine_and_sessions(alarms_db)
    yield factory
    await engine.dispose()


@dataclass
class Recorder:
    """The AlarmChanged events published while a test runs, in order."""

    events: list[AlarmChanged] = field(default_factory=list)

    async def __call__(self, _session: AsyncSession, event: AlarmChanged) -> None:
        self.events.append(event)

    def of(self, alarm_id: uuid.UUID) -> list[tuple[str, bool]]:
        """(change, notify) of one alarm's events."""
        return [(e.change, e.notify) for e in self.events if e.alarm_id == alarm_id]


_RECORDER = Recorder()


@pytest.fixture
def changes(sessions: async_sessionmaker[AsyncSession]) -> Recorder:
    """The AlarmChanged recorder, emptied for this test (subscribed on the process bus)."""
    if _RECORDER not in domain_events.bus.handlers(AlarmChanged):
        domain_events.bus.subscribe(AlarmChanged, _RECORDER)
    _RECORDER.events.clear()
    return _RECORDER


@dataclass
class World:
    """One tenant's network: site, agent, two devices (sw on ports 1 and 2 has customers),
    a customer with an active subscription on sw port 1 and a terminated one on port 2."""

    tenant_id: uuid.UUID
    site_id: uuid.UUID
    agent_id: uuid.UUID
    device_id: uuid.UUID
    device_name: str
    other_device_id: uuid.UUID
    other_device_name: str
    customer_id: uuid.UUID
    customer_name: str
    subscription_id: uuid.UUID

    def condition(self, rule: str = "event.link", extra: object = 1, *,
                  at: datetime = T0, severity: str = "major", if_index: int | None = 1,
                  device: bool = True, alarm_type: str = "link_down",
                  origin: str = "event") -> Condition:
        """A condition on sw (port `if_index`), or on the agent when `device` is False."""
        subject = self.device_id if device else self.agent_id
        return Condition(
            tenant_id=self.tenant_id, rule=rule, dedupe_key=dedupe_key(rule, subject, extra),
            alarm_type=alarm_type, severity=severity,
            subject=f"{self.device_name} port {if_index}" if device else "agent",
            summary=f"{rule} on {subject}", origin=origin, at=at, site_id=self.site_id,
            agent_id=self.agent_id, device_id=self.device_id if device else None,
            device_name=self.device_name if device else None,
            if_index=if_index if device else None)


async def new_world(sessions: async_sessionmaker[AsyncSession]) -> World:
    """A new tenant with its site, agent, devices, customer and subscriptions."""
    async with sessions() as session, session.begin():
        tenant = Tenant(name=token("isp"))
        session.add(tenant)
        await session.flush()
        tid = tenant.id
        site = Site(tenant_id=tid, name=token("pop"), description="")
        session.add(site)
        await session.flush()
        agent = Agent(tenant_id=tid, site_id=site.id, name=token("agent"), status="active")
        session.add(agent)
        await session.flush()
        devices = [Device(tenant_id=tid, site_id=site.id, agent_id=agent.id, name=token(name),
                          management_address=address, profile="cisco_ios")
                   for name, address in (("sw", "192.0.2.10"), ("rtr", "192.0.2.11"))]
        session.add_all(devices)
        plan = Plan(tenant_id=tid, name="100M", currency="EUR", down_kbps=100_000,
                    up_kbps=100_000, price_minor=3000)
        customer = Customer(tenant_id=tid, name=token("Alice"), currency="EUR")
        session.add_all([plan, customer])
        await session.flush()
        subs = [Subscription(tenant_id=tid, customer_id=customer.id, plan_id=plan.id,
                             device_id=devices[0].id, if_index=port, port=f"Gi0/{port}",
                             status=status)
                for port, status in ((1, "active"), (2, "terminated"))]
        session.add_all(subs)
        await session.flush()
        return World(tid, site.id, agent.id, devices[0].id, devices[0].name, devices[1].id,
                     devices[1].name, customer.id, customer.name, subs[0].id)


@pytest_asyncio.fixture(loop_scope="session")
async def world(sessions: async_sessionmaker[AsyncSession]) -> World:
    """A fresh tenant network for one test."""
    return await new_world(sessions)


async def alarm_by_id(sessions: async_sessionmaker[AsyncSession], alarm_id: uuid.UUID,
                      ) -> Alarm:
    """The stored alarm, read in a session of its own."""
    async with sessions() as session:
        return (await session.execute(select(Alarm).where(Alarm.id == alarm_id))).scalar_one()


async def alarms_of(sessions: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID,
                    ) -> list[Alarm]:
    """Every alarm of a tenant, oldest first."""
    async with sessions() as session:
        query = (select(Alarm).where(Alarm.tenant_id == tenant_id)
                 .order_by(Alarm.created_at, Alarm.id))
        return list((await session.execute(query)).scalars())


async def actions_of(sessions: async_sessionmaker[AsyncSession], alarm_id: uuid.UUID,
                     ) -> list[AlarmHistory]:
    """An alarm's history rows, oldest first."""
    async with sessions() as session:
        query = (select(AlarmHistory).where(AlarmHistory.alarm_id == alarm_id)
                 .order_by(AlarmHistory.at, AlarmHistory.created_at, AlarmHistory.id))
        return list((await session.execute(query)).scalars())


def minutes(n: float) -> timedelta:
    """`n` minutes."""
    return timedelta(minutes=n)
