"""access/sessions cases for the hub's role matrix and tenant-isolation matrix.

A session needs a NAS; the tenant's NAS sits on a loopback address of its own whose CoA
port is an always-ACK NAS simulator, so a disconnect the matrix sends is answered at once.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from hub.access.models import Nas
from hub.access.sessions.models import SubscriberSession
from hub.db import utcnow
from hub.events.signing import encrypt_secret
from tests.hub.access.sessions.nas_sim import SimulatorPool
from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory
from tests.hub.matrix_support import by_id as _by_id
from tests.hub.matrix_support import plain as _plain

SECRET = "matrix-nas-secret"
_SIMULATORS = SimulatorPool()


async def _nas(hub: Hub, owner: Account) -> uuid.UUID:
    """The tenant's matrix NAS (created once per tenant, answered by a simulator)."""
    name = "matrix-nas"
    async with hub.app.state.sessions() as session, session.begin():
        found: uuid.UUID | None = (await session.execute(select(Nas.id).where(
            Nas.tenant_id == owner.tenant_id, Nas.name == name))).scalar_one_or_none()
        if found is not None:
            return found
        address = f"127.{secrets.randbelow(250) + 1}.{secrets.randbelow(250)}." \
                  f"{secrets.randbelow(250) + 1}"
        simulator = await _SIMULATORS.get(SECRET, address)
        sites = await hub.client.post("/sites", json={"name": f"nas-{secrets.token_hex(3)}"},
                                      headers=owner.headers)
        assert sites.status_code == 201, sites.text
        nas = Nas(tenant_id=owner.tenant_id, site_id=uuid.UUID(sites.json()["id"]), name=name,
                  address=address, vendor="mikrotik", coa_port=simulator.port,
                  secret_encrypted=encrypt_secret(SECRET, hub.settings.secret_key))
        session.add(nas)
    return nas.id


async def live_session(hub: Hub, owner: Account) -> dict[str, Any]:
    """An online session of the tenant (as accounting would have stored it)."""
    nas_id, now = await _nas(hub, owner), utcnow()
    async with hub.app.state.sessions() as session, session.begin():
        row = SubscriberSession(
            tenant_id=owner.tenant_id, nas_id=nas_id, username=f"m-{secrets.token_hex(4)}",
            acct_session_id=secrets.token_hex(6), started_at=now, last_update_at=now,
            session_time_s=0, input_octets=0, output_octets=0, input_packets=0,
            output_packets=0, counter_resets=0)
        session.add(row)
    return {"id": str(row.id)}


REQUESTS: dict[str, Factory] = {
    "access_sessions_list": _plain(),
    "access_sessions_get": _by_id(live_session, "session_id"),
    "access_sessions_disconnect": _by_id(live_session, "session_id",
                                         lambda: {"reason": "matrix"}),
}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """Ids of this tenant's access/sessions objects the isolation cases name."""
    return {"s_session": (await live_session(hub, owner))["id"]}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per access/sessions operation, called as tenant B with tenant A's ids."""
    session = {"session_id": a["s_session"]}
    return {
        "access_sessions_list": case("own", {}, query={"online": "true"}),
        "access_sessions_get": case("foreign", session),
        "access_sessions_disconnect": case("foreign", session, {"reason": "stolen"}),
    }
