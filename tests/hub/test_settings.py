"""One settings home: variable names come from the fields, one broker serves every login,
and every variable renamed in this release still works, with a warning naming its new name."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from hub import settings_env
from hub.cli import renamed_variables, settings_classes
from hub.ingest.settings import IngestSettings
from hub.jobs.settings import JobsSettings
from hub.settings import BrokerSettings, HubSettings
from hub.settings_env import EnvSettings

CA_FILE = Path(__file__)  # any existing file passes the CA file check

# Every old name, per class that reads it: (old, class, field, new variable, value, expected)
RENAMED: list[tuple[str, type[EnvSettings], str, str, str, Any]] = [
    ("DOTMAC_HUB_MQTT_HOST", BrokerSettings, "host", "DOTMAC_HUB_BROKER_HOST",
     "mqtt.example.net", "mqtt.example.net"),
    ("DOTMAC_HUB_MQTT_PORT", BrokerSettings, "port", "DOTMAC_HUB_BROKER_PORT", "1884", 1884),
    ("DOTMAC_HUB_MQTT_TLS", BrokerSettings, "tls", "DOTMAC_HUB_BROKER_TLS", "true", True),
    ("DOTMAC_HUB_MQTT_CA_FILE", BrokerSettings, "ca_file", "DOTMAC_HUB_BROKER_CA_FILE",
     str(CA_FILE), CA_FILE),
    ("DOTMAC_HUB_MQTT_USERNAME", IngestSettings, "username", "DOTMAC_HUB_INGEST_USERNAME",
     "hub-reader", "hub-reader"),
    ("DOTMAC_HUB_MQTT_PASSWORD", IngestSettings, "password", "DOTMAC_HUB_INGEST_PASSWORD",
     "pw-1", SecretStr("pw-1")),
    ("DOTMAC_HUB_MQTT_USERNAME", JobsSettings, "username", "DOTMAC_HUB_JOBS_USERNAME",
     "hub-writer", "hub-writer"),
    ("DOTMAC_HUB_MQTT_PASSWORD", JobsSettings, "password", "DOTMAC_HUB_JOBS_PASSWORD",
     "pw-2", SecretStr("pw-2")),
]
NEW_VALUES = {"host": "new.example.net", "port": "1885", "tls": "false",
              "ca_file": str(CA_FILE.parent / "conftest.py"), "username": "new-login",
              "password": "new-pw"}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No DOTMAC_HUB_* from the caller and no .env file: each test sets what it reads."""
    for name in list(os.environ):
        if name.startswith("DOTMAC_HUB_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings_env, "_logged", set())


def test_every_renamed_variable_is_covered_here() -> None:
    declared = {(old, cls) for cls in settings_classes() for old in cls.renamed_env}
    assert declared == {(old, cls) for old, cls, *_rest in RENAMED}


@pytest.mark.parametrize(("old", "cls", "field", "new", "value", "expected"), RENAMED,
                         ids=[f"{r[0]}-{r[1].__name__}" for r in RENAMED])
def test_an_old_name_still_sets_its_value_and_warns_with_the_new_name(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, old: str,
        cls: type[EnvSettings], field: str, new: str, value: str, expected: Any) -> None:
    monkeypatch.setenv(old, value)
    caplog.set_level(logging.WARNING, logger="dotmac.hub.settings")
    with pytest.warns(DeprecationWarning, match=f"{old} is deprecated; rename it {new}"):
        settings = cls()
    assert getattr(settings, field) == expected
    assert cls.env_name(field) == new
    assert [r.getMessage() for r in caplog.records if new in r.getMessage()]
    assert value not in caplog.text or "PASSWORD" not in old  # no secret in the log


@pytest.mark.parametrize(("old", "cls", "field", "new", "value", "expected"), RENAMED,
                         ids=[f"{r[0]}-{r[1].__name__}" for r in RENAMED])
def test_the_new_name_wins_and_the_warning_says_so(
        monkeypatch: pytest.MonkeyPatch, old: str, cls: type[EnvSettings], field: str,
        new: str, value: str, expected: Any) -> None:
    monkeypatch.setenv(old, value)
    monkeypatch.setenv(new, NEW_VALUES[field])
    with pytest.warns(DeprecationWarning, match=f"{old} is deprecated and ignored: {new} is "
                      "also set and wins"):
        settings = cls()
    assert getattr(settings, field) != expected


def test_an_old_tls_port_becomes_the_tls_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """DOTMAC_HUB_MQTT_PORT was the port the hub connected to: with TLS, the TLS port."""
    monkeypatch.setenv("DOTMAC_HUB_MQTT_PORT", "18883")
    monkeypatch.setenv("DOTMAC_HUB_BROKER_TLS", "true")
    with pytest.warns(DeprecationWarning, match="rename it DOTMAC_HUB_BROKER_TLS_PORT"):
        broker = BrokerSettings()
    assert (broker.tls_port, broker.port, broker.connect_port) == (18883, 1883, 18883)
    assert "DOTMAC_HUB_BROKER_TLS_PORT" in renamed_variables()["DOTMAC_HUB_MQTT_PORT"]


def test_old_names_in_the_env_file_work_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DOTMAC_HUB_MQTT_HOST=from-dotenv.example.net\n")
    with pytest.warns(DeprecationWarning, match="DOTMAC_HUB_BROKER_HOST"):
        assert BrokerSettings().host == "from-dotenv.example.net"


def test_the_log_line_is_written_once_per_process(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("DOTMAC_HUB_MQTT_TLS", "true")
    caplog.set_level(logging.WARNING, logger="dotmac.hub.settings")
    with pytest.warns(DeprecationWarning):
        IngestSettings(), JobsSettings(), HubSettings()
    lines = [r for r in caplog.records if "DOTMAC_HUB_MQTT_TLS" in r.getMessage()]
    assert len(lines) == 1


def test_one_broker_for_every_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOTMAC_HUB_BROKER_HOST", "mqtt.example.net")
    monkeypatch.setenv("DOTMAC_HUB_BROKER_TLS", "true")
    monkeypatch.setenv("DOTMAC_HUB_INGEST_USERNAME", "reader")
    monkeypatch.setenv("DOTMAC_HUB_JOBS_USERNAME", "writer")
    monkeypatch.setenv("DOTMAC_HUB_BROKER_DYNSEC_USERNAME", "admin")
    hub, ingest, jobs = HubSettings(), IngestSettings(), JobsSettings()
    assert hub.broker == ingest.broker == jobs.broker
    assert (hub.broker.address, hub.broker.connect_port) == ("mqtt.example.net", 8883)
    assert (ingest.username, jobs.username, hub.dynsec.username) == ("reader", "writer", "admin")


def test_without_a_broker_host_the_hub_logins_stay_on_this_machine() -> None:
    broker = BrokerSettings()
    assert broker.host is None and broker.address == "127.0.0.1"


def test_variable_names_come_from_the_fields_not_from_descriptions() -> None:
    for cls in settings_classes():
        for name, _default, description in cls.env_rows():
            assert name.startswith("DOTMAC_HUB_") and name == name.upper()
            assert "DOTMAC_HUB_" not in description, (name, description)
            assert description, f"{name}: no description"


def test_help_text_names_the_variable_of_its_field() -> None:
    assert HubSettings.env_help("host", "Bind address") == "Bind address [env DOTMAC_HUB_HOST]."
    assert IngestSettings.env_name("worker_suffix") == "DOTMAC_HUB_INGEST_WORKER_SUFFIX"
    with pytest.raises(KeyError, match="no setting"):
        HubSettings.env_name("mqtt_host")


def test_the_worker_suffix_comes_from_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOTMAC_HUB_INGEST_CLIENT_ID", "ingest-a")
    monkeypatch.setenv("DOTMAC_HUB_INGEST_WORKER_SUFFIX", "2")
    settings = IngestSettings()
    assert settings.session_client_id() == "ingest-a-2"
    assert settings.session_client_id("3") == "ingest-a-3"  # --suffix wins


def test_the_operations_guide_lists_every_renamed_variable() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "hub-operations.md").read_text()
    rows = {line.split("|")[1].strip(" `"): line.split("|")[2]
            for line in guide.splitlines() if line.startswith("| `DOTMAC_HUB_")}
    for cls in settings_classes():
        for old, rename in cls.renamed_env.items():
            fields = [rename] if isinstance(rename, str) else [rename.on, rename.off]
            assert old in rows, f"docs/hub-operations.md: {old} missing from the renamed table"
            for field in fields:
                assert f"`{cls.env_name(field)}`" in rows[old], (old, cls.env_name(field))
