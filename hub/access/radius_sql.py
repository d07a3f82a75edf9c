"""The authorize backend of the rendered FreeRADIUS configuration (docs/radius.md):

- `rest`: FreeRADIUS asks the hub per Access-Request (POST /radius/authorize);
- `sql`: FreeRADIUS's rlm_sql reads the answers the hub materialized in PostgreSQL
  (hub.access.answers) through the views radius_check / radius_reply.

`render_backend` writes `policy.d/dotmac_backend` (the `dotmac_authorize` policy the site's
authorize section calls) and, for sql, `mods-enabled/sql`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hub.access.radius_config import RadiusServerConfig

BACKENDS = ("rest", "sql")
# a libpq key=value connection string, written inside a FreeRADIUS double-quoted string:
# no quotes, backslashes, % (xlat) or line breaks
_SAFE_DSN = re.compile(r"^[A-Za-z0-9 =._~@:/+,-]{1,500}$")

_NAS = "%{%{Packet-Src-IP-Address}:-%{Packet-Src-IPv6-Address}}"


def _mac(attribute: str) -> str:
    """SQL for the 12 hex digits of a MAC-shaped attribute (as hub.access.authorize does)."""
    value = f"'%{{{attribute}}}'"
    return (f"CASE WHEN length({value}) <= 17 THEN "
            f"lower(regexp_replace({value}, '[^0-9A-Fa-f]', '', 'g')) END")


# FreeRADIUS query text, not ours to run: rlm_sql escapes every %{...} it expands
LOGIN_QUERY = (
    "SELECT subscription_id, lookup FROM radius_check "  # noqa: S608
    f"WHERE nas_address = '{_NAS}' AND ("
    "(lookup = 'user' AND username = '%{User-Name}') "
    f"OR (lookup = 'mac' AND username IN ({_mac('Calling-Station-Id')}, {_mac('User-Name')})) "
    "OR (lookup = 'circuit' AND username = '%{ADSL-Agent-Circuit-Id}' "
    "AND (remote_id IS NULL OR remote_id = '%{ADSL-Agent-Remote-Id}'))) "
    "ORDER BY lookup DESC LIMIT 1")  # user, then mac, then circuit


def dsn_problems(backend: str, dsn: str | None) -> list[str]:
    """Reasons the backend choice cannot work (empty when fine)."""
    if backend not in BACKENDS:
        return [f"backend {backend!r}: one of {', '.join(BACKENDS)}"]
    if backend == "rest":
        return []
    if not dsn:
        return ["backend sql: needs the PostgreSQL connection string FreeRADIUS uses "
                "(--sql-dsn 'host=... dbname=... user=... password=...'; a read-only role, "
                "docs/radius.md)"]
    if not _SAFE_DSN.match(dsn) or "=" not in dsn:
        return ["sql DSN: a libpq key=value string of A-Z a-z 0-9 space = . _ ~ @ : / + , - "
                "(no quotes, backslashes or %)"]
    return []


def _template(name: str) -> str:
    return resources.files("hub.access").joinpath("freeradius", name).read_text()


def render_backend(config: RadiusServerConfig, out_dir: Path, values: dict[str, str],
                   writer: Callable[[Path, str], None]) -> None:
    """Write the backend's policy (and for sql its module) with the shared `values`."""
    from hub.access.radius_config import fill

    values = {**values, "MAX_USERNAME": str(config.max_username_bytes),
              "MAX_USERNAME_PLUS_ONE": str(config.max_username_bytes + 1),
              "SQL_DSN": config.sql_dsn or "", "SQL_NAS": _NAS, "SQL_LOGIN": LOGIN_QUERY,
              "HUB_TIMEOUT_INT": str(max(1, math.ceil(config.hub_timeout_s)))}
    writer(out_dir / "policy.d/dotmac_backend",
           fill(_template(f"backend/{config.backend}"), values))
    module = out_dir / "mods-enabled/sql"
    if config.backend == "sql":
        writer(module, fill(_template("mods-enabled/sql"), values))
    else:
        module.unlink(missing_ok=True)
