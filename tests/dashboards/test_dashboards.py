"""Every shipped Grafana dashboard is well-formed and every panel returns data.

Data comes from a real ingest run (agent messages -> Mosquitto -> two ingest workers ->
VictoriaMetrics + PostgreSQL); each panel's query is run with its variables substituted
the way Grafana would, against those real servers.

Issue 17: one of the devices is a hub device, reported under its id: the device variable
shows its name and keeps the id as value (a rename selects the same data), panels print its
name, and the agent-health dashboard shows each agent's config drift.

Issue 21: the switches also report fans, power supplies and optics, and a UPS reports its
battery and mains state; device-detail's environment, optics and UPS rows show them and show
"No data" (not an error, not a false zero) for a device that has no such hardware.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
import pytest_asyncio

from dashboards import root
from hub.inventory.models import Device
from protocol import (
    AgentHealth,
    AgentState,
    Channel,
    DeviceFacts,
    InterfaceFacts,
    Inventory,
    Sample,
    TelemetryBatch,
)
from tests.hub.harness import drop_database
from tests.hub.ingest.harness import (
    Publisher,
    aligned_start,
    engine_and_sessions,
    make_workers,
    migrated_database,
    new_tenancy,
    register_agent,
    token,
    wait_for,
)
from tests.services.mosquitto import Broker
from tests.services.postgres import Postgres
from tests.services.victoria import Victoria

# NOC dashboards; billing.json (hub database only) is tested by test_billing_dashboard.py,
# alarms.json by test_alarms_dashboard.py, hub-health.json by test_hub_health.py and
# ipam.json by test_ipam_dashboard.py.
DASHBOARDS = sorted(p for p in root().glob("*.json")
                    if p.stem not in ("billing", "alarms", "hub-health", "ipam"))
INPUTS = {"${DS_VICTORIA}": "prometheus", "${DS_HUBDB}": "grafana-postgresql-datasource"}
VARIABLE = re.compile(r"\$(\w+)")
POLLS = 12
LEGACY = ("sw-a", "sw-b")  # agent.yaml devices, reported under their names
HUB_DEVICE = "core-a"  # a hub device, reported under its id
UPS = "ups-a"  # an agent.yaml UPS: battery and mains metrics, no CPU, fans or optics
ON_BATTERY_FROM = 8  # the UPS loses mains at this poll and stays on battery
ROW_DEVICE = {"UPS": UPS}  # device-detail rows checked on another device than sw-a


@dataclass
class Filled:
    """Where the ingest run stored its data."""

    dsn: str
    vm_url: str
    tenant: str
    start: datetime
    end: datetime
    hub_device: str = ""
    agents: dict[str, str] = field(default_factory=dict)  # DRIFT role -> agent name


def _load(path: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text())
    return doc


def queried(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every panel that runs queries, with the title of its row ('' above the first row).

    An expanded row's panels follow it in the top-level list; a collapsed row holds its own."""
    row = ""
    for panel in doc["panels"]:
        if panel["type"] != "row":
            yield row, panel
            continue
        row = panel["title"]
        yield from ((row, inner) for inner in panel["panels"])


Gauges = tuple[tuple[str, float, dict[str, str]], ...]


def _switch_gauges(poll: int) -> Gauges:
    """CPU, memory, temperature, fans, power supplies (the second one failed) and optics."""
    optics: Gauges = tuple(
        (metric, value, {"ifIndex": str(i), "ifName": f"ge-{i}"}) for i in (1, 2)
        for metric, value in (("optical_rx_dbm", -4.5 - i), ("optical_tx_dbm", -2.5),
                              ("optical_temperature_celsius", 35 + i)))
    return (("cpu_load_percent", 20 + poll, {"cpmCPUTotalIndex": "1"}),
            ("mem_used_bytes", 10**8, {"ciscoMemoryPoolType": "1"}),
            ("mem_free_bytes", 3 * 10**8, {"ciscoMemoryPoolType": "1"}),
            ("temperature_celsius", 41, {"sensor": "inlet"}),
            ("fan_state", 1, {"fan": "1"}), ("fan_state", 1, {"fan": "2"}),
            ("psu_state", 1, {"psu": "1"}), ("psu_state", 3, {"psu": "2"}), *optics)


def _ups_gauges(poll: int) -> Gauges:
    """A UPS on mains until ON_BATTERY_FROM, then on battery, draining."""
    battery = poll >= ON_BATTERY_FROM
    drained = max(0, poll - ON_BATTERY_FROM + 1)
    charge = 100 - 20 * drained
    return (("ups_on_battery", int(battery), {}),
            ("ups_battery_charge_percent", charge, {}),
            ("ups_battery_state", 2 if charge < 50 else 1, {}),  # 2: battery low
            ("ups_battery_runtime_seconds", 1800 - 400 * drained, {}),
            ("ups_input_voltage_volts", 0 if battery else 231, {"phase": "1"}),
            ("ups_output_voltage_volts", 230, {"phase": "1"}),
            ("ups_load_percent", 42, {"phase": "1"}),
            ("temperature_celsius", 27, {}))


def _batch(agent: str, seq: int, ts: datetime, poll: int,
           devices: tuple[str, ...]) -> TelemetryBatch:
    samples = []
    for device in devices:
        for index in (1, 2):
            labels = {"ifIndex": str(index), "ifName": f"ge-{index}"}
            for metric, value in (("if_hc_in_octets", 10**6 * poll * index),
                                  ("if_hc_out_octets", 2 * 10**6 * poll * index),
                                  ("if_in_errors", poll * index)):
                samples.append(Sample(device=device, metric=metric, value=value,
                                      kind="counter", ts=ts, labels=labels))
        gauges = _ups_gauges(poll) if device == UPS else _switch_gauges(poll)
        samples.extend(Sample(device=device, metric=metric, value=value, kind="gauge", ts=ts,
                              labels=labels) for metric, value, labels in gauges)
    return TelemetryBatch(agent_id=agent, seq=seq, ts=ts, samples=samples)


def _inventory(agent: str, devices: tuple[str, ...]) -> Inventory:
    interfaces = [InterfaceFacts(if_index=i, name=f"ge-{i}", speed_bps=10**9,
                                 admin_status="up", oper_status="up") for i in (1, 2)]
    return Inventory(agent_id=agent, seq=1, ts=datetime.now(UTC), devices=[
        DeviceFacts(device=d, address="192.0.2.1", profile="cisco_ios", sys_name=d,
                    vendor="Cisco", interfaces=interfaces) for d in devices])


def _health(agent: str, seq: int, hub_device: str) -> AgentHealth:
    return AgentHealth(agent_id=agent, seq=seq, ts=datetime.now(UTC), queue_depth=3,
                       queue_bytes=900, oldest_queued_age_s=2.0, dropped_samples=5,
                       poll_duration_p50_s=0.3, poll_duration_p95_s=0.8, devices_total=3,
                       devices_failing=2, uptime_s=900,
                       device_errors={"sw-b": "timeout", hub_device: "timeout"})


async def _hub_device(sessions: Any, tenant: uuid.UUID, site: uuid.UUID) -> str:
    """A device managed at the hub; its agent reports it under ``str(id)``."""
    async with sessions() as session, session.begin():
        device = Device(tenant_id=tenant, site_id=site, name=HUB_DEVICE,
                        management_address="192.0.2.9", profile="cisco_ios")
        session.add(device)
        await session.flush()
        return str(device.id)


# (agent, desired, applied, last status, error code, error detail, seconds since the ack);
# the revoked agent is out of sync too but must not count.
DRIFT = (("drift", 3, 2, "rejected", "unknown_profile", "devices[0].profile: nope", 90),
         ("insync", 2, 2, "applied", None, None, 5),
         ("revoked", 4, 1, "applied", None, None, 7200))


def _config_states(dsn: str, tenant: str, agents: dict[str, uuid.UUID]) -> None:
    """Config versions as the fleet records them, one agent out of sync."""
    with psycopg.connect(dsn) as conn:
        for name, desired, applied, status, code, detail, ago in DRIFT:
            acked = datetime.now(UTC) - timedelta(seconds=ago)
            conn.execute(
                "INSERT INTO agent_config_state (agent_id, tenant_id, desired_version, "
                "desired_hash, desired_devices, pushed_version, applied_version, applied_hash, "
                "acked_at, last_status, last_error_code, last_error_detail, last_error_at) "
                "VALUES (%s, %s, %s, '', 3, %s, %s, '', %s, %s, %s, %s, %s) "
                "ON CONFLICT (agent_id) DO UPDATE SET desired_version = EXCLUDED.desired_version,"
                " applied_version = EXCLUDED.applied_version, acked_at = EXCLUDED.acked_at, "
                "last_status = EXCLUDED.last_status, last_error_code = EXCLUDED.last_error_code,"
                " last_error_detail = EXCLUDED.last_error_detail, "
                "last_error_at = EXCLUDED.last_error_at",
                (agents[name], tenant, desired, desired, applied, acked, status, code, detail,
                 acked if code else None))


@dataclass
class Ingested:
    """What _ingest made: the tenant, when its data starts, the hub device, the agents."""

    tenant: str
    start: datetime
    hub_device: str
    agent_ids: dict[str, uuid.UUID]
    agent_names: dict[str, str]


async def _ingest(mosquitto: Broker, victoria: Victoria, url: str) -> Ingested:
    engine, sessions = engine_and_sessions(url)
    where = await new_tenancy(sessions)
    agent = token("dash")
    names = {"drift": agent, "insync": token("insync"), "revoked": token("gone")}
    agents = {role: await register_agent(sessions, where, name, revoked=role == "revoked")
              for role, name in names.items()}
    hub_device = await _hub_device(sessions, where.tenant_id, where.site_id)
    devices = (*LEGACY, UPS, hub_device)
    publisher = Publisher(mosquitto, mosquitto.add_user(agent))
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"))
    await workers.start()
    start = aligned_start(30)
    try:
        publisher.send(_inventory(agent, devices), Channel.INVENTORY)
        publisher.send(AgentState(agent_id=agent, seq=2, ts=datetime.now(UTC), state="online",
                                  agent_version="1.0.0", started_at=start), Channel.STATE)
        for poll in range(POLLS):
            publisher.send(_batch(agent, 10 + poll, start + timedelta(minutes=poll), poll,
                                  devices), Channel.TELEMETRY)
        publisher.send(_health(agent, 100, hub_device), Channel.HEALTH)
        await wait_for(lambda: workers.counter("dotmac_ingest_messages_total", result="stored")
                       >= POLLS + 3, 60, "every message stored")
    finally:
        await workers.stop()
        publisher.close()
        await engine.dispose()
    victoria.flush()
    return Ingested(str(where.tenant_id), start, hub_device, agents, names)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def filled(postgres: Postgres, mosquitto: Broker,
                 victoria: Victoria) -> AsyncIterator[Filled]:
    """A migrated hub database and VictoriaMetrics filled by the real ingest pipeline."""
    url = migrated_database(postgres, "dash")
    name = url.rsplit("/", 1)[1]
    made = await _ingest(mosquitto, victoria, url)
    dsn = f"host={postgres.host} port={postgres.port} user={postgres.user} dbname={name}"
    _config_states(dsn, made.tenant, made.agent_ids)
    yield Filled(dsn, victoria.url, made.tenant, made.start, datetime.now(UTC), made.hub_device,
                 made.agent_names)
    drop_database(postgres.admin_dsn, name)


def _vm(base: str, path: str, params: dict[str, Any]) -> Any:
    query = urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(f"{base}{path}?{query}", timeout=20) as resp:
        body = json.load(resp)
    assert body["status"] == "success", body
    return body["data"]


def _substitute(text: str, values: dict[str, str], f: Filled) -> str:
    text = (text.replace("$__timeFrom()", f"'{f.start.isoformat()}'::timestamptz")
            .replace("$__timeTo()", f"'{f.end.isoformat()}'::timestamptz")
            .replace("$__rate_interval", "5m"))
    return VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _options(variable: dict[str, Any], values: dict[str, str], f: Filled) -> dict[str, str]:
    """A template variable's choices as Grafana lists them: {value: text}."""
    if variable["datasource"]["uid"] == "${DS_HUBDB}":
        with psycopg.connect(f.dsn) as conn:
            cur = conn.execute(_substitute(variable["query"], values, f))
            names = [c.name for c in cur.description or ()]
            rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        return {r["__value"]: r["__text"] for r in rows}
    query = _substitute(variable["query"]["query"], values, f)
    found = re.fullmatch(r"label_values\((.+), (\w+)\)", query)
    assert found, query
    labels = _vm(f.vm_url, f"/api/v1/label/{found.group(2)}/values",
                 {"match[]": found.group(1), "start": int(f.start.timestamp())})
    return {label: label for label in labels}


def _resolve(doc: dict[str, Any], f: Filled, **prefer: str) -> dict[str, str]:
    """Run each template variable's query in order, as Grafana does; pick ``prefer``."""
    values: dict[str, str] = {}
    prefer = {"tenant": f.tenant, "device": "sw-a", "interface": "ge-1", **prefer}
    for variable in doc["templating"]["list"]:
        if variable["type"] == "datasource":  # picks the datasource, not a value
            continue
        options = _options(variable, values, f)
        assert options, f"{doc['uid']}: variable {variable['name']} resolves to nothing"
        want = prefer.get(variable["name"], next(iter(options)))
        assert want in options, (variable["name"], options)
        values[variable["name"]] = want
    return values


def _series(target: dict[str, Any], values: dict[str, str], f: Filled) -> list[dict[str, Any]]:
    """A VictoriaMetrics panel query over the ingested period, as Grafana runs it."""
    data = _vm(f.vm_url, "/api/v1/query_range", {
        "query": _substitute(target["expr"], values, f), "step": 60,
        "start": int(f.start.timestamp()), "end": int(f.end.timestamp())})
    found: list[dict[str, Any]] = data["result"]
    return found


def _run(target: dict[str, Any], values: dict[str, str], f: Filled) -> int:
    if target["datasource"]["uid"] == "${DS_VICTORIA}":
        return sum(len(series["values"]) for series in _series(target, values, f))
    with psycopg.connect(f.dsn) as conn:
        return len(conn.execute(_substitute(target["rawSql"], values, f)).fetchall())


def _overlapping(panels: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of panels laid out on the same grid cells (Grafana would shove one away)."""
    cells: dict[tuple[int, int], str] = {}
    clashes = []
    for panel in panels:
        g = panel["gridPos"]
        assert g["x"] >= 0 and g["x"] + g["w"] <= 24, panel["title"]
        for cell in ((x, y) for x in range(g["x"], g["x"] + g["w"])
                     for y in range(g["y"], g["y"] + g["h"])):
            if cell in cells:
                clashes.append((cells[cell], panel["title"]))
            cells[cell] = panel["title"]
    return clashes


def test_panels_do_not_overlap() -> None:
    for path in DASHBOARDS:
        doc = _load(path)
        groups = [doc["panels"]] + [p["panels"] for p in doc["panels"] if p["type"] == "row"]
        for group in groups:  # a collapsed row lays its panels out when it opens
            assert not _overlapping(group), (doc["uid"], _overlapping(group)[:3])


def test_dashboards_are_well_formed() -> None:
    docs = [_load(p) for p in DASHBOARDS]
    assert len(docs) == 4
    uids = [d["uid"] for d in docs]
    assert len(set(uids)) == len(uids)
    for doc in docs:
        variables = doc["templating"]["list"]
        used_sources = set(re.findall(r"\$\{(DS_\w+)\}", json.dumps(doc)))
        assert {v["name"] for v in variables if v["type"] == "datasource"} == used_sources
        defined = {v["name"] for v in variables}
        assert "tenant" in defined
        earlier: set[str] = set()
        for variable in variables:  # Grafana resolves them in this order
            if variable["type"] == "datasource":
                earlier.add(variable["name"])
                continue
            query = variable["query"]
            text = query if isinstance(query, str) else query["query"]
            assert set(VARIABLE.findall(text)) <= earlier, (doc["uid"], variable["name"])
            earlier.add(variable["name"])
        rows = [p for p in doc["panels"] if p["type"] == "row"]
        for row in rows:  # collapsed: holds its panels; expanded: they follow it
            assert bool(row["panels"]) == row["collapsed"], (doc["uid"], row["title"])
        ids = [p["id"] for p in rows] + [p["id"] for _, p in queried(doc)]
        assert len(set(ids)) == len(ids)
        for _, panel in queried(doc):
            assert panel["datasource"]["uid"] in INPUTS, panel["title"]
            assert panel["targets"], panel["title"]
            for target in panel["targets"]:
                uid = target["datasource"]["uid"]
                assert INPUTS[uid] == target["datasource"]["type"]
                text = target.get("expr") or target["rawSql"]
                used = {v for v in VARIABLE.findall(text) if not v.startswith("__")}
                assert used <= defined, (doc["uid"], panel["title"], used - defined)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_every_panel_returns_data(path: Any, filled: Filled) -> None:
    doc = _load(path)
    values = _resolve(doc, filled)
    assert values["tenant"] == filled.tenant
    other = {row: _resolve(doc, filled, device=device) for row, device in ROW_DEVICE.items()
             if any(r == row for r, _ in queried(doc))}
    for row, panel in queried(doc):
        for target in panel["targets"]:
            points = _run(target, other.get(row, values), filled)
            assert points > 0, f"{doc['uid']} / {panel['title']} / {target['refId']}: no data"
    assert uuid.UUID(values["tenant"])


def _panel(name: str, title: str) -> dict[str, Any]:
    doc = _load(root() / f"{name}.json")
    return next(p for p in doc["panels"] if p["title"] == title)


def _rows(sql: str, values: dict[str, str], f: Filled) -> list[dict[str, Any]]:
    with psycopg.connect(f.dsn) as conn:
        cur = conn.execute(_substitute(sql, values, f))
        names = [c.name for c in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _panel_rows(name: str, title: str, values: dict[str, str], f: Filled) -> list[dict[str, Any]]:
    return _rows(_panel(name, title)["targets"][0]["rawSql"], values, f)


def test_the_device_variable_shows_hub_names_and_keeps_ids(filled: Filled) -> None:
    doc = _load(root() / "device-detail.json")
    values = _resolve(doc, filled)
    device = next(v for v in doc["templating"]["list"] if v["name"] == "device")
    options = _options(device, {k: values[k] for k in ("tenant", "site")}, filled)
    assert options == {filled.hub_device: HUB_DEVICE, "sw-a": "sw-a", "sw-b": "sw-b",
                       UPS: UPS}
    site = next(v for v in doc["templating"]["list"] if v["name"] == "site")
    sites = _options(site, {"tenant": values["tenant"]}, filled)
    assert list(sites) == [values["site"]] and sites[values["site"]].startswith("pop-")


def _counts(doc: dict[str, Any], values: dict[str, str], f: Filled) -> dict[str, int]:
    """Points per panel target, keyed `row / title / refId`."""
    return {f"{row} / {p['title']} / {t['refId']}": _run(t, values, f)
            for row, p in queried(doc) for t in p["targets"]}


def test_a_renamed_hub_device_selects_the_same_data(filled: Filled) -> None:
    doc = _load(root() / "device-detail.json")
    before = _resolve(doc, filled, device=filled.hub_device)
    counts = _counts(doc, before, filled)
    switch = {k: n for k, n in counts.items() if not k.startswith(tuple(ROW_DEVICE))}
    assert all(n > 0 for n in switch.values()), counts
    with psycopg.connect(filled.dsn) as conn:
        conn.execute("UPDATE devices SET name = 'core-a-renamed' WHERE id::text = %s",
                     (filled.hub_device,))
    try:
        after = _resolve(doc, filled, device=filled.hub_device)
        device = next(v for v in doc["templating"]["list"] if v["name"] == "device")
        options = _options(device, after, filled)
        assert options[filled.hub_device] == "core-a-renamed"
        assert after == before and _counts(doc, after, filled) == counts
    finally:
        with psycopg.connect(filled.dsn) as conn:
            conn.execute("UPDATE devices SET name = %s WHERE id::text = %s",
                         (HUB_DEVICE, filled.hub_device))


def test_panels_print_the_hub_device_name_not_its_id(filled: Filled) -> None:
    values = {"tenant": filled.tenant}
    down = {r["device"] for r in _panel_rows("noc-overview", "Devices down (detail)", values,
                                             filled)}
    assert {"sw-b", HUB_DEVICE} <= down and filled.hub_device not in down
    busiest = {r["device"] for r in _panel_rows(
        "tenant-traffic", "Busiest interfaces (period average)", values, filled)}
    assert busiest == {*LEGACY, UPS, HUB_DEVICE}
    events = {r["subject"] for r in _panel_rows(
        "agent-health", "Agent up/down transitions", values, filled)
        if r["subject_kind"] == "device"}
    assert HUB_DEVICE in events and filled.hub_device not in events


def test_config_drift_shows_desired_applied_and_the_last_error(filled: Filled) -> None:
    values = {"tenant": filled.tenant}
    rows = {r["agent"]: r for r in _panel_rows("agent-health", "Config drift", values, filled)}
    drift, insync = rows[filled.agents["drift"]], rows[filled.agents["insync"]]
    assert filled.agents["revoked"] not in rows
    assert next(iter(rows)) == filled.agents["drift"]  # out of sync first
    assert (drift["desired"], drift["applied"], drift["in_sync"]) == (3, 2, False)
    assert drift["last_error"] == "unknown_profile: devices[0].profile: nope"
    assert drift["last_status"] == "rejected" and drift["last_error_at"] is not None
    assert 85 <= drift["last_ack_age_s"] < 600
    assert (insync["desired"], insync["applied"], insync["in_sync"]) == (2, 2, True)
    assert insync["last_error"] is None and insync["site"] == drift["site"]
    stat = _panel_rows("agent-health", "Agents out of sync", values, filled)
    assert stat == [{"out_of_sync": 1}]


ENVIRONMENT, OPTICS = "Environment: fans and power supplies", "Optics (transceiver DOM)"


def _device_panel(title: str) -> dict[str, Any]:
    doc = _load(root() / "device-detail.json")
    return next(p for _, p in queried(doc) if p["title"] == title)


def _last(title: str, values: dict[str, str], f: Filled,
          ref: str = "A") -> dict[str, float]:
    """The panel's last value per series, keyed by the series' labels (`k=v,...`)."""
    target = next(t for t in _device_panel(title)["targets"] if t["refId"] == ref)
    return {",".join(f"{k}={v}" for k, v in sorted(s["metric"].items())):
            float(s["values"][-1][1]) for s in _series(target, values, f)}


def test_family_rows_show_no_data_for_a_device_without_that_hardware(filled: Filled) -> None:
    doc = _load(root() / "device-detail.json")
    switch, ups = _resolve(doc, filled), _resolve(doc, filled, device=UPS)
    checked = 0
    for row, panel in queried(doc):
        lacking = {ENVIRONMENT: ups, OPTICS: ups, "UPS": switch}.get(row)
        if panel["title"] in ("CPU load", "Memory used"):
            lacking = ups
        if lacking is None:
            continue
        for target in panel["targets"]:
            # a query that succeeds with no series: Grafana shows "not reported", no zero
            assert _series(target, lacking, filled) == [], (row, panel["title"])
            checked += 1
    assert checked >= 15
    assert _last("Temperature", ups, filled) == {"": 27.0}  # a UPS has a battery sensor


def test_environment_panels_show_the_switch_hardware(filled: Filled) -> None:
    values = _resolve(_load(root() / "device-detail.json"), filled)
    title = "Fans and power supplies not OK"
    assert _last(title, values, filled, "A") == {"": 0.0}  # both fans OK
    assert _last(title, values, filled, "B") == {"": 1.0}  # power supply 2 failed
    assert _last("Power supply state", values, filled) == {"psu=1": 1.0, "psu=2": 3.0}
    rx = _last("Optical Rx power", values, filled)
    assert rx == {"ifIndex=1,ifName=ge-1": -5.5, "ifIndex=2,ifName=ge-2": -6.5}
    assert set(_last("Rx drop from the 24 h best", values, filled).values()) == {0.0}
    assert _last("Memory used", values, filled) == {"ciscoMemoryPoolType=1": 25.0}


def test_ups_panels_show_the_switch_to_battery(filled: Filled) -> None:
    values = _resolve(_load(root() / "device-detail.json"), filled, device=UPS)
    assert _last("On battery", values, filled) == {"": 1.0}
    history = _series(_device_panel("Mains / battery history")["targets"][0], values, filled)
    states = [(int(ts), float(v)) for ts, v in history[0]["values"]]
    switched = next(ts for ts, v in states if v == 1.0)
    assert {v for _, v in states} == {0.0, 1.0}
    assert switched == int((filled.start + timedelta(minutes=ON_BATTERY_FROM)).timestamp())
    drained = POLLS - ON_BATTERY_FROM
    assert _last("Battery charge", values, filled) == {"": 100.0 - 20 * drained}
    assert _last("Battery runtime", values, filled) == {"": 1800.0 - 400 * drained}
    assert _last("Battery state", values, filled) == {"": 2.0}  # low
    assert _last("UPS load", values, filled) == {"phase=1": 42.0}
    assert _last("Input and output voltage", values, filled, "A") == {"phase=1": 0.0}
    assert _last("Input and output voltage", values, filled, "B") == {"phase=1": 230.0}


def test_the_documented_hardware_alarms_fire_on_the_failed_units(filled: Filled) -> None:
    from tests.dashboards.test_device_families import hardware_rules

    at = int((filled.start + timedelta(minutes=POLLS - 1)).timestamp())  # the last poll
    firing: dict[str, set[str]] = {}
    for alert, expr in hardware_rules().items():
        data = _vm(filled.vm_url, "/api/v1/query", {"query": expr, "time": at})
        devices = {s["metric"]["device"] for s in data["result"]
                   if s["metric"].get("tenant") == filled.tenant}
        if devices:
            firing[alert] = devices
    # power supply 2 of every switch failed; the UPS is on battery with 200 s left
    assert firing == {"PowerSupplyNotOk": {*LEGACY, filled.hub_device},
                      "UpsOnBattery": {UPS}, "UpsBatteryLow": {UPS}}
