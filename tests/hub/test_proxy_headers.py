"""Behind a reverse proxy: whose X-Forwarded-For `dotmac-hub serve` believes.

Per-IP rate limits, login lockouts and the audit log key on the client address. Behind a
proxy the TCP peer is the proxy, so the hub must take the client from X-Forwarded-For, but
only when the peer is a proxy it was told to trust; anyone else could pick their own
address that way and dodge the per-IP limits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.services._proc import ManagedProcess, free_port, tcp_open, wait_until

BIN = Path(sys.executable).parent
OWNER, PASSWORD = "owner@proxy.example", "proxy-test-password-1"
CLIENT = "203.0.113.9"  # the address a proxy reports for the client (TEST-NET-3)


def _call(port: int, method: str, path: str, body: dict[str, Any] | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def _failed_login_ip(tmp_path: Path, trusted: str | None) -> str | None:
    """Serve with DOTMAC_HUB_TRUSTED_PROXIES=`trusted` (None: the default), fail one login
    through a 'proxy' on loopback and return the address the audit log recorded for it."""
    port = free_port()
    env = {**os.environ, "DOTMAC_HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}",
           "DOTMAC_HUB_PORT": str(port), "DOTMAC_HUB_INGEST_EMBEDDED": "false",
           "DOTMAC_HUB_BOOTSTRAP_PASSWORD": PASSWORD}
    env.pop("DOTMAC_HUB_TRUSTED_PROXIES", None)
    if trusted is not None:
        env["DOTMAC_HUB_TRUSTED_PROXIES"] = trusted
    boot = subprocess.run([str(BIN / "dotmac-hub"), "bootstrap", "--tenant", "Proxy ISP",
                           "--admin-email", OWNER], env=env, capture_output=True, text=True,
                          timeout=120, check=False, cwd=tmp_path)
    assert boot.returncode == 0, boot.stderr
    hub = ManagedProcess([str(BIN / "dotmac-hub"), "serve"], tmp_path / "hub.log", env=env,
                         cwd=tmp_path).start()
    try:
        wait_until(lambda: tcp_open(port), 30, "dotmac-hub serve", tmp_path / "hub.log")
        status, _ = _call(port, "POST", "/auth/login", {"email": OWNER, "password": "wrong!"},
                          {"X-Forwarded-For": CLIENT})
        assert status == 401
        status, login = _call(port, "POST", "/auth/login", {"email": OWNER,
                                                             "password": PASSWORD})
        assert status == 200, login
        status, page = _call(port, "GET", "/audit-events?limit=200",
                             headers={"Authorization": f"Bearer {login['access_token']}"})
        assert status == 200, page
    finally:
        hub.stop()
    failures = [e for e in page["data"] if e["action"] == "auth.login_failed"]
    assert len(failures) == 1, page["data"]
    return failures[0]["ip"]  # type: ignore[no-any-return]


def test_a_proxy_on_loopback_is_trusted_by_default(tmp_path: Path) -> None:
    """The usual set-up: nginx on the hub's own machine forwards to 127.0.0.1."""
    assert _failed_login_ip(tmp_path, None) == CLIENT


@pytest.mark.parametrize("trusted", ["192.0.2.1, 10.0.0.0/8", ""])
def test_an_untrusted_peer_cannot_choose_its_address(tmp_path: Path, trusted: str) -> None:
    """A peer outside the list (or an empty list) is taken as the client itself."""
    assert _failed_login_ip(tmp_path, trusted) == "127.0.0.1"


@pytest.mark.parametrize("hostile", ["*", "10.0.0.300", "proxy.example"])
def test_a_wildcard_or_a_typo_is_refused_at_start(tmp_path: Path, hostile: str) -> None:
    env = {**os.environ, "DOTMAC_HUB_TRUSTED_PROXIES": hostile,
           "DOTMAC_HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"}
    out = subprocess.run([str(BIN / "dotmac-hub"), "serve"], env=env, capture_output=True,
                         text=True, timeout=60, check=False, cwd=tmp_path)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "refusing to start: DOTMAC_HUB_TRUSTED_PROXIES" in out.stderr
