"""The authorize backend of the rendered FreeRADIUS configuration (docs/radius.md):

- `rest`: FreeRADIUS asks the hub per Access-Request (POST /radius/authorize);
- `sql`: FreeRADIUS's rlm_sql reads the answers the hub materialized in PostgreSQL
  (hub.access.answers) from radius_answers, one index look-up per query
  (radius_answer_rows()).

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

# The columns FreeRADIUS's read-only role may SELECT on radius_answers (docs/radius.md): what
# its queries filter on and read, not which subscription a row belongs to.
READ_COLUMNS = ("id", "tenant_id", "vendor", "lookup", "lookup_key", "remote_id", "kind",
                "position", "attribute", "op", "value")


# the arguments of radius_answer_rows(kind, tenant, vendor, lookup, key, remote id)
_QUERY = ("SELECT id, username, attribute, value, op FROM radius_answer_rows('KIND', "
          "'%{client:dotmac_tenant}', '%{client:nas_type}', '%{control:Tmp-String-7}', "
          "'%{SQL-User-Name}', '%{ADSL-Agent-Remote-Id}')")


def sql_query(kind: str) -> str:
    """rlm_sql's authorize query for `kind` (check or reply): radius_answer_rows() (migration
    0029), one look-up of ix_radius_answers_lookup with a plan PostgreSQL keeps. Tenant and
    vendor are this NAS's clients.conf items; rlm_sql escapes every %{...} it expands."""
    if kind not in ("check", "reply"):
        raise ValueError(f"query kind {kind!r}: check or reply")
    return _QUERY.replace("'KIND'", f"'{kind}'")


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
              **_conninfo(config.sql_dsn or ""), "SQL_QUERY_CHECK": sql_query("check"),
              "SQL_QUERY_REPLY": sql_query("reply"),
              "HUB_TIMEOUT_INT": str(max(1, math.ceil(config.hub_timeout_s)))}
    writer(out_dir / "policy.d/dotmac_backend",
           fill(_template(f"backend/{config.backend}"), values))
    module = out_dir / "mods-enabled/sql"
    if config.backend == "sql":
        writer(module, fill(_template("mods-enabled/sql"), values))
    else:
        module.unlink(missing_ok=True)
