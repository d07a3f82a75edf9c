"""`dotmac-hub`: run the hub API (and, later, its ingest workers)."""

from __future__ import annotations

import typer
from rich.console import Console

from hub import __version__
from hub.settings import HubSettings

app = typer.Typer(
    name="dotmac-hub",
    help="DotMac Edge hub: API, ingest workers, billing and analytics.\n\n"
    "Examples:\n\n  dotmac-hub serve\n\n  DOTMAC_HUB_PORT=9000 dotmac-hub serve --host 0.0.0.0",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dotmac-hub {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """DotMac Edge hub."""


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Bind address [env DOTMAC_HUB_HOST]."),
    port: int | None = typer.Option(None, help="TCP port [env DOTMAC_HUB_PORT]."),
) -> None:
    """Run the hub API on embedded defaults (SQLite in ./.dotmac) or DOTMAC_HUB_* settings.

    Examples:

      dotmac-hub serve

      DOTMAC_HUB_DATABASE_URL=postgresql+psycopg://hub@db/hub dotmac-hub serve --port 8080
    """
    import uvicorn

    from hub.app import create_app

    settings = HubSettings()
    problems = settings.problems()
    if problems:
        for problem in problems:
            console.print(f"[red]refusing to start:[/red] {problem}")
        raise typer.Exit(2)
    bind_host, bind_port = host or settings.host, port or settings.port
    console.print(f"hub API on http://{bind_host}:{bind_port}  (docs: /docs)")
    uvicorn.run(create_app(settings), host=bind_host, port=bind_port,
                log_level=settings.log_level)


def main() -> None:
    """Console-script entry point."""
    app()
