"""Device CSV import and export: round trip, upsert, every row error, all or nothing, dry
run, no secrets, one EdgeConfigChanged, limits."""

from __future__ import annotations

import csv
import io
import secrets
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hub import domain_events
from hub.inventory.credentials.models import CredentialSet
from hub.inventory.credentials.sealing import seal
from hub.inventory.events import EdgeConfigChanged
from hub.permissions import Role
from tests.hub.harness import Account, Hub

PATH = "/inventory/devices.csv"
HEADER = ("name,site,agent,management_address,profile,telemetry,snmp_port,ssh_port,"
          "interval_s,timeout_s,retries,enabled,maintenance,snmp_credential,ssh_credential")
# The export writes every column; the import files here leave out event_sources (kept).
EXPORT_HEADER = HEADER + ",event_sources"
COMMUNITY = "csv-community-" + secrets.token_hex(6)
SSH_PASSWORD = "csv-password-" + secrets.token_hex(6)


@pytest.fixture
async def owner(hub: Hub) -> Account:
    return await hub.new_tenant("csv")


@pytest.fixture
async def world(hub: Hub, owner: Account) -> dict[str, str]:
    """Sites pop-a and pop-b, agents agent-a (pop-a), agent-b (pop-b), agent-old (pop-a,
    revoked), credential sets snmp-any (v2c), snmp-b (v2c bound to pop-b), ssh-any (ssh)."""
    ids: dict[str, str] = {}
    for site in ("pop-a", "pop-b"):
        ids[site] = (await hub.post(owner, "/sites", {"name": site}))["id"]
    for agent, site in (("agent-a", "pop-a"), ("agent-b", "pop-b"), ("agent-old", "pop-a")):
        ids[agent] = (await hub.post(owner, "/agents", {"site_id": ids[site],
                                                        "name": agent}))["id"]
    revoked = await hub.client.post(f"/agents/{ids['agent-old']}/revoke", headers=owner.headers)
    assert revoked.status_code == 200, revoked.text
    key = hub.settings.secret_key
    sets: list[tuple[str, str, str | None, dict[str, str]]] = [
        ("snmp-any", "snmp_v2c", None, {"community": COMMUNITY}),
        ("snmp-b", "snmp_v2c", "pop-b", {"community": COMMUNITY}),
        ("ssh-any", "ssh", None, {"password": SSH_PASSWORD})]
    async with hub.app.state.sessions() as session, session.begin():
        for name, kind, bound, secret in sets:
            row = CredentialSet(tenant_id=owner.tenant_id, name=name, kind=kind,
                                site_id=uuid.UUID(ids[bound]) if bound else None,
                                public={"username": "noc"} if kind == "ssh" else {},
                                sealed=seal(secret, key))
            session.add(row)
            await session.flush()
            ids[name] = str(row.id)
    return ids


async def _import(hub: Hub, owner: Account, text: str | bytes,
                  dry_run: bool = False) -> httpx.Response:
    body = text.encode() if isinstance(text, str) else text
    return await hub.client.post(PATH, params={"dry_run": str(dry_run).lower()}, content=body,
                                 headers={**owner.headers, "Content-Type": "text/csv"})


async def _export(hub: Hub, owner: Account) -> str:
    resp = await hub.client.get(PATH, headers=owner.headers)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/csv")
    return resp.text


def _as_exported(text: str) -> str:
    """A file without the event_sources column as the export writes it (an empty cell)."""
    header, *rows = text.split("\r\n")
    return "\r\n".join([header + ",event_sources", *(r + "," if r else r for r in rows)])


def _rows(text: str) -> dict[str, dict[str, str]]:
    return {row["name"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}


def _errors(resp: httpx.Response) -> set[tuple[int | None, str | None]]:
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    return {(e["row"], e["column"]) for e in resp.json()["errors"]}


FULL = (f"{HEADER}\r\n"
        "core1,pop-a,agent-a,192.0.2.1,cisco_ios,both,1161,2222,30,1.5,3,true,false,"
        "snmp-any,ssh-any\r\n"
        "edge1,pop-b,agent-b,2001:db8::1,auto,snmp,161,22,60,2,1,true,true,snmp-b,\r\n"
        "spare1,pop-a,,198.51.100.7,juniper_junos,snmp,161,22,300,2,1,false,false,,\r\n")


async def test_import_creates_then_export_round_trips_unchanged(
        hub: Hub, owner: Account, world: dict[str, str]) -> None:
    made = await _import(hub, owner, FULL)
    assert made.status_code == 200, made.text
    assert made.json() == {"dry_run": False, "created": 3, "updated": 0, "unchanged": 0,
                           "errors": []}
    exported = await _export(hub, owner)
    assert exported.splitlines()[0] == EXPORT_HEADER
    assert exported == _as_exported(FULL)  # as the export writes: name order, CRLF
    again = await _import(hub, owner, exported)
    assert again.json() == {"dry_run": False, "created": 0, "updated": 0, "unchanged": 3,
                            "errors": []}
    assert await _export(hub, owner) == exported
    devices = (await hub.client.get("/devices", headers=owner.headers)).json()["data"]
    core = next(d for d in devices if d["name"] == "core1")
    assert core["agent_id"] == world["agent-a"] and core["site_id"] == world["pop-a"]


async def test_a_known_name_updates_and_a_missing_column_keeps_its_value(
        hub: Hub, owner: Account, world: dict[str, str]) -> None:
    assert (await _import(hub, owner, FULL)).status_code == 200
    # Only some columns, in another order and case, with a BOM: core1 moves to pop-b.
    change = ("\ufeffSite,NAME,management_address,agent,snmp_credential\r\n"
              "pop-b,core1,192.0.2.99,agent-b,snmp-b\r\n"
              "pop-a,spare1,198.51.100.7,,\r\n"
              "pop-a,new1,192.0.2.50,agent-a,\r\n\r\n")
    done = await _import(hub, owner, change)
    assert done.status_code == 200, done.text
    assert (done.json()["created"], done.json()["updated"], done.json()["unchanged"]) == (1, 1, 1)
    rows = _rows(await _export(hub, owner))
    assert {k: rows["core1"][k] for k in ("site", "agent", "management_address",
                                          "snmp_credential")} == {
        "site": "pop-b", "agent": "agent-b", "management_address": "192.0.2.99",
        "snmp_credential": "snmp-b"}
    assert rows["core1"]["interval_s"] == "30" and rows["core1"]["ssh_credential"] == "ssh-any"
    assert rows["new1"]["profile"] == "auto" and rows["new1"]["interval_s"] == "60"
    assert rows["new1"]["enabled"] == "true" and rows["new1"]["telemetry"] == "snmp"


BAD = [
    (",pop-a,,192.0.2.1,auto,snmp,161,22,60,2,1,true,false,,", "name", "empty"),
    ("bad name,pop-a,,192.0.2.1,auto,snmp,161,22,60,2,1,true,false,,", "name", "pattern"),
    ("d-site,pop-z,,192.0.2.1,auto,snmp,161,22,60,2,1,true,false,,", "site", "no site"),
    ("d-agent,pop-a,agent-z,192.0.2.1,auto,snmp,161,22,60,2,1,true,false,,", "agent",
     "no agent"),
    ("d-other,pop-a,agent-b,192.0.2.1,auto,snmp,161,22,60,2,1,true,false,,", "agent",
     "another site"),
    ("d-revoked,pop-a,agent-old,192.0.2.1,auto,snmp,161,22,60,2,1,true,false,,", "agent",
     "revoked"),
    ("d-ip,pop-a,,10.0.0.256,auto,snmp,161,22,60,2,1,true,false,,", "management_address",
     "IP"),
    ("d-prof,pop-a,,192.0.2.1,cisco_iosxr,snmp,161,22,60,2,1,true,false,,", "profile",
     "not a firmware profile"),
    ("d-tele,pop-a,,192.0.2.1,auto,icmp,161,22,60,2,1,true,false,,", "telemetry", "snmp"),
    ("d-port,pop-a,,192.0.2.1,auto,snmp,0,22,60,2,1,true,false,,", "snmp_port", "1"),
    ("d-port2,pop-a,,192.0.2.1,auto,snmp,161,70000,60,2,1,true,false,,", "ssh_port", "65535"),
    ("d-int,pop-a,,192.0.2.1,auto,snmp,161,22,fast,2,1,true,false,,", "interval_s", "number"),
    ("d-tmo,pop-a,,192.0.2.1,auto,snmp,161,22,60,0,1,true,false,,", "timeout_s", "0"),
    ("d-ret,pop-a,,192.0.2.1,auto,snmp,161,22,60,2,11,true,false,,", "retries", "10"),
    ("d-bool,pop-a,,192.0.2.1,auto,snmp,161,22,60,2,1,maybe,false,,", "enabled", "boolean"),
    ("d-cred,pop-a,,192.0.2.1,auto,snmp,161,22,60,2,1,true,false,snmp-z,", "snmp_credential",
     "no credential set"),
    ("d-kind,pop-a,,192.0.2.1,auto,snmp,161,22,60,2,1,true,false,ssh-any,", "snmp_credential",
     "is ssh"),
    ("d-kind2,pop-a,,192.0.2.1,auto,both,161,22,60,2,1,true,false,,snmp-any", "ssh_credential",
     "is snmp_v2c"),
    ("d-bound,pop-a,,192.0.2.1,auto,snmp,161,22,60,2,1,true,false,snmp-b,", "snmp_credential",
     "another site"),
    ("d-ssh,pop-a,,192.0.2.1,auto,both,161,22,60,2,1,true,false,,", "ssh_credential",
     "over SSH"),
    ("d-auto,pop-a,,192.0.2.1,auto,ssh,161,22,60,2,1,true,false,,ssh-any", "profile",
     "auto is detected over SNMP"),
    ("good1,pop-a,,192.0.2.1,auto,snmp,161,22,60,2,1,true,false,,", None, None),
    ("good1,pop-a,,192.0.2.2,auto,snmp,161,22,60,2,1,true,false,,", "name", "also on line"),
    ("d-short,pop-a,,192.0.2.1", None, "fewer than the header"),
]


async def test_every_row_error_names_its_line_and_column_and_nothing_is_written(
        hub: Hub, owner: Account, world: dict[str, str]) -> None:
    text = HEADER + "\n" + "\n".join(row for row, _, _ in BAD) + "\n"
    for dry_run in (True, False):
        resp = await _import(hub, owner, text, dry_run=dry_run)
        expected = {(line, column) for line, (_, column, why) in enumerate(BAD, start=2)
                    if why is not None}
        assert _errors(resp) == expected
        by_line = {e["row"]: e["message"] for e in resp.json()["errors"]}
        for line, (_, _, why) in enumerate(BAD, start=2):
            if why is not None:
                assert why in by_line[line], (line, by_line[line])
        assert "nothing was written" in resp.json()["detail"]
    assert await _export(hub, owner) == EXPORT_HEADER + "\r\n"


async def test_one_bad_row_and_nothing_changes(hub: Hub, owner: Account,
                                               world: dict[str, str]) -> None:
    assert (await _import(hub, owner, FULL)).status_code == 200
    before = await _export(hub, owner)
    text = (f"{HEADER}\n"
            "core1,pop-a,agent-a,192.0.2.200,cisco_ios,both,1161,2222,30,1.5,3,true,false,"
            "snmp-any,ssh-any\n"
            "brand-new,pop-a,,192.0.2.201,auto,snmp,161,22,60,2,1,true,false,,\n"
            "broken,pop-a,,not-an-ip,auto,snmp,161,22,60,2,1,true,false,,\n")
    assert _errors(await _import(hub, owner, text)) == {(4, "management_address")}
    assert await _export(hub, owner) == before


async def test_dry_run_counts_and_writes_nothing(hub: Hub, owner: Account,
                                                 world: dict[str, str]) -> None:
    dry = await _import(hub, owner, FULL, dry_run=True)
    assert dry.status_code == 200
    assert dry.json() == {"dry_run": True, "created": 3, "updated": 0, "unchanged": 0,
                          "errors": []}
    assert await _export(hub, owner) == EXPORT_HEADER + "\r\n"
    assert (await _import(hub, owner, FULL)).status_code == 200
    moved = FULL.replace("192.0.2.1,", "192.0.2.11,")
    dry = await _import(hub, owner, moved, dry_run=True)
    assert (dry.json()["updated"], dry.json()["unchanged"]) == (1, 2)
    assert "192.0.2.11" not in await _export(hub, owner)


async def test_header_and_file_problems_are_clear(hub: Hub, owner: Account,
                                                  world: dict[str, str]) -> None:
    unknown = await _import(hub, owner, "name,site,address,name\nx,pop-a,192.0.2.1,x\n")
    assert _errors(unknown) == {(1, "address"), (1, "name"), (1, "management_address")}
    messages = " ".join(e["message"] for e in unknown.json()["errors"])
    assert "unknown column 'address'" in messages and "appears twice" in messages
    latin1 = await _import(hub, owner, "name,site,management_address\ncafé,pop-a,192.0.2.1\n"
                           .encode("latin-1"))
    assert _errors(latin1) == {(2, None)} and "UTF-8" in latin1.text
    quotes = await _import(hub, owner, 'name,site,management_address\n"x,pop-a,192.0.2.1\n')
    assert _errors(quotes) == {(2, None)} and "quote" in quotes.text
    # Quoted cells (one spanning two lines is counted from its first line) and CRLF are fine.
    quoted = ('name,site,management_address,agent\r\n"q1","pop-a","192.0.2.9",""\r\n'
              'q2,"pop\nz",192.0.2.10,\r\nq3,pop-a,192.0.2.1,agent-z\r\n')
    assert _errors(await _import(hub, owner, quoted)) == {(3, "site"), (5, "agent")}
    empty = await _import(hub, owner, b"")
    assert empty.status_code == 200 and empty.json()["created"] == 0


async def test_limits_of_size_and_rows(hub: Hub, owner: Account) -> None:
    huge = await _import(hub, owner, b"x" * (5 * 1024 * 1024 + 1))
    assert huge.status_code == 413 and huge.headers["content-type"] == "application/problem+json"
    assert "split it" in huge.json()["detail"]
    rows = "".join(f"d{n},pop-a,192.0.2.1\n" for n in range(10_001))
    many = await _import(hub, owner, "name,site,management_address\n" + rows)
    assert many.status_code == 422
    assert [e["row"] for e in many.json()["errors"]] == [10_002]
    assert "more than 10000 rows" in many.json()["errors"][0]["message"]


async def test_export_and_answers_hold_no_secret(hub: Hub, owner: Account,
                                                 world: dict[str, str]) -> None:
    answers = [(await _import(hub, owner, FULL, dry_run=True)).text,
               (await _import(hub, owner, FULL)).text, await _export(hub, owner)]
    async with hub.app.state.sessions() as session:
        sealed = [row.sealed for row in (await session.execute(
            CredentialSet.__table__.select().where(
                CredentialSet.tenant_id == owner.tenant_id))).all()]
    for text in answers:
        for secret in (COMMUNITY, SSH_PASSWORD, *sealed):
            assert secret not in text
    assert "snmp-any" in answers[-1] and world["snmp-any"] not in answers[-1]  # names, no ids


@pytest.fixture
async def announced() -> AsyncIterator[list[EdgeConfigChanged]]:
    """Every EdgeConfigChanged published in this process while the test runs."""
    seen: list[EdgeConfigChanged] = []

    async def record(session: AsyncSession, event: EdgeConfigChanged) -> None:
        seen.append(event)

    domain_events.bus.subscribe(EdgeConfigChanged, record)
    yield seen
    domain_events.bus._handlers[EdgeConfigChanged].remove(record)


async def _desired(hub: Hub, owner: Account, agent_id: str) -> int:
    resp = await hub.client.get(f"/agents/{agent_id}/config", headers=owner.headers)
    assert resp.status_code == 200, resp.text
    version: int = resp.json()["desired_version"]
    return version


async def test_one_edge_config_change_names_every_agent_touched(
        hub: Hub, owner: Account, world: dict[str, str],
        announced: list[EdgeConfigChanged]) -> None:
    assert (await _import(hub, owner, FULL, dry_run=True)).status_code == 200
    assert announced == []
    assert (await _import(hub, owner, FULL)).status_code == 200
    agents = {uuid.UUID(world["agent-a"]), uuid.UUID(world["agent-b"])}
    assert announced == [EdgeConfigChanged(owner.tenant_id, frozenset(agents), "device.import")]
    versions = {agent: await _desired(hub, owner, world[agent]) for agent in ("agent-a",
                                                                               "agent-b")}
    assert all(version >= 1 for version in versions.values())  # the fleet re-versioned both
    announced.clear()
    assert (await _import(hub, owner, FULL)).json()["unchanged"] == 3
    assert announced == []  # nothing changed, nothing to push
    # spare1 (disabled, no agent) is enabled on agent-a: only agent-a's config changes.
    moved = ("name,site,management_address,agent,enabled\n"
             "spare1,pop-a,198.51.100.7,agent-a,true\n")
    assert (await _import(hub, owner, moved)).json()["updated"] == 1
    assert [e.agent_ids for e in announced] == [frozenset({uuid.UUID(world["agent-a"])})]
    assert await _desired(hub, owner, world["agent-a"]) > versions["agent-a"]
    assert await _desired(hub, owner, world["agent-b"]) == versions["agent-b"]
    events = (await hub.client.get("/audit-events", params={"action": "device.import"},
                                   headers=owner.headers)).json()["data"]
    details = [e["detail"] for e in events]  # counts only: no names, no secrets
    assert {"created": 3, "updated": 0, "unchanged": 0} in details
    assert {"created": 0, "updated": 1, "unchanged": 0} in details and len(details) == 3


async def test_tenants_and_roles(hub: Hub, owner: Account, world: dict[str, str]) -> None:
    assert (await _import(hub, owner, FULL)).status_code == 200
    other = await hub.new_tenant("csv-other")
    assert await _export(hub, other) == EXPORT_HEADER + "\r\n"  # A's devices stay A's
    foreign = await _import(hub, other, FULL)
    assert {column for _, column in _errors(foreign)} == {"site"}  # A's sites are not B's
    support = await hub.add_user(owner, Role.SUPPORT)
    assert (await hub.client.get(PATH, headers=support.headers)).status_code == 200
    refused = await hub.client.post(PATH, content=FULL.encode(), headers=support.headers)
    assert refused.status_code == 403

