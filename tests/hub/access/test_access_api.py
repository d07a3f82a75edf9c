"""NAS registry and subscriber credential API: secrets write-only and sealed at rest,
addresses and usernames unique over the hub, and the FreeRADIUS files rendered from them
(`dotmac-hub radius config` checked by `freeradius -C`, `radius clients` from the registry)."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hub.access.cli import _clients, radius_app
from hub.access.radius_config import write_clients
from hub.events.signing import decrypt_secret
from tests.hub.access.matrix import credentialed, nas
from tests.hub.billing.matrix import subscription
from tests.hub.harness import Hub, scalar
from tests.radius_support import require_freeradius


async def _site(hub: Hub, owner: Any) -> str:
    return str((await hub.post(owner, "/sites", {"name": "api-pop"}))["id"])


async def test_nas_secret_is_write_only_sealed_and_rotatable(hub: Hub) -> None:
    owner = await hub.new_tenant("nas")
    site = await _site(hub, owner)
    body = {"site_id": site, "name": "bng-1", "address": "2001:DB8::0:1",
            "secret": "Sh4red-secret", "vendor": "cisco", "coa_port": 1700}
    made = await hub.post(owner, "/access/nas", body)
    assert made["address"] == "2001:db8::1" and "secret" not in str(made).lower()
    stored = await scalar(hub.settings, "SELECT secret_encrypted FROM access_nas WHERE "
                          "id = :id", id=made["id"].replace("-", ""))
    assert "Sh4red" not in stored
    assert decrypt_secret(stored, hub.settings.secret_key) == "Sh4red-secret"
    other = await hub.new_tenant("nas-other")
    clash = await hub.client.post("/access/nas", headers=other.headers, json={
        **body, "site_id": await _site(hub, other), "address": "2001:db8::1"})
    assert clash.status_code == 409 and "already registered" in clash.text
    rotated = await hub.client.patch(f"/access/nas/{made['id']}", headers=owner.headers,
                                     json={"secret": "N3w-secret!", "name": "bng-one"})
    assert rotated.status_code == 200 and rotated.json()["name"] == "bng-one"
    stored = await scalar(hub.settings, "SELECT secret_encrypted FROM access_nas WHERE "
                          "id = :id", id=made["id"].replace("-", ""))
    assert decrypt_secret(stored, hub.settings.secret_key) == "N3w-secret!"
    listed = await hub.client.get("/access/nas", params={"site_id": site},
                                  headers=owner.headers)
    assert [n["name"] for n in listed.json()["data"]] == ["bng-one"]
    assert (await hub.client.delete(f"/access/nas/{made['id']}",
                                    headers=owner.headers)).status_code == 204


@pytest.mark.parametrize("change", [{"address": "bng.example.net"}, {"vendor": "ericsson"},
                                    {"secret": "short"}, {"secret": "with space 123"},
                                    {"coa_port": 0}])
async def test_bad_nas_input_is_a_clear_422(hub: Hub, change: dict[str, Any]) -> None:
    owner = await hub.new_tenant("nas-bad")
    body = {"site_id": await _site(hub, owner), "name": "bng", "address": "192.0.2.77",
            "secret": "Sh4red-secret", "vendor": "mikrotik", **change}
    resp = await hub.client.post("/access/nas", json=body, headers=owner.headers)
    assert resp.status_code == 422, resp.text
    assert "Sh4red" not in resp.text


async def test_credentials_put_get_delete_and_unique_over_the_hub(hub: Hub) -> None:
    owner = await hub.new_tenant("cred")
    sub = await subscription(hub, owner)
    path = f"/access/subscriptions/{sub['id']}/credentials"
    put = await hub.client.put(path, json={"username": "zoe@isp.example",
                                           "password": "Zoe-pw-1"}, headers=owner.headers)
    assert put.status_code == 200, put.text
    shown = (await hub.client.get(path, headers=owner.headers)).json()
    assert shown["username"] == "zoe@isp.example" and shown["password_set"] is True
    assert "Zoe-pw-1" not in str(shown)
    other = await hub.new_tenant("cred-other")
    theirs = await subscription(hub, other)
    clash = await hub.client.put(f"/access/subscriptions/{theirs['id']}/credentials",
                                 json={"username": "zoe@isp.example", "password": "x"},
                                 headers=other.headers)
    assert clash.status_code == 409, clash.text
    ipoe = await hub.client.put(path, json={"username": "AA-BB-CC-DD-EE-FF",
                                            "mac": "AA-BB-CC-DD-EE-FF",
                                            "circuit_id": "olt1/1/1/3"},
                                headers=owner.headers)
    assert ipoe.status_code == 200 and ipoe.json()["mac"] == "aa:bb:cc:dd:ee:ff"
    assert ipoe.json()["password_set"] is False
    for bad in ({"username": "x"}, {"username": "u" * 254, "password": "p"},
                {"username": "x", "remote_id": "r", "password": "p"},
                {"username": "has space", "password": "p"}):
        assert (await hub.client.put(path, json=bad, headers=owner.headers)
                ).status_code == 422, bad
    assert (await hub.client.delete(path, headers=owner.headers)).status_code == 204
    assert (await hub.client.get(path, headers=owner.headers)).status_code == 404


async def test_radius_clients_renders_every_nas_with_its_secret(hub: Hub,
                                                                tmp_path: Path) -> None:
    owner = await hub.new_tenant("clients")
    made = await nas(hub, owner)
    await credentialed(hub, owner)
    found = await _clients(hub.settings)
    target = tmp_path / "clients.conf"
    write_clients(target, found)
    text = target.read_text()
    assert f"ipaddr = {made['address']}" in text
    assert "require_message_authenticator = yes" in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    mine = next(c for c in found if c.address == made["address"])
    assert f'secret = "{mine.secret}"' in text and mine.secret.startswith("nas-secret-")
    # what the sql backend's queries bind the NAS to (%{client:dotmac_tenant}, nas_type)
    assert f'dotmac_tenant = "{owner.tenant_id}"' in text
    assert f'nas_type = "{made["vendor"]}"' in text


def test_radius_config_renders_a_directory_freeradius_accepts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    binary = require_freeradius()
    runner = CliRunner()
    refused = runner.invoke(radius_app, ["config", "--out", str(tmp_path / "x"),
                                         "--hub-url", "http://127.0.0.1:8080"])
    assert refused.exit_code == 2 and "DOTMAC_HUB_RADIUS_TOKEN" in refused.output
    monkeypatch.setenv("DOTMAC_HUB_RADIUS_TOKEN", "cli-test-token-0123456789")
    out = tmp_path / "raddb"
    done = runner.invoke(radius_app, ["config", "--out", str(out), "--hub-url",
                                      "https://hub.example.net", "--cache-ttl", "600",
                                      "--accounting-spool", str(tmp_path / "spool")])
    assert done.exit_code == 0, done.output
    write_clients(out / "clients.conf", [])
    assert "cli-test-token-0123456789" in (out / "policy.d/dotmac").read_text()
    assert stat.S_IMODE((out / "policy.d/dotmac").stat().st_mode) == 0o640
    assert (out / "mods-enabled/cache_hub").exists()
    check = subprocess.run([binary, "-C", "-d", str(out)], capture_output=True, text=True,
                           timeout=60, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
