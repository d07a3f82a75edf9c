"""PostgreSQL for the suite: a fresh database on the local server, or a throwaway cluster.

When a server answers on 127.0.0.1:5432 (or DOTMAC_TEST_PG_ADMIN_DSN) a database named
for this session is created there and dropped afterwards. Otherwise `initdb` makes a
private cluster on a free port in the session's work folder (as root, run as `postgres`
or `nobody`, since initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

from ._proc import ManagedProcess, ServiceError, free_port, is_root, tcp_open, wait_until

LOCAL_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


@dataclass
class Postgres:
    """A database reserved for this test session."""

    host: str
    port: int
    user: str
    database: str
    admin_dsn: str
    version: str
    process: ManagedProcess | None = None
    private_dir: Path | None = None

    @property
    def dsn(self) -> str:
        """libpq URL of the session database."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"

    @property
    def sqlalchemy_url(self) -> str:
        """SQLAlchemy async URL (psycopg 3 driver)."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{self.database}"

    def stop(self) -> None:
        """Drop the session database; stop the private cluster if we made one."""
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        if self.process is not None:
            self.process.stop()
            if self.private_dir is not None:
                shutil.rmtree(self.private_dir, ignore_errors=True)


def _server_version(admin_dsn: str) -> str:
    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=3) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else 'unknown'}"


def _create_database(admin_dsn: str) -> str:
    name = f"dotmac_test_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def _local_server_answers(admin_dsn: str) -> bool:
    try:
        _server_version(admin_dsn)
    except psycopg.Error:
        return False
    return True


def _pg_binary(name: str) -> str:
    for folder in sorted(glob.glob(PG_BIN_GLOB), reverse=True):
        if (Path(folder) / name).exists():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    raise ServiceError(
        f"{name}: not installed and no PostgreSQL answers on 127.0.0.1:5432; "
        "run `make test` as root to install it, or: sudo apt-get install -y postgresql"
    )


def _cluster_owner() -> tuple[list[str], int | None]:
    """Command prefix and uid for running initdb/postgres when we are root."""
    if not is_root():
        return [], None
    for name in ("postgres", "nobody"):
        try:
            return ["runuser", "-u", name, "--"], pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
    raise ServiceError("running as root and neither a postgres nor a nobody user exists")


def _start_private_cluster(workdir: Path) -> Postgres:
    prefix, uid = _cluster_owner()
    if uid is not None:
        # pytest's temp root is private to root (0700): the cluster owner could not reach it.
        workdir = Path(tempfile.mkdtemp(prefix="dotmac-pg-"))
        os.chown(workdir, uid, -1)
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / "pgdata"
    initdb = subprocess.run(
        [*prefix, _pg_binary("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
         "--no-sync", "-E", "UTF8"],
        check=False, capture_output=True, text=True,
    )
    if initdb.returncode != 0:
        raise ServiceError(f"initdb failed: {initdb.stderr.strip()[-500:]}")
    port = free_port()
    log = workdir / "postgres.log"
    if uid is not None:
        log.touch()
        os.chown(log, uid, -1)
    argv = [*prefix, _pg_binary("postgres"), "-D", str(data), "-p", str(port),
            "-k", str(workdir), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
    process = ManagedProcess(argv, log).start()
    wait_until(lambda: tcp_open(port), 30, "private PostgreSQL cluster", log)
    admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    wait_until(lambda: _local_server_answers(admin), 30, "private PostgreSQL cluster", log)
    return Postgres("127.0.0.1", port, "postgres", _create_database(admin), admin,
                    _server_version(admin) + " (private initdb cluster)", process, workdir)


def start_postgres(workdir: Path) -> Postgres:
    """Reserve a database: on the local server if one answers, else in a private cluster."""
    admin = os.environ.get("DOTMAC_TEST_PG_ADMIN_DSN", LOCAL_ADMIN_DSN)
    if os.environ.get("DOTMAC_TEST_PG_PRIVATE") != "1" and _local_server_answers(admin):
        info = psycopg.conninfo.conninfo_to_dict(admin)
        return Postgres(str(info.get("host", "127.0.0.1")), int(str(info.get("port", 5432))),
                        str(info.get("user", "postgres")), _create_database(admin), admin,
                        _server_version(admin) + " (local server)")
    return _start_private_cluster(workdir)
