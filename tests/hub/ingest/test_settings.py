"""Ingest and dispatcher tuning reaches the objects from the environment, and bad values
are refused with the variable's name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import async_sessionmaker

from hub.ingest.service import build_worker
from hub.ingest.settings import IngestSettings
from hub.jobs.settings import JobsSettings
from hub.tsdb.null import NullStore


def test_reorder_window_and_job_resend_come_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOTMAC_HUB_INGEST_REORDER_WINDOW_S", "1800")
    monkeypatch.setenv("DOTMAC_HUB_JOBS_RESEND_AFTER_S", "120")
    settings = IngestSettings()
    assert JobsSettings().resend_after_s == 120
    worker = build_worker(async_sessionmaker(), settings, NullStore())
    assert worker.pipeline.reorder_window == timedelta(minutes=30)


@pytest.mark.parametrize(("settings", "variable", "value"), [
    (IngestSettings, "DOTMAC_HUB_INGEST_REORDER_WINDOW_S", "10"),  # shorter than a prune round
    (IngestSettings, "DOTMAC_HUB_INGEST_REORDER_WINDOW_S", "soon"),
    (JobsSettings, "DOTMAC_HUB_JOBS_RESEND_AFTER_S", "0"),
])
def test_bad_tuning_is_refused_naming_the_variable(
        monkeypatch: pytest.MonkeyPatch, settings: type[IngestSettings | JobsSettings],
        variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as refused:
        settings()
    prefix = settings.model_config.get("env_prefix", "")
    assert variable.removeprefix(prefix).lower() in str(refused.value)
