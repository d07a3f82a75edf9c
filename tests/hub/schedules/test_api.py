"""The schedules API: a tenant's default schedules appear on first read with the documented
crons; changes are validated (a bad cron or time zone is a 422 naming the reason); run now
queues a manual due time; runs are listed with cursor pagination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hub.schedules.scheduler import Scheduler
from hub.schedules.settings import SchedulerSettings
from tests.hub.harness import Account, Hub

DEFAULTS = {"billing.run": "0 2 * * *", "billing.dunning": "0 6 * * *",
            "retention.device_events": "30 3 * * *", "retention.schedule_runs": "45 3 * * *",
            "jobs.backups": "0 4 * * *", "billing.usage_caps": "15 * * * *",
            "access.stale_sessions": "*/5 * * * *", "ipam.release_quarantined": "*/15 * * * *",
            "idempotency.purge": "5 * * * *", "access.coa_sweep": "*/2 * * * *",
            "access.reconcile_answers": "*/10 * * * *"}


async def _schedules(hub: Hub, owner: Account) -> dict[str, dict[str, Any]]:
    listed = await hub.client.get("/schedules", headers=owner.headers)
    assert listed.status_code == 200, listed.text
    return {row["kind"]: row for row in listed.json()["data"]}


async def test_default_schedules_appear_with_the_documented_timing(hub: Hub) -> None:
    owner = await hub.new_tenant("defaults")
    found = await _schedules(hub, owner)
    assert {kind: row["cron"] for kind, row in found.items()} == DEFAULTS
    billing = found["billing.run"]
    assert (billing["timezone"], billing["enabled"], billing["params"]) == ("UTC", True,
                                                                            {"day": 1})
    assert billing["catch_up"] == "all" and found["retention.device_events"]["catch_up"] == \
        "latest"
    due = datetime.fromisoformat(billing["next_due_at"])
    assert (due.hour, due.minute) == (2, 0) and due > datetime.now(UTC)
    assert billing["last_run"] is None
    assert await _schedules(hub, owner) == found  # created once


async def test_changes_are_validated_and_move_the_next_due_time(hub: Hub) -> None:
    owner = await hub.new_tenant("patch")
    billing = (await _schedules(hub, owner))["billing.run"]
    path = f"/schedules/{billing['id']}"
    for body, reason in (({"cron": "0 2 * *"}, "needs 5 fields"),
                         ({"cron": "99 2 * * *"}, "out of range"),
                         ({"timezone": "Europe/Atlantis"}, "not an IANA time zone"),
                         ({"params": {"day": 32}}, "day: an integer from 1 to 31"),
                         ({"when": "now"}, "")):
        refused = await hub.client.patch(path, json=body, headers=owner.headers)
        assert refused.status_code == 422, (body, refused.text)
        assert reason in refused.text
    changed = await hub.client.patch(path, headers=owner.headers, json={
        "cron": "0 2 5 * *", "timezone": "America/New_York", "params": {"day": 5}})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["cron"], body["timezone"], body["params"]) == ("0 2 5 * *",
                                                                "America/New_York", {"day": 5})
    due = datetime.fromisoformat(body["next_due_at"])
    local = due.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    assert (local.day, local.hour, local.minute) == (5, 2, 0)
    paused = await hub.client.patch(path, json={"enabled": False}, headers=owner.headers)
    assert paused.json()["enabled"] is False


async def test_run_now_and_the_runs_pages(hub: Hub) -> None:
    owner = await hub.new_tenant("runnow")
    retention = (await _schedules(hub, owner))["retention.schedule_runs"]
    path = f"/schedules/{retention['id']}"
    for _ in range(3):
        made = await hub.client.post(f"{path}/run", headers=owner.headers)
        assert made.status_code == 202, made.text
        assert (made.json()["status"], made.json()["manual"]) == ("pending", True)
    scheduler = Scheduler(hub.app.state.sessions, SchedulerSettings(),
                          clock=lambda: datetime.now(UTC) + timedelta(seconds=1))
    await scheduler.tick()
    first = await hub.client.get(f"{path}/runs", params={"limit": 2}, headers=owner.headers)
    assert first.status_code == 200, first.text
    page = first.json()
    assert len(page["data"]) == 2 and page["next_cursor"]
    rest = await hub.client.get(f"{path}/runs", headers=owner.headers,
                                params={"limit": 2, "cursor": page["next_cursor"]})
    runs = page["data"] + rest.json()["data"]
    assert rest.json()["next_cursor"] is None
    assert [r["status"] for r in runs] == ["succeeded"] * 3
    assert all(r["summary"].startswith("0 schedule runs deleted (finished before") for r in runs)
    shown = (await hub.client.get(path, headers=owner.headers)).json()
    assert shown["last_run"]["id"] == runs[-1]["id"] == shown["last_finished_run"]["id"]
