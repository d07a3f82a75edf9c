"""`dotmac-hub login`: an access token for the operators' commands, from email and password."""

from __future__ import annotations

import os
from typing import Annotated

import httpx
import typer

from hub.console.client import DEFAULT_URL, URL_ENV, ConsoleError, problem_line
from hub.console.common import UrlOpt, one_line_errors

PASSWORD_ENV = "DOTMAC_HUB_PASSWORD"  # noqa: S105 - the name of a variable


@one_line_errors
def login(
    email: Annotated[str, typer.Option(help="Your login.")],
    url: UrlOpt = None,
) -> None:
    """Sign in and print an access token (valid minutes; an API key suits scripts better).

    The password is prompted (hidden) or read from env DOTMAC_HUB_PASSWORD, never taken as a
    command-line value.

    Examples:

      export DOTMAC_HUB_TOKEN=$(dotmac-hub login --email noc@fibernet.example)

      dotmac-hub sites list
    """
    password = os.environ.get(PASSWORD_ENV) or _prompt()
    base = (url or os.environ.get(URL_ENV) or DEFAULT_URL).rstrip("/")
    try:
        response = httpx.post(f"{base}/auth/login", json={"email": email, "password": password},
                              timeout=30)
    except httpx.HTTPError as exc:
        raise ConsoleError(f"hub unreachable at {base}: {exc or type(exc).__name__}; start it "
                           f"(`dotmac-hub serve`) or point {URL_ENV} / --url at it") from None
    if response.status_code >= 400:
        raise ConsoleError(problem_line(response) + "; check the email and password (a new "
                           "hub needs `dotmac-hub bootstrap` first)", status=response.status_code)
    typer.echo(response.json()["access_token"])


def _prompt() -> str:
    try:
        return str(typer.prompt("password", hide_input=True, err=True))
    except typer.Abort:
        raise ConsoleError(f"no password: answer the prompt or set {PASSWORD_ENV}",
                           code=2) from None
