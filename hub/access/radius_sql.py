"""The authorize backend of the rendered FreeRADIUS configuration (docs/radius.md):

- `rest`: FreeRADIUS asks the hub per Access-Request (POST /radius/authorize);
- `sql`: FreeRADIUS's rlm_sql reads the answers the hub materialized in PostgreSQL
  (hub.access.answers) from radius_answers: one prepared statement per Access-Request, one
  index look-up.

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

from hub.access.answer import reply_attribute_names

if TYPE_CHECKING:
    from hub.access.radius_config import RadiusServerConfig

BACKENDS = ("rest", "sql")
# a libpq key=value connection string, written inside a FreeRADIUS double-quoted string:
# no quotes, backslashes, % (xlat) or line breaks
_SAFE_DSN = re.compile(r"^[A-Za-z0-9 =._~@:/+,-]{1,500}$")

# The columns FreeRADIUS's read-only role may SELECT on radius_answers (docs/radius.md): what
# its queries filter on and read, not which subscription a row belongs to.
READ_COLUMNS = ("tenant_id", "vendor", "lookup", "lookup_key", "remote_id", "kind", "position",
                "attribute", "op", "value")


# rlm_sql sends plain, unprepared statements, so PostgreSQL would parse and plan the look-up
# for every Access-Request. Each pooled connection instead prepares it once (rlm_sql's
# `open_query`), and an Access-Request costs one EXECUTE: a single scan of
# ix_radius_answers_lookup (tenant, vendor, lookup, lookup_key, kind, position) returning the
# check rows then the reply rows in answer order, without a sort. Column 0 (rlm_sql's row id,
# only logged) is the position: no uuid to format per row.
PREPARE = ("PREPARE dotmac_answer (uuid, text, text, text, text) AS "
           "SELECT position, lookup_key, attribute, value, op FROM radius_answers "
           "WHERE tenant_id = $1 AND vendor = $2 AND lookup = $3 AND lookup_key = $4 "
           "AND (remote_id IS NULL OR remote_id = $5) ORDER BY kind, position")

# the arguments: this NAS's tenant and vendor (clients.conf items), the login kind and key,
# the option-82 remote id
QUERY = ("EXECUTE dotmac_answer ('%{client:dotmac_tenant}', '%{client:nas_type}', "
         "'%{control:Tmp-String-7}', '%{SQL-User-Name}', '%{ADSL-Agent-Remote-Id}')")


def reply_copy(names: list[str]) -> str:
    """The policy lines that move the answer's reply attributes into the reply. rlm_sql's one
    query (authorize_check_query) puts every row in the control list; a second query for
    the reply rows would double the PostgreSQL round trips per Access-Request."""
    return "\n".join(f"\t\t&{name} += &control:{name}[*]" for name in names)


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


def _conninfo(dsn: str) -> dict[str, str]:
    """The DSN split into what FreeRADIUS may log (radius_db) and the password, which it
    must not (it logs the connection string it connects with)."""
    kept, password = [], ""
    for item in dsn.split():
        if item.startswith("password="):
            password = item.removeprefix("password=")
        else:
            kept.append(item)
    return {"SQL_CONNINFO": " ".join(kept), "SQL_PASSWORD": password}


def _template(name: str) -> str:
    return resources.files("hub.access").joinpath("freeradius", name).read_text()


def render_backend(config: RadiusServerConfig, out_dir: Path, values: dict[str, str],
                   writer: Callable[[Path, str], None]) -> None:
    """Write the backend's policy (and for sql its module) with the shared `values`."""
    from hub.access.radius_config import fill

    values = {**values, "MAX_USERNAME": str(config.max_username_bytes),
              "MAX_USERNAME_PLUS_ONE": str(config.max_username_bytes + 1),
              **_conninfo(config.sql_dsn or ""), "SQL_OPEN_QUERY": PREPARE,
              "SQL_QUERY": QUERY, "SQL_REPLY_COPY": reply_copy(reply_attribute_names()),
              "HUB_TIMEOUT_INT": str(max(1, math.ceil(config.hub_timeout_s)))}
    writer(out_dir / "policy.d/dotmac_backend",
           fill(_template(f"backend/{config.backend}"), values))
    module = out_dir / "mods-enabled/sql"
    if config.backend == "sql":
        writer(module, fill(_template("mods-enabled/sql"), values))
    else:
        module.unlink(missing_ok=True)
