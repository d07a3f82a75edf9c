"""GET /metrics names every tenant's agents, alarms and pools: with DOTMAC_HUB_METRICS_TOKEN
set only a scrape bearing the token reads it (production refuses to run without one:
tests/hub/test_hub_cli.py)."""

from __future__ import annotations

from tests.hub.harness import hub_settings, running_hub

TOKEN = "scrape-" + "t" * 32


async def test_metrics_need_the_scrape_token_when_one_is_set(pg_url: str) -> None:
    async with running_hub(hub_settings(pg_url, metrics_token=TOKEN)) as hub:
        for headers in ({}, {"Authorization": "Bearer wrong-token"},
                        {"Authorization": f"Basic {TOKEN}"}, {"Authorization": TOKEN}):
            refused = await hub.client.get("/metrics", headers=headers)
            assert refused.status_code == 401, (headers, refused.text)
            assert "dotmac_" not in refused.text and TOKEN not in refused.text
        scraped = await hub.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert scraped.status_code == 200 and "dotmac_hub_requests_total" in scraped.text
        # the refusals were counted like any other request
        assert 'route="/metrics",status="401"' in scraped.text
        assert (await hub.client.get("/healthz")).status_code == 200  # probes stay open
        # a tenant's own credential is not the scrape token
        owner = await hub.new_tenant("metrics-token")
        as_tenant = await hub.client.get("/metrics", headers=owner.headers)
        assert as_tenant.status_code == 401 and "dotmac_" not in as_tenant.text
