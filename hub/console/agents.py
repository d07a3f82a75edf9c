"""`dotmac-hub agents ...`: the agents of the tenant and the state of their pushed config."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer

from hub.console.client import ConsoleError, HubClient
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
from hub.console.sites import site_id

app = group("agents", "Agents: list (with the version of their pushed config), show, create, "
            "update, revoke, delete.\n\nExamples:\n\n  dotmac-hub agents list --site ams1-pop"
            "\n\n  dotmac-hub agents show ams1-agent-01")
AgentArg = Annotated[str, typer.Argument(help="Agent name or id.")]
CONFIG_FIELDS = ("desired_version", "applied_version", "in_sync", "last_error", "acked_at")


def agent_id(client: HubClient, value: str) -> str:
    """The id of the agent named (or identified by) `value`."""
    return client.resolve("agent", "/agents", value, "agents")


def _error_text(state: Mapping[str, Any]) -> object:
    error = state.get("last_error")
    if isinstance(error, Mapping):  # {code, detail} or a plain string, as the hub sends it
        return ": ".join(str(part) for part in (error.get("code"), error.get("detail")) if part)
    return error


def _config_row(state: Mapping[str, Any]) -> dict[str, Any]:
    return {"desired_version": state.get("desired_version"),
            "applied_version": state.get("applied_version"),
            "in_sync": state.get("in_sync"), "last_error": _error_text(state),
            "acked_at": state.get("acked_at")}


def config_states(client: HubClient) -> dict[str, dict[str, Any]]:
    """Config state per agent id (empty when this hub has no config push yet)."""
    try:
        return {str(row["agent_id"]): _config_row(row)
                for row in client.every("/agent-configs")}
    except ConsoleError as exc:
        if exc.status == 404:
            return {}
        raise


def config_state(client: HubClient, agent: str) -> dict[str, Any]:
    """Config state of one agent (empty when this hub has no config push yet)."""
    try:
        return _config_row(client.get(f"/agents/{agent}/config"))
    except ConsoleError as exc:
        if exc.status == 404:
            return {}
        raise


COLUMNS = [("id", "id"), ("name", "name"), ("site", "site"), ("status", "status"),
           ("last seen", "last_seen_at"), ("desired", "desired_version"),
           ("applied", "applied_version"), ("in sync", "in_sync"),
           ("last error", "last_error")]


def _site_names(client: HubClient) -> dict[str, str]:
    return {str(row["id"]): row["name"] for row in client.every("/sites")}


@app.command("list")
@one_line_errors
def list_agents(
    site: Annotated[str | None, typer.Option(help="Only this site's (name or id).")] = None,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """List agents with their desired and applied config version, whether they are in sync
    and their last config error.

    Examples:

      dotmac-hub agents list

      dotmac-hub agents list --site ams1-pop --json
    """
    with hub(url, token) as client:
        params = {"site_id": site_id(client, site)} if site else {}
        rows = list(client.every("/agents", **params))
        states, sites = config_states(client), _site_names(client)
    for row in rows:
        row.update(states.get(str(row["id"]), {}))
        row["site"] = sites.get(str(row["site_id"]), row["site_id"])
    print_rows(rows, COLUMNS, as_json, "agents")


@app.command("show")
@one_line_errors
def show_agent(agent: AgentArg, as_json: JsonOpt = False, url: UrlOpt = None,
               token: TokenOpt = None) -> None:
    """Show one agent and the state of its pushed config.

    Examples:

      dotmac-hub agents show ams1-agent-01

      dotmac-hub agents show ams1-agent-01 --json | jq .applied_version
    """
    with hub(url, token) as client:
        found = agent_id(client, agent)
        row = client.get(f"/agents/{found}")
        row.update(config_state(client, found))
    print_one(row, as_json)


@app.command("create")
@one_line_errors
def create_agent(
    name: Annotated[str, typer.Argument(help="Agent name (lowercase letters, digits, . _ -).")],
    site: Annotated[str, typer.Option(help="Its site (name or id).")],
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Register an agent in a site (pending until it enrolls; see `dotmac-hub enroll-token`).

    Examples:

      dotmac-hub agents create ams1-agent-01 --site ams1-pop
    """
    with hub(url, token) as client:
        made = client.post("/agents", {"name": name, "site_id": site_id(client, site)})
    report(made, as_json, f"agent {made['name']} created: {made['id']}")


@app.command("update")
@one_line_errors
def update_agent(
    agent: AgentArg,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Rename an agent (its site is fixed: re-enroll to move it).

    Examples:

      dotmac-hub agents update ams1-agent-01 --name ams1-a
    """
    with hub(url, token) as client:
        changed = client.patch(f"/agents/{agent_id(client, agent)}", only_given(name=name))
    report(changed, as_json, f"agent {changed['name']} updated")


@app.command("revoke")
@one_line_errors
def revoke_agent(agent: AgentArg, yes: YesOpt = False, as_json: JsonOpt = False,
                 url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Revoke an agent: its broker login goes and the broker disconnects it at once.

    Examples:

      dotmac-hub agents revoke ams1-agent-01 --yes
    """
    with hub(url, token) as client:
        found = agent_id(client, agent)
        confirm(f"revoke agent {agent}?", yes)
        row = client.post(f"/agents/{found}/revoke")
    report(row, as_json, f"agent {agent} revoked")


@app.command("delete")
@one_line_errors
def delete_agent(agent: AgentArg, yes: YesOpt = False, as_json: JsonOpt = False,
                 url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Delete an agent that polls no device.

    Examples:

      dotmac-hub agents delete ams1-agent-01 --yes
    """
    with hub(url, token) as client:
        found = agent_id(client, agent)
        confirm(f"delete agent {agent}?", yes)
        client.delete(f"/agents/{found}")
    report({"id": found, "deleted": True}, as_json, f"agent {agent} deleted")
