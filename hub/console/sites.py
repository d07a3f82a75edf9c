"""`dotmac-hub sites ...`: the POPs of the tenant."""

from __future__ import annotations

from typing import Annotated

import typer

from hub.console.client import HubClient
from hub.console.common import (
    JsonOpt,
    TokenOpt,
    UrlOpt,
    YesOpt,
    confirm,
    group,
    hub,
    one_line_errors,
    only_given,
    print_one,
    print_rows,
    report,
)

app = group("sites", "Sites (POPs): list, show, create, update, delete.\n\nExamples:\n\n"
            "  dotmac-hub sites list\n\n  dotmac-hub sites create ams1-pop --description "
            "'Equinix AM3'")
COLUMNS = [("id", "id"), ("name", "name"), ("description", "description"),
           ("created", "created_at")]
SiteArg = Annotated[str, typer.Argument(help="Site name or id.")]


def site_id(client: HubClient, value: str) -> str:
    """The id of the site named (or identified by) `value`."""
    return client.resolve("site", "/sites", value, "sites")


@app.command("list")
@one_line_errors
def list_sites(as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None) -> None:
    """List the sites.

    Examples:

      dotmac-hub sites list

      dotmac-hub sites list --json | jq -r '.[].name'
    """
    with hub(url, token) as client:
        print_rows(list(client.every("/sites")), COLUMNS, as_json, "sites")


@app.command("show")
@one_line_errors
def show_site(site: SiteArg, as_json: JsonOpt = False, url: UrlOpt = None,
              token: TokenOpt = None) -> None:
    """Show one site.

    Examples:

      dotmac-hub sites show ams1-pop

      dotmac-hub sites show 0192f3a4-... --json
    """
    with hub(url, token) as client:
        print_one(client.get(f"/sites/{site_id(client, site)}"), as_json)


@app.command("create")
@one_line_errors
def create_site(
    name: Annotated[str, typer.Argument(help="Site name: letters, digits, . _ -")],
    description: Annotated[str, typer.Option(help="Free text (address, rack).")] = "",
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Create a site.

    Examples:

      dotmac-hub sites create ams1-pop

      dotmac-hub sites create ams1-pop --description 'Equinix AM3, rack 12'
    """
    with hub(url, token) as client:
        made = client.post("/sites", {"name": name, "description": description})
    report(made, as_json, f"site {made['name']} created: {made['id']}")


@app.command("update")
@one_line_errors
def update_site(
    site: SiteArg,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    description: Annotated[str | None, typer.Option(help="New description.")] = None,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Rename a site or change its description.

    Examples:

      dotmac-hub sites update ams1-pop --name ams1

      dotmac-hub sites update ams1 --description 'moved to rack 14'
    """
    with hub(url, token) as client:
        changed = client.patch(f"/sites/{site_id(client, site)}",
                               only_given(name=name, description=description))
    report(changed, as_json, f"site {changed['name']} updated")


@app.command("delete")
@one_line_errors
def delete_site(site: SiteArg, yes: YesOpt = False, as_json: JsonOpt = False,
                url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Delete an empty site (refused while agents or devices remain in it).

    Examples:

      dotmac-hub sites delete ams1-pop --yes
    """
    with hub(url, token) as client:
        found = site_id(client, site)
        confirm(f"delete site {site}?", yes)
        client.delete(f"/sites/{found}")
    report({"id": found, "deleted": True}, as_json, f"site {site} deleted")
