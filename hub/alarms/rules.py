"""The alarm rule catalogue: shipped defaults (defaults.yaml, schema-checked) with each
tenant's overrides (alarm_rule_overrides: enabled, severity, params merged) on top."""

from __future__ import annotations

import functools
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms.models import SEVERITIES, AlarmRuleOverride
from hub.alarms.repository import overrides as rule_overrides

HERE = Path(__file__).resolve().parent
DEFAULTS_FILE = HERE / "defaults.yaml"
SCHEMA_FILE = HERE / "rules.schema.json"
SEVERITY_RANK = {name: rank for rank, name in enumerate(reversed(SEVERITIES))}  # info=0


class RulesFileError(ValueError):
    """The shipped rules file (or an override) does not match the schema."""


@dataclass(frozen=True)
class Rule:
    """One effective rule of a tenant. `severity` None: the event's own severity."""

    key: str
    source: str  # event | telemetry | agent | hub
    enabled: bool
    severity: str | None
    params: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    def param(self, name: str, default: Any = None) -> Any:
        """A parameter of the rule, `default` when it has none."""
        return self.params.get(name, default)


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))


@functools.cache
def _params_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text())
    return Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/params"})


def _where(error: Any) -> str:
    return "/".join(str(part) for part in error.absolute_path) or "(top)"


def check_document(document: Any, origin: str) -> None:
    """Refuse a rules document that does not match rules.schema.json, naming the place."""
    error = best_match(_validator().iter_errors(document))
    if error is not None:
        # The schema's message may quote the value; it is ours (shipped file), not a secret.
        raise RulesFileError(f"{origin}: {_where(error)}: {error.message}; "
                             f"fix it to match {SCHEMA_FILE.name}")


def load_document(path: Path = DEFAULTS_FILE) -> dict[str, Any]:
    """Read and check a rules file."""
    document = yaml.safe_load(path.read_text())
    check_document(document, path.name)
    result: dict[str, Any] = document
    return result


@functools.cache
def shipped_rules() -> dict[str, Rule]:
    """The rules as shipped (every tenant starts from these)."""
    document = load_document()
    base: dict[str, Any] = document["defaults"]
    return {key: Rule(key=key, source=spec["source"], enabled=spec.get("enabled", True),
                      severity=spec["severity"], params={**base, **spec["params"]},
                      description=" ".join(spec["description"].split()))
            for key, spec in document["rules"].items()}


def check_override(key: str, severity: str | None, params: dict[str, Any]) -> None:
    """Refuse an override of an unknown rule, an unknown severity or bad params (the API
    calls this before storing one; the message names the field and the fix)."""
    if key not in shipped_rules():
        raise RulesFileError(f"rule {key!r}: no such rule; use one of GET /alarm-rules")
    if severity is not None and severity not in SEVERITIES:
        raise RulesFileError(f"severity {severity!r}: use one of {', '.join(SEVERITIES)}")
    error = best_match(_params_validator().iter_errors(params))
    if error is not None:
        raise RulesFileError(f"params/{_where(error)}: {error.message}")


def merge(rule: Rule, override: AlarmRuleOverride | None) -> Rule:
    """`rule` with a tenant's override applied (None fields keep the default)."""
    if override is None:
        return rule
    return Rule(key=rule.key, source=rule.source,
                enabled=rule.enabled if override.enabled is None else override.enabled,
                severity=override.severity or rule.severity,
                params={**rule.params, **(override.params or {})},
                description=rule.description)


async def effective_rules(session: AsyncSession, tenant_id: uuid.UUID) -> dict[str, Rule]:
    """Every rule as it applies to the tenant: shipped defaults with its overrides."""
    overrides = await rule_overrides.of_tenant(session, tenant_id)
    return {key: merge(rule, overrides.get(key)) for key, rule in shipped_rules().items()}


async def effective_rule(session: AsyncSession, tenant_id: uuid.UUID, key: str) -> Rule:
    """One rule as it applies to the tenant (an unknown key: a disabled placeholder with the
    shared defaults, so callers with their own rule names still get flapping params)."""
    override = await rule_overrides.of_rule(session, tenant_id, key)
    rule = shipped_rules().get(key) or Rule(key=key, source="hub", enabled=False,
                                            severity=None, params=dict(_base_params()))
    return merge(rule, override)


@functools.cache
def _base_params() -> tuple[tuple[str, Any], ...]:
    return tuple(load_document()["defaults"].items())


def at_least(severity: str, minimum: str) -> bool:
    """Whether `severity` is `minimum` or worse (critical > major > minor > warning > info)."""
    return SEVERITY_RANK.get(severity, 0) >= SEVERITY_RANK.get(minimum, 0)
