"""The embedded default: the scheduler on SQLite in one process. Due times are claimed once
(two schedulers of the process racing), missed ones caught up, and the API's run now is run
by the scheduler, on the SQLite file the demo hub uses."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hub.schedules.scheduler import Scheduler
from hub.schedules.settings import SchedulerSettings
from hub.schedules.timing import next_due
from tests.hub.harness import hub_settings, running_hub
from tests.hub.schedules.support import Effects, only_tasks, runs_of, set_schedule


async def test_scheduler_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    async with running_hub(hub_settings(url)) as hub:
        owner = await hub.new_tenant("sqlite")
        sessions = hub.app.state.sessions
        listed = await hub.client.get("/schedules", headers=owner.headers)
        retention = next(s for s in listed.json()["data"]
                         if s["kind"] == "retention.schedule_runs")
        made = await hub.client.post(f"/schedules/{retention['id']}/run", headers=owner.headers)
        assert made.status_code == 202, made.text
        later = Scheduler(sessions, SchedulerSettings(),
                          clock=lambda: datetime.now(UTC) + timedelta(seconds=1))
        await later.tick()
        runs = await hub.client.get(f"/schedules/{retention['id']}/runs", headers=owner.headers)
        assert [r["status"] for r in runs.json()["data"]] == ["succeeded"]

        now = datetime.now(UTC)
        latest = next_due("0 2 * * *", "UTC", now - timedelta(days=1))
        with only_tasks({"test.sqlite": "all"}, Effects()) as effects:
            schedule_id = await set_schedule(sessions, owner.tenant_id, "test.sqlite",
                                             "0 2 * * *", latest - timedelta(days=2),
                                             {"tag": "sqlite"})
            one, two = Scheduler(sessions, claimer="a:1"), Scheduler(sessions, claimer="b:2")
            await asyncio.gather(one.tick(), two.tick())
            await asyncio.gather(one.tick(), two.tick())
            every = [latest - timedelta(days=d) for d in (2, 1, 0)]
            assert effects.of("sqlite") == every
            assert [(r.due_at, r.status) for r in await runs_of(sessions, schedule_id)] == [
                (at, "succeeded") for at in every]
