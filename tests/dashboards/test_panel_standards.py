"""Every shipped dashboard follows the NOC's panel standards and provisions as it is.

* Every panel has a unit; every panel whose level means something (a coloured stat, gauge
  or bar gauge; any panel in percent, seconds, degrees or dBm) has thresholds beyond a base
  colour, and graphs draw them. Table columns named `*_s`, `*_bps`, `*_bytes` carry that unit.
* Every link goes somewhere: `/d/<uid>` is a shipped dashboard, each `var-x` is a variable
  there, each `${__data.fields.x}` a column of the panel's query (run on a migrated hub
  database), each `${__field.labels.x}` a label the query keeps, each `${x}` a variable here;
  tag links find another dashboard with the tag; every dashboard links to the others.
* Tenant, site and device variables show names and keep ids as values (run on a migrated
  database holding a tenant, a site and a hub device).
* The provisioning files load the JSON as shipped: no import inputs, each `${DS_*}` is a
  datasource variable whose default is the uid and type `datasources.yaml` provisions, every
  setting Grafana expands from the environment is named in docs/noc.md, and the document
  has no substitution step.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest_asyncio
import yaml
from psycopg import sql

from dashboards import root
from hub.billing.models import Customer
from hub.inventory.models import Device
from tests.dashboards.test_dashboards import Filled, _overlapping, _substitute, queried
from tests.hub.harness import drop_database
from tests.hub.ingest.harness import engine_and_sessions, migrated_database, new_tenancy
from tests.services.postgres import Postgres

DOCS = sorted(root().glob("*.json"))
NOC_DOC = Path(__file__).resolve().parents[2] / "docs" / "noc.md"
PROVISIONING = root() / "provisioning"
LEVEL_UNITS = {"percent", "percentunit", "celsius", "dBm", "dB", "s", "cps"}
LEVEL_TYPES = {"stat", "gauge", "bargauge"}
COLUMN_UNITS = {"_s": "s", "_bps": "bps", "_bytes": "bytes"}
NAMED = ("tenant", "site", "device")  # variables whose ids must be shown by name
ENV = re.compile(r"\$\{(\w+)\}|\$(\w+)")  # what Grafana expands in provisioning YAML
FIELD = re.compile(r"\$\{__data\.fields\.(\w+)\}")
LABEL = re.compile(r"\$\{__field\.labels\.(\w+)\}")
PLAIN = re.compile(r"\$\{(\w+)\}")


@dataclass
class Db:
    """A migrated database with one tenant, site and hub device; its variable values."""

    dsn: str
    values: dict[str, str]


def _load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text())
    return doc


def _panels() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for path in DOCS:
        doc = _load(path)
        for _, panel in queried(doc):
            yield doc, panel


def _where(doc: dict[str, Any], panel: dict[str, Any]) -> str:
    return f"{doc['uid']} / {panel['title']}"


def _defaults(panel: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = panel.get("fieldConfig", {}).get("defaults", {})
    return found


def _steps(panel: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = _defaults(panel).get("thresholds", {}).get("steps", [])
    return found


def _levels(panel: dict[str, Any]) -> bool:
    """Thresholds beyond a base colour, on the panel or on one of its fields."""
    overrides = [props.get("thresholds", {}).get("steps", [])
                 for props in _override_props(panel).values()]
    return any(len(steps) >= 2 for steps in [_steps(panel), *overrides])


def _override_props(panel: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Column name -> {property id: value} from a panel's byName overrides."""
    props: dict[str, dict[str, Any]] = {}
    for override in panel.get("fieldConfig", {}).get("overrides", []):
        if override["matcher"]["id"] == "byName":
            column = props.setdefault(override["matcher"]["options"], {})
            column.update({p["id"]: p["value"] for p in override["properties"]})
    return props


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def db(postgres: Postgres) -> AsyncIterator[Db]:
    url = migrated_database(postgres, "standards")
    name = url.rsplit("/", 1)[1]
    engine, sessions = engine_and_sessions(url)
    try:
        where = await new_tenancy(sessions)
        async with sessions() as session, session.begin():
            device = Device(tenant_id=where.tenant_id, site_id=where.site_id, name="core-std",
                            management_address="192.0.2.10", profile="cisco_ios")
            session.add_all([device, Customer(tenant_id=where.tenant_id, name="Ann",
                                              currency="EUR")])  # billing lists it
            await session.flush()
            device_id = str(device.id)
    finally:
        await engine.dispose()
    dsn = f"host={postgres.host} port={postgres.port} user={postgres.user} dbname={name}"
    yield Db(dsn, {"tenant": str(where.tenant_id), "site": str(where.site_id),
                   "device": device_id, "interface": "ge-1"})
    drop_database(postgres.admin_dsn, name)


def _columns(db: Db, query: str) -> list[str]:
    end = datetime.now(UTC)
    text = _substitute(query, db.values, Filled(db.dsn, "", db.values["tenant"],
                                              end - timedelta(hours=1), end))
    with psycopg.connect(db.dsn) as conn:
        # the dashboard's own SQL, run as Grafana runs it: only its columns are read
        cur = conn.execute(sql.SQL("SELECT * FROM ({}) AS q LIMIT 0").format(sql.SQL(text)))
        return [c.name for c in cur.description or ()]


# ---- units and thresholds


def test_every_panel_has_a_unit() -> None:
    for doc, panel in _panels():
        if panel["type"] == "logs":  # lines of text: nothing to measure
            continue
        assert _defaults(panel).get("unit"), f"{_where(doc, panel)}: no unit"


def test_panels_where_a_level_means_something_have_thresholds() -> None:
    checked = 0
    for doc, panel in _panels():
        where, defaults = _where(doc, panel), _defaults(panel)
        coloured = (panel["type"] in LEVEL_TYPES
                    and panel.get("options", {}).get("colorMode") != "none")
        if not (coloured or defaults.get("unit") in LEVEL_UNITS):
            continue
        mapped = any(o.get("color") for m in defaults.get("mappings", [])
                     for o in m.get("options", {}).values())
        assert _levels(panel) or mapped, f"{where}: a level with no thresholds"
        if panel["type"] == "timeseries":  # a graph shows where the colours change
            style = defaults.get("custom", {}).get("thresholdsStyle", {}).get("mode", "off")
            assert style != "off", f"{where}: thresholds not drawn"
        checked += 1
    assert checked >= 30


def test_informational_stats_say_so() -> None:
    """A stat without thresholds must not colour itself green as if that meant 'fine'."""
    for doc, panel in _panels():
        if panel["type"] in LEVEL_TYPES and not _levels(panel):
            mapped = any(m.get("options") for m in _defaults(panel).get("mappings", []))
            assert mapped or panel["options"]["colorMode"] == "none", _where(doc, panel)


def test_table_columns_carry_their_units(db: Db) -> None:
    checked = 0
    for doc, panel in _panels():
        if panel["type"] != "table":
            continue
        props = _override_props(panel)
        for target in panel["targets"]:
            for column in _columns(db, target["rawSql"]):
                for suffix, unit in COLUMN_UNITS.items():
                    if column.endswith(suffix):
                        assert props.get(column, {}).get("unit") == unit, (
                            f"{_where(doc, panel)}: column {column} needs unit {unit}")
                        checked += 1
        for column in props:  # overrides name real columns
            assert column in {c for t in panel["targets"] for c in _columns(db, t["rawSql"])}, (
                f"{_where(doc, panel)}: override for a column the query has not: {column}")
    assert checked >= 4


def test_panels_do_not_overlap_on_any_dashboard() -> None:
    for path in DOCS:
        doc = _load(path)
        groups = [doc["panels"]] + [p["panels"] for p in doc["panels"] if p["type"] == "row"]
        for group in groups:
            assert not _overlapping(group), (doc["uid"], _overlapping(group)[:3])


# ---- links


def _links(panel: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from panel.get("links", [])
    yield from _defaults(panel).get("links", [])
    for props in _override_props(panel).values():
        yield from props.get("links", [])


def _variables(doc: dict[str, Any]) -> set[str]:
    return {v["name"] for v in doc["templating"]["list"]}


def _check_url(url: str, doc: dict[str, Any], docs: dict[str, dict[str, Any]]) -> str:
    """The target uid of a dashboard URL, after checking its var- parameters."""
    parsed = urllib.parse.urlsplit(url)
    found = re.fullmatch(r"/d/([\w-]+)/[\w-]+", parsed.path)
    assert found, f"{doc['uid']}: link {url} is not a dashboard URL (/d/<uid>/<slug>)"
    target = docs.get(found.group(1))
    assert target, f"{doc['uid']}: link to {found.group(1)}, which is not shipped"
    for key, _ in urllib.parse.parse_qsl(parsed.query.replace("${__url_time_range}", "")):
        if key.startswith("var-"):
            assert key[4:] in _variables(target), f"{doc['uid']}: {url}: {key} not in target"
    for name in PLAIN.findall(url):
        assert name in _variables(doc) or name.startswith("__"), f"{doc['uid']}: {url}: {name}"
    return found.group(1)


def _check_fields(url: str, panel: dict[str, Any], db: Db) -> None:
    fields = set(FIELD.findall(url))
    if fields:
        columns = {c for t in panel["targets"] for c in _columns(db, t["rawSql"])}
        assert fields <= columns, (panel["title"], fields - columns)
    labels = set(LABEL.findall(url))
    if labels:
        kept = {label.strip() for t in panel["targets"]
                for by in re.findall(r"by \(([^)]*)\)", t["expr"]) for label in by.split(",")}
        assert labels <= kept, (panel["title"], labels - kept)


def test_every_link_target_exists(db: Db) -> None:
    docs = {d["uid"]: d for d in map(_load, DOCS)}
    targets = set()
    for doc in docs.values():
        assert doc.get("links"), f"{doc['uid']}: no links to the other dashboards"
        for link in doc["links"]:
            if link["type"] == "dashboards":
                tagged = {u for u, d in docs.items() if set(link["tags"]) <= set(d["tags"])}
                assert tagged - {doc["uid"]}, f"{doc['uid']}: tag link finds nothing"
            else:
                targets.add(_check_url(link["url"], doc, docs))
        for _, panel in queried(doc):
            for link in _links(panel):
                targets.add(_check_url(link["url"], doc, docs))
                _check_fields(link["url"], panel, db)
    assert {"dotmac-device-detail", "dotmac-alarms"} <= targets  # the drill-downs


# ---- variables


def _options(variable: dict[str, Any], db: Db) -> dict[str, str]:
    with psycopg.connect(db.dsn) as conn:
        cur = conn.execute(_substitute(variable["query"], db.values,
                                       Filled(db.dsn, "", db.values["tenant"],
                                              datetime.now(UTC), datetime.now(UTC))))
        names = [c.name for c in cur.description or ()]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    return {r["__value"]: r["__text"] for r in rows}


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def test_tenant_site_and_device_variables_show_names(db: Db) -> None:
    checked = 0
    for path in DOCS:
        doc = _load(path)
        for variable in doc["templating"]["list"]:
            if variable["name"] not in NAMED:
                continue
            where = f"{doc['uid']} / ${variable['name']}"
            assert variable["datasource"]["uid"] == "${DS_HUBDB}", where
            assert " AS __text" in variable["query"] and " AS __value" in variable["query"]
            options = _options(variable, db)
            mine = db.values[variable["name"]]
            assert mine in options, (where, options)
            assert not _is_uuid(options[mine]) and _is_uuid(mine), (where, options[mine])
            checked += 1
    assert checked >= 8


# ---- provisioning


def _provisioning(name: str) -> tuple[dict[str, Any], set[str]]:
    """A provisioning file as Grafana reads it (environment expanded), and the names used."""
    text = (PROVISIONING / name).read_text()
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    used = {a or b for a, b in ENV.findall(body)}
    expanded = ENV.sub(lambda m: f"value-of-{m.group(1) or m.group(2)}", body)
    doc: dict[str, Any] = yaml.safe_load(expanded)
    return doc, used


def test_dashboards_load_as_shipped() -> None:
    sources, _ = _provisioning("datasources.yaml")
    provisioned = {d["uid"]: d["type"] for d in sources["datasources"]}
    for path in DOCS:
        doc = _load(path)
        text = path.read_text()
        assert "__inputs" not in doc, f"{path.name}: import inputs are never filled by files"
        variables = {v["name"]: v for v in doc["templating"]["list"]
                     if v["type"] == "datasource"}
        used = set(re.findall(r"\$\{(DS_\w+)\}", text))
        assert used and used == set(variables), (path.name, used ^ set(variables))
        for variable in variables.values():
            uid = variable["current"]["value"]
            assert provisioned.get(uid) == variable["query"], (path.name, variable["name"])
        for panel in (p for _, p in queried(doc)):
            for target in panel["targets"]:
                kind = provisioned[variables[target["datasource"]["uid"][2:-1]]["current"][
                    "value"]]
                assert target["datasource"]["type"] == kind, (path.name, panel["title"])


def test_provisioning_names_every_setting_and_needs_no_copy_step() -> None:
    providers, dirs = _provisioning("dashboards.yaml")
    (provider,) = providers["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == "value-of-DOTMAC_DASHBOARDS_DIR"
    _, settings = _provisioning("datasources.yaml")
    doc = NOC_DOC.read_text()
    section = doc.split("## Provisioning (files)", 1)[1].split("\n## ", 1)[0]
    for name in dirs | settings:
        assert f"`{name}`" in section, f"docs/noc.md does not name {name}"
    assert not re.search(r"\bsed\b", doc) and "__inputs" not in doc
    assert "DS_VICTORIA" in section and "DS_HUBDB" in section
