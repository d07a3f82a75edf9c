"""docs/alarms.md names every shipped rule and every alarm setting, so the NOC's reference
cannot fall behind the YAML or the settings classes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic_settings import BaseSettings

from hub.alarms.evaluator_settings import EvaluatorSettings
from hub.alarms.notify.settings import NotifierSettings, SmtpSettings

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "alarms.md").read_text(encoding="utf-8")
RULES = yaml.safe_load((ROOT / "hub" / "alarms" / "defaults.yaml").read_text())["rules"]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_shipped_rule_has_a_row(rule: str) -> None:
    row = [line for line in DOC.splitlines() if line.startswith(f"| `{rule}` |")]
    assert row, f"docs/alarms.md: no table row for rule {rule!r} (hub/alarms/defaults.yaml)"
    severity = RULES[rule].get("severity")
    expected = "the event's" if severity is None else severity
    assert f"| {expected} |" in row[0], f"{rule}: the row's severity is not {expected}"


@pytest.mark.parametrize("cls", [EvaluatorSettings, NotifierSettings, SmtpSettings])
def test_the_settings_people_change_are_documented(cls: type[BaseSettings]) -> None:
    prefix = str(cls.model_config.get("env_prefix", ""))
    wanted = {"EvaluatorSettings": ["EMBEDDED", "INTERVAL_S"],
              "NotifierSettings": ["EMBEDDED", "INTERVAL_S", "LINK_BASE_URL"],
              "SmtpSettings": ["HOST", "PORT", "TLS", "USERNAME", "PASSWORD", "FROM",
                               "CA_FILE", "VALIDATE_CERTS", "TIMEOUT_S"]}[cls.__name__]
    missing = [f"{prefix}{name}" for name in wanted if f"{prefix}{name}" not in DOC]
    assert not missing, f"docs/alarms.md does not explain {missing}"
