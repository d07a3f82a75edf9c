"""Render the shipped FreeRADIUS 3.2 configuration (hub/access/freeradius/) into a directory.

    config = RadiusServerConfig(hub_url="https://hub.example.net", token=token)
    render_server(config, Path("/etc/freeradius/dotmac"))      # freeradius -d that directory
    write_clients(Path(".../clients.conf"), clients)            # from the NAS registry

The templates are FreeRADIUS files with `@@NAME@@` placeholders (FreeRADIUS itself uses
`${...}` and `%{...}`, so no Python template syntax is mixed in). Files holding a secret
(the hub token, the status secret, NAS secrets) are written mode 0640.
"""

from __future__ import annotations

import grp
import ipaddress
import os
import pwd
import re
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from hub.access.radius_sql import dsn_problems, render_backend
from hub.access.sessions.spool import (
    DEFAULT_READERS,
    READER_COUNTS,
    reader_listeners,
    retry_interval,
    shard_policy,
    spool_directories,
)

_PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")
# Characters allowed in values written inside FreeRADIUS double-quoted strings without escaping
# (tokens and the status secret are generated from this alphabet).
SAFE_SECRET = re.compile(r"^[A-Za-z0-9._~-]{16,128}$")
SECRET_FILE_MODE = 0o640
SAFE_SPOOL = re.compile(r"^/[A-Za-z0-9._/-]{1,200}$")
_TEMPLATE_FILES = ("radiusd.conf", "mods-enabled/rest", "mods-enabled/pap", "mods-enabled/chap",
                   "mods-enabled/always", "policy.d/dotmac", "sites-enabled/dotmac",
                   "sites-enabled/status", "mods-enabled/detail_dotmac",
                   "sites-enabled/dotmac-accounting-reader", "policy.d/dotmac_accounting",
                   "mods-enabled/expr", "dictionary", "policy.d/dotmac_rejections",
                   "sites-enabled/dotmac-rejections-reader")
# where accounting waits for the hub (`--accounting-spool`); the reader is FreeRADIUS itself
DEFAULT_ACCOUNTING_SPOOL = "/var/spool/freeradius/dotmac"


@dataclass(frozen=True)
class RadiusServerConfig:
    """What differs between installations; everything else is fixed in the templates."""

    hub_url: str
    token: str
    status_secret: str
    auth_port: int = 1812
    acct_port: int = 1813
    status_port: int = 18121
    listen_address: str = "*"
    # seconds an Access-Accept stays usable while the hub is unreachable; 0: reject then
    cache_ttl: int = 0
    reject_delay: int = 1
    hub_timeout_s: float = 3.0
    connect_timeout_s: float = 2.0
    retry_delay_s: int = 5
    max_threads: int = 32
    # authorize backend: rest (the hub per request) or sql (PostgreSQL views)
    backend: str = "rest"
    # libpq connection string of FreeRADIUS's read-only role (backend sql)
    sql_dsn: str | None = None
    # longest User-Name looked up (the sql backend refuses longer ones itself)
    max_username_bytes: int = 253
    # system user FreeRADIUS drops to (Debian: freerad); None keeps the starting user
    run_as: str | None = "freerad"
    ca_file: str | None = None
    # accounting spool directory (detail files); None: `spool/` inside the rendered directory
    accounting_spool: str | None = None
    # detail readers replaying the spool to the hub in parallel (one record in flight each)
    accounting_readers: int = DEFAULT_READERS

    def problems(self) -> list[str]:
        """Reasons this configuration cannot work (empty when fine)."""
        found = []
        if not self.hub_url.startswith(("http://", "https://")):
            found.append(f"hub URL {self.hub_url!r}: must start with http:// or https://")
        for name, value in (("token", self.token), ("status secret", self.status_secret)):
            if not SAFE_SECRET.match(value):
                found.append(f"{name}: 16-128 characters of A-Z a-z 0-9 . _ ~ - (generate "
                             "one with `python -c 'import secrets; "
                             "print(secrets.token_urlsafe(32))'`)")
        if self.cache_ttl and not 10 <= self.cache_ttl <= 86400:
            found.append(f"cache TTL {self.cache_ttl}: 0 (off) or 10..86400 seconds")
        if self.accounting_spool is not None and not SAFE_SPOOL.match(self.accounting_spool):
            found.append(f"accounting spool {self.accounting_spool!r}: an absolute path of "
                         "A-Z a-z 0-9 . _ - / (it is written into FreeRADIUS strings and a "
                         "file pattern)")
        if self.accounting_readers not in READER_COUNTS:
            found.append(f"accounting readers {self.accounting_readers}: one of "
                         f"{', '.join(map(str, READER_COUNTS))}")
        found += dsn_problems(self.backend, self.sql_dsn)
        return found


def _template(name: str) -> str:
    return resources.files("hub.access").joinpath("freeradius", name).read_text()


def _values(config: RadiusServerConfig, out_dir: Path) -> dict[str, str]:
    user = (f"\tuser = {config.run_as}\n\tgroup = {config.run_as}" if config.run_as else "")
    tls = f'\t\tca_file = "{config.ca_file}"' if config.ca_file else ""
    return {
        "CONF_DIR": str(out_dir), "RUN_DIR": str(out_dir / "run"),
        "HUB_URL": config.hub_url.rstrip("/"), "TOKEN": config.token,
        "STATUS_SECRET": config.status_secret, "AUTH_PORT": str(config.auth_port),
        "ACCT_PORT": str(config.acct_port), "STATUS_PORT": str(config.status_port),
        "LISTEN_ADDRESS": config.listen_address, "CACHE_TTL": str(config.cache_ttl),
        "REJECT_DELAY": str(config.reject_delay), "HUB_TIMEOUT": f"{config.hub_timeout_s:g}",
        "CONNECT_TIMEOUT": f"{config.connect_timeout_s:g}",
        "RETRY_DELAY": str(config.retry_delay_s), "MAX_THREADS": str(config.max_threads),
        "SECURITY_USER": user, "TLS": tls, "ACCT_SPOOL": str(accounting_spool(config, out_dir)),
        "ACCT_READERS": reader_listeners(accounting_spool(config, out_dir),
                                         config.accounting_readers, config.retry_delay_s),
        "ACCT_SHARD_POLICY": shard_policy(config.accounting_readers),
        "REJECT_RETRY": str(retry_interval(config.retry_delay_s)),
    }


def accounting_spool(config: RadiusServerConfig, out_dir: Path) -> Path:
    """The directory the accounting detail files are written to and replayed from."""
    return (Path(config.accounting_spool) if config.accounting_spool
            else out_dir.resolve() / "spool")


def make_spool(spool: Path, readers: int, run_as: str | None) -> None:
    """Create the spool (a directory per reader, rejections/, refused/) 0700; as root, owned by
    FreeRADIUS's user, which writes and deletes the files there. Existing files (unread
    accounting) are kept."""
    owner = _user_ids(run_as) if run_as and os.geteuid() == 0 else None
    for path in (spool, *spool_directories(spool, readers)):
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)  # subscriber accounting: FreeRADIUS's user only
        if owner is not None:
            os.chown(path, *owner)


def _user_ids(user: str) -> tuple[int, int] | None:
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def fill(text: str, values: dict[str, str]) -> str:
    """Replace every `@@NAME@@`; an unknown name is a bug in the templates, so it fails."""
    def one(match: re.Match[str]) -> str:
        return values[match.group(1)]
    return _PLACEHOLDER.sub(one, text)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, SECRET_FILE_MODE)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, SECRET_FILE_MODE)  # an existing file keeps its old mode otherwise


def render_server(config: RadiusServerConfig, out_dir: Path) -> list[Path]:
    """Write the whole FreeRADIUS directory; an existing clients.conf is kept."""
    problems = config.problems()
    if problems:
        raise ValueError("; ".join(problems))
    out_dir = out_dir.resolve()
    values = _values(config, out_dir)
    written = []
    for name in _TEMPLATE_FILES:
        _write(out_dir / name, fill(_template(name), values))
        written.append(out_dir / name)
    variant = "cache" if config.cache_ttl else "reject"
    _write(out_dir / "policy.d/dotmac_unreachable", fill(_template(f"unreachable/{variant}"),
                                                          values))
    cache_module = out_dir / "mods-enabled/cache_hub"
    if config.cache_ttl:
        _write(cache_module, fill(_template("mods-enabled/cache_hub"), values))
    else:
        cache_module.unlink(missing_ok=True)
    render_backend(config, out_dir, values, _write)
    (out_dir / "run").mkdir(exist_ok=True, mode=0o750)
    make_spool(accounting_spool(config, out_dir), config.accounting_readers, config.run_as)
    if not (out_dir / "clients.conf").exists():
        _write(out_dir / "clients.conf", "# no NAS yet: `dotmac-hub radius clients`\n")
    if config.run_as:
        give_group(out_dir, config.run_as)
    return written


def give_group(out_dir: Path, group: str) -> None:
    """As root, hand the files to `group` (mode 0640 keeps them from everyone else), so
    FreeRADIUS can read them after dropping to its user; elsewhere nothing to do."""
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        return
    if os.geteuid() != 0:
        return
    for path in [out_dir, *out_dir.rglob("*")]:
        os.chown(path, -1, gid)


@dataclass(frozen=True)
class RadiusClient:
    """One NAS as FreeRADIUS knows it: source address and shared secret, and for the sql
    backend's queries the tenant it belongs to and its vendor (None: not from the registry;
    the sql backend refuses its requests)."""

    name: str
    address: str
    secret: str
    tenant_id: str | None = None
    vendor: str | None = None


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _registry_items(client: RadiusClient) -> list[str]:
    """The items the sql backend's queries read (`%{client:dotmac_tenant}`,
    `%{client:nas_type}`): the NAS's tenant and vendor as the registry has them."""
    items = []
    if client.vendor is not None:
        items.append(f"\tnas_type = {_quoted(client.vendor)}")
    if client.tenant_id is not None:
        items.append(f"\tdotmac_tenant = {_quoted(str(uuid.UUID(client.tenant_id)))}")
    return items


def clients_conf(clients: list[RadiusClient], require_message_authenticator: bool = True
                 ) -> str:
    """clients.conf text: one `client` section per NAS, keyed by its source address."""
    lines = ["# Generated by `dotmac-hub radius clients` from the hub's NAS registry.",
             "# Do not edit: regenerate after adding, changing or deleting a NAS.", ""]
    require = "yes" if require_message_authenticator else "no"
    for client in clients:
        address = ipaddress.ip_address(client.address)
        key = "ipaddr" if address.version == 4 else "ipv6addr"
        lines += [f"client nas_{address.compressed.replace(':', '_').replace('.', '_')} {{",
                  f"\t{key} = {address.compressed}",
                  f"\tsecret = {_quoted(client.secret)}",
                  f"\tshortname = {_quoted(client.name)}",
                  f"\trequire_message_authenticator = {require}",
                  *_registry_items(client), "}", ""]
    return "\n".join(lines)


def write_clients(path: Path, clients: list[RadiusClient],
                  require_message_authenticator: bool = True) -> None:
    """Write clients.conf (mode 0640, the group of its directory: it holds every NAS secret
    in clear)."""
    _write(path, clients_conf(clients, require_message_authenticator))
    if os.geteuid() == 0:
        os.chown(path, -1, path.parent.stat().st_gid)
