"""Every test service really runs and does the job the product relies on it for."""

from __future__ import annotations

import bz2
import os
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
import snmpsim_data
from influxdb_client import InfluxDBClient, Point, WritePrecision
from influxdb_client.client.write_api import SYNCHRONOUS
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.foundation.mqtt_probe import connect
from tests.services.postgres import start_postgres
from tests.services.snmp import RECORDINGS, SNMP_ENV


def _snmp(*argv: str) -> str:
    out = subprocess.run(list(argv), capture_output=True, text=True, check=True, timeout=30,
                         env={**os.environ, **SNMP_ENV})
    return out.stdout


def test_broker_persists_queued_messages_across_restart(mosquitto) -> None:  # type: ignore[no-untyped-def]
    """A persistent session's QoS 1 backlog survives a broker restart (persistence on)."""
    agent = mosquitto.add_user("svc-persist-agent")
    # A persistent session for the hub: clean_start False with a long expiry.
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 3600
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="svc-persist-hub",
                      protocol=mqtt.MQTTv5)
    sub.username_pw_set(mosquitto.hub.username, mosquitto.hub.password)
    sub.connect("127.0.0.1", mosquitto.port, clean_start=False, properties=props)
    sub.loop_start()
    time.sleep(0.3)
    sub.subscribe("dm/v1/svc-persist-agent/up/#", qos=1)
    time.sleep(0.3)
    sub.disconnect()
    sub.loop_stop()

    pub = connect(mosquitto.port, agent.username, agent.password)
    # More than mosquitto's default max_queued_messages (1000), which would drop the rest.
    codes = pub.publish_many("dm/v1/svc-persist-agent/up/telemetry",
                             [str(i).encode() for i in range(1500)])
    assert all(code < 0x80 for code in codes)
    pub.close()
    time.sleep(1.5)  # autosave_interval 1
    mosquitto.stop()
    mosquitto.start()

    got: list[bytes] = []
    sub.on_message = lambda _c, _u, msg: got.append(msg.payload)
    sub.connect("127.0.0.1", mosquitto.port, clean_start=False, properties=props)
    sub.loop_start()
    deadline = time.monotonic() + 20
    while len(got) < 1500 and time.monotonic() < deadline:
        time.sleep(0.1)
    sub.disconnect()
    sub.loop_stop()
    assert [int(p) for p in got] == list(range(1500))


async def test_postgres_session_database(postgres) -> None:  # type: ignore[no-untyped-def]
    """SQLAlchemy async + psycopg 3 reach this session's own database."""
    engine = create_async_engine(postgres.sqlalchemy_url)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE probe (id int primary key, note text)"))
        await conn.execute(text("INSERT INTO probe VALUES (1, 'pop-ams1')"))
    async with engine.connect() as conn:
        db = (await conn.execute(text("SELECT current_database()"))).scalar_one()
        note = (await conn.execute(text("SELECT note FROM probe WHERE id = 1"))).scalar_one()
    await engine.dispose()
    assert db == postgres.database and db.startswith("dotmac_test_")
    assert note == "pop-ams1"


def test_snmpd_v2c_and_v3(snmpd) -> None:  # type: ignore[no-untyped-def]
    """net-snmp answers v2c with the community and v3 authPriv (SHA-256/AES)."""
    v2 = _snmp("snmpget", "-m", "", "-v2c", "-c", snmpd.community, "-On", snmpd.target,
               "1.3.6.1.2.1.1.5.0")
    u = snmpd.v3
    v3 = _snmp("snmpget", "-m", "", "-v3", "-l", "authPriv", "-u", u.name, "-a", u.auth_proto,
               "-A", u.auth_key, "-x", u.priv_proto, "-X", u.priv_key, "-On", snmpd.target,
               "1.3.6.1.2.1.1.5.0")
    assert '"snmpd-test-pop"' in v2 and '"snmpd-test-pop"' in v3
    walk = _snmp("snmpbulkwalk", "-m", "", "-v2c", "-c", snmpd.community, "-On", snmpd.target,
                 "1.3.6.1.2.1.2.2.1.2")
    assert ".1.3.6.1.2.1.2.2.1.2.1 = STRING:" in walk  # ifDescr of the loopback


def _recorded_sys_object_id(rel: str) -> str:
    source = Path(snmpsim_data.__file__).parent / "data" / rel
    # Plain .snmprec too: apc-powernet's, and the hand-written ones (absolute paths).
    opener = bz2.open if source.suffix == ".bz2" else open
    with opener(source, "rt", errors="replace") as fh:
        for line in fh:
            if line.startswith("1.3.6.1.2.1.1.2.0|"):
                return line.strip().split("|", 2)[2]
    raise AssertionError(f"{rel}: no sysObjectID")


def test_snmpsim_serves_each_curated_recording(snmpsim) -> None:  # type: ignore[no-untyped-def]
    """Every curated recording answers under its community with its own sysObjectID."""
    assert set(snmpsim.communities) == set(RECORDINGS)
    for family, community in snmpsim.communities.items():
        out = _snmp("snmpget", "-m", "", "-v2c", "-c", community, "-On", snmpsim.target,
                    "1.3.6.1.2.1.1.2.0")
        expected = _recorded_sys_object_id(RECORDINGS[family])
        assert out.strip().endswith(f"OID: .{expected}"), (family, out)


def test_victoria_accepts_influxdb_client_writes(victoria) -> None:  # type: ignore[no-untyped-def]
    """influxdb-client's v2 write API lands in VictoriaMetrics; tags become labels."""
    now = datetime.now(UTC)
    with InfluxDBClient(url=victoria.url, token="unused", org="unused") as client:
        write = client.write_api(write_options=SYNCHRONOUS)
        point = (Point("interface").tag("tenant", "t1").tag("device", "r1").tag("ifName", "Gi0/1")
                 .field("in_octets", 123456789012).time(now, WritePrecision.S))
        write.write(bucket="ignored", record=point)
    victoria.flush()
    deadline = time.monotonic() + 10
    result: list[dict[str, object]] = []
    while not result and time.monotonic() < deadline:
        result = victoria.query('interface_in_octets{tenant="t1",device="r1"}')
        time.sleep(0.2)
    assert result, "written point not found"
    assert result[0]["metric"]["ifName"] == "Gi0/1"  # type: ignore[index]
    assert float(result[0]["value"][1]) == 123456789012  # type: ignore[index]


def test_postgres_private_initdb_cluster(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The fallback used when no server answers: a throwaway cluster made with initdb."""
    monkeypatch.setenv("DOTMAC_TEST_PG_PRIVATE", "1")
    pg = start_postgres(tmp_path / "pg")
    try:
        assert "private initdb cluster" in pg.version
        with psycopg.connect(pg.dsn, connect_timeout=5) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == (pg.database,)
    finally:
        pg.stop()
    assert pg.process is not None and not pg.process.alive()


def test_dynamic_security_plugin_pins_a_client(mosquitto) -> None:  # type: ignore[no-untyped-def]
    """Clients created through the dynsec admin API get literal-topic roles that hold.

    Mosquitto 2.0.11's dynsec ACLs do not substitute %c/%u, so each agent gets its own role.
    """
    admin = mosquitto.dynsec_admin
    ctrl = ["mosquitto_ctrl", "-h", "127.0.0.1", "-p", str(mosquitto.port),
            "-u", admin.username, "-P", admin.password, "dynsec"]
    role_topic = "dm/v1/dyn-agent/up/#"
    for cmd in (["createClient", "dyn-agent", "-p", "dyn-secret"], ["createRole", "dyn-agent"],
                ["addRoleACL", "dyn-agent", "publishClientSend", role_topic, "allow", "5"],
                ["addClientRole", "dyn-agent", "dyn-agent"]):
        subprocess.run([*ctrl, *cmd], check=True, capture_output=True, timeout=10)
    agent = connect(mosquitto.port, "dyn-agent", "dyn-secret")
    try:
        assert not agent.publish("dm/v1/dyn-agent/up/telemetry", b"ok").is_failure
        assert agent.publish("dm/v1/other-agent/up/telemetry", b"no").value == 135
    finally:
        agent.close()
