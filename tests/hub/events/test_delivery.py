"""The webhook worker against a real HTTP receiver: signatures, retries, dead letters, dedupe."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path

import pytest

from hub.errors import InvalidRequestError
from hub.events.delivery import DELIVERIES, backoff_s
from hub.events.policy import Destinations, check_url, parse_networks
from hub.events.settings import WebhookSettings
from tests.hub.events.receiver import dead_url, running_receiver
from tests.hub.events.support import (
    add_endpoint,
    deliveries,
    delivery_rows,
    emit,
    legacy_verifies,
    standard_verifies,
    tick_until,
    worker,
)
from tests.hub.harness import Hub, hub_settings, running_hub


async def test_ping_is_signed_as_documented_and_secret_is_shown_once(hub: Hub) -> None:
    owner = await hub.new_tenant("wh-sign")
    async with running_receiver() as rx:
        made = await add_endpoint(hub, owner, f"{rx.url}/hook")
        assert made["secret"].startswith("whsec_")
        ping = await hub.post(owner, f"/webhooks/endpoints/{made['id']}/ping", {})
        assert ping["status"] == "pending" and ping["event_type"] == "webhook.ping"
        w = worker(hub)
        await tick_until([w], lambda: len(rx.requests) == 1)
        got = rx.requests[0]
        assert got.path == "/hook" and got.headers["content-type"] == "application/json"
        assert got.headers["webhook-id"] == ping["id"]
        assert standard_verifies(made["secret"], got.headers, got.body)
        assert not standard_verifies(made["secret"], got.headers,
                                     got.body.replace(b"ping", b"pong"))
        assert not standard_verifies("whsec_" + "A" * 43 + "=", got.headers, got.body)
        assert got.doc["type"] == "webhook.ping" and got.doc["id"] == ping["event_id"]
        assert got.doc["data"] == {"endpoint_id": made["id"]}
        assert got.doc["tenant_id"] == str(owner.tenant_id)
        await w.close()
    for path in ("/webhooks/endpoints", f"/webhooks/endpoints/{made['id']}",
                 f"/webhooks/endpoints/{made['id']}/deliveries"):
        shown = await hub.client.get(path, headers=owner.headers)
        assert shown.status_code == 200 and made["secret"] not in shown.text
    [row] = await deliveries(hub, owner, made["id"])
    assert (row["status"], row["attempts"], row["last_status_code"]) == ("delivered", 1, 200)
    assert row["delivered_at"] is not None and row["last_error"] is None


async def test_retries_back_off_and_keep_the_delivery_id(hub: Hub) -> None:
    owner = await hub.new_tenant("wh-retry")
    base = 1.0  # the "too early" pass below must come within 0.8 x base of the failure
    async with running_receiver() as rx:
        made = await add_endpoint(hub, owner, rx.url, ["ticket.created"])
        rx.fail_next(2, status=503)
        await emit(hub, owner.tenant_id, "ticket.created", ticket_id=uuid.uuid4())
        w = worker(hub, backoff_base_s=base, backoff_max_s=10.0)
        await w.tick()
        assert len(rx.requests) == 1
        await w.tick()  # too early: the retry waits for its backoff
        assert len(rx.requests) == 1
        await tick_until([w], lambda: len(rx.requests) == 3)
        for _ in range(3):  # delivered: further passes send nothing
            await w.tick()
        await asyncio.sleep(base)
        await w.tick()
        assert len(rx.requests) == 3
        first, second, third = rx.requests
        assert len({r.headers["webhook-id"] for r in rx.requests}) == 1
        assert first.body == second.body == third.body
        assert all(standard_verifies(made["secret"], r.headers, r.body) for r in rx.requests)
        assert second.at - first.at >= 0.8 * base
        assert third.at - second.at >= 0.8 * 2 * base
        assert w.metrics.value(DELIVERIES, outcome="failed", reason="http_5xx") == 2
        assert w.metrics.value(DELIVERIES, outcome="delivered", reason="http_2xx") == 1
        await w.close()
    [row] = await deliveries(hub, owner, made["id"])
    assert row["id"] == first.headers["webhook-id"]
    assert (row["status"], row["attempts"], row["last_status_code"]) == ("delivered", 3, 200)


async def test_dead_receiver_ends_dead_then_redelivery_succeeds(hub: Hub) -> None:
    owner = await hub.new_tenant("wh-dead")
    made = await add_endpoint(hub, owner, dead_url())
    await emit(hub, owner.tenant_id, "payment.received", amount="1.00", currency="EUR")
    w = worker(hub, max_attempts=3)
    rows: list[dict[str, object]] = []

    def dead() -> bool:
        return bool(rows) and rows[0]["status"] == "dead"

    async def refresh() -> None:
        rows[:] = await deliveries(hub, owner, made["id"])

    while not dead():
        await w.tick()
        await refresh()
        await asyncio.sleep(0.05)
    [row] = rows
    assert row["attempts"] == 3 and row["last_status_code"] is None
    assert "ConnectError" in str(row["last_error"])
    assert w.metrics.value(DELIVERIES, outcome="dead", reason="connect") == 1
    await w.tick()
    assert (await deliveries(hub, owner, made["id"]))[0]["attempts"] == 3  # dead: left alone
    async with running_receiver() as rx:
        moved = await hub.client.patch(f"/webhooks/endpoints/{made['id']}",
                                       json={"url": rx.url}, headers=owner.headers)
        assert moved.status_code == 200 and moved.json()["url"] == rx.url
        again = await hub.post(owner, f"/webhooks/deliveries/{row['id']}/redeliver", {})
        assert (again["status"], again["attempts"]) == ("pending", 0)
        await tick_until([w], lambda: len(rx.requests) == 1)
        assert rx.requests[0].headers["webhook-id"] == row["id"]
        assert standard_verifies(made["secret"], rx.requests[0].headers, rx.requests[0].body)
    await w.close()


async def test_two_workers_deliver_each_event_once_per_matching_endpoint(hub: Hub) -> None:
    owner = await hub.new_tenant("wh-fan")
    async with running_receiver() as rx:
        everything = await add_endpoint(hub, owner, f"{rx.url}/all")
        tickets = await add_endpoint(hub, owner, f"{rx.url}/tickets", ["ticket.created"])
        paused = await add_endpoint(hub, owner, f"{rx.url}/paused")
        await hub.client.patch(f"/webhooks/endpoints/{paused['id']}", json={"active": False},
                               headers=owner.headers)
        for n in range(6):
            await emit(hub, owner.tenant_id, "ticket.created", ticket_id=uuid.uuid4(), n=n)
            await emit(hub, owner.tenant_id, "invoice.finalized", invoice_id=uuid.uuid4(), n=n)
        workers = [worker(hub, batch_size=3), worker(hub, batch_size=3)]
        await tick_until(workers, lambda: len(rx.requests) >= 18)
        for _ in range(3):
            await asyncio.gather(*(w.tick() for w in workers))
        by_path: dict[str, list[str]] = {}
        for r in rx.requests:
            by_path.setdefault(r.path, []).append(r.headers["webhook-id"])
        assert sorted(by_path) == ["/all", "/tickets"]
        assert len(by_path["/all"]) == len(set(by_path["/all"])) == 12
        assert len(by_path["/tickets"]) == len(set(by_path["/tickets"])) == 6
        assert {r.doc["type"] for r in rx.requests if r.path == "/tickets"} == {"ticket.created"}
        for w in workers:
            await w.close()
    assert await delivery_rows(hub, paused["id"]) == []
    assert {d.status for d in await delivery_rows(hub, everything["id"])} == {"delivered"}
    assert len(await delivery_rows(hub, tickets["id"])) == 6


async def test_endpoint_rules_refuse_bad_urls_and_unknown_types(hub: Hub) -> None:
    owner = await hub.new_tenant("wh-rules")
    for url in ("ftp://files.example.net/x", "https://user:pw@hooks.example.net/x",
                "http://169.254.169.254/latest/meta-data", "hooks.example.net/x",
                "https://[fe80::1]/x"):
        resp = await hub.client.post("/webhooks/endpoints", json={
            "url": url, "event_types": ["*"]}, headers=owner.headers)
        assert resp.status_code == 422, (url, resp.text)
        assert "url:" in resp.json()["detail"]
    resp = await hub.client.post("/webhooks/endpoints", json={
        "url": "https://hooks.example.net/x", "event_types": ["invoice.paid"]},
        headers=owner.headers)
    assert resp.status_code == 422 and "invoice.finalized" in resp.json()["detail"]
    with pytest.raises(InvalidRequestError, match="plain http"):
        check_url("http://portal.example.net/hook", allow_http=False)
    with pytest.raises(InvalidRequestError, match="plain http"):  # no loopback exemption
        check_url("http://127.0.0.1:9000/hook", allow_http=False,
                  destinations=Destinations(parse_networks("127.0.0.0/8")))
    assert check_url("https://portal.example.net/hook", allow_http=False)


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    settings = WebhookSettings(backoff_base_s=30, backoff_max_s=6 * 3600)
    for attempt in range(1, 13):
        nominal = 30 * 2 ** (attempt - 1)
        waits = [backoff_s(attempt, settings) for _ in range(50)]
        assert all(min(0.8 * nominal, 6 * 3600) <= w <= min(1.2 * nominal, 6 * 3600)
                   for w in waits), attempt
    assert backoff_s(12, settings) == 6 * 3600
    assert len({round(backoff_s(1, settings), 6) for _ in range(20)}) > 1  # jittered


def test_body_is_canonical_json() -> None:
    from datetime import UTC, datetime

    from hub.events.delivery import event_body
    from hub.events.models import OutboxEvent

    event = OutboxEvent(id=uuid.uuid4(), tenant_id=uuid.uuid4(), type="payment.received",
                        payload={"b": "2.50", "a": "x"},
                        occurred_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    body = event_body(event)
    assert body == event_body(event)
    assert json.loads(body)["data"] == {"a": "x", "b": "2.50"}
    assert b" " not in body


async def test_worker_runs_on_the_embedded_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    async with running_hub(hub_settings(url)) as lite, running_receiver() as rx:
        owner = await lite.new_tenant("wh-sqlite")
        made = await add_endpoint(lite, owner, rx.url, ["ticket.created"])
        rx.fail_next(1)
        await emit(lite, owner.tenant_id, "ticket.created", ticket_id=uuid.uuid4())
        w = worker(lite)
        await tick_until([w], lambda: len(rx.requests) == 2)
        await w.close()
    assert len({r.headers["webhook-id"] for r in rx.requests}) == 1
    assert all(standard_verifies(made["secret"], r.headers, r.body) for r in rx.requests)


def test_hub_side_legacy_verify_matches_the_recipe_and_refuses_replays() -> None:
    from hub.events import sign, verify

    body, now, wid = b'{"id":"x"}', 1_800_000_000, str(uuid.uuid4())
    header = sign("whsec_k", wid, now, body)
    assert verify("whsec_k", wid, now, body, header, now=now + 299)
    assert verify("whsec_k", wid, now, body, f"v1=deadbeef, {header}", now=now)  # rotation
    assert not verify("whsec_k", wid, now, body, header, now=now + 301)
    assert not verify("whsec_other", wid, now, body, header, now=now)
    # The id is signed: the same request replayed under a fresh id (past dedupe) fails.
    assert not verify("whsec_k", str(uuid.uuid4()), now, body, header, now=now)
    assert not verify("whsec_k", wid, now, body, "v1=\u00e9t\u00e9", now=now)  # no TypeError
    fresh = int(time.time())
    headers = {"webhook-id": wid, "webhook-timestamp": str(fresh),
               "webhook-signature": sign("whsec_k", wid, fresh, body)}
    assert legacy_verifies("whsec_k", headers, body)
    assert not legacy_verifies("whsec_k", {**headers, "webhook-id": str(uuid.uuid4())}, body)
    assert not legacy_verifies("whsec_k", {**headers, "webhook-signature": "v1=\u00e9"}, body)
