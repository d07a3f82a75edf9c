"""What the rollout tests drive: agent wheels of several versions, a served hub, and
`ansible-playbook` pointed at the test host."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.ansible.testhost import PopBox
from tests.services._proc import tcp_open
from tests.services.mosquitto import Broker

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE = ROOT / "ansible"
BIN = Path(sys.executable).parent
PACKAGE_PARTS = ("pyproject.toml", "README.md", "edge_agent", "hub", "protocol",
                 "firmware_profiles", "dashboards")
TENANT, SITE, PASSWORD = "Fibernet-Rollout", "tst1-pop", "rollout-test-password"
HOST = "pop-test-01"
_RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+"
                    r"failed=(\d+)", re.MULTILINE)


def build_wheels(workdir: Path, versions: dict[str, str | None]) -> dict[str, Path]:
    """One wheel per version from a copy of this tree; the value is a Python snippet that
    replaces `dotmac-agent run` (a build that crashes at start), or None for the real one."""
    builds = {}
    for version, broken_run in versions.items():
        tree = workdir / f"src-{version}"
        tree.mkdir()
        for part in PACKAGE_PARTS:
            if (ROOT / part).is_dir():
                shutil.copytree(ROOT / part, tree / part, ignore=shutil.ignore_patterns(
                    "__pycache__", "*.egg-info"))
            else:
                shutil.copy(ROOT / part, tree / part)
        pyproject = tree / "pyproject.toml"
        pyproject.write_text(re.sub(r'(?m)^version = ".*"$', f'version = "{version}"',
                                    pyproject.read_text()))
        if broken_run:
            cli = tree / "edge_agent" / "cli.py"
            cli.write_text(cli.read_text().replace(
                "    _setup_logging(log_level)\n", f"    {broken_run}\n", 1))
        out = workdir / f"wheel-{version}"
        builds[version] = (out, subprocess.Popen(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(tree)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    wheels = {}
    for version, (out, proc) in builds.items():
        log = proc.communicate(timeout=120)[0].decode()
        assert proc.returncode == 0, log
        wheels[version] = next(out.glob("dotmac-*.whl"))
    return wheels


def build_wheelhouse(workdir: Path, agent_wheel: Path, *extra: str) -> Path:
    """Wheels of everything the agent needs: the box has no route to a package index,
    like a POP installing with `--no-index --find-links`."""
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "-w", str(workdir),
                          str(agent_wheel), *extra], capture_output=True, text=True,
                         timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    return workdir


@dataclass
class ServedHub:
    """`dotmac-hub serve` on a port, with a tenant and a site to enroll into."""

    url: str
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes]

    def token(self) -> str:
        """A one-time enrollment token for the test site, from the operator command."""
        out = subprocess.run([str(BIN / "dotmac-hub"), "enroll-token", "--site", SITE,
                              "--tenant", TENANT, "--ttl", "30m"], capture_output=True,
                             text=True, timeout=60, env=self.env, check=False)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    def stop(self) -> None:
        """Terminate the hub process."""
        self.process.terminate()
        self.process.wait(15)


def serve_hub(pg_url: str, broker: Broker, port: int, log: Path) -> ServedHub:
    """Start the hub against ``pg_url`` and ``broker``, bootstrap a tenant and add a site."""
    env = {**os.environ, "DOTMAC_HUB_DATABASE_URL": pg_url, "DOTMAC_HUB_PORT": str(port),
           "DOTMAC_HUB_HOST": "127.0.0.1", "DOTMAC_HUB_AUTO_MIGRATE": "true",
           "DOTMAC_HUB_ARGON2_TIME_COST": "1", "DOTMAC_HUB_ARGON2_MEMORY_KIB": "1024",
           "DOTMAC_HUB_SECRET_KEY": "rollout-test-" + "k" * 32,
           "DOTMAC_HUB_LOG_LEVEL": "warning", "DOTMAC_HUB_BROKER_HOST": broker.host,
           "DOTMAC_HUB_BROKER_PORT": str(broker.port),
           "DOTMAC_HUB_BROKER_TLS_PORT": str(broker.tls_port),
           "DOTMAC_HUB_BROKER_CA_FILE": str(broker.ca_file),
           "DOTMAC_HUB_BROKER_DYNSEC_USERNAME": broker.dynsec_admin.username,
           "DOTMAC_HUB_BROKER_DYNSEC_PASSWORD": broker.dynsec_admin.password,
           "DOTMAC_HUB_BOOTSTRAP_PASSWORD": PASSWORD}
    with log.open("w") as sink:
        proc = subprocess.Popen([str(BIN / "dotmac-hub"), "serve"], env=env, stdout=sink,
                                stderr=subprocess.STDOUT)
    hub = ServedHub(f"http://127.0.0.1:{port}", port, env, proc)
    try:
        deadline = time.monotonic() + 30
        while not tcp_open(port):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        made = subprocess.run([str(BIN / "dotmac-hub"), "bootstrap", "--tenant", TENANT,
                               "--admin-email", "own@rollout.example"], capture_output=True,
                              text=True, timeout=60, env=env, check=False)
        assert made.returncode == 0, made.stderr
        _create_site(hub.url)
    except BaseException:
        hub.stop()
        raise
    return hub


def _create_site(url: str) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        login = client.post("/auth/login", json={"email": "own@rollout.example",
                                                 "password": PASSWORD})
        assert login.status_code == 200, login.text
        made = client.post("/sites", json={"name": SITE}, headers={
            "Authorization": f"Bearer {login.json()['access_token']}"})
        assert made.status_code == 201, made.text


@dataclass(frozen=True)
class PlayResult:
    """One `ansible-playbook` run: exit code, full output and the recap of the test host."""

    rc: int
    output: str
    ok: int
    changed: int
    failed: int


@dataclass
class Rollout:
    """Runs site.yml against the test host with an inventory and a vaulted token."""

    host: PopBox
    workdir: Path
    vault_password: Path
    token: str

    @classmethod
    def prepare(cls, host: PopBox, workdir: Path, token: str) -> Rollout:
        """Write the inventory; the token goes into host_vars encrypted with ansible-vault."""
        inventory = workdir / "inventory"
        (inventory / "host_vars" / HOST).mkdir(parents=True)
        (inventory / "hosts.yml").write_text(json.dumps({"dotmac_agents": {"children": {
            "site_tst1": {"hosts": {HOST: {
                "ansible_host": "127.0.0.1", "ansible_port": host.ssh_port,
                "ansible_user": "root", "ansible_become": False,
                "ansible_ssh_private_key_file": str(host.key),
                "ansible_ssh_common_args": "-o StrictHostKeyChecking=no "
                                           "-o UserKnownHostsFile=/dev/null",
                "ansible_python_interpreter": "/usr/bin/python3"}}}}}}))
        password = workdir / "vault-password"
        password.write_text("rollout-test-vault-password\n")
        vault = inventory / "host_vars" / HOST / "vault.yml"
        vault.write_text(f"dotmac_edge_agent_enroll_token: {token}\n")
        out = subprocess.run([str(BIN / "ansible-vault"), "encrypt", "--vault-password-file",
                              str(password), str(vault)], capture_output=True, text=True,
                             check=False)
        assert out.returncode == 0, out.stderr
        assert token not in vault.read_text()
        return cls(host, workdir, password, token)

    def play(self, *flags: str, **extra_vars: object) -> PlayResult:
        """Run site.yml with these extra vars and ansible-playbook ``flags`` (``--check``,
        ``--diff``); returns the recap of the test host."""
        varfile = self.workdir / "extra-vars.json"
        varfile.write_text(json.dumps(extra_vars))
        env = {**os.environ, "ANSIBLE_ROLES_PATH": str(ANSIBLE / "roles"),
               "ANSIBLE_HOST_KEY_CHECKING": "False", "ANSIBLE_NOCOLOR": "1",
               "ANSIBLE_PIPELINING": "True", "ANSIBLE_RETRY_FILES_ENABLED": "False",
               "ANSIBLE_LOCAL_TEMP": str(self.workdir / "ansible-tmp"),
               "ANSIBLE_SSH_CONTROL_PATH_DIR": str(self.workdir / "cp"),
               "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
        out = subprocess.run(
            [str(BIN / "ansible-playbook"), "-i", str(self.workdir / "inventory" / "hosts.yml"),
             str(ANSIBLE / "site.yml"), "--vault-password-file", str(self.vault_password),
             "-e", f"@{varfile}", *flags], capture_output=True, text=True, timeout=240, env=env,
            check=False)
        output = out.stdout + out.stderr
        recap = {m.group(1): m.groups()[1:] for m in _RECAP.finditer(output)}
        assert HOST in recap, output
        ok, changed, _unreachable, failed = (int(n) for n in recap[HOST])
        return PlayResult(out.returncode, output, ok, changed, failed)
