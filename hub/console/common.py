"""What every operators' command shares: its flags, its output and its one-line errors."""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from hub.cli_output import console as err
from hub.cli_output import styled
from hub.console.client import TOKEN_ENV, URL_ENV, ConsoleError, HubClient, connect

PIPED_WIDTH = 1000
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
P = ParamSpec("P")
R = TypeVar("R")



def _out() -> Console:
    """Tables go to stdout as data; errors to stderr (hub.cli_output). No markup: names and
    details print as written. Piped (no terminal, no COLUMNS) a table is as wide as its
    rows, so `| grep` sees whole lines."""
    piped = not sys.stdout.isatty() and not os.environ.get("COLUMNS")
    return Console(markup=False, highlight=False, width=PIPED_WIDTH if piped else None)


UrlOpt = Annotated[str | None, typer.Option(
    "--url", envvar=URL_ENV, show_envvar=True,
    help="The hub's API address (default http://127.0.0.1:8000).")]
TokenOpt = Annotated[str | None, typer.Option(
    "--token", envvar=TOKEN_ENV, show_envvar=True,
    help="An access token or API key; prefer the environment (DOTMAC_HUB_TOKEN, or "
    "DOTMAC_HUB_API_KEY for a key): a flag's value lands in the shell history.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (the API's own fields) "
                                       "instead of a table.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]

Column = tuple[str, str | Callable[[Mapping[str, Any]], object]]


def group(name: str, text: str) -> typer.Typer:
    """A resource's sub-command group (`dotmac-hub sites ...`)."""
    return typer.Typer(name=name, help=text, no_args_is_help=True)


def one_line_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Turn a ConsoleError into its line on stderr and a non-zero exit (never a traceback)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except ConsoleError as exc:
            err.print(styled("error:", exc.line))
            for line in exc.lines:
                err.print(f"  {line}")
            raise typer.Exit(exc.code) from None

    return wrapper


def hub(url: str | None, token: str | None) -> HubClient:
    """The API client of a command (flags first, then the environment)."""
    return connect(url, token, None)


def _cell(row: Mapping[str, Any], key: str | Callable[[Mapping[str, Any]], object]) -> str:
    value = key(row) if callable(key) else row.get(key)
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(isinstance(item, str | int) for item in value):
        return ", ".join(str(item) for item in value) or "-"
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    if isinstance(value, str) and TIMESTAMP.fullmatch(value):
        return f"{value[:10]} {value[11:19]}Z"  # to the second: a table is read by people
    return str(value)


def print_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], as_json: bool,
               title: str) -> None:
    """A list: JSON array, or a table with `columns` (header, field or function)."""
    if as_json:
        typer.echo(json.dumps(list(rows), indent=2, default=str))
        return
    if not rows:
        err.print(f"no {title}")
        return
    table = Table(title=None, show_lines=False, header_style="bold")
    for header, _key in columns:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row, key) for _header, key in columns))
    _out().print(table)


def print_one(row: Mapping[str, Any], as_json: bool, fields: Iterable[Column] | None = None
              ) -> None:
    """One object: JSON, or a two-column table of its fields."""
    if as_json:
        typer.echo(json.dumps(row, indent=2, default=str))
        return
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for header, key in fields or [(name, name) for name in row]:
        table.add_row(header, _cell(row, key))
    _out().print(table)


def report(row: Mapping[str, Any], as_json: bool, message: str) -> None:
    """After a create or update: the object as JSON, or `message`."""
    if as_json:
        print_one(row, as_json)
    else:
        done(message)


def done(message: str) -> None:
    """A short confirmation on stderr (stdout stays for data)."""
    err.print(styled("ok:", message, style="green"))


def only_given(**fields: Any) -> dict[str, Any]:
    """The body of a create or update: the options the operator gave, nothing else (so an
    older hub is not sent fields it does not know)."""
    return {key: value for key, value in fields.items() if value is not None}


def read_secret_file(path: Path, what: str) -> str:
    """A secret read from a file (first line kept whole for keys: the file as written,
    trailing newline dropped)."""
    try:
        return path.read_text().rstrip("\n")
    except OSError as exc:
        raise ConsoleError(f"{what}: cannot read {path}: {exc.strerror}; check the path and "
                           "its permissions", code=2) from None


def confirm(question: str, yes: bool) -> None:
    """Ask before something destructive unless --yes; no answer (no terminal) is no."""
    if yes:
        return
    try:
        agreed = typer.confirm(question, default=False, err=True)
    except typer.Abort:
        agreed = False
    if not agreed:
        raise ConsoleError("nothing done; pass --yes to skip the question", code=1)
