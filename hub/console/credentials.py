"""`dotmac-hub credentials ...`: credential sets (SNMP v2c, SNMPv3, SSH).

Secrets never come from a plain command-line value (it would stay in the shell history and
in `ps`): each is read from a `--*-file`, from its DOTMAC_HUB_CRED_* variable, or from a
hidden prompt. The hub never returns them, so `show` prints only the non-secret fields.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from hub.console.client import ConsoleError, HubClient
from hub.console.common import (
    Column,
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
    read_secret_file,
    report,
)
from hub.console.sites import site_id

HOW_SECRETS = ("Secrets (community, auth/priv keys, password, private key, enable secret) are "
               "never taken as a command-line value: give a --*-file, set the DOTMAC_HUB_CRED_*"
               " variable, or answer the hidden prompt.")
app = group("credentials", "Credential sets (SNMP v2c, SNMPv3, SSH): list, show, create, "
            f"update (rotate), delete. {HOW_SECRETS}\n\nExamples:\n\n"
            "  dotmac-hub credentials create core-v2c --kind snmp_v2c\n\n"
            "  dotmac-hub credentials list")
CredArg = Annotated[str, typer.Argument(help="Credential set name or id.")]


class Kind(StrEnum):
    """What a credential set holds."""

    SNMP_V2C = "snmp_v2c"
    SNMP_V3 = "snmp_v3"
    SSH = "ssh"


@dataclass(frozen=True)
class Secret:
    """One secret field: its body key, its variable and its prompt."""

    field: str
    env: str
    prompt: str


SECRETS = {name: Secret(name, f"DOTMAC_HUB_CRED_{name.upper()}", name.replace("_", " "))
           for name in ("community", "auth_key", "priv_key", "password", "private_key",
                        "enable_secret")}


def _file_opt(name: str) -> Any:
    secret = SECRETS[name]
    return typer.Option(f"--{name.replace('_', '-')}-file", exists=False, dir_okay=False,
                        help=f"Read the {secret.prompt} from this file (or set env "
                        f"{secret.env}).")


CommunityFile = Annotated[Path | None, _file_opt("community")]
AuthKeyFile = Annotated[Path | None, _file_opt("auth_key")]
PrivKeyFile = Annotated[Path | None, _file_opt("priv_key")]
PasswordFile = Annotated[Path | None, _file_opt("password")]
PrivateKeyFile = Annotated[Path | None, _file_opt("private_key")]
EnableFile = Annotated[Path | None, _file_opt("enable_secret")]
SiteOpt = Annotated[str | None, typer.Option(help="Only for this site (name or id); "
                                             "default: the whole tenant.")]
UserOpt = Annotated[str | None, typer.Option(help="SNMPv3 user name.")]


class AuthProto(StrEnum):
    """SNMPv3 authentication protocols (as protocol/edge_config.py names them)."""

    MD5 = "MD5"
    SHA = "SHA"
    SHA_224 = "SHA-224"
    SHA_256 = "SHA-256"
    SHA_384 = "SHA-384"
    SHA_512 = "SHA-512"


class PrivProto(StrEnum):
    """SNMPv3 privacy protocols."""

    DES = "DES"
    AES = "AES"
    AES_192 = "AES-192"
    AES_256 = "AES-256"


AuthProtoOpt = Annotated[AuthProto | None, typer.Option(help="SNMPv3 authentication protocol.",
                                                        case_sensitive=False)]
PrivProtoOpt = Annotated[PrivProto | None, typer.Option(help="SNMPv3 privacy protocol (needs "
                                                        "authentication).",
                                                        case_sensitive=False)]
UsernameOpt = Annotated[str | None, typer.Option(help="SSH user name.")]


def _text(value: StrEnum | None) -> str | None:
    return None if value is None else str(value)


def credential_id(client: HubClient, value: str) -> str:
    """The id of the credential set named (or identified by) `value`."""
    return client.resolve("credential set", "/credential-sets", value, "credentials")


def _given(files: Mapping[str, Path | None]) -> dict[str, str]:
    """Secrets from their files, else from their variables (absent ones left out)."""
    found: dict[str, str] = {}
    for name, path in files.items():
        secret = SECRETS[name]
        if path is not None:
            found[name] = read_secret_file(path, f"--{name.replace('_', '-')}-file")
        elif os.environ.get(secret.env):
            found[name] = os.environ[secret.env]
    return found


def _needed(kind: Kind, public: Mapping[str, Any], have: Mapping[str, str]) -> list[str]:
    """The secrets a set of `kind` cannot do without and that were not given."""
    if kind is Kind.SNMP_V2C:
        wanted = ["community"]
    elif kind is Kind.SNMP_V3:
        wanted = [name for name, proto in (("auth_key", "auth_proto"), ("priv_key", "priv_proto"))
                  if public.get(proto)]
    else:
        wanted = [] if "private_key" in have else ["password"]
    return [name for name in wanted if name not in have]


def _prompted(names: list[str]) -> dict[str, str]:
    try:
        return {name: typer.prompt(SECRETS[name].prompt, hide_input=True, err=True)
                for name in names}
    except typer.Abort:
        missing = ", ".join(f"--{n.replace('_', '-')}-file or {SECRETS[n].env}" for n in names)
        raise ConsoleError(f"secret missing and no answer to its prompt: give {missing}",
                           code=2) from None


def _public_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    public = row.get("public")
    return dict(public) if isinstance(public, Mapping) else {}


def _identity(row: Mapping[str, Any]) -> object:
    public = {**row, **_public_fields(row)}
    return public.get("user") or public.get("username")


COLUMNS: list[Column] = [("id", "id"), ("name", "name"), ("kind", "kind"), ("site", "site"),
           ("user", _identity), ("secrets set", lambda row: ", ".join(row.get("secrets_set")
                                                                     or [])),
           ("updated", "updated_at"), ("rotated", "rotated_at")]


@app.command("list")
@one_line_errors
def list_credentials(as_json: JsonOpt = False, url: UrlOpt = None,
                     token: TokenOpt = None) -> None:
    """List credential sets (names and kinds; secrets are never shown).

    Examples:

      dotmac-hub credentials list

      dotmac-hub credentials list --json
    """
    with hub(url, token) as client:
        rows = list(client.every("/credential-sets"))
        sites = {str(row["id"]): row["name"] for row in client.every("/sites")}
    for row in rows:
        row["site"] = sites.get(str(row.get("site_id")), row.get("site_id"))
    print_rows(rows, COLUMNS, as_json, "credential sets")


@app.command("show")
@one_line_errors
def show_credentials(credentials: CredArg, as_json: JsonOpt = False, url: UrlOpt = None,
                     token: TokenOpt = None) -> None:
    """Show a credential set's non-secret fields.

    Examples:

      dotmac-hub credentials show core-v2c
    """
    with hub(url, token) as client:
        print_one(client.get(f"/credential-sets/{credential_id(client, credentials)}"),
                  as_json)


@app.command("create", help="Create a credential set. " + HOW_SECRETS + """

Examples:

  dotmac-hub credentials create core-v2c --kind snmp_v2c   (prompts for the community)

  dotmac-hub credentials create core-v2c --kind snmp_v2c --community-file /run/secrets/community

  dotmac-hub credentials create v3 --kind snmp_v3 --user noc --auth-proto sha --priv-proto aes

  dotmac-hub credentials create ssh1 --kind ssh --username backup --private-key-file ~/.ssh/id
""")
@one_line_errors
def create_credentials(
    name: Annotated[str, typer.Argument(help="Set name, unique in the tenant.")],
    kind: Annotated[Kind, typer.Option(help="snmp_v2c, snmp_v3 or ssh.")],
    site: SiteOpt = None, user: UserOpt = None, auth_proto: AuthProtoOpt = None,
    priv_proto: PrivProtoOpt = None, username: UsernameOpt = None,
    community_file: CommunityFile = None, auth_key_file: AuthKeyFile = None,
    priv_key_file: PrivKeyFile = None, password_file: PasswordFile = None,
    private_key_file: PrivateKeyFile = None, enable_secret_file: EnableFile = None,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Create a credential set (help text above: secrets never from a plain argument)."""
    public = only_given(user=user, auth_proto=_text(auth_proto),
                        priv_proto=_text(priv_proto), username=username)
    secrets = _given(_files_of(kind, community_file, auth_key_file, priv_key_file,
                               password_file, private_key_file, enable_secret_file))
    secrets.update(_prompted(_needed(kind, public, secrets)))
    with hub(url, token) as client:
        body = {"name": name, "kind": str(kind), **public, **secrets,
                **only_given(site_id=site_id(client, site) if site else None)}
        made = client.post("/credential-sets", body)
    report(made, as_json, f"credential set {made['name']} ({made['kind']}) created: "
           f"{made['id']}")


def _files_of(kind: Kind | None, community: Path | None, auth_key: Path | None,
              priv_key: Path | None, password: Path | None, private_key: Path | None,
              enable_secret: Path | None) -> dict[str, Path | None]:
    files = {"community": community, "auth_key": auth_key, "priv_key": priv_key,
             "password": password, "private_key": private_key, "enable_secret": enable_secret}
    allowed = {Kind.SNMP_V2C: {"community"}, Kind.SNMP_V3: {"auth_key", "priv_key"},
               Kind.SSH: {"password", "private_key", "enable_secret"}}
    if kind is None:
        return files
    wrong = [name for name, path in files.items() if path and name not in allowed[kind]]
    if wrong:
        raise ConsoleError(f"--{wrong[0].replace('_', '-')}-file: a {kind} set has no "
                           f"{SECRETS[wrong[0]].prompt}", code=2)
    return {name: path for name, path in files.items() if name in allowed[kind]}


@app.command("update", help="Change a credential set or rotate its secrets (the agents that "
             "use it get the new ones with their next config push). " + HOW_SECRETS + """

Examples:

  dotmac-hub credentials update core-v2c --rotate   (prompts for the new community)

  dotmac-hub credentials update core-v2c --community-file /run/secrets/community-2025

  dotmac-hub credentials update ams1-ssh --username backup2 --password-file ./pw
""")
@one_line_errors
def update_credentials(
    credentials: CredArg,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    rotate: Annotated[bool, typer.Option(help="Prompt (hidden) for every secret of the set's "
                                         "kind not given by file or variable.")] = False,
    user: UserOpt = None, auth_proto: AuthProtoOpt = None, priv_proto: PrivProtoOpt = None,
    username: UsernameOpt = None, community_file: CommunityFile = None,
    auth_key_file: AuthKeyFile = None, priv_key_file: PrivKeyFile = None,
    password_file: PasswordFile = None, private_key_file: PrivateKeyFile = None,
    enable_secret_file: EnableFile = None,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Change a credential set (help text above)."""
    public = only_given(user=user, auth_proto=_text(auth_proto),
                        priv_proto=_text(priv_proto), username=username)
    with hub(url, token) as client:
        found = credential_id(client, credentials)
        current = client.get(f"/credential-sets/{found}")
        kind = Kind(current["kind"])
        secrets = _given(_files_of(kind, community_file, auth_key_file, priv_key_file,
                                   password_file, private_key_file, enable_secret_file))
        if rotate:
            known = {**_public_fields(current), **current, **public}
            secrets.update(_prompted(_needed(kind, known, secrets)))
        changed = client.patch(f"/credential-sets/{found}",
                               {**only_given(name=name), **public, **secrets})
    report(changed, as_json, f"credential set {changed['name']} updated"
           + (f" ({len(secrets)} secret(s) replaced)" if secrets else ""))


@app.command("delete")
@one_line_errors
def delete_credentials(credentials: CredArg, yes: YesOpt = False, as_json: JsonOpt = False,
                       url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Delete a credential set (refused while devices or discoveries use it).

    Examples:

      dotmac-hub credentials delete old-v2c --yes
    """
    with hub(url, token) as client:
        found = credential_id(client, credentials)
        confirm(f"delete credential set {credentials}?", yes)
        client.delete(f"/credential-sets/{found}")
    report({"id": found, "deleted": True}, as_json, f"credential set {credentials} deleted")
