"""A POP box for Ansible to roll out to: sshd in its own network and mount namespace.

The box's /etc, /opt, /var/lib and /root are overlays on this machine's, so the role can
create users, write units and install venvs without touching the machine: everything it
writes lands in ``workdir/upper`` and disappears with the namespaces. Its network has only
a loopback; nsbridge forwards the SSH port out and the hub and broker ports in, so the box
reaches them at the same 127.0.0.1 addresses the broker's certificate names.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.services._proc import free_port, require_binary, tcp_open

OVERLAID = ("etc", "opt", "var/lib", "root")
SSHD_CONFIG = """\
Port 22
ListenAddress 127.0.0.1
HostKey {workdir}/host_key
PidFile {workdir}/sshd.pid
AuthorizedKeysFile {workdir}/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
LogLevel ERROR
"""


def _host_script(workdir: Path) -> str:
    mounts = []
    for folder in OVERLAID:
        layer = workdir / "layers" / folder.replace("/", "_")
        mounts.append(f"mkdir -p {layer}/upper {layer}/work && mount -t overlay overlay "
                      f"-o lowerdir=/{folder},upperdir={layer}/upper,workdir={layer}/work "
                      f"/{folder}")
    return "\n".join(["set -e", *mounts,
                      f"exec /usr/sbin/sshd -D -e -f {workdir}/sshd_config"]) + "\n"


@dataclass
class PopBox:
    """The running box: where to SSH to and how to run a command inside it."""

    netns: str
    workdir: Path
    ssh_port: int
    key: Path
    _procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def sshd_pid(self) -> int:
        """PID of the box's sshd (its namespaces are the box's)."""
        return int((self.workdir / "sshd.pid").read_text())

    def run(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run a command inside the box (its network and its overlaid files)."""
        return subprocess.run(["nsenter", "-t", str(self.sshd_pid()), "-m", "-n", "--", *argv],
                              capture_output=True, text=True, timeout=timeout, check=False)

    def read(self, path: str) -> str:
        """A file as the box sees it."""
        out = self.run("cat", path)
        assert out.returncode == 0, out.stderr
        return out.stdout

    def pids(self) -> list[str]:
        """Every process in the box's network namespace."""
        return subprocess.run(["ip", "netns", "pids", self.netns], capture_output=True,
                              text=True, check=False).stdout.split()

    def processes(self) -> list[tuple[str, str]]:
        """(user, full command line) of every process in the box."""
        pids = self.pids()
        if not pids:
            return []
        # Inside the box: user names come from its /etc/passwd.
        out = self.run("ps", "-ww", "--no-headers", "-o", "user:32,args", "-p", ",".join(pids))
        return [(line.split(None, 1)[0], line.split(None, 1)[1])
                for line in out.stdout.splitlines() if line.strip()]

    def stop(self) -> None:
        """Kill what runs in the namespace (sshd, agent, supervisor), then the bridge."""
        for pid in self.pids():
            subprocess.run(["kill", "-KILL", pid], check=False, capture_output=True)
        for proc in self._procs:
            proc.kill()
            proc.wait(10)
        subprocess.run(["ip", "netns", "del", self.netns], check=False, capture_output=True)


def start_host(workdir: Path, forward_in: list[int]) -> PopBox:
    """Create the namespaces, start sshd inside, bridge SSH out and ``forward_in`` ports in."""
    sshd = require_binary("sshd", "openssh-server", ("/usr/sbin",))
    netns = f"dmans-{uuid.uuid4().hex[:8]}"
    workdir.mkdir(parents=True, exist_ok=True)
    key = workdir / "client_key"
    for path in (key, workdir / "host_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
                       check=True)
    (workdir / "authorized_keys").write_text((workdir / "client_key.pub").read_text())
    (workdir / "sshd_config").write_text(SSHD_CONFIG.format(workdir=workdir))
    (workdir / "host.sh").write_text(_host_script(workdir))
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation dir
    subprocess.run(["ip", "netns", "add", netns], check=True)
    host = PopBox(netns, workdir, free_port(), key)
    try:
        subprocess.run(["ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up"],
                       check=True)
        _start(host, sshd, forward_in)
    except BaseException:
        host.stop()
        raise
    return host


def _start(host: PopBox, sshd: str, forward_in: list[int]) -> None:
    log = (host.workdir / "host.log").open("wb")
    host._procs.append(subprocess.Popen(
        ["ip", "netns", "exec", host.netns, "unshare", "--mount", "--propagation", "private",
         "sh", str(host.workdir / "host.sh")], stdout=log, stderr=subprocess.STDOUT))
    ns_file = f"/run/netns/{host.netns}"
    rules = [f"{ns_file}:22@:{host.ssh_port}", *(f":{p}@{ns_file}:{p}" for p in forward_in)]
    bridge = subprocess.Popen([sys.executable, "-m", "tests.ansible.nsbridge", *rules],
                              stdout=subprocess.PIPE, stderr=log)
    host._procs.append(bridge)
    assert bridge.stdout is not None and bridge.stdout.readline().strip() == b"ready"
    deadline = time.monotonic() + 15
    while not (host.workdir / "sshd.pid").exists() or not _ssh_banner(host.ssh_port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{sshd} did not start in {host.netns}: "
                               f"{(host.workdir / 'host.log').read_text()}")
        time.sleep(0.1)


def _ssh_banner(port: int) -> bool:
    import socket

    if not tcp_open(port):
        return False
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.settimeout(2)
        try:
            return sock.recv(64).startswith(b"SSH-")
        except OSError:
            return False
