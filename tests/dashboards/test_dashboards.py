"""Every shipped Grafana dashboard is well-formed and every panel returns data.

Data comes from a real ingest run (agent messages -> Mosquitto -> two ingest workers ->
VictoriaMetrics + PostgreSQL); each panel's query is run with its variables substituted
the way Grafana would, against those real servers.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
import pytest_asyncio

from dashboards import root
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

# NOC dashboards; billing.json (hub database only) is tested by test_billing_dashboard.py.
DASHBOARDS = sorted(p for p in root().glob("*.json") if p.stem != "billing")
INPUTS = {"${DS_VICTORIA}": "prometheus", "${DS_HUBDB}": "grafana-postgresql-datasource"}
VARIABLE = re.compile(r"\$(\w+)")
POLLS = 12


@dataclass
class Filled:
    """Where the ingest run stored its data."""

    dsn: str
    vm_url: str
    tenant: str
    start: datetime
    end: datetime


def _load(path: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text())
    return doc


def _batch(agent: str, seq: int, ts: datetime, poll: int) -> TelemetryBatch:
    samples = []
    for device in ("sw-a", "sw-b"):
        for index in (1, 2):
            labels = {"ifIndex": str(index), "ifName": f"ge-{index}"}
            for metric, value in (("if_hc_in_octets", 10**6 * poll * index),
                                  ("if_hc_out_octets", 2 * 10**6 * poll * index),
                                  ("if_in_errors", poll * index)):
                samples.append(Sample(device=device, metric=metric, value=value,
                                      kind="counter", ts=ts, labels=labels))
        for metric, value, labels in (("cpu_load_percent", 20 + poll, {"cpmCPUTotalIndex": "1"}),
                                      ("mem_used_bytes", 10**8, {"ciscoMemoryPoolType": "1"}),
                                      ("mem_free_bytes", 3 * 10**8, {"ciscoMemoryPoolType": "1"}),
                                      ("temperature_celsius", 41, {"sensor": "inlet"})):
            samples.append(Sample(device=device, metric=metric, value=value, kind="gauge",
                                  ts=ts, labels=labels))
    return TelemetryBatch(agent_id=agent, seq=seq, ts=ts, samples=samples)


def _inventory(agent: str) -> Inventory:
    interfaces = [InterfaceFacts(if_index=i, name=f"ge-{i}", speed_bps=10**9,
                                 admin_status="up", oper_status="up") for i in (1, 2)]
    return Inventory(agent_id=agent, seq=1, ts=datetime.now(UTC), devices=[
        DeviceFacts(device=d, address="192.0.2.1", profile="cisco_ios", sys_name=d,
                    vendor="Cisco", interfaces=interfaces) for d in ("sw-a", "sw-b")])


def _health(agent: str, seq: int) -> AgentHealth:
    return AgentHealth(agent_id=agent, seq=seq, ts=datetime.now(UTC), queue_depth=3,
                       queue_bytes=900, oldest_queued_age_s=2.0, dropped_samples=5,
                       poll_duration_p50_s=0.3, poll_duration_p95_s=0.8, devices_total=2,
                       devices_failing=1, device_errors={"sw-b": "timeout"}, uptime_s=900)


async def _ingest(mosquitto: Broker, victoria: Victoria, url: str) -> tuple[str, datetime]:
    engine, sessions = engine_and_sessions(url)
    where = await new_tenancy(sessions)
    agent = token("dash")
    await register_agent(sessions, where, agent)
    publisher = Publisher(mosquitto, mosquitto.add_user(agent))
    workers = make_workers(mosquitto, sessions, victoria.url, token("grp"))
    await workers.start()
    start = aligned_start(30)
    try:
        publisher.send(_inventory(agent), Channel.INVENTORY)
        publisher.send(AgentState(agent_id=agent, seq=2, ts=datetime.now(UTC), state="online",
                                  agent_version="1.0.0", started_at=start), Channel.STATE)
        for poll in range(POLLS):
            publisher.send(_batch(agent, 10 + poll, start + timedelta(minutes=poll), poll),
                           Channel.TELEMETRY)
        publisher.send(_health(agent, 100), Channel.HEALTH)
        await wait_for(lambda: workers.counter("dotmac_ingest_messages_total", result="stored")
                       >= POLLS + 3, 60, "every message stored")
    finally:
        await workers.stop()
        publisher.close()
        await engine.dispose()
    victoria.flush()
    return str(where.tenant_id), start


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def filled(postgres: Postgres, mosquitto: Broker,
                 victoria: Victoria) -> AsyncIterator[Filled]:
    """A migrated hub database and VictoriaMetrics filled by the real ingest pipeline."""
    url = migrated_database(postgres, "dash")
    name = url.rsplit("/", 1)[1]
    tenant, start = await _ingest(mosquitto, victoria, url)
    yield Filled(f"host={postgres.host} port={postgres.port} user={postgres.user} dbname={name}",
                 victoria.url, tenant, start, datetime.now(UTC))
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


def _resolve(doc: dict[str, Any], f: Filled) -> dict[str, str]:
    """Run each template variable's label_values query in order, as Grafana does."""
    values: dict[str, str] = {}
    prefer = {"tenant": f.tenant, "device": "sw-a", "interface": "ge-1"}
    for variable in doc["templating"]["list"]:
        query = _substitute(variable["query"]["query"], values, f)
        found = re.fullmatch(r"label_values\((.+), (\w+)\)", query)
        assert found, query
        options = _vm(f.vm_url, f"/api/v1/label/{found.group(2)}/values",
                      {"match[]": found.group(1), "start": int(f.start.timestamp())})
        assert options, f"{doc['uid']}: variable {variable['name']} resolves to nothing"
        want = prefer.get(variable["name"], options[0])
        assert want in options, (variable["name"], options)
        values[variable["name"]] = want
    return values


def _run(target: dict[str, Any], values: dict[str, str], f: Filled) -> int:
    if target["datasource"]["uid"] == "${DS_VICTORIA}":
        data = _vm(f.vm_url, "/api/v1/query_range", {
            "query": _substitute(target["expr"], values, f), "step": 60,
            "start": int(f.start.timestamp()), "end": int(f.end.timestamp())})
        return sum(len(series["values"]) for series in data["result"])
    with psycopg.connect(f.dsn) as conn:
        return len(conn.execute(_substitute(target["rawSql"], values, f)).fetchall())


def test_dashboards_are_well_formed() -> None:
    docs = [_load(p) for p in DASHBOARDS]
    assert len(docs) == 4
    uids = [d["uid"] for d in docs]
    assert len(set(uids)) == len(uids)
    for doc in docs:
        assert {i["name"] for i in doc["__inputs"]} == {"DS_VICTORIA", "DS_HUBDB"}
        defined = {v["name"] for v in doc["templating"]["list"]}
        assert "tenant" in defined
        ids = [p["id"] for p in doc["panels"]]
        assert len(set(ids)) == len(ids)
        for panel in doc["panels"]:
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
    for panel in doc["panels"]:
        for target in panel["targets"]:
            rows = _run(target, values, filled)
            assert rows > 0, f"{doc['uid']} / {panel['title']} / {target['refId']}: no data"
    assert uuid.UUID(values["tenant"])
