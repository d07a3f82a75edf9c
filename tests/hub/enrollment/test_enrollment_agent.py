"""The field tech's path with the real commands: `dotmac-hub enroll-token` -> `dotmac-agent
enroll` against a hub served by uvicorn -> `dotmac-agent doctor` -> the agent's delivery
over TLS, verified against the CA it received. A client trusting another CA is refused.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiomqtt
import httpx
import pytest

from edge_agent.config import load_config
from edge_agent.delivery import Delivery, DeliverySettings
from edge_agent.queue import MemoryQueue, MemorySeqCounter
from edge_agent.runtime import broker_settings
from tests.agent_delivery.helpers import connect_hub, wait_for
from tests.hub.enrollment_support import tls_params
from tests.services._proc import free_port, tcp_open
from tests.services.mosquitto import Broker, make_ca

BIN = Path(sys.executable).parent
PASSWORD = "field-tech-test-password"
TENANT, SITE = "Fibernet-Enroll", "ams1-pop"


@dataclass
class LiveHub:
    """A `dotmac-hub serve` process and how to reach and drive it."""

    url: str
    env: dict[str, str]
    log: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `dotmac-hub` with this hub's environment."""
        return subprocess.run([str(BIN / "dotmac-hub"), *args], capture_output=True,
                              text=True, timeout=60, env=self.env, check=False)

    def token(self) -> str:
        """A fresh enrollment token for the test site, from the operator command."""
        out = self.run("enroll-token", "--site", SITE, "--tenant", TENANT, "--ttl", "10m")
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()


def _hub_env(pg_url: str, broker: Broker, port: int) -> dict[str, str]:
    return {**os.environ, "DOTMAC_HUB_DATABASE_URL": pg_url, "DOTMAC_HUB_PORT": str(port),
            "DOTMAC_HUB_HOST": "127.0.0.1", "DOTMAC_HUB_AUTO_MIGRATE": "true",
            "DOTMAC_HUB_ARGON2_TIME_COST": "1", "DOTMAC_HUB_ARGON2_MEMORY_KIB": "1024",
            "DOTMAC_HUB_SECRET_KEY": "enroll-test-" + "k" * 32, "DOTMAC_HUB_LOG_LEVEL": "warning",
            "DOTMAC_HUB_BROKER_HOST": broker.host, "DOTMAC_HUB_BROKER_PORT": str(broker.port),
            "DOTMAC_HUB_BROKER_TLS_PORT": str(broker.tls_port),
            "DOTMAC_HUB_BROKER_CA_FILE": str(broker.ca_file),
            "DOTMAC_HUB_BROKER_DYNSEC_USERNAME": broker.dynsec_admin.username,
            "DOTMAC_HUB_BROKER_DYNSEC_PASSWORD": broker.dynsec_admin.password,
            "DOTMAC_HUB_BOOTSTRAP_PASSWORD": PASSWORD}


@pytest.fixture(scope="module")
def live_hub(pg_url: str, mosquitto: Broker, tmp_path_factory: pytest.TempPathFactory,
             ) -> Iterator[LiveHub]:
    """The hub served by uvicorn on a free port, with a bootstrapped tenant and a site."""
    port = free_port()
    log = tmp_path_factory.mktemp("live-hub") / "hub.log"
    hub = LiveHub(f"http://127.0.0.1:{port}", _hub_env(pg_url, mosquitto, port), log)
    with log.open("w") as sink:
        proc = subprocess.Popen([str(BIN / "dotmac-hub"), "serve"], env=hub.env, stdout=sink,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not tcp_open(port) and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.1)
        made = hub.run("bootstrap", "--tenant", TENANT, "--admin-email", "own@enroll.example")
        assert made.returncode == 0, made.stderr
        _create_site(hub.url)
        yield hub
    finally:
        proc.terminate()
        proc.wait(15)


def _create_site(url: str) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        login = client.post("/auth/login", json={"email": "own@enroll.example",
                                                 "password": PASSWORD})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        made = client.post("/sites", json={"name": SITE}, headers=headers)
        assert made.status_code == 201, made.text


def _agent(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "dotmac-agent"), *args], capture_output=True, text=True,
                          timeout=60, check=False)


def _enroll(hub: LiveHub, token: str, config: Path, *extra: str,
            ) -> subprocess.CompletedProcess[str]:
    return _agent("enroll", "--hub", hub.url, "--token", token, "--config", str(config),
                  "--state-dir", str(config.parent / "state"), "--json",
                  "--insecure", *extra)  # the live hub serves plain http on loopback


def test_enroll_command_writes_a_private_config_that_doctor_accepts(
        live_hub: LiveHub, mosquitto: Broker, tmp_path: Path) -> None:
    config = tmp_path / "etc" / "agent.yaml"
    out = _enroll(live_hub, live_hub.token(), config)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    cfg = load_config(config)
    password = cfg.broker.password.get_secret_value()
    assert len(password) >= 32 and password not in out.stdout + out.stderr
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert cfg.agent.id == result["agent_id"] and cfg.broker.username == result["agent_id"]
    assert (cfg.broker.port, cfg.broker.tls) == (mosquitto.tls_port, True)
    assert cfg.broker.ca_file is not None and cfg.broker.ca_file.read_text() == mosquitto.ca_pem
    assert cfg.agent.state_dir == config.parent / "state" and cfg.agent.state_dir.is_dir()
    doctor = _agent("doctor", "--config", str(config), "--json")
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["broker"]["verdict"] == "ok", checks["broker"]
    assert "(TLS)" in checks["broker"]["detail"]


def test_second_enrollment_needs_force_and_does_not_burn_the_token(
        live_hub: LiveHub, tmp_path: Path) -> None:
    config = tmp_path / "agent.yaml"
    first = _enroll(live_hub, live_hub.token(), config)
    assert first.returncode == 0, first.stderr
    token = live_hub.token()
    refused = _enroll(live_hub, token, config)
    # rich wraps stderr at the console width, and the wrap point moves with tmp_path's length
    assert refused.returncode == 1 and "already enrolled" in " ".join(refused.stderr.split())
    forced = _enroll(live_hub, token, config, "--force")
    assert forced.returncode == 0, forced.stderr  # the refused run left the token unused
    assert json.loads(forced.stdout)["agent_id"] != json.loads(first.stdout)["agent_id"]
    backup = config.with_name("agent.yaml.bak")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    reused = _enroll(live_hub, token, tmp_path / "other.yaml")
    assert reused.returncode == 1 and "already used" in " ".join(reused.stderr.split())
    assert not (tmp_path / "other.yaml").exists()


async def test_enrolled_agent_delivers_over_tls_and_a_wrong_ca_is_refused(
        live_hub: LiveHub, mosquitto: Broker, tmp_path: Path) -> None:
    config = tmp_path / "agent.yaml"
    out = _enroll(live_hub, live_hub.token(), config)
    assert out.returncode == 0, out.stderr
    cfg = load_config(config)
    broker = broker_settings(cfg)
    assert broker.tls and broker.port == mosquitto.tls_port
    queue = MemoryQueue()
    delivery = Delivery(cfg.agent.id, broker, queue, MemorySeqCounter(),
                        settings=DeliverySettings(backoff_initial_s=0.2, backoff_cap_s=1.0))
    hub = connect_hub(mosquitto, f"dm/v1/{cfg.agent.id}/up/#")
    try:
        task = asyncio.create_task(delivery.run())
        await wait_for(lambda: any(s.state == "online" for s in hub.states()), 10,
                       "the agent's online state over TLS")
        assert delivery.metrics.connected and delivery.metrics.last_connect_error is None
        await delivery.stop()
        await asyncio.wait_for(task, 15)
    finally:
        hub.close()
    wrong = tmp_path / "wrong-ca.pem"
    wrong.write_text(make_ca("not the broker's CA").pem)
    with pytest.raises(aiomqtt.MqttError, match=r"(?i)certificate"):
        async with aiomqtt.Client(mosquitto.host, mosquitto.tls_port, username=cfg.agent.id,
                                  password=cfg.broker.password.get_secret_value(), timeout=5,
                                  tls_params=tls_params(wrong)):
            pass
