"""SNMP agents for the suite: a real net-snmp `snmpd` and snmpsim serving real recordings.

snmpd runs with `-m ''`/`MIBS=` because Debian ships no non-free MIBs. snmpsim serves one
community per recording file (the file name is the community); its index building is
slow, so the cache folder lives in `.cache/` at the repository root and survives runs.
"""

from __future__ import annotations

import bz2
import fcntl
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ._proc import (
    ManagedProcess,
    ServiceError,
    free_port,
    is_root,
    require_binary,
    require_venv_script,
    run_version,
    wait_until,
)

SNMP_ENV = {"MIBS": "", "MIBDIRS": ""}

# Hand-written recordings (tests/agent_snmp/recordings/README.md) of families snmpsim-data lacks.
HAND_WRITTEN = Path(__file__).resolve().parents[1] / "agent_snmp" / "recordings"

# family -> recording path inside snmpsim_data/data; real devices, one per vendor family.
# An absolute path (HAND_WRITTEN) is served as it is.
RECORDINGS: dict[str, str] = {
    # UPS and power (issue #21): RFC 1628 generic, Eaton XUPS, Vertiv/Liebert.
    "ups-generic": "UPS/phoenixtec-power.snmprec.bz2",
    "eaton-xups": "UPS/eaton-93e-80.snmprec.bz2",
    "eaton-xups-9px": "UPS/eaton-9px-partial.snmprec.bz2",
    "vertiv-power": "UPS/vertiv-power.snmprec.bz2",
    "cisco-ios": "network/switch/cisco-c3560.snmprec.bz2",
    "cisco-nxos": "network/switch/cisco-n5000.snmprec.bz2",
    "juniper-junos": "network/router/juniper-mx960-13-3r9-13.snmprec.bz2",
    "arista-eos": "cloud/arista-dcs-7150s-52-cl.snmprec.bz2",
    "huawei-vrp": "network/router/huawei-s5720.snmprec.bz2",
    "h3c-comware": "network/switch/h3c-comware-7-1-075.snmprec.bz2",
    "h3c-comware-v5": "network/switch/h3c-wx6103.snmprec.bz2",
    "hpe-procurve": "network/switch/hpe-procurve-516733-b21.snmprec.bz2",
    "zte-zxr10": "network/switch/zte-zrx10.snmprec.bz2",
    "ubiquiti-airos": "network/wifi/ubiquiti-m5.snmprec.bz2",
    "aruba": "network/wifi/aruba-7010.snmprec.bz2",
    "dlink-des": "network/switch/dlink-des3200.snmprec.bz2",
    "dlink-des3038": "network/switch/dlink-des3038.snmprec.bz2",
    "ruijie": "network/switch/ruijie-s5750-24gt12sfp.snmprec.bz2",
    "brocade-icx": "network/switch/brocade-icx6430-24.snmprec.bz2",
    "bdcom": "network/switch/bdcom-s5612.snmprec.bz2",
    "maipu": "network/switch/maipu-sm4200-16gef8ge-ac.snmprec.bz2",
    "fortinet-fortigate": "network/firewall/fortinet-xcu.snmprec.bz2",
    "paloalto-panos": "network/firewall/paloalto-pa-5000.snmprec.bz2",
    "ruckus-wireless": "network/wifi/ruckus-smartcell-gateway.snmprec.bz2",
    "dcn": "network/switch/dcrs-5980-28t-dc.snmprec.bz2",
    "dcn-dcs3726": "network/switch/dcs-3726c.snmprec.bz2",
    "cisco-wlc": "network/appliance/cisco-controller.snmprec.bz2",
    "huawei-power": "UPS/huawei-gse200m.snmprec.bz2",
    "vyatta": "network/router/vyatta-unknown.snmprec.bz2",
    # Plain (uncompressed) recording; the three APC ones are all rack PDUs, this the smallest.
    "apc-powernet": "UPS/apc-7902b.snmprec",
    "mikrotik-routeros": str(HAND_WRITTEN / "mikrotik-routeros.snmprec"),
    "ubiquiti-edgeos": str(HAND_WRITTEN / "ubiquiti-edgeos.snmprec"),
}


@dataclass
class V3User:
    """An SNMPv3 USM user configured on the test snmpd."""

    name: str
    auth_proto: str
    auth_key: str
    priv_proto: str
    priv_key: str


@dataclass
class Snmpd:
    """The real net-snmp agent on a private UDP port."""

    port: int
    community: str
    v3: V3User
    version: str
    process: ManagedProcess
    host: str = "127.0.0.1"

    @property
    def target(self) -> str:
        """`host:port` as net-snmp tools and our CLI take it."""
        return f"{self.host}:{self.port}"

    def stop(self) -> None:
        """Stop snmpd."""
        self.process.stop()


@dataclass
class Snmpsim:
    """snmpsim-command-responder serving the curated recordings, one community each."""

    port: int
    data_dir: Path
    version: str
    process: ManagedProcess
    communities: dict[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"

    @property
    def target(self) -> str:
        """`host:port` of the responder."""
        return f"{self.host}:{self.port}"

    def stop(self) -> None:
        """Stop the responder."""
        self.process.stop()


def snmpget_ok(target: str, community: str, oid: str = "1.3.6.1.2.1.1.2.0") -> bool:
    """True when a v2c GET of `oid` answers (readiness probe)."""
    argv = [require_binary("snmpget", "snmp"), "-m", "", "-v2c", "-c", community,
            "-t", "1", "-r", "0", target, oid]
    out = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, **SNMP_ENV},
                         check=False)
    return out.returncode == 0 and "No Such" not in out.stdout


def start_snmpd(workdir: Path) -> Snmpd:
    """Start net-snmp snmpd with a v2c community and a v3 authPriv (SHA-256/AES) user."""
    binary = require_binary("snmpd", "snmpd", ("/usr/sbin",))
    workdir.mkdir(parents=True, exist_ok=True)
    v3 = V3User("dotmacv3", "SHA-256", "auth-key-4-tests", "AES", "priv-key-4-tests")
    community = "dotmac-test"
    conf = workdir / "snmpd.conf"
    conf.write_text(
        f"rocommunity {community} 127.0.0.1\n"
        f"createUser {v3.name} {v3.auth_proto} {v3.auth_key} {v3.priv_proto} {v3.priv_key}\n"
        f"rouser {v3.name} priv\n"
        "sysName snmpd-test-pop\nsysLocation test-pop\nsysContact noc@example.net\n"
    )
    port = free_port(kind=2)  # socket.SOCK_DGRAM
    log = workdir / "snmpd.log"
    env = {**SNMP_ENV, "SNMP_PERSISTENT_DIR": str(workdir / "persist")}
    argv = [binary, "-f", "-C", "-c", str(conf), "-Lf", str(log), "-m", "",
            "-p", str(workdir / "snmpd.pid"), f"udp:127.0.0.1:{port}"]
    process = ManagedProcess(argv, log, env=env).start()
    target = f"127.0.0.1:{port}"
    wait_until(lambda: snmpget_ok(target, community), 20, "snmpd", log)
    return Snmpd(port, community, v3, run_version([binary, "-v"]), process)


def _link_recordings(data_dir: Path) -> dict[str, str]:
    try:
        import snmpsim_data
    except ImportError as exc:
        raise ServiceError(
            "snmpsim-data: not installed; run `make test` (pip install -e '.[dev]')"
        ) from exc
    source = Path(snmpsim_data.__file__).parent / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    # Earlier caches held the compressed files; snmpsim would serve both under one community.
    for stale in data_dir.glob("*.snmprec.bz2"):
        stale.unlink()
    communities: dict[str, str] = {}
    for family, rel in RECORDINGS.items():
        community = Path(rel).name.removesuffix(".bz2").removesuffix(".snmprec")
        dest = data_dir / f"{community}.snmprec"
        # A hand-written recording edited since it was copied is copied again.
        if not dest.exists() or dest.stat().st_mtime < (source / rel).stat().st_mtime:
            _copy_recording(source / rel, dest)
        communities[family] = community
    return communities


def _copy_recording(source: Path, dest: Path) -> None:
    """Write `source` (.snmprec or .snmprec.bz2) to `dest` uncompressed, atomically."""
    # snmpsim seeks in a recording for every request; in a .bz2 each seek decompresses
    # again: an agent's poll took 5-7 s instead of about 1 s, near its 8 s deadline.
    data = source.read_bytes()
    partial = dest.with_suffix(".partial")
    partial.write_bytes(bz2.decompress(data) if source.suffix == ".bz2" else data)
    partial.replace(dest)


def start_snmpsim(workdir: Path, cache_dir: Path) -> Snmpsim:
    """Start snmpsim-command-responder on the curated recordings with a persistent index.

    The cache is shared by every pytest process using this checkout (parallel workers,
    two sessions): whoever comes first fills it under a lock, the others wait for it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with (cache_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _start_snmpsim(workdir, cache_dir)


def _start_snmpsim(workdir: Path, cache_dir: Path) -> Snmpsim:
    binary = require_venv_script("snmpsim-command-responder", "snmpsim")
    data_dir = cache_dir / "data"
    communities = _link_recordings(data_dir)
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port(kind=2)
    log = workdir / "snmpsim.log"
    argv = [binary, f"--data-dir={data_dir}", f"--cache-dir={cache_dir / 'index'}",
            f"--agent-udpv4-endpoint=127.0.0.1:{port}", "--log-level=error",
            f"--logging-method=file:{log}"]
    if is_root():
        argv += ["--process-user=root", "--process-group=root"]
    process = ManagedProcess(argv, workdir / "snmpsim.stdout",
                             env={"SNMPSIM_ALLOW_ROOT": "true"}).start()
    target = f"127.0.0.1:{port}"
    # The first run builds indices for every recording; later runs reuse the cache.
    for community in communities.values():
        wait_until(lambda c=community: snmpget_ok(target, c), 300, f"snmpsim ({community})",
                   workdir / "snmpsim.stdout")
    return Snmpsim(port, data_dir, run_version([binary, "--version"]), process, communities)
