"""`dotmac-hub bootstrap --platform`: one platform tenant per hub, adopting the ISPs made
before it; plain `bootstrap` keeps making ISPs (under the platform once it exists). Runs on
the embedded SQLite default, so the hierarchy queries are checked there too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hub.errors import ConflictError
from hub.identity.passwords import Passwords
from hub.settings import DEFAULT_SECRET_KEY
from hub.tenants.service import bootstrap
from tests.hub.harness import hub_settings, running_hub

HUB = str(Path(sys.executable).parent / "dotmac-hub")
PASSWORD = "chosen-password-123"


def _bootstrap(env: dict[str, str], tenant: str, email: str, *flags: str,
               ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HUB, "bootstrap", "--tenant", tenant, "--admin-email", email, *flags],
                          capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, **env})


async def test_platform_bootstrap_adopts_isps_and_is_one_per_hub(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    env = {"DOTMAC_HUB_DATABASE_URL": url, "DOTMAC_HUB_ARGON2_TIME_COST": "1",
           "DOTMAC_HUB_ARGON2_MEMORY_KIB": "1024", "DOTMAC_HUB_BOOTSTRAP_PASSWORD": PASSWORD}
    assert _bootstrap(env, "Early ISP", "early@isp.example").returncode == 0
    made = _bootstrap(env, "Platform", "ops@platform.example", "--platform")
    assert made.returncode == 0 and "platform tenant 'Platform' created" in made.stdout
    settings = hub_settings(url, secret_key=DEFAULT_SECRET_KEY)
    async with running_hub(settings, migrate=False) as hub:
        async with hub.app.state.sessions() as session:  # what the command calls
            with pytest.raises(ConflictError, match="a hub has one"):
                await bootstrap(session, Passwords(settings), "Second", "two@p.example",
                                PASSWORD, platform=True)
            await bootstrap(session, Passwords(settings), "Late ISP", "late@isp.example",
                            PASSWORD)
        platform = await hub.login("ops@platform.example", PASSWORD)
        me = (await hub.client.get("/tenants/current", headers=platform.headers)).json()
        assert me["kind"] == "platform" and me["parent_id"] is None
        isps = (await hub.client.get("/tenants", params={"kind": "isp"},
                                     headers=platform.headers)).json()["data"]
        assert sorted(t["name"] for t in isps) == ["Early ISP", "Late ISP"]
        assert {t["parent_id"] for t in isps} == {me["id"]}
        early = await hub.login("early@isp.example", PASSWORD)
        body = {"name": "Corner Reseller", "owner": {"email": "r@corner.example",
                                                     "password": PASSWORD}}
        made_r = await hub.post(early, "/tenants", body)
        assert made_r["kind"] == "reseller" and made_r["parent_id"] == str(early.tenant_id)
        everything = (await hub.client.get("/tenants", headers=platform.headers)).json()
        assert len(everything["data"]) == 3
        await hub.post(platform, f"/tenants/{early.tenant_id}/suspend", {})
        for email in ("early@isp.example", "r@corner.example"):  # the ISP and its reseller
            login = await hub.client.post("/auth/login", json={"email": email,
                                                               "password": PASSWORD})
            assert login.status_code == 401
        await hub.post(platform, f"/tenants/{early.tenant_id}/reactivate", {})
        assert (await hub.login("r@corner.example", PASSWORD)).role == "owner"
