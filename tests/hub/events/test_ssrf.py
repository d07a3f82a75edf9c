"""SSRF: endpoint URLs and the addresses deliveries connect to (docs/webhooks.md, URL rules).

Receivers here are real listeners on 127.0.0.1. The conftest allows 127.0.0.0/8 the way an
operator would; the workers below that must refuse loopback run without that allowlist.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from hub.errors import InvalidRequestError
from hub.events.delivery import DELIVERIES, WebhookWorker
from hub.events.models import WebhookEndpoint
from hub.events.policy import REFUSED_TEXT, Destinations, check_url, parse_networks
from hub.events.service import accepted_url, allow_http
from hub.events.settings import WebhookSettings
from hub.events.signing import encrypt_secret, new_secret
from hub.events.transport import webhook_client
from hub.metrics import Metrics
from tests.hub.events.receiver import running_receiver, self_signed
from tests.hub.events.support import (
    FAST,
    add_endpoint,
    delivery_rows,
    standard_verifies,
    tick_until,
    worker,
)
from tests.hub.harness import Hub, hub_settings

METADATA_FORMS = [
    "https://0xa9fea9fe/latest/meta-data", "https://[::ffff:169.254.169.254]/",
    "http://2852039166/", "https://0251.0376.0251.0376/", "https://169.254.43518/",
    "https://[::ffff:a9fe:a9fe]/", "https://[2002:a9fe:a9fe::]/", "https://[::169.254.169.254]/",
    "https://[64:ff9b::a9fe:a9fe]/", "https://169.254.169.254/"]
OTHER_INTERNAL = ["https://10.1.2.3/", "https://192.168.0.1/", "https://[fd00::1]/",
                  "https://0.0.0.0/", "https://[::]/", "https://224.0.0.1/",
                  "https://100.64.0.1/", "https://[fe80::1]/",
                  "https://0x7f000001/", "https://2130706433/", "https://169.254.169.254./"]


async def test_saving_refuses_every_form_of_an_internal_address(hub: Hub) -> None:
    owner = await hub.new_tenant("ssrf-save")
    for url in METADATA_FORMS + OTHER_INTERNAL:
        resp = await hub.client.post("/webhooks/endpoints", json={
            "url": url, "event_types": ["*"]}, headers=owner.headers)
        assert resp.status_code == 422, (url, resp.text)
        assert resp.json()["detail"].startswith("url:"), url
    for url in ("http://127.0.0.1:9000/hook", "http://localhost:9000/hook",
                "https://hooks.example.net/x"):  # loopback: allowed by the test allowlist
        made = await add_endpoint(hub, owner, url)
        assert made["url"] == url


def test_production_has_no_loopback_exemption(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOTMAC_HUB_WEBHOOK_ALLOW_PRIVATE_NETS")
    production = hub_settings("postgresql+psycopg://hub@db/hub", mode="production")
    assert not allow_http(production)
    for url in ("http://127.0.0.1:5432/", "https://127.0.0.1:5432/", "https://localhost/x",
                "http://localhost:5432/", "https://[::1]:5432/", "https://[::ffff:127.0.0.1]/"):
        with pytest.raises(InvalidRequestError, match="url:"):
            accepted_url(url, production)
    listed = Destinations(parse_networks("10.20.0.0/16"))
    assert check_url("https://10.20.3.4/hook", allow_http=False, destinations=listed)
    with pytest.raises(InvalidRequestError, match="plain http"):
        check_url("http://10.20.3.4/hook", allow_http=False, destinations=listed)
    with pytest.raises(ValueError, match=r"10\.0\.0/33"):
        WebhookSettings(allow_private_nets="10.20.0.0/16, 10.0.0/33")


async def _stored_endpoint(hub: Hub, tenant_id: uuid.UUID, url: str) -> str:
    """An endpoint row written straight to the table: URLs saved before a rule existed, or
    names whose DNS answer changed since they were saved."""
    async with hub.app.state.sessions() as session:
        row = WebhookEndpoint(tenant_id=tenant_id, url=url, event_types=["*"], active=True,
                              description="", secret_encrypted=encrypt_secret(
                                  new_secret(), hub.settings.secret_key))
        session.add(row)
        await session.commit()
        return str(row.id)


async def test_worker_resolves_and_refuses_internal_destinations_at_send_time(hub: Hub) -> None:
    owner = await hub.new_tenant("ssrf-send")
    async with running_receiver() as rx:
        port = rx.port
        urls = {"loopback": f"http://127.0.0.1:{port}/a", "name": f"http://localhost:{port}/b",
                "hex": f"http://0x7f000001:{port}/c", "decimal": f"http://2130706433:{port}/d",
                "mapped": f"http://[::ffff:127.0.0.1]:{port}/e",
                "metadata": "http://2852039166/latest"}
        ids = {k: await _stored_endpoint(hub, owner.tenant_id, u) for k, u in urls.items()}
        pings = {k: await hub.post(owner, f"/webhooks/endpoints/{i}/ping", {})
                 for k, i in ids.items()}
        strict = worker(hub, allow_private_nets="", max_attempts=1)  # dead at once
        await strict.tick()
        await strict.close()
        assert rx.requests == []  # not one connection reached the listening receiver
        for key, endpoint_id in ids.items():
            [row] = await delivery_rows(hub, endpoint_id)
            assert (row.status, row.attempts, row.last_status_code) == ("dead", 1, None), key
            assert row.last_error == REFUSED_TEXT, key  # nothing about the address or port
        assert strict.metrics.value(DELIVERIES, outcome="dead", reason="refused") == 6
        for key in ("name", "mapped"):  # the operator allows loopback: the same rows go out
            await hub.post(owner, f"/webhooks/deliveries/{pings[key]['id']}/redeliver", {})
        allowed = worker(hub)
        await tick_until([allowed], lambda: len(rx.requests) == 2)
        await allowed.close()
    assert sorted(r.path for r in rx.requests) == ["/b", "/e"]
    assert {r.headers["host"] for r in rx.requests} == {f"localhost:{port}",
                                                        f"[::ffff:127.0.0.1]:{port}"}


async def test_https_connects_to_the_checked_address_under_the_receivers_name(
        hub: Hub, tmp_path: Path) -> None:
    owner = await hub.new_tenant("ssrf-tls")
    tls = self_signed(tmp_path, "localhost")  # no IP address in the certificate
    async with running_receiver(tls) as rx:
        by_name = await add_endpoint(hub, owner, f"https://localhost:{rx.port}/tls")
        by_ip = await add_endpoint(hub, owner, f"https://127.0.0.1:{rx.port}/ip")
        for made in (by_name, by_ip):
            await hub.post(owner, f"/webhooks/endpoints/{made['id']}/ping", {})
        settings = WebhookSettings(**FAST)
        w = WebhookWorker(hub.app.state.sessions, hub.settings.secret_key, settings, Metrics(),
                          client=webhook_client(settings, verify=tls.client_context()))
        await w.tick()
        await w.close()
    [got] = rx.requests  # SNI and the certificate check used the name, not 127.0.0.1
    assert got.path == "/tls" and got.headers["host"] == f"localhost:{rx.port}"
    assert standard_verifies(by_name["secret"], got.headers, got.body)
    [ok] = await delivery_rows(hub, by_name["id"])
    [refused] = await delivery_rows(hub, by_ip["id"])
    assert ok.status == "delivered"
    assert refused.status == "failed" and "certificate" in str(refused.last_error).lower()
