"""`dotmac-hub radius ...`: render the FreeRADIUS configuration the hub ships, and the
clients.conf of every registered NAS (registered on the main command in hub/cli.py)."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import typer

from hub.access.radius_config import (
    DEFAULT_ACCOUNTING_SPOOL,
    RadiusClient,
    RadiusServerConfig,
    render_server,
    write_clients,
)
from hub.access.sessions.spool import DEFAULT_READERS
from hub.access.settings import RadiusSettings
from hub.settings import HubSettings

radius_app = typer.Typer(
    help="FreeRADIUS configuration for subscriber AAA (docs/radius.md).\n\nExamples:\n\n"
    "  dotmac-hub radius config --out /etc/freeradius/dotmac --hub-url https://hub.example.net"
    "\n\n  dotmac-hub radius clients --out /etc/freeradius/dotmac/clients.conf\n\n"
    "  freeradius -f -d /etc/freeradius/dotmac",
    no_args_is_help=True)


@radius_app.command("config")
def config(
    out: Path = typer.Option(..., "--out", help="Directory to write (freeradius -d DIR)."),
    hub_url: str = typer.Option(..., help="Base URL FreeRADIUS reaches the hub API at."),
    auth_port: int = typer.Option(1812, help="Access-Request port."),
    acct_port: int = typer.Option(1813, help="Accounting-Request port."),
    status_port: int = typer.Option(18121, help="Status-Server port (loopback only)."),
    listen: str = typer.Option("*", help="Address FreeRADIUS listens on."),
    cache_ttl: int = typer.Option(0, help="Seconds a hub Access-Accept may be reused while "
                                  "the hub is unreachable (10-86400); 0: reject then."),
    reject_delay: int = typer.Option(1, help="Seconds an Access-Reject is held back."),
    hub_timeout: float = typer.Option(3.0, help="Seconds one call to the hub may take."),
    run_as: str = typer.Option("freerad", help="System user FreeRADIUS drops to; '' keeps "
                               "the starting user."),
    ca_file: str = typer.Option("", help="PEM of the CA of the hub's HTTPS certificate "
                                "(default: the system's)."),
    accounting_spool: str = typer.Option(
        DEFAULT_ACCOUNTING_SPOOL, help="Directory where accounting waits for the hub "
        "(detail files, local disk, owned by --run-as); kept across restarts."),
    accounting_readers: int = typer.Option(
        DEFAULT_READERS, help="Spool readers posting accounting to the hub in parallel "
        "(1, 2, 4, 8 or 16; one record in flight each)."),
    backend: str = typer.Option("rest", help="Authorize backend: rest (the hub per request) "
                                "or sql (the hub's materialized answers in PostgreSQL; set "
                                "DOTMAC_HUB_RADIUS_BACKEND=sql for the hub too)."),
    sql_dsn: str = typer.Option("", envvar="DOTMAC_HUB_RADIUS_SQL_DSN", help="libpq "
                                "connection string FreeRADIUS reads the hub's answers with "
                                "(backend sql; a read-only role; host=/var/run/postgresql "
                                "where PostgreSQL or a replica runs on this host, "
                                "docs/radius.md)."),
) -> None:
    """Write the FreeRADIUS directory (site, rest module to the hub, pap, chap, optional
    cache). The token is DOTMAC_HUB_RADIUS_TOKEN; an existing clients.conf is kept.

    Example: dotmac-hub radius config --out /etc/freeradius/dotmac --hub-url http://127.0.0.1:8080

    Example: dotmac-hub radius config --out /etc/freeradius/dotmac --hub-url https://hub.example.net
    --cache-ttl 900

    Example: dotmac-hub radius config --out /etc/freeradius/dotmac --hub-url https://hub.example.net
    --backend sql --sql-dsn 'host=/var/run/postgresql dbname=hub user=freeradius_ro password=...'
    """
    token = RadiusSettings().token.get_secret_value()
    status_secret = secrets.token_urlsafe(24)
    chosen = RadiusServerConfig(
        hub_url=hub_url, token=token, status_secret=status_secret, auth_port=auth_port,
        acct_port=acct_port, status_port=status_port, listen_address=listen,
        cache_ttl=cache_ttl, reject_delay=reject_delay, hub_timeout_s=hub_timeout,
        run_as=run_as or None, ca_file=ca_file or None, accounting_spool=accounting_spool,
        accounting_readers=accounting_readers, backend=backend, sql_dsn=sql_dsn or None,
        max_username_bytes=RadiusSettings().max_username_bytes)
    problems = chosen.problems()
    if backend == "sql" and not HubSettings().database_url.startswith("postgresql"):
        problems.append("backend sql: needs the hub on PostgreSQL (DOTMAC_HUB_DATABASE_URL "
                        "is not); on SQLite use --backend rest")
    if not token:
        problems.insert(0, f"{RadiusSettings.env_name('token')}: not set; set the same "
                        "value for the hub and this command")
    if problems:
        for problem in problems:
            typer.echo(f"refusing: {problem}", err=True)
        raise typer.Exit(2)
    render_server(chosen, out)
    typer.echo(f"FreeRADIUS configuration written to {out} (mode 0640); accounting spool "
               f"{accounting_spool}")
    typer.echo(f"status: echo 'FreeRADIUS-Statistics-Type = All' | radclient "
               f"127.0.0.1:{status_port} status {status_secret}")
    typer.echo(f"next: dotmac-hub radius clients --out {out / 'clients.conf'}")


@radius_app.command("clients")
def clients(
    out: Path = typer.Option(..., "--out", help="clients.conf to write (mode 0640)."),
    require_message_authenticator: bool = typer.Option(
        True, help="Drop Access-Requests without a valid Message-Authenticator (BlastRADIUS "
        "protection; turn off only for NASes that cannot send it)."),
) -> None:
    """Write clients.conf from the NAS registry (every tenant's NASes: one FreeRADIUS serves
    the hub). Restart FreeRADIUS afterwards: it reads clients at start.

    Example: dotmac-hub radius clients --out /etc/freeradius/dotmac/clients.conf
    """
    found = asyncio.run(_clients(HubSettings()))
    write_clients(out, found, require_message_authenticator)
    typer.echo(f"{len(found)} NAS client(s) written to {out} (mode 0640); restart FreeRADIUS")


async def _clients(settings: HubSettings) -> list[RadiusClient]:
    from hub.access.service import radius_clients
    from hub.db import create_engine, session_factory

    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return list(await radius_clients(session, settings))
    finally:
        await engine.dispose()
