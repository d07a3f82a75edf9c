"""A private Mosquitto 2 broker: persistence, password + ACL files, dynamic security, TLS.

The ACL lines come from `protocol.topics`, so the test proves the same rules the
product generates. Mosquitto's default `max_queued_messages` (1000) drops messages
silently, so it is raised here; as root the broker needs `user root` to read its files.
A second listener speaks TLS with a server certificate from a throwaway CA made at start
(`broker.tls_port`, `broker.ca_file`, `broker.ca_pem`); both listeners share one set of
users and ACLs (`per_listener_settings false`).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from paho.mqtt.enums import CallbackAPIVersion

from protocol import topics

from ._proc import (
    ManagedProcess,
    ServiceError,
    free_port,
    is_root,
    require_binary,
    run_version,
    tcp_open,
    wait_until,
)

DYNSEC_PLUGIN_DIRS = ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib")
DYNSEC_PLUGIN = "mosquitto_dynamic_security.so"
MAX_PACKET_SIZE = 1024 * 1024  # as docs/hub-operations.md tells production brokers


@dataclass
class Credentials:
    """A broker username and password."""

    username: str
    password: str


@dataclass
class Broker:
    """A running private broker and the means to add agents to it."""

    port: int
    workdir: Path
    hub: Credentials
    dynsec_admin: Credentials
    version: str
    host: str = "127.0.0.1"
    process: ManagedProcess | None = None
    tls_port: int = 0
    ca_file: Path | None = None
    _passwd: Path = field(init=False)

    def __post_init__(self) -> None:
        self._passwd = self.workdir / "passwd"

    @property
    def ca_pem(self) -> str:
        """PEM of the CA that signed the TLS listener's certificate."""
        if self.ca_file is None:
            raise ServiceError("this broker was started without a TLS listener")
        return self.ca_file.read_text()

    def add_user(self, username: str, password: str | None = None) -> Credentials:
        """Add a password-file user (an agent) and wait until the broker accepts it."""
        creds = Credentials(username, password or secrets.token_urlsafe(16))
        subprocess.run(
            ["mosquitto_passwd", "-b", str(self._passwd), creds.username, creds.password],
            check=True, capture_output=True,
        )
        self.reload()
        # SIGHUP is handled asynchronously: the new user is usable once a login succeeds.
        wait_until(lambda: self._back_after_reload() and self.login_ok(creds), 20,
                   f"mosquitto reload for {username}", self.log)
        return creds

    def _back_after_reload(self) -> bool:
        """True while the broker runs. Mosquitto 2.0.11 (Debian 12) sometimes segfaults
        handling SIGHUP (kernel log: `mosquitto[...]: segfault`); like a service manager, the
        broker is started again on its port with its persistent store and files, and the
        restart is written to its log."""
        if self.process is None or self.process.alive():
            return True
        with self.log.open("a") as log:
            log.write(f"{int(time.time())}: [test harness] broker died on SIGHUP; restarted\n")
        self.start()
        return True

    def reload(self) -> None:
        """SIGHUP: Mosquitto re-reads password and ACL files without dropping sessions."""
        if self.process is not None:
            self.process.signal(signal.SIGHUP)

    def login_ok(self, creds: Credentials) -> bool:
        """True when the broker accepts these credentials (MQTT v5 CONNACK success), with
        the client id an agent's login is bound to: its username."""
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=creds.username,
                             protocol=mqtt.MQTTv5)
        client.username_pw_set(creds.username, creds.password)
        try:
            client.connect(self.host, self.port, keepalive=5)
        except OSError:
            return False
        result: list[bool] = []
        client.on_connect = lambda _c, _u, _f, rc, _p: result.append(not rc.is_failure)
        deadline = time.monotonic() + 3
        while not result and time.monotonic() < deadline:
            client.loop(timeout=0.1)
        client.disconnect()
        return bool(result and result[0])

    @property
    def log(self) -> Path:
        """The broker's log file."""
        return self.workdir / "mosquitto.log"

    def stop(self) -> None:
        """Stop the broker (used by outage tests; `start` brings it back with its data)."""
        if self.process is not None:
            self.process.stop()

    def start(self) -> None:
        """(Re)start the broker on the same port with the same persistent store."""
        binary = require_binary("mosquitto", "mosquitto", ("/usr/sbin",))
        argv = [binary, "-c", str(self.workdir / "mosquitto.conf")]
        self.process = ManagedProcess(argv, self.log).start()
        wait_until(lambda: tcp_open(self.port), 15, "mosquitto", self.log)
        if self.tls_port:
            wait_until(lambda: tcp_open(self.tls_port), 15, "mosquitto TLS", self.log)


@dataclass(frozen=True)
class CertificateAuthority:
    """A throwaway CA: its certificate and key, able to sign a server certificate."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> str:
        """The CA certificate as PEM."""
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    def server_cert(self, hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
                    ) -> tuple[str, str]:
        """(certificate PEM, key PEM) for a server reachable under `hosts`."""
        key = ec.generate_private_key(ec.SECP256R1())
        names: list[x509.GeneralName] = []
        for host in hosts:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        cert = (_builder(hosts[0], self.cert.subject, key)
                .add_extension(x509.SubjectAlternativeName(names), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .sign(self.key, hashes.SHA256()))
        key_pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem.decode()


def _builder(common_name: str, issuer: x509.Name, key: ec.EllipticCurvePrivateKey,
             ) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=2)))


def make_ca(common_name: str = "dotmac test CA") -> CertificateAuthority:
    """A new self-signed CA (tests also make a second one to prove a wrong CA is refused)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (_builder(common_name, name, key)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, crl_sign=True,
                content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return CertificateAuthority(cert, key)


def _write_tls_files(workdir: Path) -> Path:
    """CA + server certificate for the TLS listener; returns the CA file."""
    ca = make_ca()
    cert_pem, key_pem = ca.server_cert()
    (workdir / "ca.pem").write_text(ca.pem)
    (workdir / "server.pem").write_text(cert_pem)
    key_file = workdir / "server.key"
    key_file.write_text(key_pem)
    key_file.chmod(0o600)
    return workdir / "ca.pem"


def _write_config(workdir: Path, port: int, plugin: str, tls_port: int,
                  max_packet_size: int | None) -> None:
    lines = [
        "per_listener_settings false",
        f"listener {port} 127.0.0.1",
        f"listener {tls_port} 127.0.0.1",
        f"cafile {workdir / 'ca.pem'}",
        f"certfile {workdir / 'server.pem'}",
        f"keyfile {workdir / 'server.key'}",
        "require_certificate false",
        "allow_anonymous false",
        f"password_file {workdir / 'passwd'}",
        f"acl_file {workdir / 'acl'}",
        f"plugin {plugin}",
        f"plugin_opt_config_file {workdir / 'dynamic-security.json'}",
        "persistence true",
        f"persistence_location {workdir}/",
        "autosave_interval 1",
        # The default of 1000 queued messages per client drops the overflow silently.
        "max_queued_messages 1000000",
        "max_queued_bytes 0",
        "max_inflight_messages 100",
        f"log_dest file {workdir / 'mosquitto.log'}",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "log_type information",
        "connection_messages true",
    ]
    if max_packet_size is not None:  # None: Mosquitto's default, no limit of its own
        lines.append(f"max_packet_size {max_packet_size}")
    if is_root():
        lines.append("user root")
    (workdir / "mosquitto.conf").write_text("\n".join(lines) + "\n")


def _write_acl(workdir: Path, hub_user: str) -> None:
    acl = [*topics.hub_acl_lines(hub_user), "", *topics.acl_patterns()]
    (workdir / "acl").write_text("\n".join(acl) + "\n")


def start_broker(workdir: Path, max_packet_size: int | None = MAX_PACKET_SIZE) -> Broker:
    """Generate config, passwords, ACL and dynamic-security state, then start Mosquitto
    (`max_packet_size` None: a broker without a packet limit, as security tests need)."""
    require_binary("mosquitto_passwd", "mosquitto", ("/usr/bin",))
    require_binary("mosquitto_ctrl", "mosquitto-clients", ("/usr/bin",))
    candidates = [Path(d) / DYNSEC_PLUGIN for d in DYNSEC_PLUGIN_DIRS]
    plugin = next((str(c) for c in candidates if c.exists()), None)
    if plugin is None:
        raise ServiceError(f"{DYNSEC_PLUGIN}: not found; sudo apt-get install -y mosquitto")
    workdir.mkdir(parents=True, exist_ok=True)
    hub = Credentials("dotmac-hub", secrets.token_urlsafe(16))
    admin = Credentials("dynsec-admin", secrets.token_urlsafe(16))
    passwd = workdir / "passwd"
    passwd.write_text("")
    subprocess.run(["mosquitto_passwd", "-b", str(passwd), hub.username, hub.password],
                   check=True, capture_output=True)
    subprocess.run(
        ["mosquitto_ctrl", "dynsec", "init", str(workdir / "dynamic-security.json"),
         admin.username, admin.password],
        check=True, capture_output=True,
    )
    _write_acl(workdir, hub.username)
    port, tls_port = free_port(), free_port()
    ca_file = _write_tls_files(workdir)
    _write_config(workdir, port, plugin, tls_port, max_packet_size)
    version = run_version([require_binary("mosquitto", "mosquitto", ("/usr/sbin",)), "-h"])
    broker = Broker(port=port, workdir=workdir, hub=hub, dynsec_admin=admin, version=version,
                    tls_port=tls_port, ca_file=ca_file)
    broker.start()
    return broker
